"""Driving the OpenID sign-in over real HTTP: a ``requests`` browser against live_server,
MotCua as the relying party and the development provider as the OpenID provider."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from django.contrib.sessions.backends.db import SessionStore

from motcua.devpeers.idp.demo import DEMO_PASSWORD, ensure_demo_idp

GIANG_ID = "008190001234"


def configure(settings: Any, live_server: Any) -> str:
    """Point MotCua and the dev provider at the live server; the issuer it must use."""
    settings.MOTCUA_PUBLIC_URL = live_server.url
    settings.MOTCUA_OIDC_ISSUER = ""  # derived: {MOTCUA_PUBLIC_URL}/dev/idp/o
    ensure_demo_idp()
    return f"{live_server.url}/dev/idp/o"


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@dataclass
class Browser:
    base: str
    http: requests.Session

    @classmethod
    def open(cls, base: str) -> Browser:
        return cls(base, requests.Session())

    def get(self, path_or_url: str, **kw: Any) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        return self.http.get(urljoin(self.base, path_or_url), timeout=20, **kw)

    def post(self, path_or_url: str, data: dict[str, str], **kw: Any) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        return self.http.post(urljoin(self.base, path_or_url), data=data, timeout=20, **kw)

    def session_store(self) -> SessionStore:
        return SessionStore(session_key=self.http.cookies.get("sessionid"))

    def start(self, next_url: str = "/") -> str:
        """Press "sign in" on MotCua: the provider's authorization URL it redirects to."""
        page = self.get(f"/dang-nhap/?next={next_url}")
        assert page.status_code == 200
        response = self.get(f"/dang-nhap/?go=1&next={next_url}")
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def provider_sign_in(self, authorize_url: str, personal_id: str = GIANG_ID) -> str:
        """Go to the provider, sign in there; the callback URL it sends the browser to."""
        to_login = self.get(authorize_url)
        assert to_login.status_code == 302, to_login.text
        assert "/dev/idp/login/" in to_login.headers["Location"]
        form = self.get(to_login.headers["Location"])
        assert form.status_code == 200
        back = self.post(
            to_login.headers["Location"],
            {
                "csrfmiddlewaretoken": csrf_token(form.text),
                "personal_id": personal_id,
                "password": DEMO_PASSWORD,
            },
        )
        assert back.status_code == 302, back.text
        to_callback = self.get(back.headers["Location"])
        assert to_callback.status_code == 302, to_callback.text
        callback = to_callback.headers["Location"]
        assert callback.startswith(f"{self.base}/oidc/callback/?"), callback
        return callback

    def sign_in(self, next_url: str = "/") -> requests.Response:
        callback = self.provider_sign_in(self.start(next_url))
        return self.get(callback)
