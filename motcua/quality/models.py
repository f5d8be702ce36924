"""Citizen ratings of dossiers (đánh giá mức độ hài lòng): one per dossier, stored as facts
the Decision 766 index (5.4, "dislike" ratings) and the Circular 01/2018 art. 13 indicator
scores are computed from."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The per-dossier indicators of Circular 01/2018 art. 13 (law-research.md §1.9): field name,
# indicator number, what the citizen is asked. Each is scored 2 / 1 / 0.
INDICATORS: tuple[tuple[str, int], ...] = (
    ("total_time", 1),
    ("agency_time", 2),
    ("contacts", 3),
    ("agencies_contacted", 4),
    ("attitude", 6),
    ("publicity", 7),
)
INDICATOR_FIELDS: tuple[str, ...] = tuple(name for name, _number in INDICATORS)
SCORES = (0, 1, 2)
COMMENT_MAX = 1000


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("Citizen portal (signed in)")
    TRACKING = "tracking", _("Tracking page (dossier code and lookup key)")
    COUNTER = "counter", _("At the counter")


def _score(verbose: Any) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(verbose)


class DossierRating(models.Model):
    """Dossier rating — đánh giá hồ sơ: the applicant's like/dislike and per-dossier
    indicator scores (2 / 1 / 0) for one dossier whose result was returned; given once."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="rating",
    )
    # Denormalised from the dossier so the 766 report filters ratings by agency directly.
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("competent agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    satisfied = models.BooleanField(_("satisfied (like)"))
    total_time = _score(_("1. Total processing time against the legal time"))
    agency_time = _score(_("2. Time taken by each agency against its share"))
    contacts = _score(_("3. Times the applicant had to contact the agency"))
    agencies_contacted = _score(_("4. Agencies the applicant had to contact"))
    attitude = _score(_("6. Officials' attitude"))
    publicity = _score(_("7. Publicity of the procedure"))
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX)
    channel = models.CharField(_("channel"), max_length=16, choices=RatingChannel.choices)
    rated_at = models.DateTimeField(_("rated at"), db_index=True)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dossier rating")
        verbose_name_plural = _("dossier ratings")
        ordering = ["-rated_at"]
        indexes = [
            models.Index(fields=["agency", "rated_at"], name="rating_agency_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{name}__lte": 2}), name=f"rating_{name}_0_2"
            )
            for name in INDICATOR_FIELDS
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {'+' if self.satisfied else '-'}"

    @property
    def total_score(self) -> int:
        return sum(int(getattr(self, name)) for name in INDICATOR_FIELDS)
