"""Dossiers (hồ sơ) and everything stored about them: documents, fees, payments, supplement
requests, results, and the append-only audit ledger of events.

State changes go through ``motcua.dossiers.services`` only: each writes its event in the
same transaction, so the ledger is the dossier's complete history.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.lifecycle import NATIONAL_STATUS, State
from motcua.org.models import Agency


def _dossier_files() -> Any:
    from motcua.dossiers.storage import dossier_files

    return dossier_files


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("By post")
    VNEID = "vneid", _("VNeID app")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("At a one-stop counter")
    POST = "post", _("By post")
    ONLINE = "online", _("Online")


class DossierState(models.TextChoices):
    SUBMITTED = State.SUBMITTED, _("Submitted, awaiting reception")
    RECEIVED = State.RECEIVED, _("Received, being checked")
    INTAKE_INCOMPLETE = State.INTAKE_INCOMPLETE, _("Asked to complete before acceptance")
    REFUSED = State.REFUSED, _("Refused")
    ACCEPTED = State.ACCEPTED, _("Accepted")
    PROCESSING = State.PROCESSING, _("Being processed")
    SUPPLEMENT_REQUESTED = State.SUPPLEMENT_REQUESTED, _("Supplement requested")
    AWAITING_PAYMENT = State.AWAITING_PAYMENT, _("Awaiting the financial obligation")
    APPROVED = State.APPROVED, _("Approved, awaiting the signed result")
    RESOLVED = State.RESOLVED, _("Result ready")
    RETURNED = State.RETURNED, _("Result returned")
    WITHDRAWN = State.WITHDRAWN, _("Withdrawn at the applicant's request")
    STOPPED = State.STOPPED, _("Processing stopped")


class Dossier(models.Model):
    """Dossier — hồ sơ: one filing of a procedure (or of an interconnected group) by an
    applicant.

    A group dossier (``procedure_group`` set) is what the citizen sees; its children
    (``parent`` set) are processed at the other agencies, each with its own code, workflow
    and appointment.
    """

    code = models.CharField(_("dossier code"), max_length=64, unique=True)
    lookup_secret = models.CharField(_("lookup secret"), max_length=32)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("procedure version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    procedure_group = models.ForeignKey(
        "catalog.ProcedureGroup",
        verbose_name=_("interconnected group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("group dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    # Applicant (chủ hồ sơ) and contact.
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=16, choices=ApplicantKind.choices
    )
    applicant_name = models.CharField(_("applicant"), max_length=255)
    applicant_personal_id = models.CharField(
        _("personal ID number"), max_length=12, blank=True, db_index=True
    )
    applicant_birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    applicant_org_code = models.CharField(_("tax/enterprise code"), max_length=14, blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    identity_verified_vneid = models.BooleanField(
        _("identity verified through VNeID"), default=False
    )

    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    competent_agency = models.ForeignKey(
        Agency,
        verbose_name=_("competent agency"),
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
    )
    return_method = models.CharField(
        _("return method"), max_length=16, choices=ReturnMethod.choices
    )
    return_agency = models.ForeignKey(
        Agency,
        verbose_name=_("return point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="returned_dossiers",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    eform_data = models.JSONField(_("e-form data"), default=dict, blank=True)

    state = models.CharField(
        _("status"), max_length=32, choices=DossierState.choices, db_index=True
    )
    resume_state = models.CharField(max_length=32, choices=DossierState.choices, blank=True)
    workflow_steps = models.JSONField(
        _("workflow steps"),
        default=list,
        blank=True,
        help_text=_("The steps copied from the workflow when the dossier was accepted."),
    )
    current_step = models.PositiveSmallIntegerField(_("current step"), null=True, blank=True)
    current_agency = models.ForeignKey(
        Agency,
        verbose_name=_("held by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_dossiers",
    )
    current_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    step_started_at = models.DateTimeField(null=True, blank=True)

    received_at = models.DateTimeField(_("received at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("first appointment"), null=True, blank=True)
    finished_at = models.DateTimeField(_("end of processing"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("result ready at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)

    intake_completion_requested = models.BooleanField(default=False)
    supplement_requests = models.PositiveSmallIntegerField(default=0)
    extensions = models.PositiveSmallIntegerField(default=0)
    fee_total = models.PositiveBigIntegerField(_("fees due (VND)"), default=0)
    paid_total = models.PositiveBigIntegerField(_("paid (VND)"), default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="created_dossiers",
    )
    # The citizen account the dossier belongs to ("My dossiers"): the one who filed it
    # online, or the citizen a team member filed it for.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_dossiers",
    )
    search_key = models.CharField(max_length=400, editable=False, default="")
    # Optimistic concurrency: every change increments it; a stale writer gets a conflict.
    version = models.PositiveIntegerField(default=1)
    # Head of the event hash chain, so a deleted last event is detected too.
    event_count = models.PositiveIntegerField(default=0)
    last_event_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["receiving_agency", "-id"], name="dossier_recv_id"),
            models.Index(fields=["competent_agency", "-id"], name="dossier_comp_id"),
            models.Index(fields=["current_agency", "-id"], name="dossier_held_id"),
            models.Index(fields=["state", "-id"], name="dossier_state_id"),
            models.Index(fields=["received_at"], name="dossier_received"),
            # "Due before …" lists (overdue, due soon) look only at unfinished dossiers.
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(finished_at__isnull=True),
                name="dossier_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(procedure_version__isnull=False, procedure_group__isnull=True)
                    | models.Q(procedure_version__isnull=True, procedure_group__isnull=False)
                ),
                name="dossier_one_procedure_or_group",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def national_status(self) -> int:
        return NATIONAL_STATUS[State(self.state)]

    @property
    def is_group(self) -> bool:
        return self.procedure_group_id is not None

    @property
    def procedure_name(self) -> str:
        if self.procedure_version is not None:
            return self.procedure_version.name
        return self.procedure_group.name if self.procedure_group else ""


class DailySequence(models.Model):
    """The running number of dossiers a receiving agency has coded on one day."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="daily_sequence_unique"),
        ]


