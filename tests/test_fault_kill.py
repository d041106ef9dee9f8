"""kill -9 a writer in the middle of its batches, many times: nothing acknowledged is lost."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections import Counter

from sqlalchemy import text

from surveys.context import Context
from tests.fault_support import (
    ROOT,
    chain_is_linear,
    cli_env,
    seed_invitations,
    star_survey,
    stored_keys,
    verify_ok,
    writer_command,
)

KILLS = 12
PER_WRITER = 30  # ten batches of three: far more than a writer finishes before its kill


def _run_and_kill(env: dict[str, str], tag: str, ids: list[int], acks_first: int, delay: float,
                  ) -> tuple[list[list[str]], list[str]]:
    """Return (batches begun, keys acknowledged) of a writer killed delay after some acks."""
    process = subprocess.Popen(writer_command(tag, ids, batch=3), cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, text=True, bufsize=1)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "READY"
    seen = []
    while len([line for line in seen if line.startswith("ACK")]) < acks_first:
        seen.append(process.stdout.readline())
    time.sleep(delay)  # now somewhere inside the next batch's transaction
    process.send_signal(signal.SIGKILL)
    out = "".join(seen) + process.stdout.read()
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL or "ERR" not in out
    batches = [line[6:].split(",") for line in out.splitlines() if line.startswith("BATCH ")]
    acked = [key for line in out.splitlines() if line.startswith("ACK ")
             for key in line[4:].split(",")]
    return batches, acked


def test_killed_writers_lose_no_acknowledged_form_and_leave_no_half_batch(ctx: Context) -> None:
    provider_id, ids = seed_invitations(ctx, KILLS * PER_WRITER)
    _ = ctx.signer
    env = cli_env(ctx)
    chooser = random.Random(7)
    batches: list[list[str]] = []
    acked: list[str] = []
    for kill in range(KILLS):
        began, done = _run_and_kill(env, f"k{kill}", ids[kill * PER_WRITER:(kill + 1) * PER_WRITER],
                                    chooser.randint(0, 2), chooser.uniform(0.0, 0.02))
        batches += began
        acked += done

    stored = Counter(stored_keys(ctx.engine))
    assert all(count == 1 for count in stored.values())
    assert set(acked) <= set(stored)  # every acknowledged form survived the kill
    for batch in batches:  # each transaction is all there or not there at all
        assert {key in stored for key in batch} in ({True}, {False}), batch
    assert 0 < len(acked) and len(stored) < KILLS * PER_WRITER  # kills interrupted writing
    print(f"{len(acked)} acknowledged, {len(stored)} stored, {len(batches)} batches begun")

    if ctx.engine.dialect.name == "sqlite":  # PostgreSQL rolls back a dead client's transaction
        with ctx.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    chain_is_linear(ctx.engine, provider_id)
    verify_ok(ctx.engine, ctx.signer)
    checked = star_survey(env, "verify")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "OK" in checked.stdout
