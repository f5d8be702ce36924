"""Forms of the officials' desk: the walk-in reception form and one form per dossier action.

Forms translate what the official typed into the services' arguments and put the services'
errors (``DomainError.details["errors"]``) back next to the fields. The rules themselves
(who may do what, when, and what makes a dossier valid) stay in ``motcua.dossiers``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.catalog.eforms import eform_fields, eform_properties, eform_value
from motcua.catalog.models import ProcedureVersion, RequiredDocument, ResultType
from motcua.catalog.schemas import eform_data_errors
from motcua.core.errors import DomainError
from motcua.core.forms import MultipleFileField
from motcua.core.text import nfc
from motcua.dossiers import services
from motcua.dossiers.actors import Actor
from motcua.dossiers.lifecycle import Action, decide
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    Dossier,
    PaymentMethod,
    ResultKind,
    ReturnMethod,
)
from motcua.dossiers.uploads import CheckedUpload, check_upload
from motcua.org.models import ADMIN_UNIT_KINDS, Agency, Role, RoleAssignment, User
from motcua.org.personal_id import (
    personal_id_messages,
    personal_id_problems,
    tax_code_messages,
    tax_code_problems,
)

PDF = "application/pdf"
DEFAULT_MAX_UPLOAD_MB = 10


# --- shared pieces ------------------------------------------------------------------------


def lines(text: str) -> list[str]:
    """The non-empty lines of a text area, NFC-normalised."""
    return [line for line in (nfc(x) for x in text.splitlines()) if line]


def check_file(
    upload: UploadedFile, *, max_mb: int, allowed: Iterable[str] | None = None
) -> CheckedUpload:
    """Read, identify and verify an uploaded file (``UploadRejected`` if it is refused)."""
    if allowed is None:
        return check_upload(upload, filename=upload.name or "", max_bytes=max_mb * 1024 * 1024)
    return check_upload(
        upload, filename=upload.name or "", max_bytes=max_mb * 1024 * 1024, allowed=list(allowed)
    )


def _max_mb(dossier: Dossier | None) -> int:
    version = dossier.procedure_version if dossier is not None else None
    return version.max_upload_mb if version is not None else DEFAULT_MAX_UPLOAD_MB


class ServiceErrorsMixin:
    """Puts a service's field errors next to the form's fields."""

    # A service's error key → the form field it belongs to.
    error_fields: ClassVar[Mapping[str, str]] = {}

    def field_for(self, key: str) -> str | None:
        fields: dict[str, Any] = self.fields  # type: ignore[attr-defined]
        if key in fields:
            return key
        name = self.error_fields.get(key)
        return name if name in fields else None

    def apply_errors(self, error: DomainError) -> None:
        """Show ``error`` on the form: its field errors by field, the rest on top."""
        errors = error.details.get("errors")
        placed = False
        if isinstance(errors, dict):
            for key, message in errors.items():
                field = self.field_for(str(key))
                self.add_error(field, str(message))  # type: ignore[attr-defined]
                placed = placed or field is None
        if not placed:
            self.add_error(None, error.message)  # type: ignore[attr-defined]


# --- the walk-in reception form -------------------------------------------------------------


class Decision:
    ACCEPT = "accept"
    ASK_TO_COMPLETE = "ask_to_complete"
    REFUSE = "refuse"
    REGISTER = "register"  # register only (e.g. a postal arrival), decide later from the queue

    ALL = (ACCEPT, ASK_TO_COMPLETE, REFUSE, REGISTER)


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Procedure: name or code"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


EFORM_PREFIX = "eform__"


def desk_choices(user_desks: QuerySet[Agency]) -> QuerySet[Agency]:
    return user_desks.filter(is_reception_point=True, active=True).order_by("path")


class WalkInForm(ServiceErrorsMixin, forms.Form):
    """A dossier handed in at the counter (or arrived by post): the applicant, the e-form,
    the papers checklist with their scans, the return, and the intake decision."""

    error_fields: ClassVar[Mapping[str, str]] = {
        "applicant.kind": "applicant_kind",
        "applicant.name": "name",
        "applicant.personal_id": "personal_id",
        "applicant.org_code": "org_code",
        "applicant.phone": "phone",
        "applicant.email": "email",
        "receiving_agency": "desk",
    }

    form_token = forms.UUIDField(widget=forms.HiddenInput)
    applicant_kind = forms.ChoiceField(
        label=gettext_lazy("The applicant is"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    personal_id = forms.CharField(
        label=gettext_lazy("Personal ID number"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("12 digits, on the citizen identity card."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "data-personal-id": ""}
        ),
    )
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=255)
    birth_date = forms.DateField(
        label=gettext_lazy("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    org_code = forms.CharField(
        label=gettext_lazy("Tax code (organisations)"), required=False, max_length=14
    )
    address = forms.CharField(label=gettext_lazy("Address"), required=False, max_length=500)
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    channel = forms.ChoiceField(
        label=gettext_lazy("Handed in"),
        choices=[
            (Channel.IN_PERSON, gettext_lazy("In person at the counter")),
            (Channel.POSTAL, gettext_lazy("By post")),
        ],
        initial=Channel.IN_PERSON,
        widget=forms.RadioSelect,
    )
    desk = forms.ModelChoiceField(
        label=gettext_lazy("Reception desk"), queryset=Agency.objects.none(), empty_label=None
    )
    competent_agency = forms.ModelChoiceField(
        label=gettext_lazy("Commune or ward that decides"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=gettext_lazy("The commune of this desk"),
    )
    return_method = forms.ChoiceField(
        label=gettext_lazy("Return of the result"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.COUNTER,
    )
    return_agency = forms.ModelChoiceField(
        label=gettext_lazy("Return point (for a return at a counter)"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=gettext_lazy("This desk"),
    )
    items = forms.CharField(
        label=gettext_lazy("Papers to add (one per line)"),
        required=False,
        help_text=gettext_lazy(
            "For “Ask to complete”. Left empty, the mandatory papers not ticked are listed."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        help_text=gettext_lazy("Needed to refuse; printed on the slip."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        version: ProcedureVersion,
        desks: QuerySet[Agency],
        decision: str = Decision.ACCEPT,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.decision = decision if decision in Decision.ALL else Decision.ACCEPT
        self.papers: list[RequiredDocument] = list(version.documents.order_by("position", "pk"))
        self.uploads: dict[int, CheckedUpload] = {}
        self.eform_data: dict[str, Any] = {}
        desk_field: Any = self.fields["desk"]
        desk_field.queryset = desks
        if desks.count() == 1:
            desk_field.initial = desks.first()
            desk_field.widget = forms.HiddenInput()
        points: Any = self.fields["return_agency"]
        points.queryset = Agency.objects.filter(is_reception_point=True, active=True).order_by(
            "path"
        )
        competent: Any = self.fields["competent_agency"]
        if self.commune_level:
            competent.queryset = Agency.objects.filter(
                kind__in=list(ADMIN_UNIT_KINDS), active=True
            ).order_by("name")
            parents = {d.parent.kind if d.parent else "" for d in desks.select_related("parent")}
            if not parents <= set(ADMIN_UNIT_KINDS):
                # A desk that is not a commune's (the provincial center) names the commune.
                competent.empty_label = _("Choose the commune or ward")
        else:
            del self.fields["competent_agency"]
        for name, field in eform_fields(version.eform_schema).items():
            self.fields[EFORM_PREFIX + name] = field
        for paper in self.papers:
            copies = ngettext("%(n)d copy, %(kind)s", "%(n)d copies, %(kind)s", paper.copies) % {
                "n": paper.copies,
                "kind": paper.get_kind_display(),
            }
            self.fields[f"doc_{paper.pk}"] = forms.BooleanField(
                label=paper.name, required=False, help_text=copies
            )
            self.fields[f"file_{paper.pk}"] = forms.FileField(
                label=_("Scan of “%(name)s”") % {"name": paper.name}, required=False
            )

    # -- layout helpers for the template --

    @property
    def commune_level(self) -> bool:
        return self.version.competent_agency_kind not in {
            "department",
            "central_local",
            "province_committee",
        }

    def applicant_fields(self) -> list[forms.BoundField]:
        names = ["personal_id", "name", "birth_date", "org_code", "address", "phone", "email"]
        return [self[n] for n in names]

    def eform_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.fields if n.startswith(EFORM_PREFIX)]

    def paper_rows(self) -> list[tuple[RequiredDocument, forms.BoundField, forms.BoundField]]:
        return [(p, self[f"doc_{p.pk}"], self[f"file_{p.pk}"]) for p in self.papers]

    # -- validation --

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_applicant(data)
        self._check_uploads()
        self._collect_eform(data)
        missing = self.missing_papers()
        if self.decision == Decision.ACCEPT:
            for paper in missing:
                self.add_error(
                    f"doc_{paper.pk}",
                    _("Tick this paper when it is handed in, or ask to complete the dossier."),
                )
        elif self.decision == Decision.ASK_TO_COMPLETE:
            if not self.items_to_add():
                self.add_error("items", _("List the papers the applicant must add."))
        elif self.decision == Decision.REFUSE and not nfc(data.get("reason") or ""):
            self.add_error("reason", _("Give the reason."))
        return data

    def _check_applicant(self, data: dict[str, Any]) -> None:
        kind = data.get("applicant_kind")
        if kind == ApplicantKind.PERSON:
            number = (data.get("personal_id") or "").strip()
            codes = personal_id_problems(number, birth_date=data.get("birth_date"))
            if codes:
                self.add_error("personal_id", " ".join(personal_id_messages(codes, value=number)))
        elif kind == ApplicantKind.ORGANISATION:
            codes = tax_code_problems(data.get("org_code") or "")
            if codes:
                self.add_error("org_code", " ".join(tax_code_messages(codes)))

    def _check_uploads(self) -> None:
        for paper in self.papers:
            upload = self.files.get(f"file_{paper.pk}")
            if upload is None:
                continue
            try:
                self.uploads[paper.pk] = check_file(upload, max_mb=self.version.max_upload_mb)
            except DomainError as exc:
                self.add_error(f"file_{paper.pk}", exc.message)

    def _collect_eform(self, data: dict[str, Any]) -> None:
        for name, prop in eform_properties(self.version.eform_schema).items():
            key = EFORM_PREFIX + name
            if key not in data:
                continue
            try:
                present, value = eform_value(prop, data[key])
            except ValueError:
                self.add_error(key, _("Enter the value as JSON."))
                continue
            if present:
                self.eform_data[name] = value
        # The schema's own checks (patterns, lengths, formats), next to each field, so every
        # error shows at once; the service checks the same again.
        schema = self.version.eform_schema or {}
        if schema:
            for key, message in eform_data_errors(schema, self.eform_data).items():
                field = EFORM_PREFIX + key
                if field in self.fields and field not in self.errors:
                    self.add_error(field, message)

    def missing_papers(self) -> list[RequiredDocument]:
        """Mandatory papers neither ticked nor scanned."""
        return [
            p
            for p in self.papers
            if p.mandatory
            and not self.cleaned_data.get(f"doc_{p.pk}")
            and p.pk not in self.uploads
            and f"file_{p.pk}" not in self.files
        ]

    def items_to_add(self) -> list[str]:
        typed = lines(self.cleaned_data.get("items") or "")
        return typed or [p.name for p in self.missing_papers()]

    # -- to the services --

    def spec(self) -> services.NewDossier:
        data = self.cleaned_data
        person = data["applicant_kind"] == ApplicantKind.PERSON
        return services.NewDossier(
            applicant=services.ApplicantInput(
                kind=data["applicant_kind"],
                name=nfc(data["name"]),
                personal_id=(data.get("personal_id") or "").strip() if person else "",
                birth_date=data.get("birth_date"),
                org_code=(data.get("org_code") or "").strip() if not person else "",
                address=nfc(data.get("address") or ""),
                phone=(data.get("phone") or "").strip(),
                email=(data.get("email") or "").strip(),
            ),
            receiving_agency=data["desk"],
            channel=data["channel"],
            procedure_code=self.version.procedure.code,
            competent_agency=data.get("competent_agency"),
            return_method=data["return_method"],
            return_agency=data.get("return_agency"),
            eform_data=self.eform_data,
            documents=[
                services.DocumentInput(
                    upload=self.uploads[p.pk],
                    name=p.name,
                    required_document_id=p.pk,
                    digitised_at_intake=True,
                )
                for p in self.papers
                if p.pk in self.uploads
            ],
        )

    def field_for(self, key: str) -> str | None:
        if key.startswith("eform."):
            name = EFORM_PREFIX + key.removeprefix("eform.")
            return name if name in self.fields else None
        if key.startswith("documents.required."):
            return f"file_{key.rsplit('.', 1)[-1]}"
        if key.startswith("documents."):
            index = key.split(".")[1]
            attached = [p.pk for p in self.papers if p.pk in self.uploads]
            if index.isdigit() and int(index) < len(attached):
                return f"file_{attached[int(index)]}"
            return None
        return super().field_for(key)


class LookupForm(forms.Form):
    """Look up an applicant by personal ID (or tax code) among earlier dossiers."""

    lookup = forms.CharField(
        label=gettext_lazy("Look up the applicant by personal ID or tax code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "type": "search"}
        ),
    )


# --- dossier actions ------------------------------------------------------------------------


class ActionForm(ServiceErrorsMixin, forms.Form):
    """The form of one action on one dossier; ``version`` is the dossier's version the
    official saw, passed to the service as ``expected_version``."""

    action: ClassVar[Action]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        initial = dict(kwargs.pop("initial", None) or {})
        initial.setdefault("version", dossier.version)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.dossier = dossier

    @property
    def expected_version(self) -> int:
        return int(self.cleaned_data["version"])

    def perform(self, *, actor: Actor) -> None:
        """Call this action's service with the cleaned data (every subclass defines it)."""
        raise NotImplementedError(f"{type(self).__name__} does not define perform()")


