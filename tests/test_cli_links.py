"""`star-survey link revoke|reissue`: one client's link, or every link of a campaign (--all)."""

from __future__ import annotations

from typing import Any

import pytest

from surveys.context import Context
from surveys.db import read_session
from surveys.invitations import resolve_token
from tests import factories

YEAR = 2026



@pytest.fixture
def scene(ctx: Context) -> dict[str, Any]:
    """Return the context, a provider and two clients invited to its 2026 campaign."""
    provider = factories.make_provider(ctx)
    ids = {name: factories.make_client(ctx, provider, name, years={YEAR: 1})
           for name in ("甲单位", "乙单位")}
    factories.open_campaign(ctx, provider, YEAR)
    return {"ctx": ctx, "provider": provider, "ids": ids}


def tokens(scene: dict[str, Any]) -> dict[int, str]:
    """Return {client id: current token} of the campaign's live links."""
    return {int(r["client_id"]): str(r["url"]).split("?t=")[1]
            for r in factories.links(scene["ctx"], scene["provider"], YEAR)}


def opens(ctx: Context, token: str) -> bool:
    """Return True when the token still opens a form."""
    with read_session(ctx.engine) as session:
        return resolve_token(session=session, token=token) is not None


def test_revoke_one_link_says_so_in_one_line(cli: Any, scene: dict[str, Any]) -> None:
    client = scene["ids"]["甲单位"]
    before = tokens(scene)
    code, out, err = cli("link", "revoke", "--client", str(client), "--year", str(YEAR))
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1 and "甲单位" in out and "revoked" in out
    assert not opens(scene["ctx"], before[client])
    assert opens(scene["ctx"], before[scene["ids"]["乙单位"]])


def test_reissue_one_link_prints_the_new_link(cli: Any, scene: dict[str, Any]) -> None:
    client = scene["ids"]["乙单位"]
    before = tokens(scene)
    code, out, err = cli("link", "reissue", "--client", str(client), "--year", str(YEAR))
    assert code == 0, err
    after = tokens(scene)
    assert len(out.strip().splitlines()) == 1 and "reissued" in out and after[client] in out
    assert after[client] != before[client]
    assert not opens(scene["ctx"], before[client]) and opens(scene["ctx"], after[client])
    assert after[scene["ids"]["甲单位"]] == before[scene["ids"]["甲单位"]]


def test_bulk_reissue_needs_yes_and_then_replaces_every_live_link(
    cli: Any, scene: dict[str, Any]
) -> None:
    before = tokens(scene)
    code, out, err = cli("link", "reissue", "--year", str(YEAR), "--all")
    assert code != 0 and out == "" and "--yes" in err
    assert tokens(scene) == before
    code, out, err = cli("link", "reissue", "--year", str(YEAR), "--all", "--yes")
    assert code == 0, err
    after = tokens(scene)
    assert len(out.strip().splitlines()) == 1 and "2" in out
    assert set(after) == set(before) and all(after[c] != before[c] for c in before)
    assert not any(opens(scene["ctx"], t) for t in before.values())


def test_bulk_reissue_leaves_revoked_links_revoked(cli: Any, scene: dict[str, Any]) -> None:
    revoked = scene["ids"]["甲单位"]
    assert cli("link", "revoke", "--client", str(revoked), "--year", str(YEAR))[0] == 0
    code, out, err = cli("link", "reissue", "--provider", str(scene["provider"]), "--year",
                         str(YEAR), "--all", "--yes")
    assert code == 0, err
    assert set(tokens(scene)) == {scene["ids"]["乙单位"]}


@pytest.mark.parametrize(("args", "message"), [
    (("link", "revoke", "--client", "9999", "--year", str(YEAR)), "9999"),
    (("link", "reissue", "--client", "CLIENT", "--year", "2019"), "2019"),
    (("link", "reissue", "--year", str(YEAR)), "--client"),
    (("link", "revoke", "--year", str(YEAR)), "--client"),
    (("link", "reissue", "--client", "CLIENT", "--year", str(YEAR), "--all", "--yes"), "--all"),
])
def test_refusals_are_one_line_with_a_non_zero_exit(cli: Any, scene: dict[str, Any],
                                                     args: tuple[str, ...], message: str) -> None:
    args = tuple(str(scene["ids"]["甲单位"]) if a == "CLIENT" else a for a in args)
    before = tokens(scene)
    code, out, err = cli(*args)
    assert code != 0 and out == "" and message in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1, err
    assert tokens(scene) == before
