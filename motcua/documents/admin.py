"""Admin of the documents app.

* Signing certificates: added by uploading the agency's PKCS#12 file with its passphrase
  (checked and stored by ``certificates.import_pkcs12``); afterwards read-only, made
  active or inactive with the list's actions. The key and its passphrase are never shown
  and cannot be downloaded.
* Trusted roots: a CA certificate pasted as PEM.
* Generated documents: read-only.
"""

from __future__ import annotations

from typing import Any

from cryptography import x509
from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import InvalidInput
from motcua.documents.certificates import (
    activate_certificate,
    check_pkcs12,
    fingerprint,
    import_pkcs12,
    to_pem,
)
from motcua.documents.models import GeneratedDocument, SigningCertificate, TrustedRoot
from motcua.org.models import User


class CertificateUploadForm(forms.ModelForm[SigningCertificate]):
    """Upload an agency's PKCS#12 bundle; saving imports it."""

    file = forms.FileField(
        label=gettext_lazy("PKCS#12 file (.p12 or .pfx)"),
        help_text=gettext_lazy("The agency's signing key and certificate, as one file."),
    )
    passphrase = forms.CharField(
        label=gettext_lazy("Passphrase"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("Used once to open the file; it is not stored."),
    )
    activate = forms.BooleanField(
        label=gettext_lazy("Make it the agency's active certificate"),
        required=False,
        initial=True,
    )

    class Meta:
        model = SigningCertificate
        fields = ["agency", "label"]

    user: User | None = None
    _content: bytes = b""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is None or self.has_error("agency"):
            return cleaned
        self._content = upload.read(1024 * 1024)
        try:
            check_pkcs12(data=self._content, passphrase=cleaned.get("passphrase") or "")
        except InvalidInput as exc:
            errors = exc.details.get("errors") or {}
            for name, message in errors.items():
                self.add_error(name if name in self.fields else None, message)
            if not errors:
                self.add_error(None, exc.message)
        return cleaned

    def _post_clean(self) -> None:
        # The row is built by import_pkcs12 from the bundle, not from the form's fields.
        pass

    def save(self, commit: bool = True) -> SigningCertificate:
        certificate = import_pkcs12(
            agency=self.cleaned_data["agency"],
            data=self._content,
            passphrase=self.cleaned_data.get("passphrase") or "",
            label=self.cleaned_data.get("label") or "",
            user=self.user,
            activate=bool(self.cleaned_data.get("activate")),
        )
        self.instance = certificate
        return certificate

    def save_m2m(self) -> None:
        pass


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin[SigningCertificate]):
    add_form = CertificateUploadForm
    add_fieldsets = ((None, {"fields": ("agency", "label", "file", "passphrase", "activate")}),)
    list_display = ("agency", "subject", "not_before", "not_after", "active", "uploaded_at")
    list_filter = ("active",)
    list_select_related = ("agency",)
    search_fields = ("agency__name", "subject", "fingerprint_sha256", "serial_number")
    autocomplete_fields = ("agency",)
    ordering = ("agency__name", "-not_after")
    fields = (
        "agency",
        "label",
        "subject",
        "issuer",
        "serial_number",
        "fingerprint_sha256",
        "not_before",
        "not_after",
        "active",
        "uploaded_at",
        "uploaded_by",
        "certificate_pem",
        "chain_pem",
    )
    readonly_fields = fields
    actions = ("make_active", "make_inactive")

    def get_fieldsets(self, request: HttpRequest, obj: SigningCertificate | None = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(
        self, request: HttpRequest, obj: SigningCertificate | None = None
    ) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(
        self,
        request: HttpRequest,
        obj: SigningCertificate | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        if obj is None:
            kwargs["form"] = self.add_form
            kwargs["fields"] = ["agency", "label"]
        return super().get_form(request, obj, change, **kwargs)

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        if not change:
            form.user = request.user if isinstance(request.user, User) else None
        return super().save_form(request, form, change)

    def save_model(
        self, request: HttpRequest, obj: SigningCertificate, form: Any, change: bool
    ) -> None:
        # Adding: import_pkcs12 saved the row when the form was saved. Changing: every
        # field is read-only; activation goes through the actions.
        pass

    @admin.action(description=gettext_lazy("Make the selected certificates active"))
    def make_active(self, request: HttpRequest, queryset: QuerySet[SigningCertificate]) -> None:
        chosen = list(queryset.select_related("agency"))
        agencies = [c.agency_id for c in chosen]
        if len(set(agencies)) != len(agencies):
            self.message_user(
                request,
                _("Choose at most one certificate per agency: an agency has one active."),
                messages.ERROR,
            )
            return
        for certificate in chosen:
            activate_certificate(certificate)
        self.message_user(
            request, _("%(n)d certificates made active.") % {"n": len(chosen)}, messages.SUCCESS
        )

    @admin.action(description=gettext_lazy("Make the selected certificates inactive"))
    def make_inactive(self, request: HttpRequest, queryset: QuerySet[SigningCertificate]) -> None:
        count = queryset.update(active=False)
        self.message_user(
            request, _("%(n)d certificates made inactive.") % {"n": count}, messages.SUCCESS
        )


class TrustedRootForm(forms.ModelForm[TrustedRoot]):
    class Meta:
        model = TrustedRoot
        fields = ["name", "certificate_pem"]

    def clean_certificate_pem(self) -> str:
        text = self.cleaned_data["certificate_pem"].strip()
        try:
            cert = x509.load_pem_x509_certificate(text.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise forms.ValidationError(
                _("Paste one certificate in PEM form (-----BEGIN CERTIFICATE-----).")
            ) from None
        try:
            is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        if not is_ca:
            raise forms.ValidationError(_("This is not a certificate authority's certificate."))
        digest = fingerprint(cert)
        clash = TrustedRoot.objects.filter(fingerprint_sha256=digest).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This root certificate is already trusted."))
        self.instance.fingerprint_sha256 = digest
        return to_pem(cert)


@admin.register(TrustedRoot)
class TrustedRootAdmin(admin.ModelAdmin[TrustedRoot]):
    form = TrustedRootForm
    list_display = ("name", "fingerprint_sha256", "added_at")
    search_fields = ("name", "fingerprint_sha256")
    readonly_fields = ("fingerprint_sha256", "added_at")


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin[GeneratedDocument]):
    list_display = ("form", "file_name", "dossier", "agency", "sha256", "created_at")
    list_filter = ("form",)
    list_select_related = ("dossier", "agency")
    search_fields = ("file_name", "sha256", "dossier__code")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: GeneratedDocument | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: GeneratedDocument | None = None
    ) -> bool:
        return False
