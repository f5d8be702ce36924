from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("motcua.api.urls")),
    # Addresses peers call or redirect to: fixed, never language-prefixed.
    path("oidc/", include("motcua.citizens.oidc_urls")),
    path("payments/gateway/", include("motcua.payments.gateway_urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("motcua.core.urls")),
    path("", include("motcua.catalog.urls")),
    path("desk/", include("motcua.desk.urls")),
    path("", include("motcua.citizens.urls")),
    path("pay/", include("motcua.payments.urls")),
    path("", include("motcua.portal.urls")),
    prefix_default_language=False,
)

if settings.MOTCUA_DEV_PEERS:
    urlpatterns += [
        # The dev OpenID provider's protocol endpoints (issuer <base>/dev/idp/o).
        path("dev/idp/o/", include("motcua.devpeers.idp.oauth_urls")),
        path("dev/idp/", include("motcua.devpeers.idp.urls")),
        path("dev/gateway/", include("motcua.devpeers.gateway.urls")),
        path("dev/sms/", include("motcua.devpeers.sms.urls")),
    ]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
