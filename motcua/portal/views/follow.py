"""The citizen's dossiers ("Hồ sơ của tôi"), the dossier page and the applicant's actions:
answer a supplement request, withdraw, download the signed result, rate.

A dossier is the citizen's when their account owns it or it was filed with their personal
ID; anyone else gets a 404 (no oracle). The actions also accept the dossier code and lookup
secret instead of a sign-in (an assisted citizen without an account, from the tracking
page); the secret is checked again on every POST. Each action posts the version seen, so a
change made meanwhile is refused with a message and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.files.storage import storages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.citizens.access import citizen_of, citizen_required, sign_in_url
from motcua.citizens.models import Citizen
from motcua.core.errors import ConcurrentChange, DomainError, InvalidInput
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, Result, ResultKind
from motcua.dossiers.selectors import dossier_for_tracking
from motcua.dossiers.services import (
    DocumentInput,
    dossier_complete_supplement,
    dossier_withdraw,
)
from motcua.dossiers.uploads import check_upload
from motcua.portal.follow_forms import RatingForm, SupplementForm, WithdrawForm
from motcua.portal.follow_presenters import citizen_status, dossier_facts, expectation
from motcua.portal.selectors_follow import citizen_dossier, citizen_dossiers
from motcua.quality.models import RatingChannel
from motcua.quality.services import rating_submit

PAGE_SIZE = 20
DEFAULT_UPLOAD_MB = 10


@dataclass(frozen=True)
class Access:
    """How the caller proved the dossier is theirs: their sign-in, or the lookup secret."""

    dossier: Dossier
    citizen: Citizen | None
    secret: str = ""

    def actor(self) -> Actor:
        user = self.citizen.user if self.citizen is not None else None
        return Actor.applicant(self.dossier.applicant_name, user)


def _access(request: HttpRequest, code: str, secret: str) -> Access | None:
    citizen = citizen_of(request)
    if citizen is not None:
        dossier = citizen_dossier(citizen, code)
        if dossier is not None:
            return Access(dossier, citizen)
    if secret:
        dossier = dossier_for_tracking(code, secret)
        if dossier is not None and dossier.parent_id is None:
            return Access(dossier, None, secret.strip())
    return None


def _access_or_deny(request: HttpRequest, code: str, secret: str) -> Access | HttpResponse:
    access = _access(request, code, secret)
    if access is not None:
        return access
    if not secret and citizen_of(request) is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:dossier", args=[code])))
    raise Http404(_("No such dossier."))


def _page_url(access: Access) -> str:
    if access.citizen is not None:
        return reverse("portal:dossier", args=[access.dossier.code])
    query = urlencode({"code": access.dossier.code, "k": access.secret})
    return f"{reverse('portal:track')}?{query}"


def _reload(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related(
        "procedure_version", "procedure_group", "competent_agency", "return_agency"
    ).get(pk=dossier.pk)


def action_forms(dossier: Dossier, facts: dict[str, Any], secret: str = "") -> dict[str, Any]:
    """The unbound forms of the actions the page offers (bound ones replace them)."""
    initial = {"version": dossier.version, "k": secret}
    forms: dict[str, Any] = {}
    if facts["supplement"] is not None:
        forms["supplement_form"] = SupplementForm(
            initial=initial, items=list(facts["supplement"].items)
        )
    if facts["can_withdraw"]:
        forms["withdraw_form"] = WithdrawForm(initial=initial)
    return forms


def render_page(
    request: HttpRequest, access: Access, *, status: int = 200, **bound: Any
) -> HttpResponse:
    """The dossier page (signed in) or the tracking page (secret holder), with ``bound``
    forms and their errors."""
    dossier = _reload(access.dossier)
    owner_view = access.citizen is not None
    facts = dossier_facts(dossier, owner_view=owner_view)
    context = {
        **facts,
        **action_forms(dossier, facts, access.secret),
        **bound,
        "secret": access.secret,
        "code": dossier.code,
    }
    template = "portal/follow/dossier.html" if owner_view else "portal/track.html"
    return render(request, template, context, status=status)


def _domain_error(
    request: HttpRequest, access: Access, exc: DomainError, form_key: str, form: Any
) -> HttpResponse:
    """A refused action: the message on the page, nothing changed."""
    if isinstance(exc, InvalidInput):
        errors = exc.details.get("errors") or {}
        placed = False
        for field, message in errors.items():
            if field in form.fields:
                form.add_error(field, str(message))
                placed = True
        if not placed:
            form.add_error(None, exc.message)
        return render_page(request, access, status=422, **{form_key: form})
    status = 409 if isinstance(exc, ConcurrentChange) or exc.status == 409 else exc.status
    form.add_error(None, exc.message)
    return render_page(request, access, status=status, **{form_key: form})


# --- pages ------------------------------------------------------------------------------


@never_cache
@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    citizen: Citizen = request.citizen  # type: ignore[attr-defined]
    paginator = Paginator(citizen_dossiers(citizen), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {
            "dossier": d,
            "status": citizen_status(d),
            "todo": expectation(d, rated=bool(getattr(d, "rated", False))),
        }
        for d in page.object_list
    ]
    return render(request, "portal/follow/list.html", {"page": page, "rows": rows})


@never_cache
@citizen_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    citizen: Citizen = request.citizen  # type: ignore[attr-defined]
    dossier = citizen_dossier(citizen, code)
    if dossier is None:
        raise Http404(_("No such dossier."))
    return render_page(request, Access(dossier, citizen))


# --- actions ----------------------------------------------------------------------------


def _max_bytes(dossier: Dossier) -> int:
    version = dossier.procedure_version
    mb = version.max_upload_mb if version is not None else DEFAULT_UPLOAD_MB
    return int(mb) * 1024 * 1024


@require_POST
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    """Answer a request to complete (at intake) or supplement (during processing) papers."""
    found = _access_or_deny(request, code, request.POST.get("k", ""))
    if isinstance(found, HttpResponse):
        return found
    access = found
    facts = dossier_facts(access.dossier, owner_view=access.citizen is not None)
    request_row = facts["supplement"]
    if request_row is None:
        messages.error(request, _("No papers are being asked for on this dossier now."))
        return HttpResponseRedirect(_page_url(access))
    form = SupplementForm(request.POST, request.FILES, items=list(request_row.items))
    if not form.is_valid():
        return render_page(request, access, status=422, supplement_form=form)
    documents: list[DocumentInput] = []
    limit = _max_bytes(access.dossier)
    for i, item in enumerate(form.items):
        for upload in form.cleaned_data[f"item_{i}"]:
            try:
                checked = check_upload(upload, filename=upload.name or "", max_bytes=limit)
            except InvalidInput as exc:
                form.add_error(f"item_{i}", exc.message)
                continue
            documents.append(DocumentInput(upload=checked, name=item))
    if form.errors:
        return render_page(request, access, status=422, supplement_form=form)
    try:
        dossier_complete_supplement(
            dossier=access.dossier.pk,
            actor=access.actor(),
            documents=documents,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        return _domain_error(request, access, exc, "supplement_form", form)
    messages.success(request, _("Thank you: the papers were sent to the agency."))
    return HttpResponseRedirect(_page_url(access))


@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    found = _access_or_deny(request, code, request.POST.get("k", ""))
    if isinstance(found, HttpResponse):
        return found
    access = found
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return render_page(request, access, status=422, withdraw_form=form)
    try:
        dossier_withdraw(
            dossier=access.dossier.pk,
            actor=access.actor(),
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        return _domain_error(request, access, exc, "withdraw_form", form)
    messages.success(request, _("The dossier was withdrawn."))
    return HttpResponseRedirect(_page_url(access))


@never_cache
@citizen_required
def result_file(request: HttpRequest, code: str, number: int) -> HttpResponseBase:
    """The signed electronic result, to the dossier's owner only."""
    mine = citizen_dossiers(request.citizen).values("pk")  # type: ignore[attr-defined]
    result = (
        Result.objects.filter(
            # The dossier's own results, or those of a part of the citizen's group.
            Q(dossier__in=mine) | Q(dossier__parent__in=mine),
            dossier__code=code,
            number=number,
            kind=ResultKind.ELECTRONIC,
            signed_at__isnull=False,
        )
        .exclude(file="")
        .first()
    )
    if result is None or not result.file:
        raise Http404(_("No such result file."))
    handle: IO[bytes] = storages["dossier_files"].open(result.file.name, "rb")
    is_pdf = result.content_type == "application/pdf"
    response = FileResponse(
        handle,
        content_type=result.content_type or "application/octet-stream",
        as_attachment=True,
        filename=f"{result.code}.pdf" if is_pdf else result.code,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """Rate a dossier whose result was returned: like/dislike and the per-dossier
    indicators of Circular 01/2018 art. 13; once."""
    source = request.POST if request.method == "POST" else request.GET
    found = _access_or_deny(request, code, source.get("k", ""))
    if isinstance(found, HttpResponse):
        return found
    access = found
    facts = dossier_facts(access.dossier, owner_view=access.citizen is not None)
    context: dict[str, Any] = {
        "dossier": access.dossier,
        "secret": access.secret,
        "back_url": _page_url(access),
        "rated": facts["rated"],
        "can_rate": facts["can_rate"],
    }
    if request.method == "GET":
        context["form"] = RatingForm(initial={"k": access.secret})
        return render(request, "portal/follow/rate.html", context)
    form = RatingForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "portal/follow/rate.html", context, status=422)
    try:
        rating_submit(
            dossier=access.dossier,
            user=access.citizen.user if access.citizen is not None else None,
            answers=form.cleaned_data,
            channel=RatingChannel.PORTAL if access.citizen is not None else RatingChannel.TRACKING,
        )
    except InvalidInput as exc:
        for field, message in (exc.details.get("errors") or {}).items():
            form.add_error(field if field in form.fields else None, str(message))
        return render(request, "portal/follow/rate.html", context, status=422)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render(request, "portal/follow/rate.html", context, status=409)
    messages.success(request, _("Thank you for rating this dossier."))
    return HttpResponseRedirect(_page_url(access))


urlpatterns: list[URLPattern] = [
    path("ho-so-cua-toi/", my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", dossier_page, name="dossier"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", supplement, name="supplement"),
    path("ho-so-cua-toi/<str:code>/rut-ho-so/", withdraw, name="withdraw"),
    path("ho-so-cua-toi/<str:code>/ket-qua/<int:number>/", result_file, name="result_file"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", rate, name="rate"),
]
