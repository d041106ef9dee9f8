"""evidence.pdf checked against the signed records: pages, cover, override section, form pages.

The expected page texts come from running pdftotext here, not from the code under test; a
tampered PDF is stood in for by tampered page texts handed to the check.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import analytics.bundle_verify as bv
from analytics.bundle_verify import legible, page_problems, pdf_pages_text, verify_bundle
from surveys.records import receipt_code, record_view
from tests.bundle_cache import Built, real_bundle
from tests.bundle_tamper import Manifest, files_of, manifest_of, problems, tampered

Pages = list[str]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return the real bundle of seed_year: responses 2-5 current on pages 5-8."""
    return real_bundle("year", tmp_path_factory.mktemp("year"))


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return the real 2026 bundle of seed_two_years: 5 replaced web form 3; forms on 5-6."""
    return real_bundle("two_years", tmp_path_factory.mktemp("two"))


def pdftotext(pdf: bytes, folder: Path) -> tuple[Pages, str]:
    """Return the pages pdftotext -layout gives for a PDF, and what it says on stderr."""
    path = folder / "in.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=False)
    pages = done.stdout.decode().split("\f")
    return (pages[:-1] if not pages[-1].strip() else pages), done.stderr.decode().strip()


def showing(monkeypatch: pytest.MonkeyPatch, built: Built, tmp_path: Path,
            change: Callable[[Pages], Any]) -> None:
    """Make the check read the bundle's PDF as its real pages changed by change(pages)."""
    pages, _ = pdftotext(files_of(built.data)["evidence.pdf"], tmp_path)
    change(pages)
    monkeypatch.setattr(bv, "pdf_pages_text", lambda pdf: list(pages))


def test_pdf_pages_text_is_pdftotext_layout_page_by_page(year: Built, tmp_path: Path) -> None:
    pdf = files_of(year.data)["evidence.pdf"]
    pages, _ = pdftotext(pdf, tmp_path)
    assert pdf_pages_text(pdf) == pages
    assert len(pages) == 8 and "第8页/共8页" in pages[7] and "评价总分值" in pages[7]


def test_pdf_pages_text_of_a_broken_pdf_raises_what_pdftotext_said(tmp_path: Path) -> None:
    _, said = pdftotext(b"%PDF-garbage", tmp_path)
    assert said.startswith("Syntax Error")
    with pytest.raises(ValueError) as raised:
        pdf_pages_text(b"%PDF-garbage")
    assert str(raised.value) == said


@pytest.mark.parametrize(("out", "code", "err", "pages"), [
    (b"a\fb\f", 0, b"", ["a", "b"]), (b"a\fb", 0, b"", ["a", "b"]), (b"a\f \n", 0, b"", ["a"]),
    (b"", 0, b"", []), (b"\xff\f", 0, b"", ["\ufffd"]), (b"a", 1, b"", "pdftotext failed"),
    (b"a", 1, b" \xff bad\n", "\ufffd bad"),
])
def test_pdf_pages_text_runs_pdftotext_on_a_file_and_splits_pages(
        monkeypatch: pytest.MonkeyPatch, out: bytes, code: int, err: bytes,
        pages: Pages | str) -> None:
    calls: list[tuple[list[str], dict[str, Any], bytes]] = []

    def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        calls.append((args, kwargs, Path(args[2]).read_bytes()))
        return subprocess.CompletedProcess(args, code, out, err)
    monkeypatch.setattr(subprocess, "run", run)
    if isinstance(pages, str):
        with pytest.raises(ValueError) as raised:
            pdf_pages_text(b"%PDF")
        assert str(raised.value) == pages
    else:
        assert pdf_pages_text(b"%PDF") == pages
    [(args, kwargs, given)] = calls
    assert args[:2] == ["pdftotext", "-layout"] and args[3] == "-"
    assert Path(args[2]).name == "evidence.pdf" and not Path(args[2]).exists()
    assert kwargs == {"capture_output": True, "check": False, "timeout": 300}
    assert given == b"%PDF"


def test_an_unreadable_pdf_is_named(year: Built, tmp_path: Path) -> None:
    import hashlib
    _, said = pdftotext(b"%PDF-garbage", tmp_path)
    forged = problems(year, lambda m: m["files"].__setitem__(
        "evidence.pdf", hashlib.sha256(b"%PDF-garbage").hexdigest()),
        files=lambda f: f.__setitem__("evidence.pdf", b"%PDF-garbage"), pdf=True)
    assert forged == [f"evidence.pdf: unreadable ({said})"]


