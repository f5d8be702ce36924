"""Daily reconciliation (đối soát) of an agency's receiving account: the gateway's
statement of the day against the payments MotCua recorded from its IPNs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.payments import gateways
from motcua.payments.gateways.base import StatementLine
from motcua.payments.models import PaymentAccount, PaymentTransaction, TransactionStatus
from motcua.worktime.calendar import VN_TZ


class Match(StrEnum):
    MATCHED = "matched"
    NOT_RECORDED = "not_recorded"  # paid at the gateway, no payment in MotCua
    NOT_AT_GATEWAY = "not_at_gateway"  # recorded in MotCua, absent from the statement
    AMOUNT_DIFFERS = "amount_differs"
    # paid at the gateway, deliberately not applied (already paid, or the dossier closed)
    REFUND_NEEDED = "refund_needed"


MATCH_LABELS = {
    Match.MATCHED: _("Matched"),
    Match.NOT_RECORDED: _("MISMATCH: paid at the gateway but not recorded in MotCua"),
    Match.NOT_AT_GATEWAY: _("MISMATCH: recorded in MotCua but not on the gateway's statement"),
    Match.AMOUNT_DIFFERS: _("MISMATCH: the amounts differ"),
    Match.REFUND_NEEDED: _(
        "REFUND NEEDED: paid at the gateway but not recorded in MotCua (the dossier was "
        "already paid or is closed)"
    ),
}


@dataclass(frozen=True)
class ReportLine:
    match: Match
    txn_ref: str
    gateway_amount: int | None
    recorded_amount: int | None
    dossier_code: str
    gateway_txn_no: str

    @property
    def flagged(self) -> bool:
        return self.match is not Match.MATCHED

    @property
    def label(self) -> str:
        return str(MATCH_LABELS[self.match])


@dataclass
class Report:
    account: PaymentAccount
    day: dt.date
    lines: list[ReportLine] = field(default_factory=list)
    error: str = ""

    @property
    def mismatches(self) -> list[ReportLine]:
        return [line for line in self.lines if line.flagged]

    @property
    def ok(self) -> bool:
        return not self.error and not self.mismatches

    @property
    def gateway_total(self) -> int:
        return sum(line.gateway_amount or 0 for line in self.lines)

    @property
    def recorded_total(self) -> int:
        return sum(line.recorded_amount or 0 for line in self.lines)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, VN_TZ)
    return start, start + dt.timedelta(days=1)


def compare(account: PaymentAccount, day: dt.date, statement: list[StatementLine]) -> Report:
    """The pure comparison (the statement already read)."""
    paid_lines = {line.txn_ref: line for line in statement if line.success}
    start, end = _day_bounds(day)
    txns = {
        t.txn_ref: t
        for t in PaymentTransaction.objects.filter(account=account)
        .filter(
            Q(
                status__in=[TransactionStatus.PAID, TransactionStatus.REFUND_NEEDED],
                paid_at__gte=start,
                paid_at__lt=end,
            )
            | Q(txn_ref__in=list(paid_lines))
        )
        .select_related("dossier", "payment")
    }
    report = Report(account, day)
    for ref in sorted(set(paid_lines) | set(txns)):
        line = paid_lines.get(ref)
        txn = txns.get(ref)
        recorded = (
            txn.payment.amount
            if txn is not None and txn.status == TransactionStatus.PAID and txn.payment
            else None
        )
        gateway_amount = line.amount if line is not None else None
        if txn is not None and txn.status == TransactionStatus.REFUND_NEEDED:
            match = Match.REFUND_NEEDED
        elif line is None:
            match = Match.NOT_AT_GATEWAY
        elif recorded is None:
            match = Match.NOT_RECORDED
        elif recorded != gateway_amount:
            match = Match.AMOUNT_DIFFERS
        else:
            match = Match.MATCHED
        report.lines.append(
            ReportLine(
                match=match,
                txn_ref=ref,
                gateway_amount=gateway_amount,
                recorded_amount=recorded,
                dossier_code=txn.dossier.code if txn is not None else "",
                gateway_txn_no=line.gateway_txn_no if line is not None else "",
            )
        )
    return report


def reconcile(account: PaymentAccount, day: dt.date) -> Report:
    """Read the gateway's statement of ``day`` and compare it with what MotCua recorded;
    a statement that cannot be read is reported as such (``error``), not as a match."""
    try:
        statement = gateways.get(account.provider).statement(account, day)
    except Exception as exc:
        report = Report(account, day)
        report.error = str(_("The gateway's statement could not be read: %(error)s")) % {
            "error": exc
        }
        return report
    return compare(account, day, statement)
