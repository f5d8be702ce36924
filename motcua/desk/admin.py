"""Admin of sign-in safety: the second-factor policy per role, and the lockout records (an
operator may lift a lock early by deleting it)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.desk.models import SecondFactorPolicy, SignInFailure, SignInLock


@admin.register(SecondFactorPolicy)
class SecondFactorPolicyAdmin(admin.ModelAdmin[SecondFactorPolicy]):
    list_display = ["role", "required"]
    list_editable = ["required"]


@admin.register(SignInFailure)
class SignInFailureAdmin(admin.ModelAdmin[SignInFailure]):
    list_display = ["at", "username", "ip", "stage"]
    list_filter = ["stage"]
    search_fields = ["username", "ip"]
    readonly_fields = ["at", "username", "ip", "stage"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SignInLock)
class SignInLockAdmin(admin.ModelAdmin[SignInLock]):
    list_display = ["scope", "key", "until"]
    list_filter = ["scope"]
    search_fields = ["key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
