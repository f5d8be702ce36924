"""Support for the tests that run real OS processes against one shared database.

pytest-django's database cannot be shared with other processes (on SQLite it lives in
memory), so these tests work on a *scratch database* of their own, of the engine that
``DATABASE_URL`` names like the rest of the suite: a SQLite file, or a PostgreSQL database.
The first scratch database of a test session is migrated and given the test province
(``build_world``); it then serves as a template that later ones are cloned from, and it
is dropped when the session ends.

Work on the scratch database runs in processes started with the "spawn" method. Each one
points ``DATABASE_URL`` at the scratch database, sets Django up, and calls one function of
this module as ``fn(barrier, **kwargs)``; the :class:`multiprocessing.Barrier` is shared by
every process of the batch, so they start (or start each round) together. Once all are
done, the first process can run an epilogue (``then``) that looks at the result, which
saves starting one more process.

Nothing here imports Django at module level: a spawned process imports this module before
it has chosen its database.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import queue
import shutil
import sqlite3
import tempfile
import time
import traceback
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

# A transaction that rolls back on purpose, after it has allocated a dossier code.
ROLLBACK = "rollback"

# A function to run in a spawned process, as fn(barrier, **kwargs).
Call = tuple[Callable[..., Any], dict[str, Any]]


class WorkerFailed(AssertionError):
    """A worker process raised, crashed or did not finish in time."""


# --- scratch databases -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Scratch:
    """A migrated database holding the test province, and a directory for its files."""

    url: str
    data_dir: str
    world: dict[str, int]  # World field -> primary key (the same in every clone)

    @property
    def vendor(self) -> str:
        return "postgresql" if is_postgres(self.url) else "sqlite"

    def env(self) -> dict[str, str]:
        """The environment of a ``motcua`` subprocess working on this database."""
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "MOTCUA_DATA_DIR": self.data_dir,
            "DJANGO_SETTINGS_MODULE": "motcua.settings",
        }


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


@dataclasses.dataclass
class _Template:
    url: str
    world: dict[str, int]
    tmp: Path
    drop: Callable[[], None]


_template: _Template | None = None


def _pg_admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def _pg_with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _pg_run(url: str, statement: str, name: str, template: str | None = None) -> None:
    from psycopg import sql

    query = {
        "create": sql.SQL("CREATE DATABASE {}"),
        "clone": sql.SQL("CREATE DATABASE {} TEMPLATE {}"),
        "drop": sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)"),
    }[statement]
    names = [sql.Identifier(name)] + ([sql.Identifier(template)] if template else [])
    with _pg_admin(url) as conn:
        conn.execute(query.format(*names))


def _sqlite_path(url: str) -> Path:
    return Path(urlsplit(url).path[1:])  # sqlite:////tmp/x → /tmp/x


def _make_template() -> _Template:
    """Migrate a database of the suite's engine and build the test province in it."""
    url = os.environ.get("DATABASE_URL", "")
    tmp = Path(tempfile.mkdtemp(prefix="motcua-cc-"))
    tag = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    if is_postgres(url):
        base = (urlsplit(url).path.lstrip("/") or "motcua")[:30]
        name = f"{base}_cctpl_{tag}"
        _pg_run(url, "create", name)
        template_url = _pg_with_name(url, name)

        def drop() -> None:
            _pg_run(url, "drop", name)
            shutil.rmtree(tmp, ignore_errors=True)

    else:
        template_url = f"sqlite:///{tmp / 'template.sqlite3'}"

        def drop() -> None:
            shutil.rmtree(tmp, ignore_errors=True)

    try:
        [world], _ = run_processes(template_url, str(tmp / "files"), [(migrate_and_build, {})])
    except BaseException:
        drop()
        raise
    return _Template(template_url, world, tmp, drop)


def _drop_template() -> None:
    global _template
    if _template is not None:
        _template.drop()
        _template = None


