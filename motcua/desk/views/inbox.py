"""The official's inbox (the work waiting in each of their roles) and the quick search box
of every desk page, which also opens the dossier of a scanned receipt."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from motcua.desk.access import official_required
from motcua.desk.selectors import (
    WORK_LIST_LABELS,
    WORK_LIST_STATES,
    ListFilter,
    ListPage,
    WorkList,
    parse_quick_query,
    search_page,
    visible_code,
    work_conditions,
    work_counts,
    work_page,
)
from motcua.dossiers.models import Channel, DossierState
from motcua.dossiers.selectors import visible_dossiers
from motcua.org.models import User


class ListFilterForm(forms.Form):
    """The filters above a list (GET). An invalid value is reported and left out."""

    q = forms.CharField(
        label=gettext_lazy("Code, applicant's name or ID number"), required=False, max_length=200
    )
    state = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    procedure = forms.CharField(
        label=gettext_lazy("Procedure"),
        required=False,
        max_length=60,
        validators=[RegexValidator(r"^[\w.\-]+$", gettext_lazy("Choose a procedure."))],
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        required=False,
        choices=[("", gettext_lazy("All channels")), *Channel.choices],
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, data: QueryDict, *, states: tuple[str, ...] | list[str]) -> None:
        super().__init__(data)
        labels = dict(DossierState.choices)
        state_field = self.fields["state"]
        assert isinstance(state_field, forms.ChoiceField)
        state_field.choices = [("", gettext_lazy("All")), *((s, labels[s]) for s in states)]

    def value(self, name: str) -> Any:
        """The cleaned value of a field, or its empty value when it was not valid."""
        self.is_valid()
        return self.cleaned_data.get(name) or self.fields[name].to_python(None)

    def list_filter(self) -> ListFilter:
        return ListFilter(
            state=self.value("state") or "",
            procedure=self.value("procedure") or "",
            channel=self.value("channel") or "",
            overdue=bool(self.value("overdue")),
            text=self.value("q") or "",
        )

    def page_number(self) -> int:
        return int(self.value("page") or 1)


def page_links(request: HttpRequest, page: ListPage) -> dict[str, str]:
    """The query strings of the previous and next pages, keeping the filters."""
    links = {}
    for name, number, present in (
        ("previous", page.page - 1, page.has_previous),
        ("next", page.page + 1, page.has_next),
    ):
        if present:
            query = request.GET.copy()
            query["page"] = str(number)
            links[name] = "?" + query.urlencode()
    return links


@official_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    conditions = work_conditions(user)
    visible = visible_dossiers(user)
    counts = work_counts(user, conditions, visible=visible)
    lists = [wl for wl in WorkList if wl in conditions]
    requested = request.GET.get("list", "")
    current: WorkList | None
    if requested in lists:
        current = WorkList(requested)
    else:
        current = next((wl for wl in lists if counts.get(wl)), lists[0] if lists else None)
    context: dict[str, Any] = {
        "nav": "inbox",
        "tabs": [
            {
                "key": wl.value,
                "label": WORK_LIST_LABELS[wl],
                "count": counts.get(wl, 0),
                "current": wl is current,
                "query": urlencode({"list": wl.value}),
            }
            for wl in lists
        ],
        "current": current.value if current else "",
    }
    if current is not None:
        form = ListFilterForm(request.GET, states=WORK_LIST_STATES[current])
        page = work_page(
            user,
            current,
            form.list_filter(),
            page=form.page_number(),
            now=timezone.now(),
            conditions=conditions,
            visible=visible,
        )
        context.update(
            form=form,
            page=page,
            links=page_links(request, page),
            current_label=WORK_LIST_LABELS[current],
            show_step=current is WorkList.PROCESS,
            list_hidden=[("list", current.value)],
        )
    return render(request, "desk/inbox.html", context)


@official_required
def search(request: HttpRequest) -> HttpResponse:
    """One box for everything: a dossier code (typed, or scanned from a receipt's QR code)
    opens the dossier; other text lists the dossiers it matches."""
    user = request.user
    assert isinstance(user, User)
    query = parse_quick_query(request.GET.get("q", ""))
    context: dict[str, Any] = {"desk_query": query.text, "query": query}
    if query.code:
        pk = visible_code(user, query.code)
        if pk is None:
            # The same answer for a dossier of another agency as for no dossier at all.
            return render(request, "desk/search_not_found.html", context, status=404)
        url = reverse("desk:dossier", args=[pk])
        return redirect(f"{url}?return=1" if query.from_receipt else url)
    if query.text:
        page_field = forms.IntegerField(min_value=1, max_value=100_000, required=False)
        try:
            number = page_field.clean(request.GET.get("page")) or 1
        except forms.ValidationError:
            number = 1
        page = search_page(user, query.text, page=number, now=timezone.now())
        context.update(page=page, links=page_links(request, page))
    return render(request, "desk/search.html", context)


urlpatterns: list[URLPattern] = [
    path("", inbox, name="inbox"),
    path("search/", search, name="search"),
]
