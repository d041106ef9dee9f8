"""Surviving mutants that are equivalent to the original code, with the reason for each.

Keys are mutmut's mutant names (`mutmut show NAME` in .mutation/<module>/ prints the diff).
"""

from __future__ import annotations

EQUIVALENT: dict[str, dict[str, str]] = {
    "bundle_verify": {
        "analytics.bundle_verify.x__check_pdf__mutmut_51":
            "min(first pages, default=1) -> default=2: with no form pages max(first_form - 1, 1) "
            "is 1 either way",
        "analytics.bundle_verify.x__check_pdf__mutmut_61":
            '"\\n".join -> "XX\\nXX".join of the pages before the forms: check_override_pages '
            "looks for whole receipt codes, each printed within one page, and neither separator "
            "can make or break one (neither X nor a newline is a hex digit or a hyphen)",
        "analytics.bundle_verify.x__check_records__mutmut_63":
            "content if isinstance(content, dict) else None -> content: only entries that are not "
            "malformed get there, and entry_from_parts marks content that is neither None nor an "
            "object malformed",
        "analytics.bundle_verify.x_guarded__mutmut_4":
            "cast(T, default) -> cast(None, default): typing.cast does nothing at run time",
        "analytics.bundle_verify.x_legible__mutmut_12":
            'category(ch)[0] in "LN" -> in "XXLNXX": no Unicode category starts with X',
        "analytics.bundle_verify.x_pdf_pages_text__mutmut_38":
            'stdout.decode("utf-8", errors=...) -> decode(errors=...): bytes.decode\'s default '
            "encoding is UTF-8",
        **{f"analytics.bundle_verify.{name}":
           'decode("utf-8") -> decode("UTF-8"): codec names are case-insensitive'
           for name in ("x_pdf_pages_text__mutmut_41", "x_read_manifest__mutmut_8",
                        "x_verify_bundle__mutmut_19")},
        "const analytics/bundle_verify.py L36:'T'->XX..XX":
            'TypeVar("T") -> TypeVar("XXTXX"): a type variable\'s name is not used at run time',
    },
    "eligibility": {
        "analytics.eligibility.x_facts_from_inputs__mutmut_20":
            "trails.get(cid, []) -> get(cid, None): key_unit_at_year_end returns False for any "
            "empty trail, None included",
        "analytics.eligibility.x_facts_from_inputs__mutmut_22":
            "trails.get(cid, []) -> get(cid): key_unit_at_year_end returns False for any empty "
            "trail, None included",
        "analytics.eligibility.x_gather_inputs__mutmut_65":
            "trails.get(cid, []) -> get(cid, None): the trail is only read by "
            "key_unit_at_year_end, which treats None as no trail",
        "analytics.eligibility.x_gather_inputs__mutmut_67":
            "trails.get(cid, []) -> get(cid): the trail is only read by key_unit_at_year_end, "
            "which treats None as no trail",
        "analytics.eligibility.x_gather_inputs__mutmut_15":
            "join(Client, client.id == contract.client_id) -> join(Client): SQLAlchemy infers "
            "the same ON clause from the only foreign key",
        "analytics.eligibility.x_gather_inputs__mutmut_13":
            "join(Client, client.id == contract.client_id) -> join(Client, None): SQLAlchemy "
            "infers the same ON clause from the only foreign key",
        "analytics.eligibility.x_gather_inputs__mutmut_40":
            "order_by(client_id, changed_at, id) -> order_by(changed_at, id): each client's own "
            "list is still in time order",
        "analytics.eligibility.x_gather_inputs__mutmut_37":
            "order_by(client_id, changed_at, id) -> order_by(None, changed_at, id): each "
            "client's own list is still in time order",
        "analytics.eligibility.x_renewals__mutmut_2":
            "best = 0 -> 1: the result is max(best - 1, 0), 0 either way when no run is longer "
            "than one year",
    },
    "form_a1": {
        "surveys.form_a1.x_item_label__mutmut_1":
            'default lang "zh" -> "XXzhXX": every lang but "en" gives the Chinese label',
        "surveys.form_a1.x_item_label__mutmut_2":
            'default lang "zh" -> "ZH": every lang but "en" gives the Chinese label',
        "surveys.form_a1.xǁFormItemǁname__mutmut_1":
            'default lang "zh" -> "XXzhXX": every lang but "en" gives the Chinese name',
        "surveys.form_a1.xǁFormItemǁname__mutmut_2":
            'default lang "zh" -> "ZH": every lang but "en" gives the Chinese name',
    },
    "records": {
        "surveys.records.x_canonical_bytes__mutmut_2":
            "ensure_ascii=False -> None: json.dumps only tests its truth",
        "surveys.records.x_receipt_code__mutmut_3":
            "hash_hex[:16] -> [:17]: only the first 16 digits are grouped into the code",
        "surveys.records.x_receipt_prefix__mutmut_6":
            'ignored "- \u3000" -> "XX- \u3000XX": the code was lower-cased, so no "X" is left',
        "surveys.records.x_utc_text__mutmut_4":
            "naive: replace(tzinfo=UTC) -> replace(tzinfo=None): the same wall-clock digits, "
            "formatted without conversion, give the same text",
        "surveys.records.x_receipt_prefix__mutmut_12":
            'hex digits -> "XX0123456789abcdefXX": the code was lower-cased, so no "X" is left',
    },
    "signature": {
        "surveys.signature.x__strokes__mutmut_9":
            "size == 0 -> size == 1: an empty or one-pixel array has fewer than 40 ink pixels "
            "and is blank either way",
        "surveys.signature.x_ink_mask__mutmut_22":
            "pixels[..., :3] -> [..., :4] on a three-channel array: the same three channels",
        "surveys.signature.x_trim_signature__mutmut_58":
            "PNG optimize=True dropped: the same pixels, only a larger file",
        "surveys.signature.x_trim_signature__mutmut_61":
            'format "PNG" -> "png": Pillow upper-cases the format name',
        "surveys.signature.x_trim_signature__mutmut_62":
            "PNG optimize=True -> False: the same pixels, only a larger file",
    },
    "validation": {
        "surveys.validation.x_parse_date__mutmut_8":
            "value.strip()[:10] -> [:11] under len(value.strip()) == 10: the same ten characters",
    },
    "verify": {
        "surveys.verify.x__moment__mutmut_7":
            'replace("Z", "+00:00") -> replace("XXZXX", ...): Python >= 3.11 (required) reads '
            "a trailing Z in fromisoformat itself",
        "surveys.verify.x__moment__mutmut_8":
            'replace("Z", "+00:00") -> replace("z", ...): Python >= 3.11 (required) reads '
            "a trailing Z in fromisoformat itself",
        **{f"surveys.verify.x_entry_from_row__mutmut_{n}":
           "the stand-in envelope of an unreadable row only has to fail as an unknown format; "
           f"{what} is never a record format either" for n, what in (
               (8, 'a missing "format" key'), (9, 'a missing "format" key'),
               (10, '"XXunreadableXX"'), (11, '"UNREADABLE"'))},
        "surveys.verify.x_entry_from_row__mutmut_21":
            "content -> None for a stored row: its envelope's content_sha256 is computed from that "
            "same content, so content_matches is True either way",
        "surveys.verify.x_entry_from_row__mutmut_34":
            "isinstance(envelope, dict) -> True: the envelope is a dict on both paths",
        "surveys.verify.x_entry_from_row__mutmut_41":
            'else "" -> else "XXXX": unreachable, the envelope is a dict on both paths',
        "surveys.verify.x_stored_rows__mutmut_13":
            "yield_per=BATCH -> None: the same rows, fetched at once instead of in batches",
        "surveys.verify.x_entry_from_row__mutmut_3":
            "cast(Response, row) -> cast(None, row): typing.cast does nothing at run time",
        "const surveys/verify.py L28:500->501":
            "BATCH (rows fetched per round trip) 500 -> 501: the same rows, in other batches",
        "const surveys/verify.py L28:500->499":
            "BATCH (rows fetched per round trip) 500 -> 499: the same rows, in other batches",
    },
    "tokens": {
        "surveys.tokens.x_derive_token__mutmut_11":
            'rstrip("=") -> rstrip("XX=XX"): the base64 of 16 bytes ends in one of A, Q, g, w '
            "before its '==' padding, never in X, so the same characters are stripped",
        "surveys.tokens.x_load_or_create_secret__mutmut_2":
            "token_hex(32) -> token_hex(None): secrets.token_hex's default is 32 bytes",
        "surveys.tokens.x_looks_like_token__mutmut_7":
            'c in "-_" -> c in "XX-_XX": X is already accepted by isalnum()',
    },
}
