"""The audit ledger's hash chain: canonical event content, hashing and verification.

Each event's hash covers the previous event's hash and the event's canonical content
(dossier, sequence number, action, actor, time, states, reason, data), so editing,
deleting or reordering an event breaks the chain from that event on. The dossier row keeps
the chain's head (count and last hash), so dropping the newest events is detected too, and
its state must be the last event's ``to_state``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64


def _instant(at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    dossier_id: int,
    seq: int,
    action: str,
    actor_id: int | None,
    actor_label: str,
    at: dt.datetime,
    from_state: str,
    to_state: str,
    reason: str,
    data: dict[str, Any],
) -> bytes:
    """The bytes an event's hash covers: sorted-key compact JSON in UTF-8."""
    content = {
        "dossier": dossier_id,
        "seq": seq,
        "action": action,
        "actor": actor_id,
        "actor_label": actor_label,
        "at": _instant(at),
        "from": from_state,
        "to": to_state,
        "reason": reason,
        "data": data,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + content).hexdigest()


@dataclass(frozen=True)
class EventRow:
    """An event as stored, for verification."""

    seq: int
    action: str
    actor_id: int | None
    actor_label: str
    at: dt.datetime
    from_state: str
    to_state: str
    reason: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


class Problem(StrEnum):
    MISSING_OR_REORDERED = "missing_or_reordered"
    BROKEN_LINK = "broken_link"
    ALTERED = "altered"
    DISCONTINUOUS_STATES = "discontinuous_states"
    HEAD_MISMATCH = "head_mismatch"
    STATE_MISMATCH = "state_mismatch"


@dataclass
class ChainReport:
    dossier_id: int
    code: str
    # (problem, event sequence number or None for the dossier row)
    problems: list[tuple[Problem, int | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(
    *,
    dossier_id: int,
    code: str,
    state: str,
    event_count: int,
    last_event_hash: str,
    events: Iterable[EventRow],
) -> ChainReport:
    """Check one dossier's history against its stored head; list every problem found."""
    report = ChainReport(dossier_id, code)
    prev = GENESIS
    expected_seq = 1
    last: EventRow | None = None
    for event in events:
        if event.seq != expected_seq:
            report.problems.append((Problem.MISSING_OR_REORDERED, expected_seq))
            expected_seq = event.seq
        if event.prev_hash != prev:
            report.problems.append((Problem.BROKEN_LINK, event.seq))
        content = canonical(
            dossier_id=dossier_id,
            seq=event.seq,
            action=event.action,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            at=event.at,
            from_state=event.from_state,
            to_state=event.to_state,
            reason=event.reason,
            data=event.data,
        )
        if chain_hash(event.prev_hash, content) != event.hash:
            report.problems.append((Problem.ALTERED, event.seq))
        if last is not None and event.from_state != last.to_state:
            report.problems.append((Problem.DISCONTINUOUS_STATES, event.seq))
        prev = event.hash
        last = event
        expected_seq += 1
    count = 0 if last is None else last.seq
    if count != event_count or prev != (last_event_hash or GENESIS):
        report.problems.append((Problem.HEAD_MISMATCH, None))
    if last is None or last.to_state != state:
        report.problems.append((Problem.STATE_MISMATCH, None))
    return report
