"""The operator's administration pages (/desk/manage/): workflows, officials and their roles,
agency signing certificates, and the year's calendar decisions.

Who may use them (decided here, documented in ``docs/operator.md``):

* the province administrator: every page, the whole province;
* an agency-level manager (``center_manager`` or ``leader`` at an agency): the workflows
  and the officials of that agency's subtree only (``motcua.org.services``);
* everyone else: 403. Certificates and the calendar are the province administrator's.

Something outside the user's scope is a 404, as if it did not exist. Every change is a
POST (CSRF-protected) that calls a service; the services check the scope again and write
the audit log. Views only translate input and output.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import TemplateView

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import published_versions
from motcua.core.errors import DomainError, Forbidden, InvalidInput
from motcua.core.text import fold
from motcua.desk.access import official_required
from motcua.desk.manage_forms import (
    MAX_PKCS12_BYTES,
    BaseStepFormSet,
    CalendarDecisionForm,
    CalendarYearForm,
    CertificateFilterForm,
    CertificateUploadForm,
    OfficialFilterForm,
    OfficialForm,
    RoleGrantForm,
    StepFormSet,
    WorkflowForm,
    WorkflowSearchForm,
    attach_errors,
)
from motcua.documents.models import SigningCertificate
from motcua.org.models import Agency, RoleAssignment, User
from motcua.org.selectors import is_province_admin
from motcua.org.services import (
    OfficialInput,
    can_administer,
    grantable_roles,
    has_second_factor,
    managed_agencies,
    official_change_refusal,
    official_create,
    official_set_active,
    official_update,
    officials_in_scope,
    password_setup_link_parts,
    role_grant,
    role_revoke,
    roles_of,
    second_factor_reset,
)
from motcua.workflow.models import StepAgency, Workflow
from motcua.workflow.services import (
    AllotmentPreview,
    Source,
    StepInput,
    allotment_preview,
    competent_for,
    decidable_by,
    effective_workflow,
    workflow_overview,
    workflow_reset,
    workflow_save,
)
from motcua.worktime.calendar import to_local
from motcua.worktime.holidays import FIRST_STATUTORY_YEAR, LAST_STATUTORY_YEAR
from motcua.worktime.models import CalendarDay
from motcua.worktime.services import (
    calendar_day_remove,
    calendar_days_add,
    calendar_year_record,
    year_overview,
)

View = Callable[..., HttpResponse]
audit = logging.getLogger("motcua.audit")
EXPIRY_WARNING_DAYS = 30
PAGE_SIZE = 50
PROCEDURES_PER_PAGE = 20


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_admin(request: HttpRequest) -> bool:
    """Is the user the province administrator (asked once per request)?"""
    cached: bool | None = getattr(request, "_manage_is_admin", None)
    if cached is None:
        cached = is_province_admin(_user(request))
        request._manage_is_admin = cached  # type: ignore[attr-defined]
    return cached


def manager_required(view: View) -> View:
    """Signed-in official who administers something (province or agency level); else 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (_is_admin(request) or can_administer(_user(request))):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return official_required(wrapped)


