"""Sign-in safety for the officials' workspace: which roles need a second factor, and the
failed attempts behind the lockout.

Failures and locks live in the database, not the cache: several server processes answer
sign-ins and must agree on who is locked out.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Role


class SecondFactorPolicy(models.Model):
    """Whether officials holding ``role`` must confirm their sign-in with a TOTP code."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, unique=True)
    required = models.BooleanField(
        _("second factor required"),
        default=False,
        help_text=_("Officials holding this role anywhere sign in with a one-time code too."),
    )

    class Meta:
        verbose_name = _("second-factor policy")
        verbose_name_plural = _("second-factor policies")
        ordering = ["role"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.required}"


class SignInStage(models.TextChoices):
    PASSWORD = "password", _("Password")
    OTP = "otp", _("One-time code")


class SignInFailure(models.Model):
    """A failed sign-in attempt (wrong password, unknown user or wrong one-time code)."""

    username = models.CharField(_("user name"), max_length=150)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=SignInStage.choices)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["username", "at"], name="signin_fail_user"),
            models.Index(fields=["ip", "at"], name="signin_fail_ip"),
            models.Index(fields=["at"], name="signin_fail_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M}"


class LockScope(models.TextChoices):
    USERNAME = "username", _("User name")
    IP = "ip", _("Address")


class SignInLock(models.Model):
    """Sign-ins for a user name or from an address are refused until ``until``."""

    scope = models.CharField(_("scope"), max_length=16, choices=LockScope.choices)
    key = models.CharField(_("user name or address"), max_length=150)
    until = models.DateTimeField(_("locked until"))

    class Meta:
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")
        ordering = ["-until"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="signin_lock_once"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} → {self.until:%Y-%m-%d %H:%M}"