class SupplementRequest(models.Model):
    """A request to complete (at intake, Mẫu 02) or supplement (during processing) papers.

    During processing it pauses the clock from ``requested_at`` to ``completed_at``.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="supplements")
    at_intake = models.BooleanField(_("at intake"))
    items = models.JSONField(_("papers to add"), default=list)
    reason = models.TextField(_("reason"), blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.dossier_id} @ {self.requested_at:%Y-%m-%d}"

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["dossier", "requested_at"]


class Document(models.Model):
    """A submitted paper (thành phần hồ sơ) as a file, stored content-addressed."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents")
    required_document = models.ForeignKey(
        "catalog.RequiredDocument",
        verbose_name=_("required document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=1000)
    file = models.FileField(_("file"), storage=_dossier_files, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    digitised_at_intake = models.BooleanField(_("digitised at intake"), default=False)
    from_data_store = models.BooleanField(_("taken from the citizen's data store"), default=False)
    supplement = models.ForeignKey(
        SupplementRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.name

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["dossier", "id"]


class DossierFee(models.Model):
    """A fee or charge the dossier owes, copied from the procedure version at filing."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="fees")
    name = models.CharField(_("name"), max_length=500)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} đ"

    class Meta:
        verbose_name = _("fee due")
        verbose_name_plural = _("fees due")
        ordering = ["dossier", "id"]


class PaymentMethod(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    NATIONAL_PORTAL = "national_portal", _("Online, on the national portal's payment platform")
    PROVINCE_GATEWAY = "province_gateway", _("Online, through the province's payment gateway")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


ONLINE_PAYMENT_METHODS = frozenset({PaymentMethod.NATIONAL_PORTAL, PaymentMethod.PROVINCE_GATEWAY})


class Payment(models.Model):
    """A payment of fees, charges or financial obligations, kept with the dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(_("transaction reference"), max_length=100, blank=True)
    paid_at = models.DateTimeField(_("paid at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.amount:,} đ"

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["dossier", "paid_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "reference"],
                condition=~models.Q(reference=""),
                name="payment_reference_once",
            ),
        ]


class ResultKind(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic")
    PAPER = "paper", _("Paper")


class Result(models.Model):
    """A result of the dossier (kết quả giải quyết), coded ``<dossier code>-KQ<n>``."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="results")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("result code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=500)
    kind = models.CharField(_("kind"), max_length=16, choices=ResultKind.choices)
    file = models.FileField(
        _("file"), storage=_dossier_files, max_length=255, null=True, blank=True
    )
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    attached_at = models.DateTimeField(_("attached at"))
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.code

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="result_number_unique"),
        ]


class AppendOnlyError(RuntimeError):
    """Events are never changed or deleted."""


class EventQuerySet(models.QuerySet["DossierEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("dossier events are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("dossier events are append-only")


class DossierEvent(models.Model):
    """An event of the audit ledger (nhật ký): one action on one dossier, append-only.

    ``hash`` = SHA-256 over ``prev_hash`` and the canonical content (see
    ``motcua.dossiers.ledger``), so each dossier's events form a hash chain that
    ``motcua audit verify`` checks.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(_("action"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=255)
    at = models.DateTimeField(_("at"))
    from_state = models.CharField(_("from"), max_length=32, blank=True)
    to_state = models.CharField(_("to"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="event_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("dossier events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("dossier events are append-only")


class IdempotencyRecord(models.Model):
    """The response to a submission made with an ``Idempotency-Key``, replayed on retries."""

    owner = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.owner}:{self.key}"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_once"),
        ]


class UploadedFile(models.Model):
    """A checked file a client uploaded before naming it in a submission or an action.

    The content lives once in the content-addressed store; this row says who uploaded it,
    so a caller can only attach their own uploads.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploads"
    )
    file = models.FileField(storage=_dossier_files, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    original_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")
        indexes = [models.Index(fields=["owner", "sha256"], name="upload_owner_sha")]

    def __str__(self) -> str:
        return self.original_name
