from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.core.admin import ReadOnlyAdmin
from motcua.payments.models import GatewayCallback, PaymentAccount, PaymentTransaction


class PaymentAccountForm(forms.ModelForm):  # type: ignore[type-arg]
    hash_secret = forms.CharField(
        label=_("Hash secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Given by the gateway; stored encrypted. Leave empty to keep the current one."),
    )

    class Meta:
        model = PaymentAccount
        fields = [
            "agency",
            "provider",
            "merchant_code",
            "bank_name",
            "account_number",
            "account_holder",
            "active",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.instance.pk and not data.get("hash_secret"):
            self.add_error("hash_secret", _("Enter the hash secret the gateway gave you."))
        return data

    def save(self, commit: bool = True) -> PaymentAccount:
        account: PaymentAccount = super().save(commit=False)
        if self.cleaned_data.get("hash_secret"):
            account.set_secret(self.cleaned_data["hash_secret"])
        if commit:
            account.save()
        return account


@admin.register(PaymentAccount)
class PaymentAccountAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = PaymentAccountForm
    list_display = ["agency", "provider", "merchant_code", "bank_name", "account_number", "active"]
    list_filter = ["provider", "active"]
    search_fields = ["agency__name", "merchant_code", "account_number"]
    autocomplete_fields = ["agency"]


@admin.register(PaymentTransaction)
class PaymentTransactionAdmin(ReadOnlyAdmin):
    list_display = ["txn_ref", "dossier", "amount", "status", "created_at", "paid_at"]
    list_filter = ["status"]
    search_fields = ["txn_ref", "dossier__code", "gateway_txn_no"]
    list_select_related = ["dossier"]


@admin.register(GatewayCallback)
class GatewayCallbackAdmin(ReadOnlyAdmin):
    list_display = ["at", "provider", "kind", "verdict", "remote_addr", "message"]
    list_filter = ["provider", "kind", "verdict"]
    search_fields = ["message"]
