"""The development provider's protocol endpoints, mounted at ``/dev/idp/o/`` so that the
issuer is ``<base>/dev/idp/o``.

django-oauth-toolkit reverses its own ``oauth2_provider:`` names (the discovery document
names its endpoints), so these patterns live in that top-level namespace. Only what an
OpenID relying party needs is published; the authorization view is ours (it sees the
provider's person, not MotCua's).
"""

from django.urls import path, re_path
from oauth2_provider import views as dot

from motcua.devpeers.idp.views import ProviderAuthorizationView

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", ProviderAuthorizationView.as_view(), name="authorize"),
    path("token/", dot.TokenView.as_view(), name="token"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        dot.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", dot.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", dot.UserInfoView.as_view(), name="user-info"),
]