def _reason_field(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Reason"),
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _note_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _items_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Papers to add (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AcceptForm(ActionForm):
    action = Action.ACCEPT

    def perform(self, *, actor: Actor) -> None:
        services.dossier_accept(
            dossier=self.dossier, actor=actor, expected_version=self.expected_version
        )


class AskToCompleteForm(ActionForm):
    action = Action.ASK_TO_COMPLETE
    items = _items_field()
    reason = _reason_field(required=False)

    def perform(self, *, actor: Actor) -> None:
        services.dossier_ask_to_complete(
            dossier=self.dossier,
            actor=actor,
            items=lines(self.cleaned_data["items"]),
            reason=self.cleaned_data["reason"],
            expected_version=self.expected_version,
        )


class RefuseForm(ActionForm):
    action = Action.REFUSE
    reason = _reason_field()

    def perform(self, *, actor: Actor) -> None:
        services.dossier_refuse(
            dossier=self.dossier,
            actor=actor,
            reason=self.cleaned_data["reason"],
            expected_version=self.expected_version,
        )


class CompleteSupplementForm(ActionForm):
    action = Action.COMPLETE_SUPPLEMENT
    scans = MultipleFileField(
        label=gettext_lazy("Scans of the papers added"),
        required=False,
        help_text=gettext_lazy("PDF, JPEG or PNG; several files may be chosen."),
    )
    note = _note_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.uploads: list[CheckedUpload] = []
        for upload in data.get("scans") or []:
            try:
                self.uploads.append(check_file(upload, max_mb=_max_mb(self.dossier)))
            except DomainError as exc:
                self.add_error("scans", f"{upload.name}: {exc.message}")
        return data

    def field_for(self, key: str) -> str | None:
        return "scans" if key.startswith("documents") else super().field_for(key)

    def perform(self, *, actor: Actor) -> None:
        services.dossier_complete_supplement(
            dossier=self.dossier,
            actor=actor,
            documents=[
                services.DocumentInput(upload=u, digitised_at_intake=True) for u in self.uploads
            ],
            note=self.cleaned_data["note"],
            expected_version=self.expected_version,
        )


def next_step_officials(dossier: Dossier) -> tuple[str, QuerySet[User]]:
    """The agency name of the step a forward leads to, and the officials who may take it
    (its role, or a leader, at that agency or above: what ``dossier_forward`` accepts)."""
    decision = decide(Action.FORWARD, services._situation(dossier))
    if not decision.allowed or decision.step is None or not dossier.workflow_steps:
        return "", User.objects.none()
    step = dossier.workflow_steps[decision.step - 1]
    agency = Agency.objects.filter(pk=int(step["agency"])).first()
    if agency is None:
        return "", User.objects.none()
    above = [int(p) for p in agency.path.strip("/").split("/") if p]
    holders = RoleAssignment.objects.filter(
        Q(role__in=[str(step["role"]), Role.LEADER]), agency_id__in=above
    )
    officials = User.objects.filter(is_active=True, pk__in=holders.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )
    return agency.name, officials


class ForwardForm(ActionForm):
    action = Action.FORWARD
    to_user = forms.TypedChoiceField(
        label=gettext_lazy("Hand to"), required=False, coerce=int, empty_value=None
    )
    note = _note_field()

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        agency, officials = next_step_officials(dossier)
        field: Any = self.fields["to_user"]
        anyone = _("Anyone at %(agency)s") % {"agency": agency} if agency else _("Anyone")
        field.choices = [("", anyone)] + [
            (u.pk, f"{u.get_full_name() or u.username} ({u.username})") for u in officials
        ]

    def perform(self, *, actor: Actor) -> None:
        services.dossier_forward(
            dossier=self.dossier,
            actor=actor,
            to_user_id=self.cleaned_data["to_user"],
            note=self.cleaned_data["note"],
            expected_version=self.expected_version,
        )


class ReturnToPreviousForm(ActionForm):
    action = Action.RETURN_TO_PREVIOUS
    reason = _reason_field()

    def perform(self, *, actor: Actor) -> None:
        services.dossier_return_to_previous(
            dossier=self.dossier,
            actor=actor,
            reason=self.cleaned_data["reason"],
            expected_version=self.expected_version,
        )


class RequestSupplementForm(ActionForm):
    action = Action.REQUEST_SUPPLEMENT
    items = _items_field()
    reason = _reason_field()

    def perform(self, *, actor: Actor) -> None:
        services.dossier_request_supplement(
            dossier=self.dossier,
            actor=actor,
            items=lines(self.cleaned_data["items"]),
            reason=self.cleaned_data["reason"],
            expected_version=self.expected_version,
        )


class RequestPaymentForm(ActionForm):
    action = Action.REQUEST_PAYMENT
    error_fields: ClassVar[Mapping[str, str]] = {"items": "amount"}
    fee_name = forms.CharField(
        label=gettext_lazy("What is due"),
        max_length=500,
        initial=gettext_lazy("Fees and charges"),
    )
    amount = forms.IntegerField(label=gettext_lazy("Amount (đồng)"), min_value=1)
    reason = _reason_field(required=False)

    def perform(self, *, actor: Actor) -> None:
        services.dossier_request_payment(
            dossier=self.dossier,
            actor=actor,
            items=[(self.cleaned_data["fee_name"], self.cleaned_data["amount"])],
            reason=self.cleaned_data["reason"],
            expected_version=self.expected_version,
        )


class RecordPaymentForm(ActionForm):
    action = Action.RECORD_PAYMENT
    amount = forms.IntegerField(label=gettext_lazy("Amount paid (đồng)"), min_value=1)
    method = forms.ChoiceField(
        label=gettext_lazy("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.COUNTER
    )
    reference = forms.CharField(
        label=gettext_lazy("Receipt or transaction number"), required=False, max_length=100
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        owed = max(dossier.fee_total - dossier.paid_total, 0)
        initial = dict(kwargs.pop("initial", None) or {})
        if owed:
            initial.setdefault("amount", owed)
        super().__init__(*args, dossier=dossier, initial=initial, **kwargs)

    def perform(self, *, actor: Actor) -> None:
        services.dossier_record_payment(
            dossier=self.dossier,
            actor=actor,
            amount=self.cleaned_data["amount"],
            method=self.cleaned_data["method"],
            reference=self.cleaned_data["reference"],
            expected_version=self.expected_version,
        )


class ApproveForm(ActionForm):
    action = Action.APPROVE
    note = _note_field()

    def perform(self, *, actor: Actor) -> None:
        services.dossier_approve(
            dossier=self.dossier,
            actor=actor,
            note=self.cleaned_data["note"],
            expected_version=self.expected_version,
        )


class AttachResultForm(ActionForm):
    action = Action.ATTACH_RESULT
    name = forms.CharField(label=gettext_lazy("Name of the result"), max_length=500)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=ResultKind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=gettext_lazy("File (PDF)"),
        required=False,
        help_text=gettext_lazy("Needed for an electronic result, which the leader then signs."),
        widget=forms.ClearableFileInput(attrs={"accept": PDF}),
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        version = dossier.procedure_version
        initial = dict(kwargs.pop("initial", None) or {})
        if version is not None:
            initial.setdefault("name", version.result_name)
            paper_only = version.result_type == ResultType.PAPER
            initial.setdefault("kind", ResultKind.PAPER if paper_only else ResultKind.ELECTRONIC)
        super().__init__(*args, dossier=dossier, initial=initial, **kwargs)
        self.upload: CheckedUpload | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload:
            try:
                self.upload = check_file(upload, max_mb=_max_mb(self.dossier), allowed=[PDF])
            except DomainError as exc:
                self.add_error("file", exc.message)
        return data

    def perform(self, *, actor: Actor) -> None:
        services.dossier_attach_result(
            dossier=self.dossier,
            actor=actor,
            name=self.cleaned_data["name"],
            kind=self.cleaned_data["kind"],
            upload=self.upload,
            expected_version=self.expected_version,
        )


class SignResultForm(ActionForm):
    action = Action.SIGN_RESULT

    def perform(self, *, actor: Actor) -> None:
        from motcua.documents.results import dossier_sign_and_seal

        dossier_sign_and_seal(
            dossier=self.dossier, actor=actor, expected_version=self.expected_version
        )


class ReturnResultForm(ActionForm):
    action = Action.RETURN_RESULT
    note = _note_field()

    def perform(self, *, actor: Actor) -> None:
        services.dossier_return_result(
            dossier=self.dossier,
            actor=actor,
            note=self.cleaned_data["note"],
            expected_version=self.expected_version,
        )


class ExtendForm(ActionForm):
    action = Action.EXTEND
    new_due_at = forms.DateTimeField(
        label=gettext_lazy("New appointment"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = _reason_field()

    def perform(self, *, actor: Actor) -> None:
        new_due_at: dt.datetime = self.cleaned_data["new_due_at"]
        services.dossier_extend(
            dossier=self.dossier,
            actor=actor,
            new_due_at=new_due_at,
            reason=self.cleaned_data["reason"],
            expected_version=self.expected_version,
        )


class StopForm(ActionForm):
    action = Action.STOP
    reason = _reason_field()

    def perform(self, *, actor: Actor) -> None:
        services.dossier_stop(
            dossier=self.dossier,
            actor=actor,
            reason=self.cleaned_data["reason"],
            expected_version=self.expected_version,
        )


class WithdrawForm(ActionForm):
    action = Action.WITHDRAW
    reason = _reason_field()

    def perform(self, *, actor: Actor) -> None:
        services.dossier_withdraw(
            dossier=self.dossier,
            actor=actor,
            reason=self.cleaned_data["reason"],
            expected_version=self.expected_version,
        )


ACTION_FORMS: dict[Action, type[ActionForm]] = {
    form.action: form
    for form in (
        AcceptForm,
        AskToCompleteForm,
        RefuseForm,
        CompleteSupplementForm,
        ForwardForm,
        ReturnToPreviousForm,
        RequestSupplementForm,
        RequestPaymentForm,
        RecordPaymentForm,
        ApproveForm,
        AttachResultForm,
        SignResultForm,
        ReturnResultForm,
        ExtendForm,
        StopForm,
        WithdrawForm,
    )
}


def action_form(
    action: Action,
    dossier: Dossier,
    data: Mapping[str, Any] | None = None,
    files: Mapping[str, Any] | None = None,
) -> ActionForm:
    """The form of ``action`` on ``dossier`` (field names prefixed with the action, so
    several forms can share the dossier page)."""
    return ACTION_FORMS[action](data, files, dossier=dossier, prefix=action.value)
