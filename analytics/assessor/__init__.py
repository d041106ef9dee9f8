"""What every evidence bundle carries for the assessor: the spec, the procedure, a verifier.

These files are copied into each bundle under verify/ (and listed in its signed manifest).
`verify_bundle.py` must keep needing only Python and `cryptography`: it imports nothing of
star-survey (tests/test_assessor_verifier.py runs it with every other import blocked).
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent
SHIPPED = ("VERIFY.md", "SPEC.md", "verify_bundle.py", "tsa_check.py")


def shipped_files() -> dict[str, bytes]:
    """Return the bundle paths and bytes of the assessor's files (those present)."""
    return {f"verify/{name}": (FOLDER / name).read_bytes() for name in SHIPPED
            if (FOLDER / name).exists()}
