"""Forms of the citizen's dossier actions (supplement, withdraw, rate) and of the public
"verify a document" page. Plain Django forms: they work without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import MultipleFileField
from motcua.quality.models import COMMENT_MAX

# What each indicator asks, and what 2 / 1 / 0 mean, in plain words.
INDICATOR_QUESTIONS: dict[str, tuple[Any, tuple[Any, Any, Any]]] = {
    "total_time": (
        _("How long did the whole procedure take, compared with the legal time?"),
        (
            _("Less than the legal time"),
            _("Exactly the legal time"),
            _("Longer than the legal time"),
        ),
    ),
    "agency_time": (
        _("Did each agency keep to its share of the time?"),
        (_("Every agency was early"), _("Every agency was on time"), _("Some agency was late")),
    ),
    "contacts": (
        _("How many times did you have to come back or get in touch to complete the dossier?"),
        (_("Never"), _("Once"), _("More than once")),
    ),
    "agencies_contacted": (
        _("How many agencies did you have to deal with for this dossier?"),
        (_("Only the one-stop desk"), _("One more agency"), _("Two or more other agencies")),
    ),
    "attitude": (
        _("How were the officials' manners and helpfulness?"),
        (_("Polite and helpful"), _("Acceptable"), _("Rude or unhelpful")),
    ),
    "publicity": (
        _("Was the procedure (papers, fees, time) published clearly?"),
        (_("Fully and clearly"), _("Partly"), _("Not published or unclear")),
    ),
}


class VersionedForm(forms.Form):
    """Every action posts the dossier version the citizen saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    k = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class SupplementForm(VersionedForm):
    """One upload (one or more files) per paper the agency asked for."""

    note = forms.CharField(
        label=_("Message to the agency (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, items: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for i, item in enumerate(items):
            self.fields[f"item_{i}"] = MultipleFileField(
                label=item,
                required=True,
                error_messages={"required": _("Attach this paper (PDF, JPEG or PNG).")},
            )
        self.order_fields([*[f"item_{i}" for i in range(len(items))], "note"])

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{i}"] for i in range(len(self.items))]


class WithdrawForm(VersionedForm):
    """Withdrawal, confirmed with a reason. Its own ids: it shares the page with the
    supplement form."""

    reason = forms.CharField(
        label=_("Why do you withdraw the dossier?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason for withdrawing.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand that the dossier will no longer be processed."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "withdraw_%s")
        super().__init__(*args, **kwargs)


class RatingForm(forms.Form):
    k = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    satisfied = forms.TypedChoiceField(
        label=_("Overall, are you satisfied with how your dossier was handled?"),
        choices=[("1", _("Satisfied")), ("0", _("Not satisfied"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you are satisfied or not.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (question, labels) in INDICATOR_QUESTIONS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=question,
                choices=[("2", labels[0]), ("1", labels[1]), ("0", labels[2])],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one of the answers.")},
            )
        self.order_fields(["satisfied", *INDICATOR_QUESTIONS, "comment"])

    def indicator_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in INDICATOR_QUESTIONS]


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("The PDF file of the result"),
        required=False,
        help_text=_("PDF only, up to 20 MB."),
    )
    code = forms.CharField(
        label=_("Or the result code"),
        required=False,
        max_length=80,
        help_text=_("As printed on the result, e.g. 000.01.30.H60-261120-0001-KQ1."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("code") or "").strip():
            raise forms.ValidationError(_("Upload the PDF or type the result code."))
        return data
