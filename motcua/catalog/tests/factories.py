"""Small builders for catalogue test data (plain functions, no extra dependency)."""

from __future__ import annotations

import copy
from typing import Any

from motcua.catalog.services import CATALOG_FORMAT

BIRTH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ho_ten_tre": {"type": "string", "title": "Họ, chữ đệm và tên của trẻ", "maxLength": 100},
        "ngay_sinh": {"type": "string", "title": "Ngày sinh", "format": "date"},
        "so_dinh_danh_me": {
            "type": "string",
            "title": "Số định danh của mẹ",
            "pattern": "^\\d{12}$",
        },
    },
    "required": ["ho_ten_tre", "ngay_sinh"],
}


def procedure(
    code: str = "1.001193", name: str = "Đăng ký khai sinh", **over: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "name": name,
        "field": "HT",
        "level": "commune",
        "competent_agency_kind": "commune",
        "competent_sector": "",
        "time_limit": 0,
        "time_unit": "working_days",
        "time_limit_note": "",
        "cutoff_time": "15:00",
        "fees": [{"name": "Lệ phí đăng ký khai sinh", "amount": 0, "note": "Miễn"}],
        "documents": [
            {
                "name": "Tờ khai đăng ký khai sinh",
                "copies": 1,
                "kind": "original",
                "mandatory": True,
                "reusable": False,
                "template_name": "Tờ khai",
            },
            {
                "name": "Giấy chứng sinh",
                "copies": 1,
                "kind": "original",
                "mandatory": True,
                "reusable": True,
                "template_name": "",
            },
        ],
        "result_type": "both",
        "result_name": "Giấy khai sinh",
        "online_level": "full",
        "eligible_full_online": True,
        "eform_schema": copy.deepcopy(BIRTH_SCHEMA),
        "legal_basis": "Luật Hộ tịch 2014",
        "steps": "",
        "applicant_types": "Công dân Việt Nam",
        "max_upload_mb": 10,
        "keywords": ["làm giấy khai sinh"],
        "life_events": ["birth"],
        "source": "test",
        "unverified": [],
    }
    data.update(over)
    return data


def document(
    *procedures: dict[str, Any], groups: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "format": CATALOG_FORMAT,
        "fields": [{"code": "HT", "name": "Hộ tịch"}, {"code": "CT", "name": "Chứng thực"}],
        "life_events": [{"slug": "birth", "name": "Sinh con"}],
        "procedures": list(procedures) or [procedure()],
        "groups": groups or [],
    }
