"""``motcua deadline``: one ISO line on success; one localized line and status 2 on bad input."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from motcua.org.models import Agency, AgencyKind
from motcua.worktime.models import OfficeHours

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def fail(*args: str) -> str:
    err = StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("deadline", *args, stdout=StringIO(), stderr=err)
    assert info.value.code == 2
    text = err.getvalue()
    assert text.count("\n") == 1 and "Traceback" not in text
    return text.strip()


def test_spec_example() -> None:
    out = run("--received", "2025-04-29T16:10", "--limit", "3", "--unit", "working_days")
    assert out == "2025-05-07T17:00:00+07:00\n"


def test_cutoff_offset_and_default_unit() -> None:
    assert run("--received", "2025-04-29T16:10", "--limit", "3", "--cutoff", "15:00") == (
        "2025-05-08T17:00:00+07:00\n"
    )
    assert run("--received", "2025-04-29T09:10Z", "--limit", "3") == "2025-05-07T17:00:00+07:00\n"
    assert run("--received", "2025-04-29T16:10", "--limit", "2", "--unit", "working_hours") == (
        "2025-05-05T08:40:00+07:00\n"
    )


def test_agency_hours() -> None:
    agency = Agency.objects.create(
        name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, identifier="000.00.11.H60"
    )
    OfficeHours.objects.create(agency=agency, afternoon_end="17:30")
    out = run("--received", "2025-04-29T16:10", "--limit", "3", "--agency", "000.00.11.H60")
    assert out == "2025-05-07T17:30:00+07:00\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--received", "2025-02-30T10:00", "--limit", "3"],
            "Ngày giờ không hợp lệ: 2025-02-30T10:00.",
        ),
        (
            ["--received", "2025-04-29T16:10", "--limit", "3", "--unit", "weeks"],
            "Đơn vị thời hạn không hợp lệ: weeks.",
        ),
        (
            ["--received", "2025-04-29T16:10", "--limit", "-1"],
            "Thời hạn phải là số nguyên không âm: -1.",
        ),
        (
            ["--received", "2025-04-29T16:10", "--limit", "ba"],
            "Thời hạn phải là số nguyên không âm: ba.",
        ),
        (
            ["--received", "2025-04-29T16:10", "--limit", "3", "--cutoff", "25:00"],
            "Giờ không hợp lệ: 25:00.",
        ),
        (
            ["--received", "2025-04-29T16:10", "--limit", "3", "--agency", "999.99.99.H99"],
            "Không tìm thấy cơ quan: 999.99.99.H99.",
        ),
        (
            ["--received", "2019-05-06T10:00", "--limit", "3"],
            "Không có lịch làm việc cho năm 2019.",
        ),
    ],
)
def test_bad_input_in_vietnamese(args: list[str], message: str) -> None:
    assert fail(*args).startswith(message)


def test_bad_input_in_english() -> None:
    text = fail("--received", "2025-04-29T16:10", "--limit", "3", "--unit", "weeks", "--lang", "en")
    assert text == "Unknown unit: weeks. Use working_hours, working_days, days or months."


def test_missing_argument(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        call_command("deadline", "--limit", "3")
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Tham số không hợp lệ:") and "--received" in err
    assert err.count("\n") == 1
