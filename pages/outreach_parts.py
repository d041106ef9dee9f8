"""Parts of the reminders page: the sending thread, the wave form, a wave's progress, the log."""

from __future__ import annotations

import streamlit as st

from pages.common import app_context, public_url, t
from pages.context import stop_released
from pages.ws import attempt
from surveys.access import Actor
from surveys.clock import beijing_text, beijing_today
from surveys.context import Context
from surveys.db import read_session
from surveys.letters import letters_pdf
from surveys.mail_queue import retry_failed
from surveys.mail_worker import MailWorker, start_mail_worker
from surveys.mailer import MailNotConfigured, parse_smtp_url
from surveys.models import OutreachWave
from surveys.send_log import send_log, wave_progress, wave_recipients
from surveys.settings import get_settings
from surveys.wave_preview import MAX_PREVIEW, listed_clients, preview_wave, wave_letters
from surveys.waves import CHANNELS, SELECTIONS, create_wave

FINISHED = ("sent", "failed", "skipped", "no_address", "listed")


@st.cache_resource(show_spinner=False, on_release=stop_released)
def _worker_for(db_url: str, smtp_url: str, smtp_from: str) -> MailWorker | None:
    """Start this process's sending thread for a database and server, once (None: e-mail off)."""
    context = Context(settings=get_settings(), engine=app_context().engine)
    return start_mail_worker(context)


def mail_worker() -> MailWorker | None:
    """Return the process's sending thread (started on first use), or None when e-mail is off."""
    settings = get_settings()
    return _worker_for(settings.db_url, settings.smtp_url or "", settings.smtp_from or "")


def _mail_problem() -> str | None:
    """Return why e-mail cannot be sent (the setting named), or None when it can."""
    settings = get_settings()
    try:
        parse_smtp_url(settings.smtp_url, settings.smtp_from)
    except MailNotConfigured as exc:
        return str(exc)
    return None


def wave_form(actor: Actor, provider_id: int, year: int, worker: MailWorker | None,
              number: int) -> None:
    """Render the choice of whom and how, the preview, and the button that starts wave `number`."""
    ctx = app_context()
    st.subheader(t("outreach_new_wave"))
    selection = st.radio(t("outreach_selection"), SELECTIONS, horizontal=True,
                         key="outreach_selection", format_func=lambda s: t(f"outreach_sel_{s}"))
    channel = st.radio(t("outreach_channel"), CHANNELS, horizontal=True, key="outreach_channel",
                       format_func=lambda c: t(f"outreach_channel_{c}"))
    base_url = public_url()
    with read_session(ctx.engine) as session:
        preview = preview_wave(session=session, actor=actor, secret=ctx.link_secret,
                               base_url=base_url, provider_id=provider_id, year=year,
                               selection=selection)
    if not preview.chosen:
        st.info(t("outreach_nobody"))
        return
    with_email = [c for c in preview.chosen if c.email]
    st.write(t("outreach_chosen").format(n=len(preview.chosen), e=len(with_email)))
    problem = _mail_problem() if channel == "email" else None
    if channel == "email":
        missing = [c.client for c in preview.chosen if not c.email]
        if missing:
            st.caption(t("outreach_without_email"))
            st.text("、".join(missing))
        with st.expander(t("outreach_preview").format(n=MAX_PREVIEW)):
            for candidate, content in preview.messages:
                st.text(f"{candidate.email or t('outreach_no_email')} — {t('outreach_subject')}: "
                        f"{content.subject}")
                st.text(content.text)
    if problem:
        st.warning(t("outreach_mail_off") + problem)
    round_key = f"outreach_confirm_{st.session_state.get('outreach_round', 0)}"
    confirmed = st.checkbox(t("outreach_confirm"), key=round_key)
    if st.button(t("outreach_start"), type="primary", key="outreach_start",
                 disabled=bool(problem) or not confirmed):
        wave = attempt(lambda s: create_wave(session=s, actor=actor, provider_id=provider_id,
                                             year=year, selection=selection, channel=channel))
        if wave is not None:
            if worker is not None:
                worker.poke()
            st.session_state["outreach_wave_pick"] = wave.id
            st.session_state["outreach_round"] = st.session_state.get("outreach_round", 0) + 1
            st.session_state["outreach_notice"] = t("outreach_started").format(
                n=number, count=wave.recipients)  # stays while the page refreshes itself
            st.rerun()


def _status_rows(actor: Actor, wave: OutreachWave) -> tuple[dict[str, int], list[dict[str, object]]]:
    """Return a wave's counts by status and one display row per client."""
    with read_session(app_context().engine) as session:
        counts = wave_progress(session=session, actor=actor, wave_id=int(wave.id or 0))
        rows = wave_recipients(session=session, actor=actor, wave_id=int(wave.id or 0))
    return counts, [{
        t("outreach_client"): r.client, t("outreach_address"): r.address,
        t("outreach_status"): t(f"outreach_status_{r.status}"),
        t("outreach_attempts"): r.attempts,
        t("outreach_next_attempt"): beijing_text(r.next_attempt_at, seconds=False)
        if r.status == "queued" and r.attempts else "",
        t("outreach_error"): r.last_error} for r in rows]