def province_admin_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _is_admin(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return official_required(wrapped)


def _render(
    request: HttpRequest, template: str, section: str, context: dict[str, Any]
) -> HttpResponse:
    context = {
        "nav": "manage",
        "section": section,
        "manage_is_admin": _is_admin(request),
        **context,
    }
    return render(request, f"desk/manage/{template}", context)


def _page(request: HttpRequest, items: Any, size: int) -> Any:
    return Paginator(items, size).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- home -------------------------------------------------------------------------------


@require_GET
@manager_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    admin = _is_admin(request)
    scope = managed_agencies(user)
    officials = officials_in_scope(user).filter(is_active=True)
    own_workflows = Workflow.objects.filter(active=True, competent_agency__in=scope)
    context: dict[str, Any] = {
        "is_admin": admin,
        "agencies": scope.filter(active=True).count(),
        "officials": officials.count(),
        "without_second_factor": officials.filter(~has_second_factor()).count(),
        "workflows": own_workflows.count(),
    }
    if admin:
        context["default_workflows"] = Workflow.objects.filter(
            active=True, competent_agency__isnull=True
        ).count()
        now = timezone.now()
        active_certs = SigningCertificate.objects.filter(active=True)
        context["without_certificate"] = (
            Agency.objects.filter(active=True)
            .exclude(Exists(active_certs.filter(agency=OuterRef("pk"))))
            .count()
        )
        context["expiring_certificates"] = active_certs.filter(
            not_after__lt=now + dt.timedelta(days=EXPIRY_WARNING_DAYS)
        ).count()
        context["calendar"] = year_overview(to_local(now).year)
    return _render(request, "home.html", "home", context)


# --- workflows ----------------------------------------------------------------------------


@require_GET
@manager_required
def workflows(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    admin = _is_admin(request)
    scope = managed_agencies(user).filter(active=True).order_by("path")
    form = WorkflowSearchForm(request.GET or None, agencies=scope)
    query, chosen_agency = "", None
    if form.is_valid():
        query = form.cleaned_data["q"]
        chosen_agency = form.cleaned_data["agency"]
    agencies = [chosen_agency] if chosen_agency is not None else list(scope)
    versions = published_versions()
    if chosen_agency is not None or not admin:
        versions = versions.filter(decidable_by(agencies))
    for word in fold(query).split():
        versions = versions.filter(search_key__contains=word)
    page = _page(request, versions.order_by("procedure__code"), PROCEDURES_PER_PAGE)
    overview = workflow_overview(
        list(page.object_list), agencies, include_default=admin and chosen_agency is None
    )
    return _render(
        request,
        "workflows.html",
        "workflows",
        {
            "form": form,
            "page": page,
            "overview": overview,
            "query_string": _query_without_page(request),
            "is_admin": admin,
        },
    )


def _workflow_target(
    request: HttpRequest, code: str, target: str
) -> tuple[ProcedureVersion, Agency | None]:
    user = _user(request)
    version = get_object_or_404(published_versions(), procedure__code=code)
    if target == "default":
        if not _is_admin(request):
            raise PermissionDenied
        return version, None
    if not target.isdigit():
        raise Http404
    agency = managed_agencies(user).filter(pk=int(target), active=True).first()
    if agency is None or not competent_for(version, agency):
        raise Http404
    return version, agency


def _step_initial(steps: list[StepInput]) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "role": s.role,
            "agency_rule": s.agency_rule,
            "agency": s.agency,
            "share": s.share,
        }
        for s in steps
    ]


