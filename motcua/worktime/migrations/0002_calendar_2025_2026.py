"""Ships the official 2025 and 2026 calendars and the province's default office hours.

Only days that differ from the Monday–Friday week are rows: non-working weekdays and
working Saturdays. Weekend days inside a holiday span (e.g. Tết) need no row.
"""

import datetime

from django.db import migrations

LABOUR_CODE = "Bộ luật Lao động 2019, Điều 112"
COMPENSATORY = "Bộ luật Lao động 2019, Điều 111 khoản 3"
TET_2025 = (
    "Phương án nghỉ Tết Ất Tỵ 2025 của công chức, viên chức (nghỉ 25/01–02/02/2025) "
    "do Thủ tướng quyết định, Bộ LĐTB&XH thông báo; số hiệu văn bản chưa đối chiếu"
)
SWAP_2025 = (
    "Văn bản của Văn phòng Chính phủ hoán đổi thứ Sáu 02/5/2025 sang thứ Bảy 26/4/2025 "
    "(nghỉ 30/4–04/5/2025); số hiệu văn bản chưa đối chiếu"
)
NATIONAL_DAY_2025 = (
    "Phương án nghỉ Quốc khánh 2025 (nghỉ 30/8–02/9/2025) do Thủ tướng quyết định; "
    "số hiệu văn bản chưa đối chiếu"
)
NEW_YEAR_2026 = "Văn bản 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"
TET_AND_NATIONAL_DAY_2026 = (
    "Ý kiến Thủ tướng về nghỉ Tết Âm lịch và Quốc khánh 2026 do Văn phòng Chính phủ "
    "truyền đạt tháng 10/2025 (theo kienthuc.net.vn 13/10/2025; số hiệu chưa đối chiếu)"
)

YEARS = {
    2025: (
        "Tết Ất Tỵ nghỉ 25/01–02/02; Giỗ Tổ thứ Hai 07/4; nghỉ 30/4–04/5 với thứ Sáu 02/5 "
        "hoán đổi sang thứ Bảy 26/4; Quốc khánh nghỉ 30/8–02/9 (ngày liền kề 01/9)."
    ),
    2026: (
        "Tết Dương lịch nghỉ 01–04/01 với thứ Sáu 02/01 hoán đổi sang thứ Bảy 10/01 "
        "(12729/VPCP-KGVX); Tết Bính Ngọ nghỉ 14–22/02; Giỗ Tổ Chủ nhật 26/4, nghỉ bù "
        "thứ Hai 27/4; nghỉ 30/4–01/5; Quốc khánh nghỉ 29/8–02/9 (ngày liền kề 01/9) với "
        "thứ Hai 31/8 hoán đổi sang thứ Bảy 22/8."
    ),
}

