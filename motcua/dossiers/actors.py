"""Who acts on a dossier: an official, the applicant themself, or the system."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from motcua.org.models import User


class ActorKind(StrEnum):
    OFFICIAL = "official"
    APPLICANT = "applicant"
    CLIENT = "client"  # a machine client (e.g. the national portal) with its own account
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user: User | None = None
    label: str = ""

    @classmethod
    def official(cls, user: User) -> Actor:
        return cls(ActorKind.OFFICIAL, user, user.get_full_name() or user.get_username())

    @classmethod
    def client(cls, user: User) -> Actor:
        return cls(ActorKind.CLIENT, user, user.get_username())

    @classmethod
    def applicant(cls, name: str, user: User | None = None) -> Actor:
        """The applicant, proven by their lookup secret or their own sign-in."""
        return cls(ActorKind.APPLICANT, user, name)

    @classmethod
    def system(cls, label: str = "MotCua") -> Actor:
        return cls(ActorKind.SYSTEM, None, label)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None
