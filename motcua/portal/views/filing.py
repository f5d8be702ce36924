"""Filing online (nộp hồ sơ trực tuyến): start a draft, fill the e-form, add the papers one
by one, choose the return point, submit, and read the receipt. Plain forms and redirects:
every step works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.catalog.models import ProcedureVersion, VersionStatus
from motcua.citizens.access import citizen_required
from motcua.citizens.models import DataStoreItem
from motcua.core.errors import ConcurrentChange, DomainError, IllegalTransition
from motcua.documents.render import qr_svg
from motcua.documents.slips import tracking_url
from motcua.dossiers.uploads import check_upload
from motcua.org.models import User
from motcua.portal import selectors, services
from motcua.portal.forms import ACCEPT, DraftForm
from motcua.portal.models import Draft


def _user(request: HttpRequest) -> User:
    user: Any = request.user
    return user  # type: ignore[no-any-return]


def _version(code: str) -> ProcedureVersion:
    version = (
        ProcedureVersion.objects.filter(procedure__code=code, status=VersionStatus.PUBLISHED)
        .select_related("procedure")
        .order_by("-number")
        .first()
    )
    if version is None or not version.online_level:
        raise Http404
    return version


def _draft(request: HttpRequest, pk: int) -> Draft:
    draft = selectors.draft_of(_user(request), pk)
    if draft is None:
        raise Http404
    return draft


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def file_start(request: HttpRequest, procedure_code: str) -> HttpResponse:
    """What the procedure needs, and a button that starts a draft (POST)."""
    version = _version(procedure_code)
    if request.method == "POST":
        draft = services.draft_start(user=_user(request), version=version)
        return HttpResponseRedirect(reverse("portal:draft", args=[draft.pk]))
    drafts = selectors.drafts_of(_user(request)).filter(
        procedure_version__procedure=version.procedure
    )
    context = {
        "version": version,
        "papers": services.required_documents(version),
        "drafts": drafts,
    }
    return render(request, "portal/filing/start.html", context)


@never_cache
@citizen_required
def drafts(request: HttpRequest) -> HttpResponse:
    """The citizen's unfinished drafts."""
    return render(
        request, "portal/filing/drafts.html", {"drafts": selectors.drafts_of(_user(request))}
    )


def _paper_rows(draft: Draft, errors: dict[str, str]) -> list[dict[str, Any]]:
    given = services.attached(draft)
    rows = []
    for paper in services.required_documents(draft.procedure_version):
        chosen = given.get(paper.pk)
        rows.append(
            {
                "paper": paper,
                "chosen": chosen,
                "from_store": isinstance(chosen, DataStoreItem),
                "store": services.draft_store_items(draft, paper),
                "error": errors.get(f"doc_{paper.pk}", ""),
            }
        )
    return rows


