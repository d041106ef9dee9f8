"""What every evidence bundle carries for the assessor: the spec, the procedure, a verifier.

These files are copied into each bundle under verify/ (and listed in its signed manifest).
`verify_bundle.py` must keep needing only Python and `cryptography`: it imports nothing of
star-survey (tests/test_assessor_verifier.py runs it with every other import blocked).
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent
# bundle path -> the file it is copied from (tsa_check.py is surveys/tsa_min.py, which needs
# only the standard library and cryptography as well)
SHIPPED = {"verify/VERIFY.md": FOLDER / "VERIFY.md", "verify/SPEC.md": FOLDER / "SPEC.md",
           "verify/verify_bundle.py": FOLDER / "verify_bundle.py",
           "verify/tsa_check.py": FOLDER.parent.parent / "surveys" / "tsa_min.py"}


def shipped_files() -> dict[str, bytes]:
    """Return the bundle paths and bytes of the assessor's files."""
    return {path: source.read_bytes() for path, source in SHIPPED.items()}
