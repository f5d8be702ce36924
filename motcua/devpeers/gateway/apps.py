from django.apps import AppConfig


class DevGatewayConfig(AppConfig):
    """A local VNPAY-style payment gateway: pay page, return redirect, server-to-server IPN."""

    name = "motcua.devpeers.gateway"
    label = "devgateway"
    verbose_name = "Development payment gateway"
