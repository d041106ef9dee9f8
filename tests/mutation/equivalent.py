"""Surviving mutants that are equivalent to the original code, with the reason for each.

Keys are mutmut's mutant names (`mutmut show NAME` in .mutation/<module>/ prints the diff).
"""

from __future__ import annotations

EQUIVALENT: dict[str, dict[str, str]] = {
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
