"""Everything an evidence bundle shows, read in one go: the year's forms and the whole chain."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlmodel import Session, col, select

from analytics.eligibility import Eligibility, EligibilityInputs, assess, facts_from_inputs, gather_inputs
from analytics.provenance import YearProvenance, year_provenance
from analytics.report import provider_year_report
from analytics.stars import exact_mean
from surveys.access import Actor, require_read
from surveys.campaigns import get_campaign
from surveys.errors import SurveyError
from surveys.keys import Signer, fingerprint, public_key_pem
from surveys.models import Client, Invitation, Response, utcnow
from surveys.providers import get_provider
from surveys.records import record_view, signed_parts
from surveys.responses import HEADER_KEYS, current_responses
from surveys.verify import check_chain, check_entry, entry_from_row, stored_rows

STAR_NAMES = {0: ("未达到一星", "below one star"), 1: ("一星", "one star"),
              2: ("二星", "two stars"), 3: ("三星", "three stars")}


@dataclass(frozen=True)
class ChainRecord:
    """One signed record of the provider's chain: envelope, content (format 2) and signature."""

    response_id: int
    envelope: dict[str, Any]  # format 2: the envelope; format 1: every signed field
    content: dict[str, Any] | None  # format 2: the form itself; None for format 1
    record_hash: str
    signature: str
    key_id: str

    @property
    def fields(self) -> dict[str, Any]:
        """Return every signed value of the record as one flat dict."""
        return record_view(self.envelope, self.content)

    def manifest_entry(self, year: int) -> dict[str, Any]:
        """Return the record as a manifest entry; another year's format-2 record by envelope."""
        entry: dict[str, Any] = {"response_id": self.response_id, "envelope": self.envelope,
                                 "record_hash": self.record_hash, "signature": self.signature,
                                 "key_id": self.key_id}
        if self.content is not None and self.envelope.get("year") == year:
            entry["content"] = self.content
        return entry


@dataclass
class EvidenceData:
    """A provider-year's evidence: header, campaign, forms (current and history), the chain."""

    provider_id: int
    provider: dict[str, str]
    year: int
    opens: date
    closes: date
    invited: list[tuple[int, str]]  # (client id, client name) of every invitation
    chain: list[ChainRecord]  # every record of the provider, seq 1..head
    current: list[Response]  # the year's latest version of each invitation (with images)
    history: list[Response]  # the year's superseded versions
    mean_total: float | None
    star: int
    public_key_pem: str
    key_fingerprint: str
    base_url: str
    generated_at: datetime
    provenance: YearProvenance
    eligibility_inputs: EligibilityInputs
    eligibility: Eligibility
    client_names: dict[int, str]  # every client named in the §5 inputs

    @property
    def head(self) -> ChainRecord | None:
        """Return the chain's last record, or None for an empty chain."""
        return self.chain[-1] if self.chain else None

    def versions_of(self, response: Response) -> list[Response]:
        """Return every version of the year of a form's invitation, oldest first."""
        same = [r for r in [*self.history, *self.current]
                if r.invitation_id == response.invitation_id]
        return sorted(same, key=lambda r: r.version)

    def record(self, response_id: int | None) -> ChainRecord:
        """Return the chain record of a response id."""
        for entry in self.chain:
            if entry.response_id == response_id:
                return entry
        raise KeyError(response_id)


def header_of(response: Response) -> dict[str, dict[str, str]]:
    """Return both header blocks of a form from its snapshot (missing keys empty)."""
    try:
        raw = json.loads(response.header_json)
    except ValueError:
        raw = {}
    return {block: {key: str((raw.get(block) or {}).get(key, "")) for key in HEADER_KEYS}
            for block in ("client", "provider")}


def _chain(session: Session, provider_id: int, signer_key: Any) -> list[ChainRecord]:
    """Return the provider's whole chain, refusing to export one that does not verify."""
    records, entries, problems = [], [], []
    for row in stored_rows(session, provider_id):
        entry = entry_from_row(row)
        problems += check_entry(entry, signer_key)
        entries.append(entry)
        envelope, content = signed_parts(cast(Response, row))
        records.append(ChainRecord(int(row.id), envelope, content, row.record_hash,
                                   row.signature, row.key_id))
    problems += check_chain(entries)
    if problems:
        listed = "; ".join(p.message for p in problems[:5])
        raise SurveyError(f"记录链校验失败，不能导出 / the record chain does not verify, "
                          f"nothing exported: {listed} (run 'star-survey verify')")
    return records


def collect_evidence(*, session: Session, actor: Actor, signer: Signer, provider_id: int,
                     year: int, base_url: str, now: datetime | None = None) -> EvidenceData:
    """Return the evidence of a provider-year after checking the provider's whole chain."""
    require_read(actor, provider_id)
    provider = get_provider(session=session, actor=actor, provider_id=provider_id)
    campaign = get_campaign(session=session, actor=actor, provider_id=provider_id, year=year)
    chain = _chain(session, provider_id, signer.public_key)
    current = current_responses(session=session, actor=actor, provider_id=provider_id,
                                year=year)
    current_ids = {r.id for r in current}
    history = list(session.exec(
        select(Response).where(Response.provider_id == provider_id, Response.year == year)
        .order_by(col(Response.invitation_id), col(Response.version))).all())
    history = [r for r in history if r.id not in current_ids]
    invited = session.exec(
        select(Client.id, Client.name).join(Invitation, col(Invitation.client_id) == Client.id)
        .where(Invitation.campaign_id == campaign.id).order_by(col(Client.id))).all()
    report = provider_year_report(session=session, actor=actor, provider_id=provider_id,
                                  year=year)
    inputs = gather_inputs(session, provider_id, year)
    mean = exact_mean(sum(r.total for r in current), len(current))
    ids = sorted({cid for cid, _, _ in inputs.contracts})
    names = dict(session.exec(select(Client.id, Client.name)
                              .where(col(Client.id).in_(ids))).all()) if ids else {}
    return EvidenceData(
        provider_id=provider_id,
        provider={key: str(getattr(provider, key)) for key in HEADER_KEYS},
        year=year, opens=campaign.opens, closes=campaign.closes,
        invited=[(cid, str(name)) for cid, name in invited if cid is not None], chain=chain,
        current=current, history=history, mean_total=report["mean_total"],
        star=int(report["star_by_score"]), public_key_pem=public_key_pem(signer.public_key),
        key_fingerprint=fingerprint(signer.public_key), base_url=base_url.rstrip("/"),
        generated_at=now or utcnow(),
        provenance=year_provenance(session=session, actor=actor, provider_id=provider_id,
                                   year=year),
        eligibility_inputs=inputs, eligibility=assess(facts_from_inputs(inputs, mean)),
        client_names={int(cid): str(name) for cid, name in names.items() if cid is not None},
    )
