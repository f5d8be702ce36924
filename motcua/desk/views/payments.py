"""The daily reconciliation of online payments (đối soát thanh toán trực tuyến): for a
day, each receiving account the official oversees, the gateway's statement against the
payments MotCua recorded, mismatches flagged."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.desk.access import official_required
from motcua.org.models import Role, RoleAssignment, User
from motcua.org.selectors import is_province_admin
from motcua.payments.models import PaymentAccount
from motcua.payments.reconcile import reconcile


def reconcilable_accounts(user: User) -> QuerySet[PaymentAccount]:
    """Active accounts of the agencies under the user's oversight: everything for the
    province administrator; a leader's agency and its units; a center manager's parent
    agency (the commune or the province the center serves) and its units."""
    accounts = PaymentAccount.objects.filter(active=True).select_related("agency")
    if is_province_admin(user):
        return accounts.order_by("agency__path")
    roots: list[str] = []
    rows = RoleAssignment.objects.filter(
        user=user, role__in=[Role.LEADER, Role.CENTER_MANAGER]
    ).select_related("agency__parent")
    for row in rows:
        agency = row.agency
        if row.role == Role.CENTER_MANAGER and agency.parent is not None:
            agency = agency.parent
        roots.append(agency.path)
    if not roots:
        return accounts.none()
    return accounts.filter(reduce(or_, [Q(agency__path__startswith=p) for p in roots])).order_by(
        "agency__path"
    )


# Reading a statement is an HTTP call to the gateway: "all accounts" only when few.
ALL_AT_ONCE = 10


class DayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput({"type": "date"}))
    account = forms.TypedChoiceField(
        label=gettext_lazy("Account"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, accounts: list[PaymentAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        assert isinstance(field, forms.TypedChoiceField)
        choices: list[tuple[Any, str]] = [
            (a.pk, f"{a.agency.name} ({a.merchant_code})") for a in accounts
        ]
        if len(accounts) <= ALL_AT_ONCE:
            choices.insert(0, ("", _("All accounts")))
        else:
            field.required = True
        field.choices = choices


@official_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    accounts = list(reconcilable_accounts(user))
    if not accounts:
        refusal = _("You oversee no agency's payment account.")
        return render(
            request,
            "desk/center_forbidden.html",
            {"nav": "payments", "refusal": refusal},
            status=403,
        )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    data = request.GET if "date" in request.GET else None
    form = DayForm(data, accounts=accounts, initial={"date": yesterday})
    reports = []
    if form.is_valid():
        day = form.cleaned_data["date"]
        wanted = form.cleaned_data.get("account")
        chosen = [a for a in accounts if wanted is None or a.pk == wanted]
        reports = [reconcile(account, day) for account in chosen[:ALL_AT_ONCE]]
    context: dict[str, object] = {"nav": "payments", "form": form, "reports": reports}
    return render(request, "desk/payments/reconciliation.html", context)


urlpatterns: list[URLPattern] = [
    path("payments/reconciliation/", reconciliation, name="payments_reconciliation"),
]
