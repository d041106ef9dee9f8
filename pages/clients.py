"""Client registry: add, edit, deactivate (never delete), key units, contracts, CSV/XLSX import."""

from __future__ import annotations

import streamlit as st

from analytics.labels import cell
from pages.common import app_context, current_actor, current_lang, language_switch, t
from pages.ws import attempt, can_write, flash, provider_scope, show_failure, show_flash
from surveys.client_import import COLUMNS, import_clients
from surveys.clients import create_client, list_clients, list_contracts, set_contract, update_client
from surveys.clock import beijing_today
from surveys.db import read_session, run_write
from surveys.errors import SurveyError, ValidationFailed
from surveys.import_templates import client_template_xlsx
from surveys.tabular import MAX_FILE_BYTES, MAX_ROWS, error_rows

FIELDS = ("name", "department", "manager", "phone")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

language_switch()
actor = current_actor()
st.title(t("nav_clients"))
show_flash()
provider_id = provider_scope(actor, "ws_clients_scope")
if provider_id is None:
    st.stop()
with read_session(app_context().engine) as session:
    clients = list_clients(session=session, actor=actor, provider_id=provider_id)
    contracts = list_contracts(session=session, actor=actor, provider_id=provider_id)
names = {int(c.id or 0): c.name for c in clients}
st.dataframe([{t("ws_col_id"): c.id, **{t(f"ws_field_{f}"): getattr(c, f) for f in FIELDS},
               t("ws_key_unit"): cell(c.key_unit, "key_unit", current_lang()),
               t("ws_active"): cell(c.active, "active", current_lang())} for c in clients],
             hide_index=True, width="stretch")
st.subheader(t("ws_contracts"))
st.dataframe([{t("ws_field_name"): names.get(k.client_id, ""), t("ws_year"): k.year,
               t("ws_amount"): str(k.amount)} for k in contracts],
             hide_index=True, width="stretch")
if not can_write(actor, provider_id):
    st.caption(t("ws_read_only"))
    st.stop()

add_tab, edit_tab, contract_tab, import_tab = st.tabs(
    [t("ws_client_add"), t("ws_client_edit"), t("ws_contract_set"), t("ws_import")])
with add_tab, st.form("ws_client_add", clear_on_submit=True):
    new = {f: st.text_input(t(f"ws_field_{f}"), key=f"ws_client_new_{f}") for f in FIELDS}
    new["email"] = st.text_input(t("reach_field_email"), key="ws_client_new_email",
                                 help=t("reach_email_help"))
    key_unit = st.checkbox(t("ws_key_unit"), key="ws_client_new_key")
    if st.form_submit_button(t("ws_save")):
        if attempt(lambda s: create_client(session=s, actor=actor, provider_id=provider_id,
                                           key_unit=key_unit, **new)) is not None:
            flash(t("ws_saved"))
            st.rerun()

with edit_tab:
    if clients:
        chosen = st.selectbox(t("ws_client"), options=list(names), key="ws_client_pick",
                              format_func=lambda cid: f"{names[cid]} (#{cid})")
        client = next(c for c in clients if c.id == chosen)
        with st.form(f"ws_client_edit_{chosen}"):
            values: dict[str, object] = {
                f: st.text_input(t(f"ws_field_{f}"), value=getattr(client, f),
                                 key=f"ws_client_{chosen}_{f}") for f in FIELDS}
            values["email"] = st.text_input(t("reach_field_email"), value=client.email or "",
                                            key=f"ws_client_{chosen}_email",
                                            help=t("reach_email_help"))
            values["key_unit"] = st.checkbox(t("ws_key_unit"), value=client.key_unit,
                                             key=f"ws_client_{chosen}_key")
            values["active"] = st.checkbox(t("ws_active"), value=client.active,
                                           key=f"ws_client_{chosen}_active",
                                           help=t("ws_deactivate_help"))
            if st.form_submit_button(t("ws_save")):
                if attempt(lambda s: update_client(session=s, actor=actor, client_id=chosen,
                                                   fields=values)) is not None:
                    flash(t("ws_saved"))
                    st.rerun()

with contract_tab:
    if clients:
        with st.form("ws_contract"):
            target = st.selectbox(t("ws_client"), options=list(names), key="ws_contract_client",
                                  format_func=lambda cid: f"{names[cid]} (#{cid})")
            year = st.number_input(t("ws_year"), min_value=2000, max_value=2100,
                                   value=beijing_today().year, step=1, key="ws_contract_year")
            amount = st.text_input(t("ws_amount"), key="ws_contract_amount")
            if st.form_submit_button(t("ws_save")):
                if attempt(lambda s: set_contract(session=s, actor=actor, client_id=target,
                                                  year=int(year), amount=amount)) is not None:
                    flash(t("ws_saved"))
                    st.rerun()

with import_tab:
    st.caption(t("imp_help").format(mb=MAX_FILE_BYTES // 1024 // 1024, rows=MAX_ROWS))
    st.download_button(t("imp_template"), data=client_template_xlsx, key="imp_client_template",
                       file_name="star-survey-clients-template.xlsx", mime=XLSX_MIME)
    upload = st.file_uploader(t("ws_import_file"), type=["csv", "xlsx"], key="ws_import_file",
                              max_upload_size=MAX_FILE_BYTES // 1024 // 1024)
    if upload is not None and st.button(t("ws_import_run"), key="ws_import_run"):
        data, filename = upload.getvalue(), upload.name
        try:
            summary = run_write(app_context().engine, lambda s: import_clients(
                session=s, actor=actor, provider_id=provider_id, data=data, filename=filename))
        except ValidationFailed as exc:
            st.error(t("ws_input_rejected"))
            st.dataframe([{t("ws_col_row"): "" if row is None else row,
                           t("imp_col_column"): column, t("ws_col_problem"): problem}
                          for row, column, problem in error_rows(exc, COLUMNS, current_lang())],
                         hide_index=True, width="stretch")
        except SurveyError as exc:
            show_failure(exc)
        else:
            if summary.changed:
                st.success(t("imp_done").format(
                    rows=summary.rows, created=summary.created, updated=summary.updated,
                    unchanged=summary.unchanged, contracts=summary.contracts))
            else:
                st.info(t("imp_nothing_changed").format(rows=summary.rows))