@pytest.mark.parametrize("error", [ValueError("bad"), OSError("gone"),
                                   subprocess.TimeoutExpired("pdftotext", 300)])
def test_pdftotext_failing_is_named(year: Built, monkeypatch: pytest.MonkeyPatch,
                                    error: Exception) -> None:
    def fail(pdf: bytes) -> Pages:
        raise error
    monkeypatch.setattr(bv, "pdf_pages_text", fail)
    assert verify_bundle(year.data).problems == [f"evidence.pdf: unreadable ({error})"]


def test_the_page_count_and_the_cover(year: Built, monkeypatch: pytest.MonkeyPatch,
                                      tmp_path: Path) -> None:
    head = manifest_of(year.data)["chain"]["head_hash"]
    showing(monkeypatch, year, tmp_path, lambda pages: pages.pop())
    assert verify_bundle(year.data).problems == ["evidence.pdf: 7 pages, the manifest says 8"]
    assert problems(year, lambda m: m.pop("pdf"), pdf=True) == [
        "evidence.pdf: 7 pages, the manifest says None"]
    showing(monkeypatch, year, tmp_path, lambda pages: pages.__setitem__(
        0, pages[0].replace(head, " ".join(head[i:i + 8] for i in range(0, 64, 8)))))
    assert verify_bundle(year.data).problems == []
    showing(monkeypatch, year, tmp_path, lambda pages: pages.__setitem__(
        0, pages[0].replace(head, head[:63])))
    assert verify_bundle(year.data).problems == [
        "evidence.pdf: the cover does not show the chain head hash"]
    assert problems(year, lambda m: m["chain"].__setitem__("head_hash", ""), pdf=True) == [
        f"chain head {head} is not the manifest's  (records removed or added)"]
    assert problems(year, lambda m: m.__setitem__("chain", None), pdf=True) == [
        f"chain head {head} is not the manifest's None (records removed or added)",
        "the chain's last seq is not the manifest's head_seq"]


def spans(change: dict[str, Any], current: list[int] | None = None) -> Callable[[Manifest], None]:
    """Return a manifest change setting form pages (and the stated current forms' order)."""
    def apply(m: Manifest) -> None:
        m["pdf"]["form_pages"].update(change)
        if current is not None:
            m["year_records"]["current"] = current
    return apply


def test_each_current_form_needs_its_pages(year: Built) -> None:
    assert problems(year, lambda m: m["pdf"].__setitem__("form_pages", None), pdf=True) == [
        f"evidence.pdf: no page of response {rid}" for rid in (2, 3, 4, 5)]
    assert problems(year, lambda m: (m["pdf"].__setitem__("form_pages", {}), m[
        "year_records"].__setitem__("current", [5, 4, 3, 2])), pdf=True) == [
        f"evidence.pdf: no page of response {rid}" for rid in (5, 4, 3, 2)]
    for span in ([0, 0], [9, 9], [7, 6], [6, 9], [], None):
        assert problems(year, spans({"3": span}), pdf=True) == [
            "evidence.pdf: no page of response 3"], span
    assert problems(year, spans({"9": [1, 1], "8": [], "7": "15"}), pdf=True) == []


def test_a_form_shown_on_the_wrong_page(year: Built) -> None:
    m = manifest_of(year.data)
    record = next(r for r in m["records"] if r["response_id"] == 3)
    items, total = record["content"]["items"], record["content"]["total"]
    name = "evidence.pdf: page of response 3"
    assert problems(year, spans({"3": [1, 1]}), pdf=True) == [
        f"{name}: record hash missing (pages out of order or altered)",
        *(f"{name}: item {no} does not show the signed score {s}"
          for no, s in enumerate(items, start=1)),
        f"{name}: the total does not show the signed {total}",
        f"{name}: the signer 李娜 is not shown"]
    assert problems(year, spans({"3": [6, 7]}), pdf=True) == []  # 4's page after it: no harm
    assert problems(year, spans({"3": [5, 6]}), pdf=True) == [  # 2's page first: its 9, total
        f"{name}: item 9 does not show the signed score {items[8]}",
        f"{name}: the total does not show the signed {total}"]


