"""Community digital teams (Tổ công nghệ số cộng đồng) of the official's communes, with
the dossiers each filed for citizens, per month — for leaders, center managers and the
province administrator."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.citizens.teams import TeamTable, may_see_teams, team_table, teams_visible_to
from motcua.desk.access import official_required
from motcua.org.models import User


class MonthForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Month"),
        required=False,
        widget=forms.DateInput({"type": "month"}),
        help_text=gettext_lazy("Year and month, e.g. 2026-10."),
    )

    def chosen(self, today: dt.date) -> tuple[int, int]:
        value = (self.cleaned_data.get("month") or "") if self.is_valid() else ""
        try:
            year, month = (int(part) for part in value.split("-")[:2])
            dt.date(year, month, 1)
        except (ValueError, TypeError):
            return today.year, today.month
        if not 2000 <= year <= today.year + 1:
            return today.year, today.month
        return year, month


def _refused(request: HttpRequest) -> HttpResponse:
    context = {
        "nav": "teams",
        "refusal": _(
            "Only leaders, center managers and the province administrator "
            "see the community digital teams."
        ),
    }
    return render(request, "desk/center_forbidden.html", context, status=403)


def _table(request: HttpRequest) -> tuple[TeamTable, MonthForm, int, int]:
    user = request.user
    assert isinstance(user, User)
    form = MonthForm(request.GET)
    year, month = form.chosen(timezone.localdate())
    table = team_table(teams_visible_to(user), year=year, month=month)
    return table, form, year, month


@official_required
def teams(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not may_see_teams(user):
        return _refused(request)
    table, form, year, month = _table(request)
    context: dict[str, Any] = {
        "nav": "teams",
        "table": table,
        "form": form,
        "chosen": dt.date(year, month, 1),
        "month_value": f"{year:04d}-{month:02d}",
    }
    return render(request, "desk/teams/teams.html", context)


@official_required
def teams_xlsx(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not may_see_teams(user):
        return _refused(request)
    table, _form, year, month = _table(request)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet = book.add_worksheet(_("Teams")[:31])
    headers = [_("Team"), _("Commune")] + [m.strftime("%m/%Y") for m in table.months]
    headers.append(_("Total"))
    for col, title in enumerate(headers):
        sheet.write_string(0, col, title, bold)
    sheet.set_column(0, 1, 40)
    for r, row in enumerate(table.rows, start=1):
        sheet.write_string(r, 0, row.team.name)
        sheet.write_string(r, 1, row.team.commune.name)
        for c, count in enumerate(row.months, start=2):
            sheet.write_number(r, c, count)
        sheet.write_number(r, len(row.months) + 2, row.total)
    sheet.freeze_panes(1, 2)
    book.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="to-cong-nghe-so-{year:04d}-{month:02d}.xlsx"'
    )
    return response


urlpatterns: list[URLPattern] = [
    path("teams/", teams, name="teams"),
    path("teams/xlsx/", teams_xlsx, name="teams_xlsx"),
]
