"""The client's web form behind a link token: what it shows, checking it, storing it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from surveys.campaigns import CampaignClosed, campaign_accepts
from surveys.drafts import delete_draft
from surveys.errors import FieldError, NotFound, ValidationFailed
from surveys.i18n import tr
from surveys.invitations import InvitationView, mark_opened, resolve_token
from surveys.keys import Signer
from surveys.models import Campaign, Invitation, Response
from surveys.providers import check_header
from surveys.responses import HEADER_KEYS, Attachments, append_response, latest_version
from surveys.signature import png_is_blank
from surveys.tokens import hash_token, looks_like_token
from surveys.uploads import check_image
from surveys.validation import ValidResponse, validate_response

EDITABLE_HEADER = HEADER_KEYS[1:]  # department, manager, phone; the unit's name is fixed


class InvalidLink(NotFound):
    """The token is unknown, revoked, or its closed campaign holds no response."""

    def __init__(self) -> None:
        super().__init__(f"{tr('invalid_link', 'zh')} / {tr('invalid_link', 'en')}")


@dataclass(frozen=True)
class FormState:
    """What a link shows: who evaluates whom, for which year, and the latest stored version."""

    invitation_id: int
    year: int
    opens: date
    closes: date
    accepts: bool
    provider: dict[str, str]
    client: dict[str, str]
    latest: Response | None
    first_open: bool

    @property
    def window(self) -> tuple[date, date]:
        """Return the dates an evaluation may carry."""
        return self.opens, self.closes

    def date_bounds(self, today: date) -> tuple[date, date]:
        """Return the earliest and latest evaluation date a respondent may pick today."""
        return self.opens, max(self.opens, min(today, self.closes))


def _header(record: Any) -> dict[str, str]:
    """Return the header fields of a provider or client row."""
    return {key: str(getattr(record, key) or "") for key in HEADER_KEYS}


def load_form_state(*, session: Session, token: str, today: date) -> FormState | None:
    """Return what the link shows, or None when it must show only the invalid-link message."""
    view = resolve_token(session=session, token=token)
    if view is None or view.invitation.id is None:
        return None
    latest = latest_version(session=session, invitation_id=view.invitation.id)
    accepts = campaign_accepts(view.campaign, today)
    if latest is None and not accepts:
        return None
    client = _header(view.client)
    if latest is not None:
        client.update(json.loads(latest.header_json).get("client", {}))
    return FormState(
        invitation_id=view.invitation.id, year=view.campaign.year, opens=view.campaign.opens,
        closes=view.campaign.closes, accepts=accepts, provider=_header(view.provider),
        client=client, latest=latest, first_open=view.invitation.first_opened_at is None)


def note_opened(*, session: Session, invitation_id: int) -> None:
    """Record the first time the client opened its link (campaign progress)."""
    mark_opened(session=session, invitation_id=invitation_id)


def _open_view(session: Session, token: str, today: date) -> InvitationView:
    """Return the invitation behind a token that still takes submissions, else raise."""
    view = resolve_token(session=session, token=token)
    if view is None or view.invitation.id is None:
        raise InvalidLink()
    if not campaign_accepts(view.campaign, today):
        raise CampaignClosed()
    return view


def link_gone_reason(*, session: Session, token: str, today: date) -> str | None:
    """Return why a link that opened a form no longer takes answers: 'revoked', 'closed' or None.

    Only for a session that already showed this link's form (it proved the token before), so
    it tells a guesser nothing new.
    """
    if not looks_like_token(token):
        return None
    row = session.exec(select(Invitation, Campaign)
                       .join(Campaign, col(Campaign.id) == Invitation.campaign_id)
                       .where(Invitation.token_hash == hash_token(token))).first()
    if row is None or row[0].revoked_at is not None:
        return "revoked"
    return None if campaign_accepts(row[1], today) else "closed"


def _checked_attachments(attachments: Attachments) -> tuple[Attachments, list[FieldError]]:
    """Return the attachments as they are stored (seal re-encoded) and their problems."""
    errors: list[FieldError] = []
    if png_is_blank(attachments.signature_png):
        errors.append(FieldError("signature", "请在签名框内手写签名", "please sign in the signature box"))
    if attachments.seal_image is not None:
        try:
            attachments = replace(attachments,
                                  seal_image=check_image(attachments.seal_image, field="seal"))
        except ValidationFailed as exc:
            errors += exc.errors
    return attachments, errors


def _header_edits(view: InvitationView, edits: Mapping[str, Any]) -> dict[str, str]:
    """Return the header fields the client changed, cleaned by the text rule (or raise).

    Only what the client typed is checked: stored values are the provider's and are kept.
    """
    stored = _header(view.client)
    changed = {k: str(v or "") for k, v in edits.items()
               if k in EDITABLE_HEADER and str(v or "").strip() != stored[k].strip()}
    return check_header(changed, partial=True)


def _header_errors(view: InvitationView, edits: Mapping[str, Any]) -> list[FieldError]:
    """Return the problems of the client's edited header fields."""
    try:
        _header_edits(view, edits)
    except ValidationFailed as exc:
        return exc.errors
    return []


def _review(session: Session, token: str, raw: Mapping[str, Any],
            header_edits: Mapping[str, Any], attachments: Attachments,
            today: date) -> tuple[InvitationView, ValidResponse, Attachments]:
    """Return the open invitation, the checked response and the attachments to store."""
    view = _open_view(session, token, today)
    attachments, attachment_errors = _checked_attachments(attachments)
    errors = _header_errors(view, header_edits) + attachment_errors
    try:
        valid = validate_response(raw, window=(view.campaign.opens, view.campaign.closes),
                                  today=today)
    except ValidationFailed as exc:
        errors = exc.errors + errors
        valid = None
    if errors or valid is None:
        raise ValidationFailed(errors)
    return view, valid, attachments


def review_web_form(
    *, session: Session, token: str, raw: Mapping[str, Any], header_edits: Mapping[str, Any],
    attachments: Attachments, today: date,
) -> ValidResponse:
    """Return the checked response without storing it, or raise ValidationFailed listing all."""
    return _review(session, token, raw, header_edits, attachments, today)[1]


def submit_web_form(
    *, session: Session, signer: Signer, token: str, raw: Mapping[str, Any],
    header_edits: Mapping[str, Any], attachments: Attachments, submission_key: str,
    supersedes_id: int | None, today: date,
) -> Response:
    """Return the stored version (origin 'web'); a repeated submission_key returns the first.

    Raises InvalidLink, CampaignClosed, ValidationFailed, or Conflict when supersedes_id is no
    longer the latest version (another tab or device stored one meanwhile).
    """
    view, valid, attachments = _review(session, token, raw, header_edits, attachments, today)
    assert view.invitation.id is not None
    edits = _header_edits(view, header_edits)
    stored = append_response(
        session=session, signer=signer, invitation_id=view.invitation.id, valid=valid,
        origin="web", attachments=attachments, header_edits=edits, supersedes_id=supersedes_id,
        submission_key=submission_key)
    delete_draft(session=session, invitation_id=view.invitation.id)  # same transaction
    return stored
