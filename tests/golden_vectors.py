"""The fixed inputs of the golden vectors (docs: SPEC.md §7). Never change them: add new ones."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from surveys.keys import Signer
from surveys.models import RECORD_FORMAT_1, RECORD_FORMAT_2, Response

TEST_KEY_SEED = bytes(range(32))  # the fixed test key: seed 00 01 02 ... 1f


def golden_signer() -> Signer:
    """Return the signer of the fixed test key."""
    return Signer(Ed25519PrivateKey.from_private_bytes(TEST_KEY_SEED))


def fixed_record(record_format: str) -> Response:
    """Return the fixed record of the vectors, stored in the given format."""
    header = {"client": {"name": "北京市海淀区第一人民医院", "department": "保卫处",
                         "manager": "李　娜", "phone": "010-8888 6666"},
              "provider": {"name": "京安维保有限公司", "department": "运维部",
                           "manager": "王经理", "phone": "13800001234"}}
    return Response(
        id=12, invitation_id=9, provider_id=1, client_id=7, year=2026, form_id="T/BAX-2022-A.1",
        item1=10, item2=5, item3=14, item4=5, item5=9, item6=10, item7=15, item8=13, item9=15,
        total=96, header_json=json.dumps(header, ensure_ascii=False),
        signer_name="张　伟", signer_title="保卫处处长", signer_phone="13900005678",
        signature_png=b"\x89PNG\r\n\x1a\nsignature", seal_image=None, scan=None, scan_name="",
        evaluation_date=date(2026, 6, 14),
        comment="响应及时 \"好\"\n夜间报修 30 分钟到场👍\\", origin="paper",
        submitted_at=datetime(2026, 6, 15, 2, 30, 0, 250, tzinfo=UTC), version=2,
        supersedes_id=11, seq=5, prev_hash="ab" * 32, record_hash="", signature="", key_id="",
        record_format=record_format, entered_by="wang.li", reason="纸质原件第 3 项为 14 分")


FORMATS = {"record/1": RECORD_FORMAT_1, "record/2": RECORD_FORMAT_2}


def fixed_manifest() -> dict[str, Any]:
    """Return the fixed manifest body of the vectors (without its signature)."""
    return {"format": "star-survey/bundle/2", "provider_id": 1, "year": 2026,
            "summary": {"units_invited": 3, "units_responded": 2, "mean_total": 90.5,
                        "star_by_score": 2},
            "files": {"responses.csv": "0" * 64}}
