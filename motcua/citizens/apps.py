from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    name = "motcua.citizens"
    label = "citizens"
    verbose_name = _("Citizens")

    def ready(self) -> None:
        # Registers the data-store subscribers of dossier events.
        from motcua.citizens import tasks  # noqa: F401
