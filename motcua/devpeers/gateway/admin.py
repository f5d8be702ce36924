from django.contrib import admin

from motcua.devpeers.gateway.models import GatewayTransaction, Merchant

admin.site.register(Merchant)
admin.site.register(GatewayTransaction)
