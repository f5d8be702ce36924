"""Dossiers of the test province at the stage a workspace test needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from motcua.dossiers.actors import Actor
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_accept, dossier_forward, dossier_receive
from motcua.dossiers.tests.factories import World, applicant, resolve_child


def ago(**delta: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


def received_b(world: World, *, at: dt.datetime | None = None, **over: Any) -> Dossier:
    """A birth registration handed in at commune B's desk."""
    spec = world.birth_spec(
        receiving_agency=world.center_b, competent_agency=world.commune_b, **over
    )
    return dossier_receive(spec=spec, actor=Actor.official(world.reception_b), at=at)


def at_step(
    world: World, step: int, *, commune: str = "a", at: dt.datetime | None = None, **over: Any
) -> Dossier:
    """A birth registration of commune A (or B) accepted and forwarded to ``step`` (1: the
    specialist's appraisal, 2: the leader's approval) of the default workflow."""
    if commune == "a":
        d = world.accepted_birth(at=at, **over)
        desk, specialist = world.reception_a, world.specialist_a
    else:
        d = received_b(world, at=at, **over)
        d = dossier_accept(dossier=d.pk, actor=Actor.official(world.reception_b), at=at)
        desk, specialist = world.reception_b, world.specialist_b
    dossier_forward(dossier=d.pk, actor=Actor.official(desk), at=at)
    if step == 2:
        dossier_forward(dossier=d.pk, actor=Actor.official(specialist), at=at)
    return Dossier.objects.get(pk=d.pk)


def resolved_a(world: World, *, at: dt.datetime | None = None) -> Dossier:
    """A birth registration of commune A with its result signed, back at the desk."""
    d = world.accepted_birth(at=at)
    return resolve_child(d, world.specialist_a, world.leader_a, at or timezone.now())


def named(name: str, personal_id: str = "008090123456") -> dict[str, Any]:
    """Spec overrides for another applicant."""
    return {"applicant": applicant(name=name, personal_id=personal_id)}