@contextlib.contextmanager
def scratch_database() -> Iterator[Scratch]:
    """A fresh copy of the migrated database with the test province; dropped afterwards."""
    global _template
    if _template is None:
        _template = _make_template()
        atexit.register(_drop_template)
    template = _template
    data_dir = Path(tempfile.mkdtemp(prefix="motcua-cc-files-"))
    if is_postgres(template.url):
        name = f"{urlsplit(template.url).path.lstrip('/').split('_cctpl_')[0]}_cc_"
        name += uuid.uuid4().hex[:10]
        _pg_run(template.url, "clone", name, urlsplit(template.url).path.lstrip("/"))
        url = _pg_with_name(template.url, name)

        def drop() -> None:
            _pg_run(template.url, "drop", name)

    else:
        path = data_dir / "scratch.sqlite3"
        # The backup API copies through SQLite, write-ahead log included.
        with (
            contextlib.closing(sqlite3.connect(_sqlite_path(template.url))) as source,
            contextlib.closing(sqlite3.connect(path)) as target,
        ):
            source.backup(target)
        url = f"sqlite:///{path}"

        def drop() -> None:
            pass

    try:
        yield Scratch(url=url, data_dir=str(data_dir), world=template.world)
    finally:
        drop()
        shutil.rmtree(data_dir, ignore_errors=True)


# --- running functions in spawned processes ----------------------------------------------


