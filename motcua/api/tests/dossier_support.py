"""Helpers for the dossier API tests: a client signed in as one user, JSON calls, uploads,
submission bodies, and snapshots to assert that a refused call changed nothing.

The dossier test province (``motcua.dossiers.tests.factories.build_world``) is the ``world``
fixture of ``motcua/conftest.py``.

Nothing here imports Django models at module level except through functions, so the module
can also be imported by a process spawned before Django is set up (the concurrency tests).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from motcua.dossiers.models import Dossier
    from motcua.dossiers.tests.factories import World
    from motcua.org.models import User

DOSSIERS = "/api/v1/dossiers/"
UPLOADS = "/api/v1/uploads/"
TRACKING = "/api/v1/tracking/"
# The applicant of every dossier the factories make, and its diacritic-free spelling.
APPLICANT = "Nguyễn Văn Ánh"


class Api:
    """A Django test client that calls the API as one user.

    ``Api(user)`` signs every request with a fresh bearer token of ``user``;
    ``Api(user, session=True)`` signs in with the browser session instead and sends the CSRF
    token with unsafe methods, as the Swagger page does; ``Api()`` is anonymous.
    """

    def __init__(
        self, user: User | None = None, *, session: bool = False, language: str | None = None
    ) -> None:
        from django.conf import settings
        from django.middleware.csrf import _get_new_csrf_string
        from django.test import Client

        from motcua.api.services import api_token_issue

        self.user = user
        self.client: Client = Client(enforce_csrf_checks=True)
        self.headers: dict[str, str] = {}
        if language:
            self.headers["Accept-Language"] = language
        if user is not None and session:
            self.client.force_login(user)
            secret = _get_new_csrf_string()
            self.client.cookies[settings.CSRF_COOKIE_NAME] = secret
            self.headers["X-CSRFToken"] = secret
        elif user is not None:
            _token, plaintext = api_token_issue(user=user, name="API tests")
            self.headers["Authorization"] = f"Bearer {plaintext}"

    def _headers(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        return {**self.headers, **(extra or {})}

    def get(self, url: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        headers = self._headers(kwargs.pop("headers", None))
        return self.client.get(url, query_params=params, headers=headers, **kwargs)

    def post(self, url: str, body: Any = None, **kwargs: Any) -> Any:
        """POST ``body`` as JSON (a str or bytes body is sent as it is)."""
        headers = self._headers(kwargs.pop("headers", None))
        data = body if isinstance(body, (str, bytes)) else json.dumps({} if body is None else body)
        return self.client.post(
            url, data=data, content_type="application/json", headers=headers, **kwargs
        )

    def request(self, method: str, url: str, body: Any = None, **kwargs: Any) -> Any:
        if method == "GET":
            return self.get(url, **kwargs)
        if method == "POST":
            return self.post(url, body, **kwargs)
        headers = self._headers(kwargs.pop("headers", None))
        call = getattr(self.client, method.lower())
        return call(url, data=b"", content_type="application/json", headers=headers, **kwargs)

    def upload(self, content: bytes, name: str = "giay-to.pdf", content_type: str = "") -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        file = SimpleUploadedFile(name, content, content_type=content_type or "application/pdf")
        return self.client.post(UPLOADS, {"file": file}, headers=self._headers(None))

    def upload_pdf(self, text: str = "MotCua", name: str = "giay-to.pdf") -> int:
        """Upload a small real PDF (distinct per ``text``); returns the upload's id."""
        from motcua.dossiers.tests.factories import pdf_bytes

        response = self.upload(pdf_bytes(text), name)
        assert response.status_code == 201, response.content
        return int(response.json()["id"])

    def ok(self, response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.content
        assert response["Content-Type"].startswith("application/json")
        return response.json()


def applicant_json(**over: Any) -> dict[str, Any]:
    from motcua.dossiers.tests.factories import VALID_PERSONAL_ID

    values: dict[str, Any] = {
        "kind": "person",
        "name": APPLICANT,
        "personal_id": VALID_PERSONAL_ID,
        "birth_date": "1990-05-17",
        "address": "Thôn Nà Héc, xã Lâm Bình",
        "phone": "0912345678",
        "email": "anh@example.vn",
    }
    values.update(over)
    return values


def birth_documents(api: Api, tag: str = "") -> list[dict[str, Any]]:
    """Both papers the birth procedure asks for, uploaded by ``api``'s user."""
    from motcua.catalog.models import RequiredDocument
    from motcua.dossiers.tests.factories import BIRTH

    required = RequiredDocument.objects.filter(version__procedure__code=BIRTH).order_by("pk")
    return [
        {
            "upload_id": api.upload_pdf(f"{tag}{req.pk}", name=f"giay-{n}.pdf"),
            "required_document_id": req.pk,
            "name": req.name,
        }
        for n, req in enumerate(required, start=1)
    ]


def birth_body(world: World, documents: list[dict[str, Any]] | None = None, **over: Any) -> Any:
    """A birth registration at commune A's desk: online with ``documents`` by default."""
    from motcua.dossiers.tests.factories import BIRTH

    body: dict[str, Any] = {
        "procedure_code": BIRTH,
        "applicant": applicant_json(),
        "receiving_agency_id": world.center_a.pk,
        "competent_agency_id": world.commune_a.pk,
        "channel": "online",
        "return_method": "counter",
        "eform_data": {"ho_ten_tre": "Nguyễn Thị Hoà", "ngay_sinh": "2026-11-20"},
        "documents": documents or [],
    }
    body.update(over)
    return body


def counts() -> dict[str, int]:
    """Rows of every dossier table (codes issued included), uploads and idempotency keys."""
    from motcua.dossiers.models import IdempotencyRecord, UploadedFile
    from motcua.dossiers.tests.factories import store_counts

    return {
        **store_counts(),
        "UploadedFile": UploadedFile.objects.count(),
        "IdempotencyRecord": IdempotencyRecord.objects.count(),
    }


def snapshot(dossier: Dossier | int) -> dict[str, Any]:
    """A dossier's stored columns and its history: equal before and after means untouched."""
    from motcua.dossiers.models import Dossier, DossierEvent
    from motcua.dossiers.tests.factories import dossier_row
    from motcua.workflow.models import HandOver

    d = Dossier.objects.get(pk=dossier if isinstance(dossier, int) else dossier.pk)
    return {
        "row": dossier_row(d),
        "events": list(DossierEvent.objects.filter(dossier=d).values_list("seq", "hash")),
        "handovers": HandOver.objects.filter(dossier=d).count(),
        "documents": d.documents.count(),
        "results": list(d.results.values_list("code", "signed_at")),
        "payments": d.payments.count(),
        "fees": d.fees.count(),
        "supplements": d.supplements.count(),
    }


def machine_client(username: str = "cong.dichvucong") -> User:
    """An account without any role: the national portal submitting on citizens' behalf."""
    from motcua.org.tests.factories import make_user

    return make_user(username)


def walk(api: Api, url: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paginated list, following ``next``; each page is full but the last."""
    limit = int(params.get("limit", 50))
    items: list[dict[str, Any]] = []
    cursor = None
    for _page in range(1000):
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        body = api.ok(api.get(url, query))
        assert set(body) == {"items", "next"}
        items.extend(body["items"])
        cursor = body["next"]
        if cursor is None:
            assert len(body["items"]) <= limit
            return items
        assert len(body["items"]) == limit
    raise AssertionError("the list never ends")


# --- submissions racing with one Idempotency-Key (spawned processes, a scratch database) ---

_test_environment_ready = False


def _test_environment() -> None:
    """Django's test environment in a spawned process (the test client's host, e-mail)."""
    global _test_environment_ready
    if not _test_environment_ready:
        from django.test.utils import setup_test_environment

        setup_test_environment()
        _test_environment_ready = True


def prepare_submission(world: dict[str, int], shared: str) -> None:
    """A portal client with a token and both papers uploaded: its headers and the body of
    its submission, written as JSON to the file ``shared`` for the other processes."""
    from pathlib import Path

    from motcua.dossiers.tests.concurrency_support import load_world

    portal = Api(machine_client())
    w = load_world(world)
    prepared = {"headers": portal.headers, "body": birth_body(w, birth_documents(portal))}
    Path(shared).write_text(json.dumps(prepared), encoding="utf-8")


def _prepared(shared: str) -> dict[str, Any]:
    from pathlib import Path

    return json.loads(Path(shared).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def hold_inside_the_transaction(hold: float, patch: Any = setattr) -> list[str]:
    """Make each submission wait ``hold`` seconds after its dossier was created, still inside
    its transaction, so concurrent requests overlap; returns the codes created (committed or
    rolled back). ``patch`` is ``setattr`` in a spawned process, ``monkeypatch.setattr`` in
    the test process."""
    import time

    from motcua.api.routers import dossiers as router

    created: list[str] = []
    real = router._submitted

    def slow(dossier: Any) -> str:
        created.append(dossier.code)
        body = real(dossier)
        time.sleep(hold)
        return body

    patch(router, "_submitted", slow)
    return created


def submit_racing(
    barrier: Any, *, world: dict[str, int], first: bool, shared: str, key: str, hold: float
) -> dict[str, Any]:
    """The first process prepares the submission; then all submit it with ``key`` at once."""
    from django.test import Client
    from django.urls import get_resolver

    _test_environment()
    if first:
        prepare_submission(world, shared)
    barrier.wait()
    prepared = _prepared(shared)
    created = hold_inside_the_transaction(hold)
    client = Client()
    # Import every view module now (the URLconf reaches WeasyPrint and pyHanko), so the first
    # request of each process does not spend the race importing them.
    get_resolver().url_patterns  # noqa: B018
    barrier.wait()
    response = client.post(
        DOSSIERS,
        json.dumps(prepared["body"]),
        content_type="application/json",
        headers={**prepared["headers"], "Idempotency-Key": key},
    )
    return {
        "status": response.status_code,
        "content": response.content.decode(),
        "content_type": response["Content-Type"],
        "created": list(created),
    }


def after_the_race(barrier: Any, *, agency: int, shared: str) -> dict[str, Any]:
    """What the race stored; then one more submission (another key) takes the next number."""
    from django.test import Client

    from motcua.dossiers.models import DailySequence, Dossier, IdempotencyRecord

    prepared = _prepared(shared)
    headers, body = prepared["headers"], prepared["body"]

    def last() -> int | None:
        row = DailySequence.objects.filter(agency_id=agency).order_by("-day").first()
        return row.last if row else None

    stored = {
        "codes": list(Dossier.objects.order_by("pk").values_list("code", flat=True)),
        "records": IdempotencyRecord.objects.count(),
        "last": last(),
    }
    response = Client().post(
        DOSSIERS,
        json.dumps(body),
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "the next one"},
    )
    assert response.status_code == 201, response.content
    return {**stored, "next_code": response.json()["code"], "last_after": last()}