def _render(
    request: HttpRequest,
    draft: Draft,
    form: DraftForm,
    *,
    doc_errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    doc_errors = doc_errors or {}
    form.describe_errors()
    papers = _paper_rows(draft, doc_errors)
    summary = form.summary() if form.is_bound else []
    summary += [
        (f"#file_{row['paper'].pk}", row["paper"].name, row["error"])
        for row in papers
        if row["error"]
    ]
    context = {
        "draft": draft,
        "version": draft.procedure_version,
        "applicant": services.draft_applicant(draft),
        "form": form,
        "papers": papers,
        "summary": summary,
        "message": message,
        "accept": ACCEPT,
        "max_mb": draft.procedure_version.max_upload_mb,
    }
    return render(request, "portal/filing/draft.html", context, status=status)


def _stale_form(draft: Draft) -> DraftForm:
    fresh = Draft.objects.get(pk=draft.pk)
    return DraftForm(initial=DraftForm.initial_of(fresh), draft=fresh)


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def draft_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The e-form of a draft. Every POST saves what was typed, even with errors."""
    draft = _draft(request, pk)
    if draft.submitted:
        assert draft.dossier is not None
        return HttpResponseRedirect(reverse("portal:receipt", args=[draft.dossier.code]))
    if request.method != "POST":
        return _render(request, draft, DraftForm(initial=DraftForm.initial_of(draft), draft=draft))
    form = DraftForm(request.POST, draft=draft)
    valid = form.is_valid()
    seen = form.cleaned_data.get("version") or 0
    try:
        draft = services.draft_save(draft=draft, expected_version=seen, changes=form.changes())
    except ConcurrentChange as exc:
        fresh = _stale_form(draft)
        return _render(request, fresh.draft, fresh, message=exc.message, status=409)
    except IllegalTransition:
        return HttpResponseRedirect(reverse("portal:draft", args=[draft.pk]))
    if valid or request.POST.get("later"):
        # Saved; "save for later" does not hold the citizen up with what is unfinished.
        return HttpResponseRedirect(reverse("portal:draft", args=[draft.pk]) + "#saved")
    # Show the errors with what was typed; the next save must carry the new version.
    data = request.POST.copy()
    data["version"] = str(draft.version)
    form.data = data
    form.draft = draft
    return _render(request, draft, form, status=422)


@never_cache
@citizen_required
@require_POST
def draft_document(request: HttpRequest, pk: int, doc_id: int) -> HttpResponse:
    """One paper of the draft: upload it, or take it from the data store. A refused upload
    is shown next to that paper alone; nothing typed in the form is lost."""
    draft = _draft(request, pk)
    if draft.submitted:
        raise Http404
    form = DraftForm(initial=DraftForm.initial_of(draft), draft=draft)
    version = draft.procedure_version
    if not version.documents.filter(pk=doc_id).exists():
        raise Http404
    store = request.POST.get("store", "")
    upload = request.FILES.get("file")
    try:
        if store.isdigit():
            services.draft_use_stored(draft=draft, required_document_id=doc_id, item_id=int(store))
        elif upload is not None:
            checked = check_upload(
                upload,
                filename=upload.name or "",
                max_bytes=version.max_upload_mb * 1024 * 1024,
            )
            services.draft_attach_upload(
                draft=draft, user=_user(request), required_document_id=doc_id, upload=checked
            )
        else:
            return _render(
                request,
                draft,
                form,
                doc_errors={f"doc_{doc_id}": _("Choose a file to upload.")},
                status=422,
            )
    except DomainError as exc:
        return _render(request, draft, form, doc_errors={f"doc_{doc_id}": exc.message}, status=422)
    return HttpResponseRedirect(reverse("portal:draft", args=[draft.pk]) + f"#paper-{doc_id}")


@never_cache
@citizen_required
@require_POST
def draft_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the draft; a second submit (another tab, a double click) shows the same
    receipt."""
    draft = _draft(request, pk)
    if draft.submitted:
        assert draft.dossier is not None
        return HttpResponseRedirect(reverse("portal:receipt", args=[draft.dossier.code]))
    try:
        seen = int(request.POST.get("version") or 0)
    except ValueError:
        seen = 0
    try:
        dossier = services.draft_submit(
            draft=draft,
            user=_user(request),
            expected_version=seen,
            identity=request.session.get("identity"),
        )
    except ConcurrentChange as exc:
        fresh = _stale_form(draft)
        return _render(request, fresh.draft, fresh, message=exc.message, status=409)
    except DomainError as exc:
        current = Draft.objects.get(pk=draft.pk)
        if current.dossier is not None:
            return HttpResponseRedirect(reverse("portal:receipt", args=[current.dossier.code]))
        form = DraftForm(DraftForm.initial_of(current), draft=current)
        form.is_valid()
        errors = exc.details.get("errors") or {}
        rest = form.put_problems({str(k): str(v) for k, v in errors.items()})
        doc_errors = {k: v for k, v in rest.items() if k.startswith("doc_")}
        others = [v for k, v in rest.items() if not k.startswith("doc_")]
        message = " ".join([exc.message, *others])
        return _render(request, current, form, doc_errors=doc_errors, message=message, status=422)
    return HttpResponseRedirect(reverse("portal:receipt", args=[dossier.code]))


def _has_pay_button() -> bool:
    try:
        select_template(["payments/pay_button.html"])
    except TemplateDoesNotExist:
        return False
    return True


@never_cache
@citizen_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt of an online filing: code, lookup key, QR code, what comes next, fees."""
    dossier = selectors.receipt_dossier(_user(request), code)
    if dossier is None:
        raise Http404
    url = tracking_url(dossier)
    context = {
        "dossier": dossier,
        "tracking_url": url,
        "qr": qr_svg(url),
        "fees": list(dossier.fees.all()),
        "owed": max(dossier.fee_total - dossier.paid_total, 0),
        "pay_button": _has_pay_button(),
    }
    return render(request, "portal/filing/receipt.html", context)


urlpatterns = [
    path("nop-truc-tuyen/ho-so-nhap/", drafts, name="drafts"),
    path("nop-truc-tuyen/ho-so-nhap/<int:pk>/", draft_page, name="draft"),
    path(
        "nop-truc-tuyen/ho-so-nhap/<int:pk>/giay-to/<int:doc_id>/",
        draft_document,
        name="draft_document",
    ),
    path("nop-truc-tuyen/ho-so-nhap/<int:pk>/nop/", draft_submit, name="draft_submit"),
    path("nop-truc-tuyen/bien-nhan/<str:code>/", receipt, name="receipt"),
    path("nop-truc-tuyen/<str:procedure_code>/", file_start, name="file_start"),
]
