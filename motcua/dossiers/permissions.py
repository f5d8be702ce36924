"""Least privilege on dossiers: which role, at which of the dossier's agencies, may take
which action.

One rule, two uses: the services raise the refusal (``motcua.dossiers.services._authorise``)
and the officials' pages ask :func:`may_act` which buttons to show, so a page never offers
what the service would refuse.

A rule is a list of alternatives (roles at agencies); the actor is allowed when they hold
one of the roles at one of the agencies, or above it, in one of the alternatives. Each
alternative is one query, asked in order until one holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden
from motcua.dossiers.actors import Actor, ActorKind
from motcua.dossiers.lifecycle import Action, State
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency, Role
from motcua.org.selectors import user_has_any_role

RECEPTION: tuple[str, ...] = (Role.RECEPTION_OFFICER, Role.CENTER_MANAGER)
PROCESSORS: tuple[str, ...] = (Role.SPECIALIST, Role.LEADER)
LEADERS: tuple[str, ...] = (Role.LEADER,)

# What the applicant may do themself (with their lookup secret or their own sign-in).
APPLICANT_ACTIONS = frozenset({Action.WITHDRAW, Action.COMPLETE_SUPPLEMENT})


@dataclass(frozen=True)
class Grant:
    """One way to be allowed: one of ``roles`` at one of ``agencies`` (or above it)."""

    roles: tuple[str, ...]
    agencies: tuple[Agency | None, ...]


def step_roles(d: Dossier) -> tuple[str, ...]:
    """Who works on the current step: the role it names, and the agency's leaders."""
    if d.current_step is None or not d.workflow_steps:
        return PROCESSORS
    return (str(d.workflow_steps[d.current_step - 1]["role"]), Role.LEADER)


def grants(action: Action, d: Dossier) -> tuple[Grant, ...] | None:
    """The alternatives that allow an official ``action`` on ``d``; None if only the
    system does it. The last alternative is the one a refusal names."""
    state = State(d.state)
    receiving, competent, held = d.receiving_agency, d.competent_agency, d.current_agency
    if action in {Action.ACCEPT, Action.ASK_TO_COMPLETE, Action.WITHDRAW}:
        return (Grant(RECEPTION, (receiving,)),)
    if action is Action.REFUSE:
        if state in {State.SUBMITTED, State.RECEIVED, State.INTAKE_INCOMPLETE}:
            return (Grant(RECEPTION, (receiving,)),)
        return (Grant(LEADERS, (competent,)),)
    if action is Action.FORWARD and state is State.ACCEPTED:
        # The desk hands an accepted dossier to the first step; so may the competent agency.
        return (Grant(RECEPTION, (receiving,)), Grant(PROCESSORS, (competent,)))
    if action in {
        Action.FORWARD,
        Action.RETURN_TO_PREVIOUS,
        Action.REQUEST_SUPPLEMENT,
        Action.REQUEST_PAYMENT,
    }:
        return (Grant(step_roles(d), (held or competent,)),)
    if action is Action.ATTACH_RESULT:
        # The specialist drafts the result the leader then signs.
        return (Grant(PROCESSORS, (held or competent,)),)
    if action in {Action.APPROVE, Action.SIGN_RESULT}:
        return (Grant(LEADERS, (held or competent,)),)
    if action is Action.EXTEND:
        return (Grant(LEADERS, (competent,)),)
    if action is Action.STOP:
        return (Grant((Role.CENTER_MANAGER,), (receiving,)), Grant(LEADERS, (competent,)))
    if action in {Action.COMPLETE_SUPPLEMENT, Action.RECORD_PAYMENT}:
        return (Grant(RECEPTION + PROCESSORS, (receiving, held or competent)),)
    if action is Action.RETURN_RESULT:
        return (Grant(RECEPTION, (d.return_agency or receiving, receiving)),)
    return None


def _holds(actor: Actor, alternatives: Sequence[Grant]) -> bool:
    user = actor.user
    assert user is not None
    return any(user_has_any_role(user, g.roles, g.agencies) for g in alternatives)


def refusal(actor: Actor, action: Action, d: Dossier) -> Forbidden | None:
    """Why ``actor`` may not take ``action`` on ``d`` (the error, not raised), or None."""
    if actor.kind is ActorKind.SYSTEM:
        return None
    if actor.kind is ActorKind.APPLICANT:
        if action in APPLICANT_ACTIONS:
            return None
        return Forbidden(_("The applicant cannot do this; an official of the agency does."))
    alternatives = grants(action, d)
    if alternatives is None:
        return Forbidden(_("Only the system does this."))
    if actor.user is None:
        return Forbidden(_("Only an official of the responsible agency can do this."))
    if _holds(actor, alternatives):
        return None
    return Forbidden(
        _("You do not have the role this action needs at dossier %(code)s's agency.")
        % {"code": d.code}
    )


def may_act(actor: Actor, action: Action, d: Dossier) -> bool:
    """Whether ``actor``'s role at the dossier's agencies allows ``action`` (not whether
    the dossier's state does: that is ``lifecycle.decide``)."""
    return refusal(actor, action, d) is None


def authorise(actor: Actor, action: Action, d: Dossier) -> None:
    """Raise :class:`Forbidden` unless ``actor`` may take ``action`` on ``d``."""
    error = refusal(actor, action, d)
    if error is not None:
        raise error
