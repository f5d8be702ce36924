"""Round trips between solar and lunar dates over the whole supported range."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.worktime.lunar import (
    FIRST_SOLAR_DATE,
    LAST_SOLAR_DATE,
    format_lunar,
    lunar_to_solar,
    parse_lunar,
    solar_to_lunar,
)

solar_dates = st.dates(min_value=FIRST_SOLAR_DATE, max_value=LAST_SOLAR_DATE)


@settings(max_examples=400, deadline=None, database=None)
@given(solar_dates)
def test_solar_lunar_solar_is_identity(day: dt.date) -> None:
    assert lunar_to_solar(solar_to_lunar(day)) == day


@settings(max_examples=400, deadline=None, database=None)
@given(solar_dates)
def test_text_form_round_trips(day: dt.date) -> None:
    lunar = solar_to_lunar(day)
    assert parse_lunar(format_lunar(lunar)) == lunar


@settings(max_examples=300, deadline=None, database=None)
@given(st.dates(min_value=FIRST_SOLAR_DATE, max_value=LAST_SOLAR_DATE - dt.timedelta(days=1)))
def test_next_day_advances_lunar_day_or_starts_a_month(day: dt.date) -> None:
    today, tomorrow = solar_to_lunar(day), solar_to_lunar(day + dt.timedelta(days=1))
    if tomorrow.day == 1:
        assert today.day in (29, 30)
    else:
        assert (tomorrow.year, tomorrow.month, tomorrow.leap) == (
            today.year,
            today.month,
            today.leap,
        )
        assert tomorrow.day == today.day + 1
