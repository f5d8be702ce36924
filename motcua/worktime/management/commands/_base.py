"""Shared behaviour of the working-time commands: language choice and one-line errors.

Messages are in Vietnamese unless ``--lang en`` is given (the project's LANGUAGE_CODE is
the default). Bad input prints exactly one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

LANGUAGES = ("vi", "en")
LANG_HELP = "Language of messages: vi (default) or en."


class InputError(Exception):
    """Bad input, with a message already in the user's language."""


def _peek_lang(argv: list[str]) -> str:
    # The language must be known before full parsing, to report parsing errors in it.
    peek = argparse.ArgumentParser(add_help=False)
    peek.add_argument("--lang")
    known, _rest = peek.parse_known_args(argv)
    return known.lang if known.lang in LANGUAGES else settings.LANGUAGE_CODE


class WorktimeCommand(BaseCommand):
    requires_system_checks: list[str] = []
    _lang: str = ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--lang", choices=LANGUAGES, help=LANG_HELP)

        def one_line_error(message: str) -> NoReturn:
            with translation.override(self._lang or settings.LANGUAGE_CODE):
                self.stderr.write(_("Invalid arguments: %(message)s") % {"message": message})
            sys.exit(2)

        parser.error = one_line_error  # type: ignore[method-assign]
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        self._lang = _peek_lang(argv[2:])
        super().run_from_argv(argv)

    def execute(self, *args: Any, **options: Any) -> str | None:
        with translation.override(options.get("lang") or settings.LANGUAGE_CODE):
            try:
                return super().execute(*args, **options)
            except InputError as exc:
                self.stderr.write(str(exc))
                sys.exit(2)
