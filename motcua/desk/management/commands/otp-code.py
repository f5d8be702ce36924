"""`motcua otp-code <username>`: the one-time code a demo official's authenticator shows now.

For the demo only: it refuses to run with DEBUG off, where codes come from the officials'
own authenticator apps. Exit status 2, with one line on standard error, when it refuses or
the user has no confirmed authenticator.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.desk.auth_services import confirmed_device, current_code
from motcua.org.models import User


class Command(BaseCommand):
    help = _("Print the current one-time code of a demo official (DEBUG only).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help=_("the official whose code to show"))

    def fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            self.fail(_("otp-code is for the demo: it does not run with DEBUG off."))
        user = User.objects.filter(username=options["username"], is_active=True).first()
        device = confirmed_device(user) if user is not None else None
        if device is None:
            self.fail(_("%(user)s has no confirmed authenticator.") % {"user": options["username"]})
        self.stdout.write(current_code(device))
