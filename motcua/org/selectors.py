"""Scoped reads for organisation data: what an official may see is one query."""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from motcua.org.models import Agency, Role, RoleAssignment, User


def is_province_admin(user: User) -> bool:
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return RoleAssignment.objects.filter(user=user, role=Role.PROVINCE_ADMIN).exists()


def agencies_in_scope(user: User, roles: Iterable[str] | None = None) -> QuerySet[Agency]:
    """Agencies where ``user`` holds one of ``roles`` (any role if None), with their subunits.

    The province administrator (and a superuser) sees every agency: the only global scope.
    """
    if is_province_admin(user):
        return Agency.objects.all()
    return assigned_subtrees(user, roles)


def assigned_subtrees(user: User, roles: Iterable[str] | None = None) -> QuerySet[Agency]:
    """The agencies of ``user``'s role assignments and the units under them, without the
    province administrator's global scope (callers that already checked it)."""
    assignments = RoleAssignment.objects.filter(user=user)
    if roles is not None:
        assignments = assignments.filter(role__in=list(roles))
    paths = list(assignments.values_list("agency__path", flat=True).distinct())
    if not paths or not user.is_active:
        return Agency.objects.none()
    return Agency.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))


def user_has_role(user: User, role: str, agency: Agency) -> bool:
    """True if ``user`` holds ``role`` at ``agency`` or at an agency above it."""
    if is_province_admin(user):
        return True
    return RoleAssignment.objects.filter(
        user=user,
        role=role,
        agency__in=[int(p) for p in agency.path.strip("/").split("/") if p],
    ).exists()


def user_has_any_role(user: User, roles: Iterable[str], agencies: Iterable[Agency | None]) -> bool:
    """True if ``user`` holds one of ``roles`` at one of ``agencies`` or above it: one query."""
    if not user.is_active:
        return False
    ids: set[int] = set()
    for agency in agencies:
        if agency is not None:
            ids.update(int(p) for p in agency.path.strip("/").split("/") if p)
    return RoleAssignment.objects.filter(
        Q(user=user) & (Q(role=Role.PROVINCE_ADMIN) | Q(role__in=list(roles), agency_id__in=ids))
    ).exists() or bool(user.is_superuser)
