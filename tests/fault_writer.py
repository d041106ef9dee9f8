"""A writer process for the fault tests: stores forms in batches and acknowledges each commit.

Usage: python tests/fault_writer.py TAG BATCH ID,ID,...  (database from STAR_SURVEY_DB).
Prints "READY" once connected, "BATCH k1,k2" before each transaction, "ACK k1,k2" after its
commit and "ERR message" when a StorageError reaches the user; exits 0 when all are stored.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session  # noqa: E402

from surveys.context import open_context  # noqa: E402
from surveys.db import run_write  # noqa: E402
from surveys.errors import StorageError  # noqa: E402
from tests.fault_support import append  # noqa: E402


def main(tag: str, batch: int, ids: list[int]) -> int:
    """Return the exit status after writing one form per invitation, batch forms per commit."""
    ctx = open_context()
    signer = ctx.signer
    with ctx.engine.connect():
        pass
    print("READY", flush=True)
    failures = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        keys = [f"{tag}-{invitation_id}" for invitation_id in chunk]
        print("BATCH " + ",".join(keys), flush=True)

        def work(session: Session, chunk: list[int] = chunk, keys: list[str] = keys) -> None:
            for invitation_id, key in zip(chunk, keys, strict=True):
                append(session, signer, invitation_id, key)

        try:
            run_write(ctx.engine, work)
        except StorageError as exc:
            print(f"ERR {exc}", flush=True)
            failures += 1
            continue
        print("ACK " + ",".join(keys), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]),
                  [int(i) for i in sys.argv[3].split(",") if i]))
