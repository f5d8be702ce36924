"""What each dossier event tells the applicant: the facts of the event, the dossier code and
the tracking link, with an SMS that fits one message where it can."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.desk.tests.steps import at_step, resolved_a
from motcua.documents.slips import tracking_url
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import (
    dossier_record_payment,
    dossier_refuse,
    dossier_request_payment,
    dossier_request_supplement,
)
from motcua.dossiers.tests.factories import World
from motcua.notifications.messages import SMS_LIMIT, Composed, compose


@pytest.fixture(autouse=True)
def english_installation(settings: Any) -> None:
    """Messages are written in the installation's language: English here, so the assertions
    read the msgids whatever the Vietnamese catalogue says."""
    settings.LANGUAGE_CODE = "en"


def _composed(d: Dossier, action: str) -> Composed:
    event = DossierEvent.objects.filter(dossier=d, action=action).latest("seq")
    message = compose(event)
    assert message is not None
    link = tracking_url(d)
    for text in (message.subject, message.body, message.sms):
        assert d.code in text
    assert link in message.body and link in message.sms
    return message


def test_a_supplement_request_lists_the_papers(world: World) -> None:
    d = at_step(world, 1)
    long_list = ["Bản sao giấy chứng sinh", "Giấy xác nhận nơi cư trú của người mẹ"] * 3
    dossier_request_supplement(
        dossier=d.pk, actor=Actor.official(world.specialist_a), items=long_list, reason="Thiếu"
    )
    message = _composed(d, "request_supplement")
    assert message.purpose == "supplement_requested"
    assert "; ".join(long_list) in message.body  # the e-mail: every paper
    assert "needs more papers: Bản sao giấy" in message.sms
    assert len(message.sms) <= SMS_LIMIT  # the SMS: shortened to one message
    assert message.sms.count("…") == 1


def test_payment_requested_and_received_say_the_amount(world: World) -> None:
    d = at_step(world, 1)
    official = Actor.official(world.specialist_a)
    dossier_request_payment(dossier=d.pk, actor=official, items=[("Lệ phí", 50_000)])
    requested = _composed(d, "request_payment")
    assert requested.purpose == "payment_requested"
    assert "50.000 đ" in requested.body and "50.000 đ" in requested.sms

    dossier_record_payment(dossier=d.pk, actor=official, amount=50_000, method="counter")
    received = _composed(d, "record_payment")
    assert received.purpose == "payment_received"
    assert "50.000 đ" in received.sms


def test_a_ready_result_says_where_to_collect_it(world: World) -> None:
    d = resolved_a(world)
    message = _composed(d, "sign_result")
    assert message.purpose == "result_ready"
    place = d.return_agency or d.receiving_agency
    assert place.name in message.body
    assert len(message.sms) <= SMS_LIMIT


def test_a_refusal_gives_the_reason(world: World) -> None:
    d = world.receive_birth()
    dossier_refuse(
        dossier=d.pk, actor=Actor.official(world.reception_a), reason="Không thuộc thẩm quyền"
    )
    message = _composed(d, "refuse")
    assert message.purpose == "dossier_refused"
    assert "Không thuộc thẩm quyền" in message.body


def test_events_not_worth_a_message_compose_nothing(world: World) -> None:
    d = at_step(world, 1)
    assert [e.action for e in d.events.all() if compose(e) is not None] == ["accept"]
    assert len(_composed(d, "accept").sms) <= SMS_LIMIT