def _duration(value: dt.timedelta | None) -> str:
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    return _("%(h)d h %(m)02d min") % {"h": minutes // 60, "m": minutes % 60}


def _form_share(formset: Any, i: int, form: Any) -> Decimal | None:
    """The share a step form holds now (None: a blank new row, a removed step, or no
    valid number)."""
    if not form.is_bound:
        share = form.initial.get("share")
        return share if isinstance(share, Decimal) else None
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    if cleaned.get("DELETE") or (i >= formset.initial_form_count() and not form.has_changed()):
        return None
    share = cleaned.get("share")
    return share if isinstance(share, Decimal) else None


@dataclass(frozen=True)
class _Allotment:
    reference: AllotmentPreview | None
    by_form: dict[int, str]
    share_total: Decimal


def _allotment_rows(formset: Any, version: ProcedureVersion, agency: Agency | None) -> _Allotment:
    """The legal time of a dossier accepted next working day and, when every step on the
    page has a valid share, each step form's allotted working time (by form index)."""
    now = timezone.now()
    reference = allotment_preview(version=version, agency=agency, shares=[Decimal(100)], now=now)
    shares: list[tuple[int, Decimal]] = []
    complete = True
    for i, form in enumerate(formset.forms):
        share = _form_share(formset, i, form)
        if share is not None:
            shares.append((i, share))
        elif form.is_bound and form.errors:
            complete = False
    total = sum((s for _i, s in shares), Decimal(0))
    if reference is None or reference.total is None or not complete:
        return _Allotment(reference, {}, total)
    preview = allotment_preview(
        version=version, agency=agency, shares=[s for _i, s in shares], now=now
    )
    if preview is None:
        return _Allotment(reference, {}, total)
    by_form = {i: _duration(a) for (i, _s), a in zip(shares, preview.allotted, strict=True)}
    return _Allotment(reference, by_form, total)


def _default_name(version: ProcedureVersion, agency: Agency | None) -> str:
    where = agency.short_name or agency.name if agency is not None else _("all agencies")
    return f"{version.procedure.code} {version.name} – {where}"[:255]


@require_http_methods(["GET", "POST"])
@manager_required
def workflow_edit(request: HttpRequest, code: str, target: str) -> HttpResponse:
    user = _user(request)
    version, agency = _workflow_target(request, code, target)
    procedure = version.procedure
    effective = effective_workflow(procedure, agency)
    step_agencies = managed_agencies(user).filter(active=True).order_by("path")
    initial = _step_initial(effective.steps)
    own = effective.source == Source.OWN
    name_initial = effective.workflow.name if own and effective.workflow else None
    kwargs = {"prefix": "steps", "initial": initial, "form_kwargs": {"agencies": step_agencies}}
    share_errors: list[str] = []
    here = reverse("desk:manage_workflow_edit", args=[code, target])

    if request.method == "POST" and "reset" in request.POST:
        try:
            retired = workflow_reset(by=user, procedure=procedure, competent_agency=agency)
        except Forbidden:
            raise PermissionDenied from None
        if retired:
            messages.success(
                request,
                _("The workflow was retired; dossiers accepted from now on use the default."),
            )
        return HttpResponseRedirect(here)

    if request.method == "POST":
        data = request.POST.copy()
        if "add_step" in data:
            total = int(data.get("steps-TOTAL_FORMS", "0") or 0)
            data["steps-TOTAL_FORMS"] = str(min(total + 1, 30))
        formset = StepFormSet(data, **kwargs)  # type: ignore[arg-type]
        form = WorkflowForm(data)
        if "add_step" not in data and form.is_valid() and formset.is_valid():
            live = cast(BaseStepFormSet, formset).live_forms()
            steps = [
                StepInput(
                    name=f.cleaned_data["name"],
                    role=f.cleaned_data["role"],
                    share=f.cleaned_data["share"],
                    agency_rule=f.cleaned_data["agency_rule"],
                    agency=f.cleaned_data.get("agency"),
                )
                for f in live
            ]
            try:
                workflow_save(
                    by=user,
                    procedure=procedure,
                    competent_agency=agency,
                    name=form.cleaned_data["name"],
                    steps=steps,
                )
            except Forbidden:
                raise PermissionDenied from None
            except InvalidInput as exc:
                for key, message in exc.details.get("errors", {}).items():
                    parts = key.split(".", 2)
                    if key == "steps" or len(parts) != 3:
                        share_errors.append(message)
                    else:
                        target_form = live[int(parts[1])]
                        field = parts[2] if parts[2] in target_form.fields else None
                        target_form.add_error(field, message)
            else:
                messages.success(
                    request,
                    _(
                        "The workflow was saved. Dossiers accepted from now on follow it; "
                        "dossiers already accepted keep their steps."
                    ),
                )
                return HttpResponseRedirect(here)
        elif "add_step" not in data:
            share_errors.extend(str(e) for e in formset.non_form_errors())
    else:
        formset = StepFormSet(**kwargs)  # type: ignore[arg-type]
        form = WorkflowForm(initial={"name": name_initial or _default_name(version, agency)})

    allotment = _allotment_rows(formset, version, agency)
    reference = allotment.reference
    rows = [(f, allotment.by_form.get(i, "")) for i, f in enumerate(formset.forms)]
    return _render(
        request,
        "workflow_edit.html",
        "workflows",
        {
            "version": version,
            "agency": agency,
            "effective": effective,
            "own": own,
            "form": form,
            "formset": formset,
            "rows": rows,
            "share_errors": share_errors,
            "reference": reference,
            "total_text": _duration(reference.total) if reference is not None else "",
            "share_total": allotment.share_total,
            "total_minutes": int(reference.total.total_seconds() // 60)
            if reference is not None and reference.total is not None
            else "",
            "named": StepAgency.FIXED.value,
        },
    )


# --- officials ----------------------------------------------------------------------------


@require_GET
@manager_required
def officials(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scope = managed_agencies(user).filter(active=True).order_by("path")
    form = OfficialFilterForm(request.GET or None, agencies=scope)
    rows: QuerySet[User] = officials_in_scope(user).select_related("agency")
    if form.is_valid():
        data = form.cleaned_data
        for word in data["q"].split():
            rows = rows.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
        if data["agency"] is not None:
            rows = rows.filter(agency__path__startswith=data["agency"].path)
        if data["role"]:
            rows = rows.filter(
                Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), role=data["role"]))
            )
        if data["status"] == "active":
            rows = rows.filter(is_active=True)
        elif data["status"] == "inactive":
            rows = rows.filter(is_active=False)
        elif data["status"] == "no_second_factor":
            rows = rows.filter(~has_second_factor(), is_active=True)
    page = _page(request, rows.order_by("agency__path", "last_name", "first_name", "pk"), PAGE_SIZE)
    people = list(page.object_list)
    roles = roles_of(people)
    return _render(
        request,
        "officials.html",
        "officials",
        {
            "form": form,
            "page": page,
            "people": [(p, roles[p.pk]) for p in people],
            "query_string": _query_without_page(request),
        },
    )


