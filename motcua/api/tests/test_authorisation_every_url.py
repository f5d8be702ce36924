"""An official of one commune cannot read or act on another's dossiers, through any endpoint.

The tests walk every URL pattern under ``/api/`` (Django's resolver, so nothing mounted
there is missed), fill its path with a dossier of commune A, and call every method the
pattern accepts — GET, and POST with a body that would be valid — as an official of commune B,
signed in with a bearer token and with the browser session. Nothing of A's dossier may come
back (a dossier-scoped address answers exactly as for a dossier that does not exist; the list
leaves A's dossiers out) and nothing may change (its row, events, hand-overs, papers,
results, payments).

Every pattern must be classified in ``ROUTES``: a new endpoint fails
``test_every_url_pattern_is_classified`` until someone decides, here, what an outsider may
get from it. The auditor placed at the province root reads everything and acts on nothing;
the province administrator does both; an anonymous caller gets a 401.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from motcua.api.tests.dossier_support import (
    DOSSIERS,
    Api,
    birth_body,
    birth_documents,
    snapshot,
)
from motcua.api.tests.support import assert_problem
from motcua.dossiers import services as svc
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import BIRTH, World, applicant
from motcua.org.models import User

pytestmark = pytest.mark.django_db

# The dossier test province, and dossier files in a directory of each test's own.


class Kind(StrEnum):
    DOCUMENT = "the API's own description (schema, docs): no data"
    NOWHERE = "no resource: always a 404 problem"
    PUBLIC = "public catalogue reads: procedures, agencies"
    SELF = "the caller's own account"
    UPLOAD = "the caller's own uploads"
    DOSSIERS = "the list (scoped) and online submission"
    RECEPTION = "counter reception at a desk"
    DOSSIER = "one dossier, by id: scoped by visible_dossiers"
    TRACKING = "one dossier, by code and lookup secret: the applicant's view"


ANY = None  # a plain Django view that answers every method the same


@dataclass(frozen=True)
class Route:
    kind: Kind
    methods: frozenset[str] | None
    action: str = ""  # a dossier action: its body comes from ``action_body``


def _dossier(*methods: str, action: str = "") -> Route:
    return Route(Kind.DOSSIER, frozenset(methods), action)


ACTIONS = [
    "accept",
    "ask-to-complete",
    "refuse",
    "forward",
    "return-to-previous",
    "request-supplement",
    "complete-supplement",
    "request-payment",
    "payments",
    "approve",
    "results",
    "sign",
    "extend",
    "stop",
    "withdraw",
    "return-result",
]

# Every URL pattern under /api/ (as Django's resolver spells it) and what it is.
ROUTES: dict[str, Route] = {
    "api/schema/": Route(Kind.DOCUMENT, {"GET"}),
    "api/docs": Route(Kind.DOCUMENT, {"GET"}),
    "api/": Route(Kind.NOWHERE, {"GET"}),
    "api/^(?P<rest>.*)$": Route(Kind.NOWHERE, frozenset()),
    "api/v1/procedures/": Route(Kind.PUBLIC, frozenset({"GET"})),
    "api/v1/procedures/search/": Route(Kind.PUBLIC, frozenset({"GET"})),
    "api/v1/procedures/<code>/": Route(Kind.PUBLIC, frozenset({"GET"})),
    "api/v1/agencies/": Route(Kind.PUBLIC, frozenset({"GET"})),
    "api/v1/agencies/<agency_id>/": Route(Kind.PUBLIC, frozenset({"GET"})),
    "api/v1/me/": Route(Kind.SELF, frozenset({"GET"})),
    "api/v1/uploads/": Route(Kind.UPLOAD, frozenset({"POST"})),
    "api/v1/dossiers/": Route(Kind.DOSSIERS, frozenset({"GET", "POST"})),
    "api/v1/dossiers/receive/": Route(Kind.RECEPTION, frozenset({"POST"})),
    "api/v1/dossiers/<dossier_id>/": _dossier("GET"),
    "api/v1/dossiers/<dossier_id>/events/": _dossier("GET"),
    "api/v1/dossiers/<dossier_id>/control-sheet/": _dossier("GET"),
    **{f"api/v1/dossiers/<dossier_id>/{a}/": _dossier("POST", action=a) for a in ACTIONS},
    "api/v1/tracking/<code>/": Route(Kind.TRACKING, frozenset({"GET"})),
    "api/v1/tracking/<code>/withdraw/": Route(Kind.TRACKING, frozenset({"POST"})),
}

ABSENT_ID = 987_654_321
# Plain Django views, outside ninja: CsrfViewMiddleware answers their unsafe methods first
# (see test_plain_views_answer_unsafe_methods_with_problems).
PLAIN_VIEWS = {"api/", "api/schema/", "api/docs"}


def api_patterns() -> dict[str, set[str | None]]:
    """Every URL pattern of the project under ``api/``: its full route and its names."""
    found: dict[str, set[str | None]] = {}

    def visit(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith("api/") or "api/".startswith(route):
                    visit(p.url_patterns, route)
            elif route.startswith("api/"):
                found.setdefault(route, set()).add(p.name)

    visit(get_resolver().url_patterns, "")
    return found


def test_every_url_pattern_is_classified() -> None:
    found = api_patterns()
    unknown = sorted(set(found) - set(ROUTES))
    assert not unknown, (
        f"New URL patterns under /api/: {unknown}. Decide what an official of another "
        "commune, the auditor, the administrator and an anonymous caller may get from each, "
        "and add it to ROUTES in this test."
    )
    gone = sorted(set(ROUTES) - set(found))
    assert not gone, f"ROUTES lists patterns that no longer exist: {gone}"


def test_each_pattern_accepts_exactly_the_methods_it_is_walked_with(world: World) -> None:
    """A method added to an address must be classified too: TRACE is answered by a 405
    that lists the methods (``Allow``), or, for a plain view, like any other method."""
    outsider = Api(world.reception_b)
    scene_paths = {route: fill(route, dossier_id=1, code="x") for route in ROUTES}
    for route, spec in ROUTES.items():
        response = outsider.request("TRACE", scene_paths[route])
        if spec.methods is ANY:
            assert response.status_code == 200, route
        elif not spec.methods:
            assert_problem(response, 404, "not_found")
        else:
            assert_problem(response, 405, "method_not_allowed")
            allowed = {m.strip() for m in response["Allow"].split(",")}
            assert allowed == spec.methods, route


# --- the scene ------------------------------------------------------------------------------


@dataclass
class Scene:
    world: World
    a: Dossier  # commune A's dossier, at the first workflow step, with a hand-over
    b: Dossier  # commune B's own dossier
    markers: tuple[str, ...]  # what of A's dossier must never reach an outsider


MAI: dict[str, Any] = {
    "name": "Hoàng Thị Mai",
    "personal_id": "008192654321",
    "birth_date": dt.date(1992, 3, 4),
    "phone": "0987654321",
    "email": "mai.hoang@example.vn",
    "address": "Bản Khuôn Nhòa, xã Lâm Bình",
}


@pytest.fixture
def scene(world: World) -> Scene:
    a = world.accepted_birth(applicant=applicant(**MAI))
    svc.dossier_forward(dossier=a, actor=Actor.official(world.reception_a), note="Chuyển")
    a = Dossier.objects.get(pk=a.pk)
    b = svc.dossier_receive(
        spec=world.birth_spec(receiving_agency=world.center_b, competent_agency=world.commune_b),
        actor=Actor.official(world.reception_b),
    )
    markers = (
        a.code,
        a.lookup_secret,
        MAI["name"],
        MAI["personal_id"],
        MAI["phone"],
        MAI["email"],
        MAI["address"],
    )
    return Scene(world, a, b, markers)


def fill(route: str, *, dossier_id: int, code: str, rest: str = "v1/dossiers/1/x/") -> str:
    """The address of ``route`` with its path parameters filled in."""
    if route == "api/^(?P<rest>.*)$":
        return f"/api/{rest}"
    values: dict[str, object] = {"dossier_id": dossier_id, "code": code, "agency_id": 1}

    def value(match: re.Match[str]) -> str:
        return str(values[match.group(1)])

    return "/" + re.sub(r"<(\w+)>", value, route)


def address(scene: Scene, route: str, spec: Route, dossier_id: int | None = None) -> str:
    code = scene.a.code if spec.kind is Kind.TRACKING else BIRTH
    path = fill(
        route,
        dossier_id=scene.a.pk if dossier_id is None else dossier_id,
        code=code,
        rest=f"v1/dossiers/{scene.a.pk}/secrets/",
    )
    return path.replace("/agencies/1/", f"/agencies/{scene.world.commune_a.pk}/")


def action_body(action: str, d: Dossier, caller: Api) -> dict[str, Any]:
    """A body the action would accept: only who may act decides."""
    d = Dossier.objects.get(pk=d.pk)
    due = d.due_at or dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    bodies: dict[str, Callable[[], dict[str, Any]]] = {
        "accept": lambda: {},
        "ask-to-complete": lambda: {"items": ["Tờ khai có chữ ký"], "reason": "Thiếu chữ ký"},
        "refuse": lambda: {"reason": "Không thuộc thẩm quyền"},
        "forward": lambda: {"note": "Chuyển bước sau"},
        "return-to-previous": lambda: {"reason": "Thẩm định lại"},
        "request-supplement": lambda: {"items": ["Giấy chứng sinh"], "reason": "Bản mờ"},
        "complete-supplement": lambda: {
            "note": "Đã bổ sung",
            "documents": [{"upload_id": caller.upload_pdf(f"bổ sung {caller.user}")}],
        },
        "request-payment": lambda: {"items": [{"name": "Phí thẩm định", "amount": 50_000}]},
        "payments": lambda: {
            "amount": 50_000,
            "method": "counter",
            "reference": f"BL-{d.pk}-{d.version}",
        },
        "approve": lambda: {"note": "Đồng ý"},
        "results": lambda: {
            "name": "Giấy khai sinh",
            "kind": "electronic",
            "upload_id": caller.upload_pdf(f"kết quả {caller.user}"),
        },
        "sign": lambda: {},
        "extend": lambda: {
            "new_due_at": (due + dt.timedelta(days=3)).isoformat(),
            "reason": "Cần xác minh thêm",
        },
        "stop": lambda: {"reason": "Người dân đề nghị dừng"},
        "withdraw": lambda: {"note": "Người dân xin rút"},
        "return-result": lambda: {"note": "Đã trao"},
    }
    return {"version": d.version, **bodies[action]()}


def outsider_body(scene: Scene, route: str, spec: Route, caller: Api) -> Any:
    if spec.kind is Kind.DOSSIER:
        return action_body(spec.action, scene.a, caller)
    if spec.kind is Kind.TRACKING:
        return {"secret": "doan-thu", "version": scene.a.version}
    if spec.kind is Kind.DOSSIERS:  # online, at the caller's own desk
        return birth_body(
            scene.world,
            birth_documents(caller, tag=str(caller.user)),
            receiving_agency_id=scene.world.center_b.pk,
            competent_agency_id=scene.world.commune_b.pk,
        )
    if spec.kind is Kind.RECEPTION:  # at commune A's desk
        return birth_body(scene.world, channel="in_person")
    return {}


def calls(scene: Scene) -> Iterator[tuple[str, Route, str]]:
    """(route, classification, method) for every pattern under /api/ and each method."""
    for route in sorted(api_patterns()):
        spec = ROUTES[route]  # test_every_url_pattern_is_classified names a missing one
        methods = {"GET", "POST"} if spec.methods is ANY else spec.methods or {"GET", "POST"}
        for method in sorted(methods):
            yield route, spec, method


def a_state(scene: Scene) -> dict[str, Any]:
    return {
        "a": snapshot(scene.a),
        "dossiers at A's desk": Dossier.objects.filter(receiving_agency=scene.world.center_a)
        .values_list("pk", "version")
        .order_by("pk")
        .count(),
    }


def assert_no_marker(scene: Scene, response: Any, where: str) -> None:
    text = response.content.decode("utf-8", "replace")
    for marker in scene.markers:
        assert marker not in text, f"{where} leaks {marker!r}"


def _call(api: Api, method: str, path: str, body: Any, spec: Route) -> Any:
    if spec.kind is Kind.UPLOAD and method == "POST":
        from motcua.dossiers.tests.factories import pdf_bytes

        return api.upload(pdf_bytes(f"tải lên {api.user}"))
    if spec.kind is Kind.TRACKING and method == "GET":
        return api.get(path, {"secret": "doan-thu"})
    if path.endswith("/procedures/search/"):
        return api.get(path, {"q": "khai sinh"})
    return api.request(method, path, body)


# --- commune B's official -------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", ["bearer", "session"])
def test_an_official_of_another_commune_gets_nothing_anywhere(scene: Scene, signed_in: str) -> None:
    outsider = Api(scene.world.reception_b, session=signed_in == "session")
    before = a_state(scene)
    walked: set[str] = set()
    for route, spec, method in calls(scene):
        where = f"{method} {route}"
        path = address(scene, route, spec)
        body = outsider_body(scene, route, spec, outsider) if method == "POST" else None
        response = _call(outsider, method, path, body, spec)
        assert response.status_code < 500, (where, response.content)
        assert_no_marker(scene, response, where)
        walked.add(route)

        if route in PLAIN_VIEWS and method != "GET":
            assert_problem(response, 405, "method_not_allowed")
        elif spec.kind is Kind.DOSSIER:
            # Exactly what a dossier that does not exist gets: nothing tells A's exists.
            assert_problem(response, 404, "not_found")
            absent = _call(outsider, method, address(scene, route, spec, ABSENT_ID), body, spec)
            assert response.content == absent.content.replace(
                str(ABSENT_ID).encode(), str(scene.a.pk).encode()
            ), where
        elif spec.kind in {Kind.TRACKING, Kind.NOWHERE}:  # a wrong secret, no such address
            assert_problem(response, 404, "not_found")
            if spec.kind is Kind.TRACKING and method == "GET":
                # With the secret from the receipt: the applicant's view, and no more.
                secret = {"secret": scene.a.lookup_secret}
                public = Api().ok(Api().get(path, secret))
                assert outsider.ok(outsider.get(path, secret)) == public
        elif spec.kind is Kind.RECEPTION:
            assert_problem(response, 403, "forbidden")
        elif spec.kind is Kind.DOSSIERS and method == "GET":
            ids = {item["id"] for item in outsider.ok(response)["items"]}
            assert ids == {scene.b.pk}
        elif spec.kind is Kind.DOSSIERS:
            created = outsider.ok(response, 201)
            assert created["receiving_agency_id"] == scene.world.center_b.pk
        elif spec.kind is Kind.UPLOAD:
            assert outsider.ok(response, 201)["id"]
        elif spec.kind is Kind.SELF:
            assert outsider.ok(response)["username"] == "b.tiepnhan"
        else:
            assert response.status_code == 200, where

        # Methods the address does not have are a 405 that says nothing either.
        if spec.methods:
            for other in {"PUT", "PATCH", "DELETE"} - spec.methods:
                refused = outsider.request(other, path)
                assert_problem(refused, 405, "method_not_allowed")
                assert_no_marker(scene, refused, f"{other} {route}")

    assert walked == set(ROUTES)
    assert a_state(scene) == before


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"agency": "A"},
        {"q": "code"},
        {"q": "Hoàng Thị Mai"},
        {"q": "hoang thi mai"},
        {"q": "0987654321"},
        {"status": "processing"},
        {"procedure": BIRTH, "order": "due_at"},
        {"due_after": "2000-01-01T00:00:00Z"},
    ],
)
def test_the_list_never_shows_another_communes_dossiers(
    scene: Scene, params: dict[str, str]
) -> None:
    if params.get("agency") == "A":
        params = {"agency": str(scene.world.commune_a.pk)}
    if params.get("q") == "code":
        params = {"q": scene.a.code}
    for user in (scene.world.reception_b, scene.world.specialist_b, scene.world.leader_b):
        api = Api(user)
        response = api.get(DOSSIERS, params)
        assert scene.a.pk not in {i["id"] for i in api.ok(response)["items"]}
        assert_no_marker(scene, response, f"the list {params}")
    # The same filters find A's dossier for commune A.
    insider = Api(scene.world.specialist_a)
    assert scene.a.pk in {i["id"] for i in insider.ok(insider.get(DOSSIERS, params))["items"]}


def test_uploads_of_another_official_cannot_be_attached(scene: Scene) -> None:
    """An upload id is not a capability: only its owner attaches it."""
    theirs = Api(scene.world.leader_a).upload_pdf("kết quả của xã A")
    b_leader = Api(scene.world.leader_b)
    b = svc.dossier_accept(dossier=scene.b, actor=Actor.official(scene.world.reception_b))
    for action in ("complete-supplement", "results"):
        body = action_body(action, b, b_leader)
        if action == "results":
            body["upload_id"] = theirs
        else:
            body["documents"] = [{"upload_id": theirs}]
        before = snapshot(b)
        problem = assert_problem(
            b_leader.post(f"{DOSSIERS}{b.pk}/{action}/", body), 422, "invalid_input"
        )
        assert "upload" in problem["errors"][0]["field"]
        assert snapshot(b) == before
    body = birth_body(scene.world, [{"upload_id": theirs}], channel="in_person")
    body["receiving_agency_id"] = scene.world.center_b.pk
    body["competent_agency_id"] = scene.world.commune_b.pk
    problem = assert_problem(
        Api(scene.world.reception_b).post(f"{DOSSIERS}receive/", body), 422, "invalid_input"
    )
    assert [e["field"] for e in problem["errors"]] == ["documents.0.upload_id"]


# --- the auditor, the administrator, anonymous ---------------------------------------------


def dossier_routes() -> list[tuple[str, Route]]:
    return [(r, s) for r, s in sorted(ROUTES.items()) if s.kind is Kind.DOSSIER]


@pytest.mark.parametrize("signed_in", ["bearer", "session"])
def test_the_auditor_reads_everything_and_acts_on_nothing(scene: Scene, signed_in: str) -> None:
    auditor = Api(scene.world.auditor, session=signed_in == "session")
    before = a_state(scene)
    for route, spec in dossier_routes():
        path = address(scene, route, spec)
        if "GET" in (spec.methods or ()):
            auditor.ok(auditor.get(path))
        else:
            response = auditor.post(path, action_body(spec.action, scene.a, auditor))
            assert_problem(response, 403, "forbidden")
    detail = auditor.ok(auditor.get(f"{DOSSIERS}{scene.a.pk}/"))
    assert (detail["code"], detail["applicant"]["name"]) == (scene.a.code, MAI["name"])
    assert [e["action"] for e in auditor.ok(auditor.get(f"{DOSSIERS}{scene.a.pk}/events/"))] == [
        "receive",
        "accept",
        "forward",
    ]
    assert len(auditor.ok(auditor.get(f"{DOSSIERS}{scene.a.pk}/control-sheet/"))) == 1
    listed = {i["id"] for i in auditor.ok(auditor.get(DOSSIERS))["items"]}
    assert {scene.a.pk, scene.b.pk} <= listed
    receive = auditor.post(f"{DOSSIERS}receive/", birth_body(scene.world, channel="in_person"))
    assert_problem(receive, 403, "forbidden")
    assert a_state(scene) == before


def test_the_province_admin_reads_and_acts_everywhere(scene: Scene, tmp_path: Path) -> None:
    from motcua.documents.certificates import ensure_demo_certificates

    ensure_demo_certificates(directory=tmp_path / "demo-ca")  # signing seals the PDF result
    admin = Api(scene.world.admin)
    for route, spec in dossier_routes():
        if "GET" in (spec.methods or ()):
            admin.ok(admin.get(address(scene, route, spec)))
    acted: list[str] = []

    def act(d: Dossier, action: str, **over: Any) -> dict[str, Any]:
        body = {**action_body(action, d, admin), **over}
        result: dict[str, Any] = admin.ok(admin.post(f"{DOSSIERS}{d.pk}/{action}/", body))
        acted.append(action)
        return result

    w = scene.world
    d = w.receive_birth()
    act(d, "ask-to-complete")
    act(d, "complete-supplement")
    assert act(d, "accept")["state"] == "accepted"
    act(d, "forward")
    assert act(d, "request-supplement")["state"] == "supplement_requested"
    act(d, "complete-supplement")
    act(d, "forward")
    assert act(d, "return-to-previous")["current_step"] == 1
    act(d, "forward")
    assert act(d, "request-payment")["state"] == "awaiting_payment"
    assert act(d, "payments")["state"] == "processing"
    assert act(d, "approve")["state"] == "approved"
    assert act(d, "extend")["extensions"] == 1
    assert act(d, "results")["results"][0]["kind"] == "electronic"
    assert act(d, "sign")["state"] == "resolved"
    assert act(d, "return-result")["state"] == "returned"
    assert act(w.receive_birth(), "refuse")["state"] == "refused"
    assert act(w.accepted_birth(), "stop")["state"] == "stopped"
    assert act(w.receive_birth(), "withdraw")["state"] == "withdrawn"
    # ...and in commune A as in commune B.
    assert act(scene.a, "forward")["current_step"] == 2
    assert act(scene.b, "accept")["state"] == "accepted"
    assert set(acted) == set(ACTIONS)


def test_anonymous_callers_get_a_401_for_everything_but_public_reads(scene: Scene) -> None:
    anonymous = Api()
    before = a_state(scene)
    for route, spec, method in calls(scene):
        path = address(scene, route, spec)
        body = {"version": 1, "secret": "doan-thu"} if method == "POST" else None
        response = _call(anonymous, method, path, body, spec)
        assert_no_marker(scene, response, f"{method} {route}")
        if route in PLAIN_VIEWS and method != "GET":
            assert_problem(response, 405, "method_not_allowed")
        elif spec.kind in {Kind.PUBLIC, Kind.DOCUMENT}:
            assert response.status_code == 200, route
        elif spec.kind in {Kind.NOWHERE, Kind.TRACKING}:
            assert_problem(response, 404, "not_found")
        else:
            assert_problem(response, 401, "not_authenticated")
            assert response["WWW-Authenticate"] == 'Bearer realm="motcua"'
    assert a_state(scene) == before


def test_a_deactivated_official_sees_nothing(scene: Scene) -> None:
    specialist = Api(scene.world.specialist_a)
    assert specialist.ok(specialist.get(f"{DOSSIERS}{scene.a.pk}/"))["id"] == scene.a.pk
    User.objects.filter(pk=scene.world.specialist_a.pk).update(is_active=False)
    assert_problem(specialist.get(f"{DOSSIERS}{scene.a.pk}/"), 401, "invalid_token")


@pytest.mark.parametrize("route", sorted(PLAIN_VIEWS))
def test_plain_views_answer_unsafe_methods_with_problems(world: World, route: str) -> None:
    for api in (Api(), Api(world.reception_b)):
        for method in ("POST", "PUT", "DELETE"):
            response = api.request(method, "/" + route, {})
            assert response["Content-Type"].startswith("application/problem+json"), (
                method,
                route,
                response.status_code,
            )
            assert response.status_code in {404, 405}
