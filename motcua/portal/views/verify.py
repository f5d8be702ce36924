"""The public "verify a document" page (xác minh văn bản): anyone shown a MotCua result (a
bank, a school) uploads the PDF or types the result code, and sees whether it is a genuine,
unaltered result MotCua issued, with the signature check and the stored fingerprint. No
sign-in; no personal data beyond the applicant's initials."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.core.errors import InvalidInput
from motcua.core.text import nfc
from motcua.documents.signing import Verification, verify_pdf
from motcua.dossiers.models import Result
from motcua.dossiers.uploads import check_upload
from motcua.portal.follow_forms import VerifyForm
from motcua.portal.follow_presenters import initials

MAX_BYTES = 20 * 1024 * 1024
PDF = "application/pdf"


class Verdict(StrEnum):
    GENUINE = "genuine"
    NOT_OURS = "not_ours"
    ALTERED = "altered"
    NOT_FOUND = "not_found"


VERDICTS = {
    Verdict.GENUINE: gettext_lazy("Genuine result issued by MotCua"),
    Verdict.NOT_OURS: gettext_lazy(
        "The signature is valid, but this is not a result issued by MotCua"
    ),
    Verdict.ALTERED: gettext_lazy(
        "Altered or not properly signed: this file was changed after it was signed"
    ),
    Verdict.NOT_FOUND: gettext_lazy("Not found: this file is not a signed result issued by MotCua"),
}


def _signed_results() -> Any:
    return Result.objects.filter(signed_at__isnull=False).select_related(
        "dossier__procedure_version",
        "dossier__procedure_group",
        "dossier__competent_agency",
    )


def result_facts(result: Result) -> dict[str, Any]:
    """What the page tells about a result: never more than the applicant's initials."""
    dossier = result.dossier
    return {
        "code": result.code,
        "name": result.name,
        "procedure": dossier.procedure_name,
        "agency": dossier.competent_agency.name,
        "signed_at": result.signed_at,
        "kind": result.get_kind_display(),
        "sha256": result.sha256,
        "applicant": initials(dossier.applicant_name),
    }


def judge(found: Result | None, check: Verification) -> Verdict:
    """The verdict on an uploaded file from its stored match and its signature check."""
    if found is not None:
        return Verdict.GENUINE if check.ok else Verdict.ALTERED
    if not check.signed:
        return Verdict.NOT_FOUND
    if check.intact and check.valid and check.covers_whole_document:
        return Verdict.NOT_OURS
    return Verdict.ALTERED


def _check_file(upload: Any) -> dict[str, Any]:
    checked = check_upload(upload, filename=upload.name or "", max_bytes=MAX_BYTES, allowed={PDF})
    found = _signed_results().filter(sha256=checked.sha256).first()
    check = verify_pdf(checked.content)
    verdict = judge(found, check)
    return {
        "mode": "file",
        "verdict": verdict.value,
        "verdict_label": str(VERDICTS[verdict]),
        "sha256": checked.sha256,
        "check": check,
        "result": result_facts(found) if found is not None else None,
        "hash_matches": found is not None and found.sha256 == checked.sha256,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "portal/verify/verify.html", {"form": VerifyForm()})
    form = VerifyForm(request.POST, request.FILES)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return render(request, "portal/verify/verify.html", context, status=422)
    upload = form.cleaned_data.get("file")
    if upload:
        try:
            context["outcome"] = _check_file(upload)
        except InvalidInput as exc:
            form.add_error("file", exc.message)
            return render(request, "portal/verify/verify.html", context, status=422)
        return render(request, "portal/verify/verify.html", context)
    code = nfc(form.cleaned_data["code"]).strip().upper()
    found = _signed_results().filter(code=code).first()
    context["outcome"] = {
        "mode": "code",
        "code": code,
        "result": result_facts(found) if found is not None else None,
    }
    return render(request, "portal/verify/verify.html", context, status=200 if found else 404)


urlpatterns: list[URLPattern] = [
    path("xac-minh-van-ban/", verify, name="verify"),
]