def _wave_progress(actor: Actor, wave: OutreachWave) -> None:
    """Render the wave's progress bar and its clients' statuses; rerun the page once done."""
    counts, rows = _status_rows(actor, wave)
    pending = counts.get("queued", 0) + counts.get("sending", 0) > 0
    seen = f"outreach_pending_{wave.id}"
    if st.session_state.get(seen) and not pending:
        st.session_state[seen] = False
        st.rerun()  # the whole page: the log, the chart and the retry button follow
    st.session_state[seen] = pending
    total = sum(counts.values())
    done = sum(counts.get(status, 0) for status in FINISHED)
    st.progress(done / total if total else 1.0,
                text=t("outreach_progress").format(done=done, total=total))
    st.dataframe(rows, hide_index=True, width="stretch")


def wave_status(actor: Actor, waves: list[OutreachWave], writable: bool,
                worker: MailWorker | None) -> None:
    """Render the year's waves, and the chosen wave's progress, retry and printed list."""
    st.subheader(t("outreach_waves"))
    if not waves:
        st.info(t("outreach_no_waves"))
        return
    numbers = {int(w.id or 0): n for n, w in enumerate(waves, start=1)}
    st.dataframe([{"#": numbers[int(w.id or 0)], t("outreach_when"): beijing_text(w.created_at),
                   t("outreach_by"): w.created_by, t("outreach_kind"): t(f"outreach_kind_{w.kind}"),
                   t("outreach_selection"): t(f"outreach_sel_{w.selection}"),
                   t("outreach_channel"): t(f"outreach_channel_{w.channel}"),
                   t("outreach_recipients"): w.recipients} for w in waves],
                 hide_index=True, width="stretch")
    by_id = {int(w.id or 0): w for w in waves}
    if st.session_state.get("outreach_wave_pick") not in by_id:
        st.session_state["outreach_wave_pick"] = int(waves[-1].id or 0)
    picked = st.selectbox(t("outreach_pick_wave"), options=list(reversed(by_id)),
                          key="outreach_wave_pick",
                          format_func=lambda i: t("outreach_wave_n").format(n=numbers[i]))
    wave = by_id[picked]
    counts, _rows = _status_rows(actor, wave)
    active = counts.get("queued", 0) + counts.get("sending", 0) > 0

    def progress() -> None:
        """Show the progress (a fragment: refreshed every 2 s while messages wait)."""
        _wave_progress(actor, wave)

    st.fragment(progress, run_every=2.0 if active else None)()
    if writable and counts.get("failed", 0) and st.button(t("outreach_retry"),
                                                          key="outreach_retry"):
        queued = attempt(lambda s: retry_failed(session=s, actor=actor, wave_id=picked))
        if queued is not None:
            if worker is not None:
                worker.poke()
            st.session_state["outreach_notice"] = t("outreach_retried").format(n=queued)
            st.rerun()
    if writable and wave.channel == "print":
        ctx = app_context()
        with read_session(ctx.engine) as session:
            listed = listed_clients(session=session, actor=actor, secret=ctx.link_secret,
                                    base_url=public_url(),
                                    wave_id=picked)
        st.caption(t("outreach_print_list"))
        st.dataframe([{t("outreach_client"): r.client, t("outreach_state"):
                       t(f"outreach_state_{r.state}"), t("outreach_manager"): r.manager,
                       t("outreach_phone"): r.phone, t("outreach_email"): r.email,
                       t("outreach_link"): r.url} for r in listed],
                     hide_index=True, width="stretch")
        _letters(actor, picked)


def _letters(actor: Actor, wave_id: int) -> None:
    """Offer the wave's letters (reachA's layout) for those that still owe an answer, as a PDF."""
    if st.button(t("outreach_letters_prepare"), key="outreach_letters_prepare"):
        ctx = app_context()
        with read_session(ctx.engine) as session:
            letters = wave_letters(session=session, actor=actor, secret=ctx.link_secret,
                                   base_url=public_url(), wave_id=wave_id)
        st.session_state["outreach_letters"] = (wave_id, letters_pdf(letters,
                                                                     today=beijing_today()))
    made = st.session_state.get("outreach_letters")
    if made and made[0] == wave_id:
        st.download_button(t("outreach_letters_download"), data=made[1],
                           file_name=f"reminder-letters-{wave_id}.pdf", mime="application/pdf",
                           key="outreach_letters_download", type="primary")


def send_log_table(actor: Actor, provider_id: int, year: int, waves: list[OutreachWave]) -> None:
    """Render the year's e-mail attempts, newest first."""
    st.subheader(t("outreach_log"))
    with read_session(app_context().engine) as session:
        log = send_log(session=session, actor=actor, provider_id=provider_id, year=year)
    if not log:
        st.info(t("outreach_log_empty"))
        return
    numbers = {int(w.id or 0): n for n, w in enumerate(waves, start=1)}
    st.dataframe([{t("outreach_when"): beijing_text(e.at),
                   t("outreach_wave"): numbers.get(e.wave_id, e.wave_id),
                   t("outreach_client"): e.client, t("outreach_address"): e.address,
                   t("outreach_by"): e.triggered_by,
                   t("outreach_outcome"): t(f"outreach_outcome_{e.outcome}"),
                   t("outreach_error"): e.error} for e in log],
                 hide_index=True, width="stretch")
