"""Agency electronic identifiers (mã định danh điện tử) in the QCVN 102:2016 shape.

``V1V2V3.Z1Z2.Y1Y2.MX1X2``: level-4, level-3 and level-2 unit numbers (zero = the
level above itself) and the level-1 unit, a group letter and two digits, e.g.
``000.00.00.H49`` (UBND tỉnh Quảng Ninh).
"""

from __future__ import annotations

import re
from typing import NamedTuple

AGENCY_IDENTIFIER_RE = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z])(\d{2})$")


class AgencyIdentifier(NamedTuple):
    level4: int
    level3: int
    level2: int
    group: str
    level1: int

    def __str__(self) -> str:
        return (
            f"{self.level4:03d}.{self.level3:02d}.{self.level2:02d}.{self.group}{self.level1:02d}"
        )


def parse_agency_identifier(value: str) -> AgencyIdentifier:
    """Parse an identifier; raise ValueError if it does not have the QCVN 102 shape."""
    match = AGENCY_IDENTIFIER_RE.match(value)
    if match is None:
        raise ValueError(value)
    v, z, y, m, x = match.groups()
    return AgencyIdentifier(int(v), int(z), int(y), m, int(x))


def is_agency_identifier(value: str) -> bool:
    return AGENCY_IDENTIFIER_RE.match(value) is not None
