"""`motcua demo-teams`: the demo community digital teams and their demo member (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.citizens.demo import DEMO_MEMBER_NAME, ensure_demo_teams


class Command(BaseCommand):
    help = _("Create the demo community digital teams and make the demo citizen a member.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(_("demo-teams is for the demo: it does not run with DEBUG off."))
        result = ensure_demo_teams()
        for team in result.teams:
            self.stdout.write(f"- {team.name}")
        if result.member_team is not None:
            self.stdout.write(
                _("%(name)s (%(user)s) is a member of %(team)s.")
                % {
                    "name": DEMO_MEMBER_NAME,
                    "user": result.member.username,
                    "team": result.member_team.name,
                }
            )
