from django.apps import AppConfig


class DevSmsConfig(AppConfig):
    """A local SMS gateway that keeps the messages it is asked to send."""

    name = "motcua.devpeers.sms"
    label = "devsms"
    verbose_name = "Development SMS gateway"
