"""The caller: who a session or a bearer token signs in as."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.api.auth import AUTH
from motcua.api.routers.org import AgencyRef
from motcua.org.models import Role, RoleAssignment, User

router = Router(tags=["me"], auth=AUTH)


class RoleOut(Schema):
    role: Role
    role_label: str
    agency: AgencyRef

    @staticmethod
    def resolve_role_label(obj: RoleAssignment) -> str:
        return str(obj.get_role_display())


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    agency: AgencyRef | None
    roles: list[RoleOut]

    @staticmethod
    def resolve_full_name(obj: User) -> str:
        return obj.get_full_name()

    @staticmethod
    def resolve_roles(obj: User) -> list[RoleAssignment]:
        return list(obj.role_assignments.select_related("agency").order_by("id"))


@router.get("/", response=MeOut, url_name="me")
def me(request: HttpRequest) -> User:
    """The signed-in user, their agency and roles (a quick check that a token works)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user
