"""Every action through the dossier page: it calls the service with the version the
official saw, changes the state and appends one event; refusals (stale version, wrong role,
bad input) change nothing and say why next to the fields."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.desk.tests.signin import sign_in
from motcua.documents.models import DocumentForm, GeneratedDocument
from motcua.dossiers.lifecycle import State
from motcua.dossiers.models import Dossier, Payment, Result
from motcua.dossiers.tests.factories import (
    World,
    dossier_row,
    local,
    pdf_bytes,
    store_counts,
)
from motcua.worktime.calendar import to_local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def fresh(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def act(
    client: Client, d: Dossier, action: str, *, version: int | None = None, **fields: Any
) -> Any:
    data: dict[str, Any] = {f"{action}-version": version or fresh(d).version}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(reverse("desk:dossier_action", args=[d.pk, action]), data)


def done(response: Any, d: Dossier, action: str, state: str) -> Dossier:
    """The action went through: back to the dossier page, new state, one event appended."""
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"].startswith(reverse("desk:dossier", args=[d.pk]))
    after = fresh(d)
    assert after.state == state
    last = after.events.order_by("-seq").first()
    assert last is not None and last.action == action
    return after


def as_(user: Any) -> Client:
    return sign_in(Client(), user)


def pdf(name: str = "ket-qua.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")


def test_a_dossier_walks_its_whole_path_through_the_page(world: World) -> None:
    d = world.accepted_birth()
    reception, specialist, leader = (
        as_(world.reception_a),
        as_(world.specialist_a),
        as_(world.leader_a),
    )
    events = fresh(d).event_count

    d = done(
        act(reception, d, "forward", to_user=world.specialist_a.pk), d, "forward", "processing"
    )
    assert (d.current_step, d.current_assignee) == (1, world.specialist_a)
    d = done(act(specialist, d, "forward", note="Đủ điều kiện"), d, "forward", "processing")
    assert d.current_step == 2
    d = done(
        act(leader, d, "return_to_previous", reason="Xem lại"),
        d,
        "return_to_previous",
        "processing",
    )
    assert d.current_step == 1
    d = done(act(specialist, d, "forward"), d, "forward", "processing")
    d = done(act(leader, d, "approve", note="Đồng ý"), d, "approve", "approved")
    d = done(
        act(specialist, d, "attach_result", name="Giấy khai sinh", kind="paper"),
        d,
        "attach_result",
        "approved",
    )
    assert Result.objects.get(dossier=d).code == f"{d.code}-KQ1"
    d = done(act(leader, d, "sign_result"), d, "sign_result", "resolved")
    assert Result.objects.get(dossier=d).signed_by == world.leader_a
    d = done(act(reception, d, "return_result", note="Đã trao"), d, "return_result", "returned")
    assert d.event_count == events + 8
    # Each hand-over is a row of the control sheet, shown on the page's timeline.
    html = reception.get(reverse("desk:dossier", args=[d.pk])).content.decode()
    assert html.count('class="timeline"') == 1
    assert "Xem lại" in html and "Đồng ý" in html
    assert "There is nothing for you to do on this dossier now." in html


def test_request_and_complete_a_supplement_with_its_slip(world: World) -> None:
    d = world.accepted_birth()
    as_(world.reception_a).post(
        reverse("desk:dossier_action", args=[d.pk, "forward"]),
        {"forward-version": fresh(d).version},
    )
    specialist = as_(world.specialist_a)
    response = act(
        specialist, d, "request_supplement", items="Giấy chứng sinh bản chính", reason="Bản mờ"
    )
    d = done(response, d, "request_supplement", "supplement_requested")
    event = d.events.get(action="request_supplement")
    assert response["Location"].endswith(f"?slip={event.pk}")
    page = specialist.get(response["Location"]).content.decode()
    assert "Print the request to complete (Mẫu 02)" in page
    slip = specialist.get(reverse("desk:slip", args=[d.pk, event.pk]))
    assert slip["Content-Type"] == "application/pdf"
    assert GeneratedDocument.objects.get(event=event).form == DocumentForm.SUPPLEMENT

    reception = as_(world.reception_a)
    response = reception.post(
        reverse("desk:dossier_action", args=[d.pk, "complete_supplement"]),
        {
            "complete_supplement-version": d.version,
            "complete_supplement-scans": [pdf("cs-1.pdf"), pdf("cs-2.pdf")],
            "complete_supplement-note": "Đã nộp bản chính",
        },
    )
    d = done(response, d, "complete_supplement", "processing")
    assert d.documents.filter(supplement__isnull=False).count() == 2


def test_request_and_record_a_payment_at_the_counter(world: World) -> None:
    d = world.accepted_birth()
    as_(world.reception_a).post(
        reverse("desk:dossier_action", args=[d.pk, "forward"]),
        {"forward-version": fresh(d).version},
    )
    d = done(
        act(as_(world.specialist_a), d, "request_payment", fee_name="Lệ phí", amount="8000"),
        d,
        "request_payment",
        "awaiting_payment",
    )
    reception = as_(world.reception_a)
    form = reception.get(reverse("desk:dossier_action", args=[d.pk, "record_payment"]))
    assert 'value="8000"' in form.content.decode()  # what is still owed
    d = done(
        act(reception, d, "record_payment", amount="8000", method="counter", reference="BL-0001"),
        d,
        "record_payment",
        "processing",
    )
    payment = Payment.objects.get(dossier=d)
    assert (payment.amount, payment.reference, payment.recorded_by) == (
        8000,
        "BL-0001",
        world.reception_a,
    )


def test_extend_and_stop_produce_their_slips(world: World) -> None:
    d = world.accepted_birth()
    leader = as_(world.leader_a)
    year = to_local(fresh(d).due_at).year + 1  # type: ignore[arg-type]
    response = act(leader, d, "extend", new_due_at=f"{year}-01-15T16:00", reason="Cần xác minh")
    d = done(response, d, "extend", "accepted")
    assert d.due_at == local(year, 1, 15, 16, 0)
    assert (
        "Print the apology and extension (Mẫu 04)"
        in leader.get(response["Location"]).content.decode()
    )
    response = act(leader, d, "stop", reason="Người nộp không bổ sung")
    d = done(response, d, "stop", "stopped")
    assert "Mẫu 05" in leader.get(response["Location"]).content.decode()


def test_a_stale_version_changes_nothing_and_says_so(world: World) -> None:
    d = world.accepted_birth()
    seen = fresh(d).version
    # Someone else forwards it meanwhile.
    assert act(as_(world.specialist_a), d, "forward").status_code == 302
    counts, row = store_counts(), dossier_row(d)
    response = act(as_(world.reception_a), d, "forward", version=seen)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this dossier meanwhile" in html
    assert "Reload the dossier to see what changed" in html
    assert store_counts() == counts and dossier_row(d) == row


def test_service_errors_show_next_to_their_field(world: World) -> None:
    d = world.accepted_birth()
    leader = as_(world.leader_a)
    counts, row = store_counts(), dossier_row(d)
    response = act(leader, d, "extend", new_due_at="2020-01-01T08:00", reason="Trễ")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_extend-new_due_at_error"' in html
    assert "The new appointment must be later than the current one." in html
    assert store_counts() == counts and dossier_row(d) == row


def test_form_errors_change_nothing(world: World) -> None:
    d = world.receive_birth()
    counts, row = store_counts(), dossier_row(d)
    response = act(as_(world.reception_a), d, "refuse", reason="")
    assert response.status_code == 422
    assert 'id="id_refuse-reason_error"' in response.content.decode()
    assert store_counts() == counts and dossier_row(d) == row


def test_an_action_the_role_does_not_allow_is_refused(world: World) -> None:
    d = world.accepted_birth()
    counts, row = store_counts(), dossier_row(d)
    response = act(as_(world.specialist_a), d, "extend", new_due_at="2031-01-15T16:00", reason="x")
    assert response.status_code == 403
    assert "You do not have the role this action needs" in response.content.decode()
    assert store_counts() == counts and dossier_row(d) == row


def test_a_dossier_of_another_commune_is_not_found(world: World) -> None:
    d = world.receive_birth()
    counts = store_counts()
    response = act(as_(world.reception_b), d, "accept")
    assert response.status_code == 404
    assert (
        as_(world.reception_b)
        .get(reverse("desk:dossier_action", args=[d.pk, "accept"]))
        .status_code
        == 404
    )
    assert store_counts() == counts


def test_unknown_or_system_actions_are_not_found(world: World) -> None:
    d = world.receive_birth()
    client = as_(world.reception_a)
    for name in ("explode", "finish_group", "submit"):
        assert client.post(reverse("desk:dossier_action", args=[d.pk, name])).status_code == 404


def test_the_action_page_works_without_scripts(world: World) -> None:
    d = world.receive_birth()
    client = as_(world.reception_a)
    response = client.get(reverse("desk:dossier_action", args=[d.pk, "refuse"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="refuse-reason"' in html
    assert f'name="refuse-version" value="{d.version}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # An action not available now sends the official back to the dossier, saying so.
    response = client.get(reverse("desk:dossier_action", args=[d.pk, "approve"]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "This action is not available for this dossier now." in page


def test_an_electronic_result_is_sealed_when_signed(world: World, tmp_path: Path) -> None:
    from motcua.documents.certificates import ensure_demo_certificates

    ensure_demo_certificates(directory=tmp_path / "demo-ca")
    d = world.accepted_birth()
    act(as_(world.reception_a), d, "forward")
    specialist, leader = as_(world.specialist_a), as_(world.leader_a)
    act(specialist, d, "forward")
    act(leader, d, "approve")
    response = leader.post(
        reverse("desk:dossier_action", args=[d.pk, "attach_result"]),
        {
            "attach_result-version": fresh(d).version,
            "attach_result-name": "Giấy khai sinh",
            "attach_result-kind": "electronic",
            "attach_result-file": pdf(),
        },
    )
    d = done(response, d, "attach_result", "approved")
    unsigned = Result.objects.get(dossier=d).sha256
    d = done(act(leader, d, "sign_result"), d, "sign_result", "resolved")
    result = Result.objects.get(dossier=d)
    assert result.signed_at is not None and result.sha256 != unsigned
    html = leader.get(reverse("desk:dossier", args=[d.pk])).content.decode()
    assert "Signed" in html
    download = leader.get(reverse("desk:result_file", args=[result.pk]), {"download": "1"})
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"/ByteRange" in b"".join(download.streaming_content)


def test_signing_without_a_certificate_changes_nothing(world: World) -> None:
    d = world.accepted_birth()
    act(as_(world.reception_a), d, "forward")
    leader = as_(world.leader_a)
    act(as_(world.specialist_a), d, "forward")
    act(leader, d, "approve")
    leader.post(
        reverse("desk:dossier_action", args=[d.pk, "attach_result"]),
        {
            "attach_result-version": fresh(d).version,
            "attach_result-name": "Giấy khai sinh",
            "attach_result-kind": "electronic",
            "attach_result-file": pdf(),
        },
    )
    counts, row = store_counts(), dossier_row(d)
    response = act(leader, d, "sign_result")
    assert 400 <= response.status_code < 500
    assert re.search(r"certificate|chứng thư", response.content.decode(), re.IGNORECASE)
    assert store_counts() == counts and dossier_row(d) == row


def test_an_electronic_result_must_be_a_pdf(world: World) -> None:
    d = world.accepted_birth()
    act(as_(world.reception_a), d, "forward")
    leader = as_(world.leader_a)
    act(as_(world.specialist_a), d, "forward")
    act(leader, d, "approve")
    png = SimpleUploadedFile("kq.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    counts = store_counts()
    response = leader.post(
        reverse("desk:dossier_action", args=[d.pk, "attach_result"]),
        {
            "attach_result-version": fresh(d).version,
            "attach_result-name": "Giấy khai sinh",
            "attach_result-kind": "electronic",
            "attach_result-file": png,
        },
    )
    assert response.status_code == 422
    assert 'id="id_attach_result-file_error"' in response.content.decode()
    assert store_counts() == counts


def test_state_labels_are_shown_for_the_new_state(world: World) -> None:
    d = world.receive_birth()
    client = as_(world.reception_a)
    response = act(client, d, "accept")
    d = done(response, d, "accept", State.ACCEPTED)
    html = client.get(response["Location"]).content.decode()
    assert "Print the receipt (Mẫu 01)" in html
    assert "Accepted" in html


def test_a_double_click_does_the_action_once_and_says_so(world: World) -> None:
    d = world.receive_birth()
    client = as_(world.reception_a)
    seen = fresh(d).version
    assert act(client, d, "accept", version=seen).status_code == 302
    counts, row = store_counts(), dossier_row(d)
    again = act(client, d, "accept", version=seen)
    assert again.status_code == 302
    assert again["Location"] == reverse("desk:dossier", args=[d.pk])
    assert "This was already done" in client.get(again["Location"]).content.decode()
    assert store_counts() == counts and dossier_row(d) == row
    assert fresh(d).events.filter(action="accept").count() == 1
