from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared plumbing: text normalisation, the home page, the demo command."""

    name = "motcua.core"
    label = "core"
    verbose_name = _("Core")
