"""A citizen files birth registration online with plain forms (no JavaScript): start, save
with an error, fix, upload the papers (one refused, then retried), choose the return point,
submit, and read the receipt."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import urllib.parse
from html import unescape
from typing import Any

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext
from PIL import Image

from motcua.citizens.tests.helpers import make_citizen, sign_in_citizen
from motcua.desk.tests.signin import sign_in
from motcua.documents.slips import tracking_url
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import BIRTH, World, pdf_bytes
from motcua.portal.models import Draft

pytestmark = pytest.mark.django_db


def decode_svg_qr(data_uri: str) -> list[str]:
    """Draw segno's SVG path (runs of dark modules) and read the QR code it shows."""
    svg = urllib.parse.unquote(data_uri.split(",", 1)[1])
    size = int(re.search(r"h(\d+)v", svg).group(1))  # type: ignore[union-attr]
    path = re.search(r"class='qrline'[^>]*d='([^']+)'", svg).group(1)  # type: ignore[union-attr]
    image = Image.new("L", (size, size), 255)
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                image.putpixel((int(x) + i, int(y)), 0)
            x += float(a)
    big = image.resize((size * 8, size * 8), Image.Resampling.NEAREST)
    return [r.text for r in zxingcpp.read_barcodes(big)]


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}_error">([^<]*)</p>', html)
    return unescape(match.group(1)) if match else ""


def eform(version: int, **over: Any) -> dict[str, Any]:
    data = {
        "version": version,
        "phone": "0912345678",
        "email": "giang@example.vn",
        "address": "Tổ 3, phường Minh Xuân",
        "eform__ho_ten_tre": unicodedata.normalize("NFD", "Nguyễn Thị Hoà"),
        "eform__ngay_sinh": "2026-11-20",
        "eform__so_dinh_danh_me": "008190001234",
    }
    data.update(over)
    return data


def test_a_citizen_files_online_without_javascript(client: Any, world: World) -> None:
    citizen = make_citizen()
    sign_in_citizen(client, citizen)

    start = client.get(reverse("portal:file_start", args=[BIRTH]))
    assert "Giấy chứng sinh" in start.content.decode()
    started = client.post(reverse("portal:file_start", args=[BIRTH]))
    draft = Draft.objects.get(owner=citizen.user)
    assert started["Location"] == reverse("portal:draft", args=[draft.pk])
    assert draft.phone == citizen.phone and draft.version == 1

    page = client.get(started["Location"]).content.decode()
    assert "Đặng Thị Hương Giang" in page and "008190001234" in page
    assert 'name="personal_id"' not in page  # the identity is not editable

    # A first save with a wrong mother's ID: the message is next to the field, the draft
    # keeps everything typed, NFC-normalised.
    bad = client.post(started["Location"], eform(1, eform__so_dinh_danh_me="12345"))
    html = bad.content.decode()
    assert bad.status_code == 422
    assert field_error(html, "id_eform__so_dinh_danh_me") == gettext(
        "This value does not have the expected form."
    )
    assert 'aria-describedby="id_eform__so_dinh_danh_me_error"' in html
    assert 'href="#id_eform__so_dinh_danh_me"' in html  # the error summary links to it
    assert 'value="12345"' in html
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.eform_data["so_dinh_danh_me"] == "12345"
    assert draft.eform_data["ho_ten_tre"] == "Nguyễn Thị Hoà"
    assert unicodedata.is_normalized("NFC", draft.eform_data["ho_ten_tre"])
    assert 'name="version" value="2"' in html

    # Fixed, with the commune and the return point chosen.
    fixed = client.post(
        started["Location"],
        eform(
            2,
            competent_agency=world.commune_a.pk,
            return_method="counter",
            return_agency=world.center_b.pk,
        ),
    )
    assert fixed.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 3
    assert draft.competent_agency == world.commune_a
    assert draft.receiving_agency == world.center_a
    assert draft.return_agency == world.center_b
    assert 'id="saved" role="status"' in client.get(started["Location"]).content.decode()

    # The papers, one at a time; a text file is refused next to its paper, then retried.
    declaration, certificate = draft.procedure_version.documents.order_by("position", "pk")
    url = reverse("portal:draft_document", args=[draft.pk, declaration.pk])
    refused = client.post(url, {"file": SimpleUploadedFile("to-khai.txt", b"hello")})
    assert refused.status_code == 422
    assert "PDF" in field_error(refused.content.decode(), f"file_{declaration.pk}")
    draft.refresh_from_db()
    assert draft.documents == {} and draft.version == 3
    declaration_pdf = pdf_bytes("to khai")
    ok = client.post(url, {"file": SimpleUploadedFile("to-khai.pdf", declaration_pdf)})
    assert ok.status_code == 302
    certificate_pdf = pdf_bytes("giay chung sinh")
    client.post(
        reverse("portal:draft_document", args=[draft.pk, certificate.pk]),
        {"file": SimpleUploadedFile("chung-sinh.pdf", certificate_pdf)},
    )
    draft.refresh_from_db()
    assert set(draft.documents) == {str(declaration.pk), str(certificate.pk)}
    attached = gettext("Attached: %(name)s") % {"name": "to-khai.pdf"}
    assert attached in client.get(started["Location"]).content.decode()

    # Submit.
    submitted = client.post(reverse("portal:draft_submit", args=[draft.pk]), {"version": 3})
    dossier = Dossier.objects.get()
    assert submitted["Location"] == reverse("portal:receipt", args=[dossier.code])
    assert dossier.state == "submitted" and dossier.channel == "online"
    assert dossier.owner == citizen.user
    assert dossier.applicant_personal_id == citizen.personal_id
    assert dossier.identity_verified_vneid
    assert dossier.eform_data["ho_ten_tre"] == unicodedata.normalize("NFC", "Nguyễn Thị Hoà")
    assert dossier.competent_agency == world.commune_a
    assert dossier.return_agency == world.center_b
    event = DossierEvent.objects.get(dossier=dossier, action="submit")
    assert event.data["identity"] == {"method": "oidc", "issuer": citizen.issuer}
    hashes = {d.required_document_id: d.sha256 for d in dossier.documents.all()}
    assert hashes == {
        declaration.pk: hashlib.sha256(declaration_pdf).hexdigest(),
        certificate.pk: hashlib.sha256(certificate_pdf).hexdigest(),
    }
    draft.refresh_from_db()
    assert draft.dossier == dossier and draft.submitted_at is not None

    # The receipt: code, lookup key and a QR code of the tracking page.
    receipt = client.get(submitted["Location"]).content.decode()
    assert dossier.code in receipt and dossier.lookup_secret in receipt
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)"', receipt)
    assert qr is not None
    assert decode_svg_qr(unescape(qr.group(1))) == [tracking_url(dossier)]
    assert 'id="dossier-code">' + dossier.code in receipt

    # A second submit (another tab, a double click) shows the same receipt.
    again = client.post(reverse("portal:draft_submit", args=[draft.pk]), {"version": 3})
    assert again["Location"] == submitted["Location"]
    assert Dossier.objects.count() == 1

    # The reception desk sees how the applicant's identity was verified.
    client.logout()
    sign_in(client, world.reception_a)
    desk = client.get(reverse("desk:dossier", args=[dossier.pk])).content.decode()
    assert f"verified at sign-in by the identity provider {citizen.issuer}" in desk