def _setup_django(url: str, data_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["MOTCUA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    # As in the test suite (pyproject's filterwarnings).
    warnings.simplefilter("error", DeprecationWarning)
    warnings.simplefilter("error", PendingDeprecationWarning)
    import django

    django.setup()


def _entry(
    url: str,
    data_dir: str,
    index: int,
    fn: Callable[..., Any],
    kwargs: dict[str, Any],
    then: Call | None,
    barrier: Any,
    results: Any,
) -> None:
    try:
        _setup_django(url, data_dir)
        value = fn(barrier, **kwargs)
        if then is not None:
            barrier.wait()  # everyone has finished
            value = (value, then[0](barrier, **then[1]) if index == 0 else None)
    except BaseException:
        barrier.abort()  # release the others instead of letting them wait for us
        results.put((index, False, traceback.format_exc()))
    else:
        results.put((index, True, value))
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()


def run_processes(
    url: str,
    data_dir: str,
    calls: Sequence[Call],
    *,
    then: Call | None = None,
    timeout: float = 120,
) -> tuple[list[Any], Any]:
    """Run each ``fn(barrier, **kwargs)`` in its own spawned process against ``url``, then
    ``then`` in the first one once all have finished. Returns the results in order and the
    epilogue's. Any exception, crash or time-out fails the batch."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(calls), timeout=timeout)
    results = ctx.Queue()
    processes = [
        ctx.Process(
            target=_entry,
            args=(url, data_dir, i, fn, kwargs, then, barrier, results),
            name=f"motcua-cc-{fn.__name__}-{i}",
        )
        for i, (fn, kwargs) in enumerate(calls)
    ]
    for p in processes:
        p.start()
    outcomes: dict[int, tuple[bool, Any]] = {}
    deadline = time.monotonic() + timeout
    try:
        while len(outcomes) < len(processes) and time.monotonic() < deadline:
            try:
                index, ok, value = results.get(timeout=0.2)
            except queue.Empty:
                if not any(p.is_alive() for p in processes) and results.empty():
                    break
                continue
            outcomes[index] = (ok, value)
    finally:
        for p in processes:
            p.join(timeout=10)
        for p in processes:
            if p.is_alive():  # only ever our own children, by their Process handle
                p.terminate()
                p.join()
    problems = []
    for i, p in enumerate(processes):
        if i not in outcomes:
            problems.append(f"{p.name}: no result (exit code {p.exitcode})")
        elif not outcomes[i][0]:
            problems.append(f"{p.name} raised:\n{outcomes[i][1]}")
        elif p.exitcode != 0:
            problems.append(f"{p.name}: exit code {p.exitcode}")
    if problems:
        raise WorkerFailed("\n\n".join(problems))
    values = [outcomes[i][1] for i in range(len(processes))]
    if then is None:
        return values, None
    return [v[0] for v in values], values[0][1]


def run_in_scratch(
    scratch: Scratch, calls: Sequence[Call], *, then: Call | None = None
) -> tuple[list[Any], Any]:
    return run_processes(scratch.url, scratch.data_dir, calls, then=then)


def raw_sql(scratch: Scratch, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
    """Run SQL in one transaction through the database's own client library, as someone
    with access to the database (not to the application) would; ``%s`` placeholders."""
    if is_postgres(scratch.url):
        import psycopg

        with psycopg.connect(scratch.url) as conn:  # commits on success
            for sql, params in statements:
                conn.execute(sql, params)  # type: ignore[arg-type]
    else:
        conn = sqlite3.connect(_sqlite_path(scratch.url), timeout=20)
        try:
            with conn:  # commits on success
                for sql, params in statements:
                    conn.execute(sql.replace("%s", "?"), params)
        finally:
            conn.close()


# --- the test province ---------------------------------------------------------------------


def world_keys(world: Any) -> dict[str, int]:
    return {f.name: getattr(world, f.name).pk for f in dataclasses.fields(world)}


def load_world(keys: dict[str, int]) -> Any:
    from motcua.dossiers.tests.factories import World
    from motcua.org.models import Agency, User

    values = {}
    for f in dataclasses.fields(World):
        model = Agency if f.type in {"Agency", Agency} else User
        values[f.name] = model.objects.get(pk=keys[f.name])
    return World(**values)


def migrate_and_build(barrier: Any) -> dict[str, int]:
    from django.core.management import call_command

    from motcua.dossiers.tests.factories import build_world

    call_command("migrate", interactive=False, verbosity=0)
    return world_keys(build_world())


# --- dossier codes -------------------------------------------------------------------------


def create_dossiers(
    barrier: Any,
    *,
    world: dict[str, int],
    worker: int,
    plan: Sequence[str],
    day: str,
    hold: float,
) -> dict[str, Any]:
    """Create one dossier per entry of ``plan`` at the first commune's desk on ``day``:
    "receive" at the counter, "submit" online with its papers, or ``ROLLBACK`` (received,
    then the surrounding transaction fails after the code was allocated). Each transaction
    lasts ``hold`` seconds more after the code was drawn, so the workers queue for it."""
    from django.db import transaction

    from motcua.catalog.models import RequiredDocument
    from motcua.dossiers.actors import Actor
    from motcua.dossiers.services import DocumentInput, dossier_submit
    from motcua.dossiers.tests.factories import BIRTH, local, pdf_upload

    w = load_world(world)
    required = list(
        RequiredDocument.objects.filter(version__procedure__code=BIRTH).values_list("pk", flat=True)
    )
    start = local(*dt.date.fromisoformat(day).timetuple()[:3], 8, 0)

    class Rollback(Exception):
        pass

    committed: list[str] = []
    rolled_back: list[str] = []
    barrier.wait()
    started = time.monotonic()
    for i, what in enumerate(plan):
        at = start + dt.timedelta(minutes=worker, seconds=i)
        code = ""
        docs = [
            DocumentInput(upload=pdf_upload(f"w{worker}-{i}-{n}"), required_document_id=pk)
            for n, pk in enumerate(required)
        ]
        try:
            with transaction.atomic():
                if what == "submit":
                    spec = w.birth_spec(channel="online", documents=docs)
                    code = dossier_submit(spec=spec, actor=Actor.applicant("Công dân"), at=at).code
                else:
                    code = w.receive_birth(at=at).code
                time.sleep(hold)
                if what == ROLLBACK:
                    raise Rollback
        except Rollback:
            rolled_back.append(code)
        else:
            committed.append(code)
    return {
        "committed": committed,
        "rolled_back": rolled_back,
        "started": started,
        "ended": time.monotonic(),
    }


def codes_of_day(barrier: Any, *, agency: int, day: str) -> dict[str, Any]:
    from motcua.dossiers.models import DailySequence, Dossier

    the_day = dt.date.fromisoformat(day)
    sequence = DailySequence.objects.filter(agency_id=agency, day=the_day).first()
    codes = list(
        Dossier.objects.filter(receiving_agency_id=agency, parent__isnull=True)
        .order_by("pk")
        .values_list("code", flat=True)
    )
    return {"codes": codes, "last": sequence.last if sequence else None}


# --- racing officials ----------------------------------------------------------------------

# Race kinds: (action, official) of side A and of side B, the dossier's step (of the default
# two: a specialist's, then a leader's) before the race, and whether both pass the version
# they read. Every official may do their action at that step; "deputy" is a second leader
# of the commune, made for the races.
Side = tuple[str, str]
RACES: dict[str, tuple[Side, Side, int, bool]] = {
    "same_version_forward": (("forward", "specialist"), ("forward", "leader"), 1, True),
    "forward_vs_supplement": (
        ("forward", "specialist"),
        ("request_supplement", "leader"),
        1,
        True,
    ),
    "approve_vs_return": (("approve", "leader"), ("return_to_previous", "deputy"), 2, True),
    "blind_forward": (("forward", "leader"), ("forward", "deputy"), 1, False),
}
DEPUTY = "a.phochutich"
# An interconnected group: the commune leader signs the result of the group's birth
# registration (which then looks whether the group is finished: child, then group) while
# the applicant withdraws the whole group (which withdraws its parts: group, then child).
GROUP_RACE = "child_sign_vs_group_withdraw"


def _officials(w: Any) -> dict[str, Any]:
    from motcua.org.models import User

    return {
        "specialist": w.specialist_a,
        "leader": w.leader_a,
        "deputy": User.objects.get(username=DEPUTY),
    }


def prepare_races(barrier: Any, *, world: dict[str, int], rounds: int) -> list[dict[str, Any]]:
    """One dossier per race and round, processing at the race's step."""
    from motcua.dossiers.actors import Actor
    from motcua.dossiers.services import dossier_forward
    from motcua.org.models import Role
    from motcua.org.tests.factories import make_user
    from motcua.workflow.models import HandOver

    w = load_world(world)
    make_user(DEPUTY, agency=w.commune_a, roles=[Role.LEADER], first_name="Hùng")
    plans = []
    for kind, (_a, _b, step, _versioned) in RACES.items():
        for r in range(rounds):
            d = w.accepted_birth()
            d = dossier_forward(dossier=d, actor=Actor.official(w.reception_a))
            for _ in range(step - 1):
                d = dossier_forward(dossier=d, actor=Actor.official(w.specialist_a))
            plans.append(
                {
                    "kind": kind,
                    "round": r,
                    "dossier": d.pk,
                    "version": d.version,
                    "events": d.event_count,
                    "handovers": HandOver.objects.filter(dossier=d).count(),
                }
            )
    for r in range(rounds):
        plans.append({"kind": GROUP_RACE, "round": r, **_approved_child_of_group(w)})
    return plans


def _approved_child_of_group(w: Any) -> dict[str, Any]:
    from motcua.dossiers import services as s
    from motcua.dossiers.actors import Actor
    from motcua.dossiers.tests.factories import BIRTH, RESIDENCE

    group = w.receive_birth(
        procedure_code="",
        group_code="lien-thong-khai-sinh",
        eform_data={
            BIRTH: {"ho_ten_tre": "Nguyễn Thị Hoà", "ngay_sinh": "2026-11-20"},
            RESIDENCE: {"dia_chi": "Thôn Nà Héc, xã Lâm Bình"},
        },
    )
    group = s.dossier_accept(dossier=group, actor=Actor.official(w.reception_a))
    child = group.children.get(competent_agency=w.commune_a)
    specialist, leader = Actor.official(w.specialist_a), Actor.official(w.leader_a)
    s.dossier_forward(dossier=child, actor=specialist)
    s.dossier_forward(dossier=child, actor=specialist)
    s.dossier_approve(dossier=child, actor=leader)
    s.dossier_attach_result(dossier=child, actor=leader, name="Giấy khai sinh", kind="paper")
    child.refresh_from_db()
    return {
        "dossier": group.pk,
        "version": group.version,
        "child": child.pk,
        "child_version": child.version,
        "related": list(group.children.values_list("pk", flat=True)),
    }


def _act(action: str, user: Any, dossier: int, version: int | None) -> None:
    from motcua.dossiers import services
    from motcua.dossiers.actors import Actor

    actor = Actor.official(user) if user is not None else Actor.applicant("Nguyễn Văn Ánh")
    common: dict[str, Any] = {"dossier": dossier, "actor": actor, "expected_version": version}
    if action == "sign_result":
        services.dossier_sign_result(**common)
    elif action == "withdraw":
        services.dossier_withdraw(**common, reason="Không còn nhu cầu")
    elif action == "forward":
        services.dossier_forward(**common)
    elif action == "request_supplement":
        services.dossier_request_supplement(
            **common, items=["Bản sao giấy chứng sinh"], reason="Thiếu giấy chứng sinh"
        )
    elif action == "approve":
        services.dossier_approve(**common)
    elif action == "return_to_previous":
        services.dossier_return_to_previous(**common, reason="Cần thẩm định lại")
    else:  # pragma: no cover
        raise ValueError(action)


def race(
    barrier: Any,
    *,
    world: dict[str, int],
    side: str,
    plans: Sequence[dict[str, Any]],
    hold: float,
) -> list[dict[str, Any]]:
    """Side ``side`` ("A" or "B") of every race, each round started together with the other
    side. Whoever locks the dossier first keeps it locked ``hold`` seconds, so the other
    really waits for it."""
    from motcua.core.errors import DomainError
    from motcua.dossiers import services

    w = load_world(world)
    officials = _officials(w)
    real_lock = services._lock
    marks: dict[str, float] = {}

    def slow_lock(dossier: Any, expected_version: int | None) -> Any:
        try:
            locked = real_lock(dossier, expected_version)
        finally:
            marks["locked"] = time.monotonic()
        time.sleep(hold)  # the row stays locked: the transaction is still open
        return locked

    services._lock = slow_lock  # type: ignore[assignment]
    outcomes = []
    for plan in plans:
        if plan["kind"] == GROUP_RACE:
            if side == "A":
                action, user, target = "sign_result", w.leader_a, "child"
            else:
                action, user, target = "withdraw", None, "dossier"
            version = plan["child_version" if target == "child" else "version"]
            dossier = plan[target]
        else:
            side_a, side_b, _step, versioned = RACES[plan["kind"]]
            action, official = side_a if side == "A" else side_b
            user = officials[official]
            version = plan["version"] if versioned else None
            dossier = plan["dossier"]
        marks.clear()
        barrier.wait()
        started = time.monotonic()
        outcome = {"kind": plan["kind"], "dossier": dossier, "side": side}
        try:
            _act(action, user, dossier, version)
        except DomainError as exc:
            outcome |= {"result": type(exc).__name__, "code": exc.code}
        except Exception as exc:  # e.g. a deadlock the database broke: reported, not raised
            outcome |= {"result": type(exc).__name__, "code": str(exc)[:500]}
        else:
            outcome |= {"result": "applied", "action": action, "user": user and user.pk}
        outcome |= {"started": started, "locked": marks.get("locked"), "ended": time.monotonic()}
        outcomes.append(outcome)
    return outcomes


def describe_dossiers(barrier: Any, *, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    from motcua.dossiers import audit
    from motcua.dossiers.models import Dossier
    from motcua.workflow.models import HandOver

    reports = {r.dossier_id: r for r in audit.verify_all()}
    out = {}
    for d in Dossier.objects.filter(pk__in=ids):
        out[d.pk] = {
            "state": d.state,
            "step": d.current_step,
            "version": d.version,
            "event_count": d.event_count,
            "events": [
                {"seq": e.seq, "action": e.action, "actor": e.actor_id, "to": e.to_state}
                for e in d.events.order_by("seq")
            ],
            "handovers": HandOver.objects.filter(dossier=d).count(),
            "supplement_requests": d.supplements.count(),
            "ledger_problems": [[p.value, s] for p, s in reports[d.pk].problems],
        }
    return out


# --- the audit ledger ----------------------------------------------------------------------


def populate_ledger(world: Any) -> dict[str, Any]:
    """Several dossiers with long histories, in the current database; returns their codes
    by role ("full" is received, processed, signed and returned: 8 events)."""
    from motcua.dossiers import services as s
    from motcua.dossiers.actors import Actor
    from motcua.dossiers.tests.factories import BIRTH, RESIDENCE

    w = world
    reception, specialist, leader = (
        Actor.official(w.reception_a),
        Actor.official(w.specialist_a),
        Actor.official(w.leader_a),
    )

    full = w.accepted_birth()
    s.dossier_forward(dossier=full, actor=reception)
    s.dossier_forward(dossier=full, actor=specialist)
    s.dossier_approve(dossier=full, actor=leader, note="Đồng ý")
    s.dossier_attach_result(dossier=full, actor=leader, name="Giấy khai sinh", kind="paper")
    s.dossier_sign_result(dossier=full, actor=leader)
    s.dossier_return_result(dossier=full, actor=reception, note="Đã trao tận tay")

    supplemented = w.accepted_birth()
    s.dossier_forward(dossier=supplemented, actor=reception)
    s.dossier_request_supplement(
        dossier=supplemented, actor=specialist, items=["Giấy chứng sinh"], reason="Thiếu"
    )
    s.dossier_complete_supplement(dossier=supplemented, actor=reception, note="Đã bổ sung")
    s.dossier_forward(dossier=supplemented, actor=specialist)
    s.dossier_return_to_previous(dossier=supplemented, actor=leader, reason="Xem lại")

    refused = w.receive_birth()
    s.dossier_ask_to_complete(dossier=refused, actor=reception, items=["Tờ khai"], reason="x")
    s.dossier_complete_supplement(dossier=refused, actor=reception)
    s.dossier_refuse(dossier=refused, actor=reception, reason="Không thuộc thẩm quyền")

    paying = w.submit_construction()
    s.dossier_accept(dossier=paying, actor=Actor.official(w.reception_province))
    s.dossier_forward(dossier=paying, actor=Actor.official(w.reception_province))
    s.dossier_request_payment(
        dossier=paying,
        actor=Actor.official(w.specialist_construction),
        items=[("Phí thẩm định", 500_000)],
    )
    s.dossier_record_payment(
        dossier=paying,
        actor=Actor.official(w.reception_province),
        amount=575_000,
        method="counter",
        reference="BL-0001",
    )

    # An interconnected group: each agency resolves its own dossier, then the group is
    # finished by the system and its result handed over.
    group = w.receive_birth(
        procedure_code="",
        group_code="lien-thong-khai-sinh",
        eform_data={
            BIRTH: {"ho_ten_tre": "Nguyễn Thị Hoà", "ngay_sinh": "2026-11-20"},
            RESIDENCE: {"dia_chi": "Thôn Nà Héc, xã Lâm Bình"},
        },
    )
    s.dossier_accept(dossier=group, actor=reception)
    children = []
    for child in group.children.select_related("competent_agency").order_by("pk"):
        at_police = child.competent_agency_id == w.police.pk
        specialist_of = Actor.official(w.specialist_police if at_police else w.specialist_a)
        leader_of = Actor.official(w.leader_police if at_police else w.leader_a)
        s.dossier_forward(dossier=child, actor=specialist_of)
        s.dossier_forward(dossier=child, actor=specialist_of)
        s.dossier_approve(dossier=child, actor=leader_of)
        s.dossier_attach_result(dossier=child, actor=leader_of, name="Kết quả", kind="paper")
        s.dossier_sign_result(dossier=child, actor=leader_of)
        children.append(child.code)
    s.dossier_return_result(dossier=group, actor=reception)

    return {
        "full": full.code,
        "supplemented": supplemented.code,
        "refused": refused.code,
        "paying": paying.code,
        "group": group.code,
        "children": children,
    }


@contextlib.contextmanager
def triggers_bypassed(how: str = "replica") -> Iterator[None]:
    """What an attacker with database access does to get past the append-only triggers.

    PostgreSQL: ``how="replica"`` sets ``session_replication_role`` (user triggers and
    foreign keys stop firing for the session); ``how="disable"`` disables every trigger of
    the events table. SQLite: drops the trigger. Everything is restored afterwards.
    """
    import importlib

    from django.db import connection

    from motcua.dossiers.models import DossierEvent

    table = DossierEvent._meta.db_table
    if connection.vendor == "postgresql":
        on, off = {
            "replica": (
                "SET session_replication_role = replica",
                "SET session_replication_role = DEFAULT",
            ),
            "disable": (
                f"ALTER TABLE {table} DISABLE TRIGGER ALL",
                f"ALTER TABLE {table} ENABLE TRIGGER ALL",
            ),
        }[how]
        with connection.cursor() as cursor:
            if how == "disable":
                # ALTER TABLE waits for no deferred foreign-key check of this transaction.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(on)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(off)
                if how == "disable":
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        migration = importlib.import_module("motcua.dossiers.migrations.0002_events_append_only")
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER dossiers_event_no_update")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for statement in migration.SQLITE_FORWARD:
                    cursor.execute(statement)


def _event_sql(sql: str, params: Sequence[Any]) -> None:
    from django.db import connection

    from motcua.dossiers.models import DossierEvent

    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{events}", DossierEvent._meta.db_table), params)


def tamper(kind: str, code: str, *, how: str = "replica") -> None:
    """Alter the history of dossier ``code`` behind the application's back."""
    from django.db import connection

    from motcua.dossiers import ledger
    from motcua.dossiers.models import Dossier, DossierEvent

    d = Dossier.objects.get(code=code)
    events = {e.seq: e for e in DossierEvent.objects.filter(dossier=d)}
    last = max(events)
    json_param = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    with triggers_bypassed(how):
        if kind == "edit_reason":
            _event_sql(
                "UPDATE {events} SET reason = %s WHERE id = %s", ["Hồ sơ hợp lệ", events[3].pk]
            )
        elif kind == "edit_data":
            data = {**events[2].data, "due_at": "2031-01-01T00:00:00+00:00"}
            _event_sql(
                f"UPDATE {{events}} SET data = {json_param} WHERE id = %s",
                [json.dumps(data), events[2].pk],
            )
        elif kind == "delete_middle":
            _event_sql("DELETE FROM {events} WHERE id = %s", [events[2].pk])
        elif kind == "delete_last":
            _event_sql("DELETE FROM {events} WHERE id = %s", [events[last].pk])
        elif kind == "swap_seq":
            # Through a free number: (dossier, seq) is unique.
            for pk, seq in ((events[3].pk, 1_000_000), (events[4].pk, 3), (events[3].pk, 4)):
                _event_sql("UPDATE {events} SET seq = %s WHERE id = %s", [seq, pk])
        elif kind == "dossier_state":
            Dossier.objects.filter(pk=d.pk).update(state="refused")
        elif kind == "dossier_head":
            Dossier.objects.filter(pk=d.pk).update(last_event_hash=events[last - 1].hash)
        elif kind == "edit_and_rehash":
            e = events[3]
            reason = "Chuyển đúng hạn"
            content = ledger.canonical(
                dossier_id=d.pk,
                seq=e.seq,
                action=e.action,
                actor_id=e.actor_id,
                actor_label=e.actor_label,
                at=e.at,
                from_state=e.from_state,
                to_state=e.to_state,
                reason=reason,
                data=e.data,
            )
            _event_sql(
                "UPDATE {events} SET reason = %s, hash = %s WHERE id = %s",
                [reason, ledger.chain_hash(e.prev_hash, content), e.pk],
            )
        else:  # pragma: no cover
            raise ValueError(kind)


def populate_in_scratch(barrier: Any, *, world: dict[str, int]) -> dict[str, Any]:
    return populate_ledger(load_world(world))