def _password_link(request: HttpRequest, user: User, official: User) -> str:
    uid, token = password_setup_link_parts(by=user, official=official)
    return request.build_absolute_uri(reverse("desk:manage_password_set", args=[uid, token]))


def _official_input(data: dict[str, Any], username: str = "") -> OfficialInput:
    return OfficialInput(
        username=data.get("username", username),
        full_name=data["full_name"],
        agency=data["agency"],
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        job_title=data.get("job_title", ""),
    )


@require_http_methods(["GET", "POST"])
@manager_required
def official_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scope = managed_agencies(user).filter(active=True).order_by("path")
    roles = grantable_roles(user)
    form = OfficialForm(request.POST or None, agencies=scope, roles=roles, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            official = official_create(
                by=user, data=_official_input(form.cleaned_data), roles=form.cleaned_data["roles"]
            )
        except Forbidden:
            raise PermissionDenied from None
        except InvalidInput as exc:
            attach_errors(form, exc.details.get("errors", {}))
        else:
            return _render(
                request,
                "official_created.html",
                "officials",
                {
                    "official": official,
                    "link": _password_link(request, user, official),
                },
            )
    return _render(request, "official_new.html", "officials", {"form": form})


def _official_forms(
    user: User, official: User, data: Any = None, which: str = ""
) -> tuple[OfficialForm, RoleGrantForm]:
    scope = managed_agencies(user).filter(active=True).order_by("path")
    profile = OfficialForm(
        data if which == "profile" else None,
        agencies=scope,
        roles=[],
        creating=False,
        initial={
            "full_name": official.get_full_name(),
            "email": official.email,
            "phone": official.phone,
            "job_title": official.job_title,
            "agency": official.agency,
        },
    )
    grant = RoleGrantForm(
        data if which == "grant" else None,
        agencies=scope,
        roles=grantable_roles(user),
        initial={"agency": official.agency},
    )
    return profile, grant


@require_http_methods(["GET", "POST"])
@manager_required
def official_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    official = get_object_or_404(officials_in_scope(user).select_related("agency"), pk=pk)
    refusal = official_change_refusal(user, official)
    here = reverse("desk:manage_official_edit", args=[pk])
    action = request.POST.get("action", "") if request.method == "POST" else ""
    profile, grant = _official_forms(user, official, request.POST, action)
    link = ""
    if request.method == "POST":
        if refusal is not None:
            raise PermissionDenied
        try:
            done = _official_action(request, user, official, action, profile, grant)
        except Forbidden:
            raise PermissionDenied from None
        if isinstance(done, str):
            link = done
        elif done:
            return HttpResponseRedirect(here)
    assignments = roles_of([official])[official.pk]
    scope_ids = set(managed_agencies(user).values_list("pk", flat=True))
    return _render(
        request,
        "official_edit.html",
        "officials",
        {
            "official": official,
            "refusal": refusal,
            "profile": profile,
            "grant": grant,
            "assignments": [(a, a.agency_id in scope_ids) for a in assignments],
            "link": link,
            "has_password": official.has_usable_password(),
        },
    )


def _official_action(
    request: HttpRequest,
    user: User,
    official: User,
    action: str,
    profile: OfficialForm,
    grant: RoleGrantForm,
) -> bool | str:
    """Do one POSTed change. True: done (redirect); False: show the form errors; a string:
    the set-password link to show once."""
    if action == "profile":
        if not profile.is_valid():
            return False
        try:
            official_update(
                by=user,
                official=official,
                data=_official_input(profile.cleaned_data, official.username),
            )
        except InvalidInput as exc:
            attach_errors(profile, exc.details.get("errors", {}))
            return False
        messages.success(request, _("The official's details were saved."))
        return True
    if action == "grant":
        if not grant.is_valid():
            return False
        try:
            role_grant(
                by=user,
                official=official,
                role=grant.cleaned_data["role"],
                agency=grant.cleaned_data["agency"],
            )
        except InvalidInput as exc:
            attach_errors(grant, exc.details.get("errors", {}))
            return False
        messages.success(request, _("The role was granted."))
        return True
    if action == "revoke":
        assignment = get_object_or_404(
            RoleAssignment.objects.select_related("agency", "user"),
            pk=_int(request.POST.get("assignment")),
            user=official,
        )
        role_revoke(by=user, assignment=assignment)
        messages.success(request, _("The role was revoked."))
        return True
    if action in ("deactivate", "reactivate"):
        official_set_active(by=user, official=official, active=action == "reactivate")
        messages.success(
            request,
            _("The account was reactivated.")
            if action == "reactivate"
            else _("The account was deactivated; the official is signed out."),
        )
        return True
    if action == "reset_second_factor":
        removed = second_factor_reset(by=user, official=official)
        messages.success(
            request,
            _("The second factor was reset: the official enrols a new one at the next sign-in.")
            if removed
            else _("The official had no second factor to reset."),
        )
        return True
    if action == "password_link":
        try:
            return _password_link(request, user, official)
        except InvalidInput as exc:
            messages.error(request, exc.message)
            return True
    raise Http404


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


class PasswordSetView(PasswordResetConfirmView):
    """The official's one-time link: choose a password (Django's validators apply)."""

    template_name = "desk/manage/password_set.html"
    success_url = reverse_lazy("desk:manage_password_done")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.info("password_set official=%s#%s", self.user.username, self.user.pk)
        return response


class PasswordDoneView(TemplateView):
    template_name = "desk/manage/password_done.html"


# --- certificates -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@province_admin_required
def certificates(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    agencies = Agency.objects.filter(active=True).order_by("path")
    upload = CertificateUploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and upload.is_valid():
        created = _import_certificate(user, upload)
        if created is not None:
            messages.success(
                request,
                _("The certificate of %(agency)s was imported and is now active.")
                % {"agency": created.agency.name},
            )
            return redirect("desk:manage_certificates")

    filters = CertificateFilterForm(request.GET or None)
    now = timezone.now()
    soon = now + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    listed = agencies
    if filters.is_valid():
        key = fold(filters.cleaned_data["q"])
        if key:
            listed = listed.filter(search_key__contains=key)
        active = SigningCertificate.objects.filter(agency=OuterRef("pk"), active=True)
        if filters.cleaned_data["status"] == "missing":
            listed = listed.exclude(Exists(active))
        elif filters.cleaned_data["status"] == "expiring":
            listed = listed.filter(Exists(active.filter(not_after__lt=soon)))
    page = _page(request, listed, PAGE_SIZE)
    rows_agencies = list(page.object_list)
    current = {
        c.agency_id: c
        for c in SigningCertificate.objects.filter(
            active=True, agency__in=[a.pk for a in rows_agencies]
        )
    }
    rows = []
    for agency in rows_agencies:
        cert = current.get(agency.pk)
        days = (cert.not_after - now).days if cert is not None else None
        rows.append(
            {
                "agency": agency,
                "cert": cert,
                "days": days,
                "expired": cert is not None and cert.not_after <= now,
                "warning": cert is not None and cert.not_after < soon,
            }
        )
    return _render(
        request,
        "certificates.html",
        "certificates",
        {
            "upload": upload,
            "filters": filters,
            "page": page,
            "rows": rows,
            "query_string": _query_without_page(request),
            "max_kb": MAX_PKCS12_BYTES // 1024,
            "warning_days": EXPIRY_WARNING_DAYS,
        },
    )


# Fields of import_pkcs12's errors that belong to the uploaded file on this form.
_FILE_ERROR_FIELDS = {"data", "pkcs12", "certificate", "key", "chain", "bundle"}


def _import_certificate(user: User, upload: CertificateUploadForm) -> SigningCertificate | None:
    from motcua.documents.certificates import import_pkcs12

    data = upload.cleaned_data["file"].read(MAX_PKCS12_BYTES + 1)
    if len(data) > MAX_PKCS12_BYTES:
        upload.add_error(
            "file", _("The file is larger than 64 KB: it is not a PKCS#12 signing certificate.")
        )
        return None
    try:
        cert = import_pkcs12(
            agency=upload.cleaned_data["agency"],
            data=data,
            passphrase=upload.cleaned_data["passphrase"],
            label=upload.cleaned_data["label"],
            user=user,
            activate=True,
        )
    except InvalidInput as exc:
        errors = exc.details.get("errors") or {None: exc.message}
        for key, message in errors.items():
            field = "file" if key in _FILE_ERROR_FIELDS else key
            upload.add_error(field if field in upload.fields else None, message)
        return None
    except DomainError as exc:
        upload.add_error(None, exc.message)
        return None
    audit.info(
        "certificate_import by=%s#%s agency=%s fingerprint=%s",
        user.username,
        user.pk,
        cert.agency.identifier,
        cert.fingerprint_sha256,
    )
    return cert


@require_POST
@province_admin_required
def certificate_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    cert = get_object_or_404(SigningCertificate.objects.select_related("agency"), pk=pk)
    # No service for it in motcua.documents.certificates yet: one guarded UPDATE.
    SigningCertificate.objects.filter(pk=cert.pk, active=True).update(active=False)
    audit.info(
        "certificate_deactivate by=%s#%s agency=%s fingerprint=%s",
        user.username,
        user.pk,
        cert.agency.identifier,
        cert.fingerprint_sha256,
    )
    messages.success(
        request,
        _(
            "The certificate of %(agency)s was deactivated: its results cannot be signed until "
            "a new certificate is imported."
        )
        % {"agency": cert.agency.name},
    )
    return redirect("desk:manage_certificates")


# --- calendar -----------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    current = to_local(timezone.now()).year
    try:
        year = int(raw) if raw else current
    except ValueError:
        return current
    return min(max(year, FIRST_STATUTORY_YEAR), LAST_STATUTORY_YEAR)


@require_http_methods(["GET", "POST"])
@province_admin_required
def calendar(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    year = _year(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    overview = year_overview(year)
    decision = CalendarDecisionForm(request.POST if action == "add" else None)
    record = CalendarYearForm(
        request.POST if action == "record_year" else None,
        initial={
            "decision": overview.record.decision if overview.record else "",
            "provisional": overview.provisional,
        },
    )
    here = f"{reverse('desk:manage_calendar')}?year={year}"
    if action == "add" and decision.is_valid():
        data = decision.cleaned_data
        try:
            rows = calendar_days_add(
                first=data["first"],
                last=data["last"],
                kind=data["kind"],
                reason=data["reason"],
                source=data["source"],
                by=user,
            )
        except InvalidInput as exc:
            attach_errors(decision, exc.details.get("errors", {}))
        else:
            messages.success(
                request,
                _("%(n)d day(s) recorded. Deadlines computed from now on use them.")
                % {"n": len(rows)},
            )
            return HttpResponseRedirect(
                f"{reverse('desk:manage_calendar')}?year={rows[0].date.year}"
            )
    elif action == "record_year" and record.is_valid():
        try:
            calendar_year_record(
                year=year,
                decision=record.cleaned_data["decision"],
                provisional=record.cleaned_data["provisional"],
                by=user,
            )
        except InvalidInput as exc:
            attach_errors(record, exc.details.get("errors", {}))
        else:
            messages.success(request, _("The year's decisions were recorded."))
            return HttpResponseRedirect(here)
    elif action not in ("", "add", "record_year"):
        raise Http404
    return _render(
        request,
        "calendar.html",
        "calendar",
        {
            "year": year,
            "overview": overview,
            "decision": decision,
            "record": record,
            "previous": year - 1 if year > FIRST_STATUTORY_YEAR else None,
            "next": year + 1 if year < LAST_STATUTORY_YEAR else None,
        },
    )


@require_POST
@province_admin_required
def calendar_remove(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(CalendarDay, pk=pk)
    year = day.date.year
    calendar_day_remove(day=day, by=_user(request))
    messages.success(
        request,
        _("The day %(date)s was removed. Deadlines computed from now on no longer use it.")
        % {"date": f"{day.date:%d/%m/%Y}"},
    )
    return HttpResponseRedirect(f"{reverse('desk:manage_calendar')}?year={year}")


urlpatterns: list[URLPattern] = [
    path("manage/", home, name="manage"),
    path("manage/workflows/", workflows, name="manage_workflows"),
    path(
        "manage/workflows/<str:code>/<str:target>/",
        workflow_edit,
        name="manage_workflow_edit",
    ),
    path("manage/officials/", officials, name="manage_officials"),
    path("manage/officials/new/", official_new, name="manage_official_new"),
    path("manage/officials/<int:pk>/", official_edit, name="manage_official_edit"),
    path("manage/certificates/", certificates, name="manage_certificates"),
    path(
        "manage/certificates/<int:pk>/deactivate/",
        certificate_deactivate,
        name="manage_certificate_deactivate",
    ),
    path("manage/calendar/", calendar, name="manage_calendar"),
    path("manage/calendar/<int:pk>/remove/", calendar_remove, name="manage_calendar_remove"),
    path(
        "manage/password/<uidb64>/<token>/",
        PasswordSetView.as_view(),
        name="manage_password_set",
    ),
    path("manage/password/done/", PasswordDoneView.as_view(), name="manage_password_done"),
]
