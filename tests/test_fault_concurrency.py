"""Eight processes store forms of one provider at once, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
from collections import Counter

from surveys.context import Context
from tests.fault_support import (
    ROOT,
    chain_is_linear,
    cli_env,
    count_responses,
    seed_invitations,
    stored_keys,
    verify_ok,
    writer_command,
)

WRITERS = 8
FORMS_EACH = 12


def test_eight_writers_store_every_acknowledged_form_once(ctx: Context) -> None:
    provider_id, ids = seed_invitations(ctx, WRITERS * FORMS_EACH)
    _ = ctx.signer  # create the key file every writer shares
    env = cli_env(ctx)
    processes = [
        subprocess.Popen(writer_command(f"w{n}", ids[n::WRITERS], batch=1 + n % 3), cwd=ROOT,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(WRITERS)
    ]
    acked: list[str] = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, out + err
        assert "locked" not in (out + err).lower()
        assert not [line for line in out.splitlines() if line.startswith("ERR")], out
        for line in out.splitlines():
            if line.startswith("ACK "):
                acked += line[4:].split(",")

    assert len(acked) == WRITERS * FORMS_EACH
    stored = Counter(stored_keys(ctx.engine))
    assert all(stored[key] == 1 for key in acked)
    assert count_responses(ctx.engine) == len(acked) == len(set(acked))
    chain_is_linear(ctx.engine, provider_id)
    verify_ok(ctx.engine, ctx.signer)