def test_a_form_over_two_pages_is_read_as_one_text(
        year: Built, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def split(pages: Pages) -> None:
        at = pages[4].index("    9 ")  # item 9's row starts the second page
        pages[4:5] = [pages[4][:at], pages[4][at:]]
    showing(monkeypatch, year, tmp_path, split)
    forms = {"2": [5, 6], "3": [7, 7], "4": [8, 8], "5": [9, 9]}
    assert problems(year, lambda m: m["pdf"].update(pages=9, form_pages=forms), pdf=True) == []


def test_the_override_section_is_read_before_the_first_form(
        two: Built, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    m = manifest_of(two.data)
    codes = {r["response_id"]: receipt_code(r["record_hash"]) for r in m["records"]}
    assert m["pdf"]["form_pages"] == {"5": [5, 5], "4": [6, 6]}
    assert verify_bundle(two.data).problems == []

    def move_to(page: int) -> Callable[[Pages], None]:
        def hide(pages: Pages) -> None:
            for i in range(5):
                pages[i] = pages[i].replace(codes[3], "-").replace(codes[5], "-")
            pages[page] += f"\n{codes[3]} {codes[5]}"
        return hide
    missing = [f"evidence.pdf: the override section does not list response {rid} "
               f"(receipt {codes[rid]})" for rid in (3, 5)]
    showing(monkeypatch, two, tmp_path, move_to(4))  # the first form's page: too late
    assert verify_bundle(two.data).problems == missing
    showing(monkeypatch, two, tmp_path, move_to(3))  # the last page before it
    assert verify_bundle(two.data).problems == []
    showing(monkeypatch, two, tmp_path, lambda pages: None)
    first = tampered(two, spans({"9": [1, 1]}))
    assert verify_bundle(first).problems == missing  # the cover is read, it lists neither
    third = tampered(two, spans({"9": [3, 3]}))
    assert verify_bundle(third).problems == [missing[0]]  # pages 1-2: page 2 lists 5
    spread = tampered(two, spans({"9": [3, 4]}))
    assert verify_bundle(spread).problems == [missing[0]]  # a form's first page counts


def view_of(built: Built, rid: int) -> dict[str, Any]:
    """Return the raw record page_problems takes: response id, record hash and signed view."""
    record = next(r for r in manifest_of(built.data)["records"] if r["response_id"] == rid)
    return {"response_id": rid, "record_hash": record["record_hash"],
            "view": record_view(record["envelope"], record["content"])}


def test_page_problems_of_each_shown_value(year: Built, tmp_path: Path) -> None:
    pages, _ = pdftotext(files_of(year.data)["evidence.pdf"], tmp_path)
    raw, page = view_of(year, 2), pages[4]
    name = "evidence.pdf: page of response 2"
    items = raw["view"]["items"]
    assert page_problems(raw, page) == []
    line9 = re.search(r"(?m)^\s*9\s+兑现服务承诺表现\s+15\s+\d+\s*$", page)
    assert line9 is not None
    nine = f"{name}: item 9 does not show the signed score {items[8]}"
    for shown in (line9[0].replace(f" {items[8]}", f" {items[8] - 1}"), line9[0] + " x", ""):
        assert page_problems(raw, page.replace(line9[0], shown)) == [nine]
    assert page_problems(raw, page.replace(" 95\n", " 96\n")) == [
        f"{name}: the total does not show the signed 95"]
    assert page_problems(raw, page.replace("评价总分值", "总分值")) == [
        f"{name}: the total does not show the signed 95"]
    assert page_problems(raw, page.replace(raw["record_hash"], "")) == [
        f"{name}: record hash missing (pages out of order or altered)"]
    assert page_problems(raw, page.replace("王芳", "王")) == [
        f"{name}: the signer -王芳 is not shown"]
    assert page_problems(raw, page.replace("王芳", "王 ‍芳")) == []
    for signer in ("", "--", "😀"):
        unsigned = {**raw, "view": {**raw["view"], "signer_name": signer}}
        assert page_problems(unsigned, page.replace("王芳", "")) == []


def test_page_problems_needs_all_nine_scores(year: Built, tmp_path: Path) -> None:
    raw = view_of(year, 2)
    short = {**raw, "view": {**raw["view"], "items": raw["view"]["items"][:8]}}
    with pytest.raises(ValueError, match=r"^zip\(\) argument 2 is shorter than argument 1$"):
        page_problems(short, "")


def test_legible_keeps_letters_and_digits_after_nfkc() -> None:
    assert legible("Ａ b\u200d-1２😀\n王\u00a0芳\u200f") == "Ab12王芳"
    assert legible("e\u0301Ⅻ") == "\u00e9XII"
    assert legible(" -_.,;:!?()[]{}\t") == ""
