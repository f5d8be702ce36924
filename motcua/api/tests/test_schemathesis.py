"""The API keeps the promises of its OpenAPI document (schemathesis, inside the suite).

Every operation of ``/api/schema/`` gets a bounded, reproducible batch of generated requests
(valid and invalid) through the project's WSGI application, signed with a bearer token of
the province administrator — who sees and may act on the seeded dossiers, so generated
actions reach the services. Path parameters, the tracking secret and the ``version`` of
action bodies are often swapped for real ones so requests do not all stop at a 404 or a 409.
No response may be a server error, have a status code or a content type the document does
not list, or a body that contradicts its schema.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.dossiers import services as svc
from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import BIRTH, World, accepted_group, group_children, local
from motcua.wsgi import application

# The dossier test province, and dossier files in a directory of each test's own.

# Reproducible and bounded: the same requests on every run, at most this many per operation
# and phase (the explicit examples, then fuzzing, valid and invalid data alike).
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261125,
        "generation": {
            "mode": "all",
            "max-examples": 15,
            "deterministic": True,
            "database": "none",
            "with-security-parameters": False,
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_in_the_test_transaction() -> Iterator[None]:
    """Requests go through the real WSGI handler inside the test's transaction: the handler
    must not close the connection at the start and end of each request (Django's test
    client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(world: World) -> Iterator[dict[str, Any]]:
    """Dossiers in several states: received, being processed with a hand-over, resolved with
    a result, and an interconnected group with its parts; published for the hooks, which
    draw the requests before the test's body runs."""
    reception = Actor.official(world.reception_a)
    leader = Actor.official(world.leader_a)
    received = world.receive_birth()
    processing = world.accepted_birth()
    svc.dossier_forward(dossier=processing, actor=reception, note="Chuyển thẩm định")
    resolved = world.accepted_birth()
    svc.dossier_forward(dossier=resolved, actor=reception)
    svc.dossier_forward(dossier=resolved, actor=Actor.official(world.specialist_a))
    svc.dossier_approve(dossier=resolved, actor=leader)
    svc.dossier_attach_result(dossier=resolved, actor=leader, name="Giấy khai sinh", kind="paper")
    svc.dossier_sign_result(dossier=resolved, actor=leader)
    group = accepted_group(world, local(2026, 11, 23, 9, 0))
    dossiers = [received, processing, resolved, group, *group_children(group).values()]
    SEEDED.update(
        dossier_ids=[d.pk for d in dossiers],
        codes={d.code: d.lookup_secret for d in dossiers},
        agency_ids=[world.commune_a.pk, world.center_a.pk, world.police.pk],
    )
    yield SEEDED
    SEEDED.clear()


@pytest.fixture
def bearer(world: World) -> dict[str, str]:
    from motcua.api.services import api_token_issue

    _token, plaintext = api_token_issue(user=world.admin, name="schemathesis")
    return {"Authorization": f"Bearer {plaintext}"}


# Loaded once, from the WSGI application (the document needs no database). Not
# ``schemathesis.pytest.from_fixture``: with pytest 9.2 it fails on ``Node._nodeid``.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)
# What the running test seeded, for the hooks below (they run inside the test).
SEEDED: dict[str, Any] = {}


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any]
) -> st.SearchStrategy[Any]:
    """Often a real dossier, agency, procedure or tracked code instead of a generated one."""
    real: list[dict[str, Any]] = []
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    if "dossier_id" in path_parameters:
        real = [{**path_parameters, "dossier_id": pk} for pk in SEEDED["dossier_ids"]]
    elif "agency_id" in path_parameters:
        real = [{**path_parameters, "agency_id": pk} for pk in SEEDED["agency_ids"]]
    elif "code" in path_parameters:
        operation = context.operation
        tracked = operation is not None and "/tracking/" in operation.path
        known = list(SEEDED["codes"]) if tracked else [BIRTH]
        real = [{**path_parameters, "code": code} for code in known]
    return st.sampled_from([path_parameters, *real]) if real else st.just(path_parameters)


@schema.hook
def map_case(
    context: schemathesis.HookContext, case: schemathesis.Case[Any]
) -> schemathesis.Case[Any]:
    """The right secret for a tracked code, the current version for an action."""
    codes: dict[str, str] = SEEDED["codes"]
    path = case.path_parameters or {}
    code, dossier_id = path.get("code"), path.get("dossier_id")
    if code in codes:
        for container in (case.query, case.body):
            if isinstance(container, dict) and "secret" in container:
                container["secret"] = codes[code]
    if isinstance(case.body, dict) and "version" in case.body:
        dossiers = Dossier.objects.all()
        if code in codes:
            dossiers = dossiers.filter(code=code)
        elif isinstance(dossier_id, int):
            dossiers = dossiers.filter(pk=dossier_id)
        else:
            dossiers = dossiers.none()
        version = dossiers.values_list("version", flat=True).first()
        if version is not None:
            case.body["version"] = version
    return case


@pytest.mark.django_db
@schema.parametrize()
# The fixtures are the test's world: the generated requests share it on purpose (what one
# changes, the next sees, as in real use).
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_the_documents_promises(
    case: schemathesis.Case[Any],
    bearer: dict[str, str],
    seeded: dict[str, Any],
    wsgi_in_the_test_transaction: None,
) -> None:
    # Schemathesis's WSGI transport asks for gzip but reads the body undecoded; the compressed
    # answers are tested where they matter (the citizen pages' weight).
    response = case.call(headers={**bearer, "Accept-Encoding": "identity"})
    case.validate_response(response, checks=CHECKS)


def _api_models() -> dict[str, set[type[BaseModel]]]:
    """Every pydantic model of ours an operation reads or writes, nested ones included, by
    the name OpenAPI gives it."""
    from motcua.api.api import api

    found: dict[str, set[type[BaseModel]]] = {}

    def visit(annotation: Any) -> None:
        for arg in typing.get_args(annotation):
            visit(arg)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return
        mine = annotation.__module__.startswith("motcua.")
        if mine and annotation in found.get(annotation.__name__, set()):
            return
        if mine:
            found.setdefault(annotation.__name__, set()).add(annotation)
        for field in annotation.model_fields.values():
            visit(field.annotation)

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    visit(model)
    return found


def test_each_schema_name_is_one_model() -> None:
    """OpenAPI names a component after its class: two models of one name would publish one
    shape for both (the dossier's documents, fees and agencies once replaced the catalogue's
    and the organisation's)."""
    models = _api_models()
    assert {"DossierDetail", "ProcedureDetail", "MeOut", "TrackingOut"} <= set(models)
    clashes = {name: sorted(m.__module__ for m in ms) for name, ms in models.items() if len(ms) > 1}
    assert not clashes
