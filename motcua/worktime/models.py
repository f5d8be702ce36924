"""Working-time data (thời gian làm việc): yearly calendars, dated exceptions, office hours.

Only days that differ from the Monday–Friday week are stored: non-working weekdays and
working weekend days. A holiday that falls on a weekend needs no row (its compensatory
weekday does); storing one is harmless and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from motcua.worktime.calendar import WEEKEND, DayKind, Season


class CalendarYear(models.Model):
    """A year whose official decisions are recorded; without a row, the year is computed."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Set while the official decision for this year has not been published."),
    )
    decision = models.TextField(
        _("decision or source"),
        blank=True,
        help_text=_("The documents that fixed this year's days off and swapped days."),
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDayKind(models.TextChoices):
    HOLIDAY = DayKind.HOLIDAY.value, _("Public holiday")
    COMPENSATORY_OFF = DayKind.COMPENSATORY_OFF.value, _("Compensatory day off")
    SWAPPED_OFF = DayKind.SWAPPED_OFF.value, _("Swapped day off")
    SWAPPED_WORKDAY = DayKind.SWAPPED_WORKDAY.value, _("Swapped working day")
    EXTRA_HOLIDAY = DayKind.EXTRA_HOLIDAY.value, _("Extra day off")


class CalendarDay(models.Model):
    """A dated exception to the working week, with its reason and source."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarDayKind.choices)
    reason = models.CharField(_("reason"), max_length=255)
    source = models.CharField(
        _("source"),
        max_length=500,
        help_text=_("The decision or letter that set this day, e.g. 12729/VPCP-KGVX."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.date is None or not self.kind:
            return
        on_weekend = self.date.weekday() in WEEKEND
        if self.kind == CalendarDayKind.SWAPPED_WORKDAY and not on_weekend:
            raise ValidationError(
                {"kind": _("A swapped working day must be a Saturday or Sunday.")}
            )
        if (
            self.kind in (CalendarDayKind.SWAPPED_OFF, CalendarDayKind.COMPENSATORY_OFF)
            and on_weekend
        ):
            raise ValidationError(
                {"kind": _("A swapped or compensatory day off must be a weekday.")}
            )


def _month_validator() -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(1), MaxValueValidator(12)]


def _day_validator() -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(1), MaxValueValidator(31)]


class OfficeHours(models.Model):
    """Office hours of an agency (or of the province when no agency) for one season.

    An agency without hours for a date uses its parent's, then the province's.
    """

    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="office_hours",
        help_text=_("Leave empty for the province-wide default."),
    )
    valid_from_month = models.PositiveSmallIntegerField(
        _("from month"), default=1, validators=_month_validator()
    )
    valid_from_day = models.PositiveSmallIntegerField(
        _("from day"), default=1, validators=_day_validator()
    )
    valid_to_month = models.PositiveSmallIntegerField(
        _("to month"), default=12, validators=_month_validator()
    )
    valid_to_day = models.PositiveSmallIntegerField(
        _("to day"), default=31, validators=_day_validator()
    )
    morning_start = models.TimeField(_("morning start"), default=dt.time(7, 30))
    morning_end = models.TimeField(_("morning end"), default=dt.time(11, 30))
    afternoon_start = models.TimeField(_("afternoon start"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("afternoon end"), default=dt.time(17, 0))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        ordering = ["agency_id", "valid_from_month", "valid_from_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=F("morning_end"))
                & Q(morning_end__lte=F("afternoon_start"))
                & Q(afternoon_start__lt=F("afternoon_end")),
                name="office_hours_periods_in_order",
            ),
        ]

    def __str__(self) -> str:
        where = str(self.agency) if self.agency_id else str(_("Province default"))
        return (
            f"{where}: {self.valid_from_day:02d}/{self.valid_from_month:02d}–"
            f"{self.valid_to_day:02d}/{self.valid_to_month:02d}"
        )

    def season(self) -> Season:
        """This row as a pure season (raises ValueError if the row is invalid)."""
        return Season(
            (self.valid_from_month, self.valid_from_day),
            (self.valid_to_month, self.valid_to_day),
            (
                (self.morning_start, self.morning_end),
                (self.afternoon_start, self.afternoon_end),
            ),
        )

    def clean(self) -> None:
        for month_field, day_field in (
            ("valid_from_month", "valid_from_day"),
            ("valid_to_month", "valid_to_day"),
        ):
            try:
                dt.date(2000, getattr(self, month_field), getattr(self, day_field))
            except (TypeError, ValueError):
                raise ValidationError(
                    {day_field: _("This day does not exist in that month.")}
                ) from None
        times = (self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end)
        if None in times:
            return
        if not (
            self.morning_start < self.morning_end
            and self.morning_end <= self.afternoon_start
            and self.afternoon_start < self.afternoon_end
        ):
            raise ValidationError(
                _(
                    "Times must be in order: morning start, morning end, afternoon start, "
                    "afternoon end."
                )
            )
        mine = self.season().month_days()
        same_agency = (
            Q(agency__isnull=True) if self.agency_id is None else Q(agency_id=self.agency_id)
        )
        siblings = OfficeHours.objects.filter(same_agency).exclude(pk=self.pk)
        for other in siblings:
            if mine & other.season().month_days():
                raise ValidationError(
                    _("These dates overlap another season of the same agency: %(other)s."),
                    params={"other": other},
                )


class CalendarRevision(models.Model):
    """One row whose number grows with every calendar edit, so caches know they are stale.

    Kept in the database, inside the editing transaction: every worker process sees a
    committed edit, and a rolled-back edit leaves the number as it was.
    """

    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("calendar revision")
        verbose_name_plural = _("calendar revisions")

    def __str__(self) -> str:
        return str(self.number)