DAYS = [
    # 2025
    ((2025, 1, 1), "holiday", "Tết Dương lịch", LABOUR_CODE),
    ((2025, 1, 27), "holiday", "Tết Nguyên đán Ất Tỵ (28 tháng Chạp)", TET_2025),
    ((2025, 1, 28), "holiday", "Tết Nguyên đán Ất Tỵ (29 tháng Chạp, cuối năm)", TET_2025),
    ((2025, 1, 29), "holiday", "Tết Nguyên đán Ất Tỵ (mùng 1)", TET_2025),
    ((2025, 1, 30), "holiday", "Tết Nguyên đán Ất Tỵ (mùng 2)", TET_2025),
    ((2025, 1, 31), "holiday", "Tết Nguyên đán Ất Tỵ (mùng 3)", TET_2025),
    ((2025, 4, 7), "holiday", "Giỗ Tổ Hùng Vương (10/3 Ất Tỵ)", LABOUR_CODE),
    ((2025, 4, 26), "swapped_workday", "Làm việc bù cho thứ Sáu 02/5/2025", SWAP_2025),
    ((2025, 4, 30), "holiday", "Ngày Chiến thắng", LABOUR_CODE),
    ((2025, 5, 1), "holiday", "Ngày Quốc tế Lao động", LABOUR_CODE),
    ((2025, 5, 2), "swapped_off", "Nghỉ hoán đổi, làm bù thứ Bảy 26/4/2025", SWAP_2025),
    ((2025, 9, 1), "holiday", "Quốc khánh (ngày liền kề)", NATIONAL_DAY_2025),
    ((2025, 9, 2), "holiday", "Quốc khánh", LABOUR_CODE),
    # 2026
    ((2026, 1, 1), "holiday", "Tết Dương lịch", LABOUR_CODE),
    ((2026, 1, 2), "swapped_off", "Nghỉ hoán đổi, làm bù thứ Bảy 10/01/2026", NEW_YEAR_2026),
    ((2026, 1, 10), "swapped_workday", "Làm việc bù cho thứ Sáu 02/01/2026", NEW_YEAR_2026),
    (
        (2026, 2, 16),
        "holiday",
        "Tết Nguyên đán Bính Ngọ (29 tháng Chạp, cuối năm)",
        TET_AND_NATIONAL_DAY_2026,
    ),
    ((2026, 2, 17), "holiday", "Tết Nguyên đán Bính Ngọ (mùng 1)", TET_AND_NATIONAL_DAY_2026),
    ((2026, 2, 18), "holiday", "Tết Nguyên đán Bính Ngọ (mùng 2)", TET_AND_NATIONAL_DAY_2026),
    ((2026, 2, 19), "holiday", "Tết Nguyên đán Bính Ngọ (mùng 3)", TET_AND_NATIONAL_DAY_2026),
    ((2026, 2, 20), "holiday", "Tết Nguyên đán Bính Ngọ (mùng 4)", TET_AND_NATIONAL_DAY_2026),
    (
        (2026, 4, 27),
        "compensatory_off",
        "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 Bính Ngọ, Chủ nhật 26/4/2026)",
        COMPENSATORY,
    ),
    ((2026, 4, 30), "holiday", "Ngày Chiến thắng", LABOUR_CODE),
    ((2026, 5, 1), "holiday", "Ngày Quốc tế Lao động", LABOUR_CODE),
    (
        (2026, 8, 22),
        "swapped_workday",
        "Làm việc bù cho thứ Hai 31/8/2026",
        TET_AND_NATIONAL_DAY_2026,
    ),
    (
        (2026, 8, 31),
        "swapped_off",
        "Nghỉ hoán đổi, làm bù thứ Bảy 22/8/2026",
        TET_AND_NATIONAL_DAY_2026,
    ),
    ((2026, 9, 1), "holiday", "Quốc khánh (ngày liền kề)", TET_AND_NATIONAL_DAY_2026),
    ((2026, 9, 2), "holiday", "Quốc khánh", LABOUR_CODE),
]


def ship(apps, schema_editor):
    CalendarYear = apps.get_model("worktime", "CalendarYear")
    CalendarDay = apps.get_model("worktime", "CalendarDay")
    OfficeHours = apps.get_model("worktime", "OfficeHours")
    CalendarRevision = apps.get_model("worktime", "CalendarRevision")
    for year, decision in YEARS.items():
        CalendarYear.objects.create(year=year, provisional=False, decision=decision)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=datetime.date(*ymd), kind=kind, reason=reason, source=source)
        for ymd, kind, reason, source in DAYS
    )
    OfficeHours.objects.create(
        agency=None,
        valid_from_month=1,
        valid_from_day=1,
        valid_to_month=12,
        valid_to_day=31,
        morning_start=datetime.time(7, 30),
        morning_end=datetime.time(11, 30),
        afternoon_start=datetime.time(13, 30),
        afternoon_end=datetime.time(17, 0),
    )
    CalendarRevision.objects.create(pk=1, number=1)


def unship(apps, schema_editor):
    apps.get_model("worktime", "CalendarDay").objects.filter(
        date__in=[datetime.date(*ymd) for ymd, *_ in DAYS]
    ).delete()
    apps.get_model("worktime", "CalendarYear").objects.filter(year__in=list(YEARS)).delete()
    apps.get_model("worktime", "OfficeHours").objects.filter(agency=None).delete()
    apps.get_model("worktime", "CalendarRevision").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("worktime", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
