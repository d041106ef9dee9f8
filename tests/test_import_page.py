"""The import block of the clients page as staff use it: template, labelled errors, no change."""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from surveys.context import Context
from surveys.db import read_session
from surveys.models import Client
from tests import factories
from tests.test_workspace_pages import app, page
from tests.workspace_support import point_app_at, signed_in

CSV = ("用户单位名称,用户主管部门名称,主管负责人,联系电话,重点保卫单位,合同年度,合同金额（元）\n"
       "北京市第一医院,保卫处,李处长,010-85123456,是,2026,150000\n")


def run_import(at: AppTest, data: bytes, name: str = "clients.csv") -> AppTest:
    """Return the page after uploading a file and pressing import."""
    at.file_uploader(key="ws_import_file").upload(name, data, "text/csv")
    at.run()
    at.button(key="ws_import_run").click()
    return at.run()


@pytest.mark.parametrize(("lang", "labels"), [
    ("zh", {"联系电话", "重点保卫单位"}), ("en", {"Phone", "Key-protection unit"})])
def test_import_errors_name_columns_by_label_in_the_session_language(
    ctx: Context, monkeypatch: pytest.MonkeyPatch, lang: str, labels: set[str]
) -> None:
    point_app_at(monkeypatch, ctx)
    factories.make_provider(ctx)
    at = signed_in(app(), ctx)
    at.session_state["lang"] = lang
    at = run_import(page(at, "pages/clients.py"), (CSV + "乙,,,电话abc!!,也许,,\n").encode())
    assert not at.exception
    problems = at.dataframe[-1].value
    assert set(problems.iloc[:, 1]) == labels and set(problems.iloc[:, 0]) == {3}
    assert all(("电话" in p or "是/否" in p) if lang == "zh" else ("phone" in p or "yes" in p)
               for p in problems.iloc[:, 2])


def test_importing_the_same_file_twice_says_nothing_changed(ctx: Context,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    point_app_at(monkeypatch, ctx)
    provider = factories.make_provider(ctx)
    at = page(signed_in(app(), ctx), "pages/clients.py")
    assert any("模板" in b.label for b in at.get("download_button"))  # type: ignore[attr-defined]
    at = run_import(at, CSV.encode("gb18030"))
    assert not at.exception and "新增 1" in at.success[0].value
    at.button(key="ws_import_run").click()
    at.run()
    assert not at.exception and not at.success
    assert "没有任何更改" in at.info[-1].value
    with read_session(ctx.engine) as session:
        names = session.exec(select(Client.name).where(Client.provider_id == provider)).all()
    assert names == ["北京市第一医院"]
