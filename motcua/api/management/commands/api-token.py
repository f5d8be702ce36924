"""`motcua api-token <username> [--name N] [--days D]`: issue a bearer token for the API.

The token is printed once on standard output (alone on its line, for scripts); only its
SHA-256 is stored. Exit status 2, with one line on standard error, when the user does not
exist or is inactive, or the arguments are wrong.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.api.services import api_token_issue
from motcua.org.models import User

DEFAULT_DAYS = 365
MAX_DAYS = 3650


class Command(BaseCommand):
    help = _("Issue a bearer token for the REST API; it is shown once and only its hash is kept.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help=_("the user the token signs in as"))
        parser.add_argument(
            "--name", default="", help=_("what the token is for, e.g. the client system")
        )
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=_("days until the token expires (default %(default)s)"),
        )

    def fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        days: int = options["days"]
        name: str = options["name"].strip() or _("command line")
        if not 1 <= days <= MAX_DAYS:
            self.fail(
                _("--days must be between 1 and %(max)d, not %(days)d.")
                % {"max": MAX_DAYS, "days": days}
            )
        if len(name) > 100:
            self.fail(_("--name may have at most 100 characters."))
        user = User.objects.filter(username=username).first()
        if user is None:
            self.fail(_("There is no user named “%(username)s”.") % {"username": username})
        if not user.is_active:
            self.fail(
                _("The account “%(username)s” is disabled; enable it before issuing a token.")
                % {"username": username}
            )
        token, plaintext = api_token_issue(user=user, name=name, days=days)
        assert token.expires_at is not None
        self.stdout.write(plaintext)
        self.stderr.write(
            _(
                "Token “%(name)s” for %(username)s, valid until %(expires)s. Keep it now: it "
                "cannot be shown again."
            )
            % {
                "name": name,
                "username": username,
                "expires": timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
