"""API tests through chalice.test.Client, with a privacy guard over every public answer and log line."""
from __future__ import annotations

import json
import threading
from urllib.parse import parse_qsl

import pytest

from tests.conftest import holding_engine, make_service, make_site

_ip_lock = threading.Lock()


class PrivacyGuard:
    """Remembers every email, IP and user agent the test sent; public answers and logs must hold none."""

    def __init__(self):
        self.secrets: set[str] = set()
        self.public: list[tuple[str, str]] = []

    def remember(self, *values: str) -> None:
        self.secrets.update(v for v in values if v and len(v) >= 6)

    def remember_email(self, value) -> None:
        """An email the test sent. A value with no @ is not an address (it is refused, 422), so finding
        it elsewhere is no leak: a property test may send the same number as email and as website."""
        if isinstance(value, str) and "@" in value:
            self.remember(value)

    def record_public(self, path: str, response, echoed: str = "") -> None:
        text = response.body.decode("utf-8", "replace") + "\n" + json.dumps(dict(response.headers))
        if echoed:
            # A failed form comes back to its own sender with the email re-filled in its input, and
            # nowhere else: that one place is not a leak. Any other appearance still fails.
            from html import escape

            text = text.replace(f'value="{escape(echoed, quote=True)}"', 'value=""')
        self.public.append((path, text))

    def leaks(self, text: str) -> list[str]:
        lowered = text.lower()
        return [s for s in self.secrets if s.lower() in lowered]


class Api:
    """A thin client that speaks JSON or forms, sets the caller's IP and feeds the privacy guard."""

    def __init__(self, client, guard: PrivacyGuard):
        self.client = client
        self.guard = guard

    def request(self, method, path, *, json_body=None, form=None, raw=None, headers=None, ip="203.0.113.10"):
        from chalice.local import LambdaEventConverter

        headers = dict(headers or {})
        body = b""
        echoed = ""
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers.setdefault("content-type", "application/json")
            if isinstance(json_body, dict):
                self.guard.remember_email(json_body.get("email"))
        elif form is not None:
            body = form.encode() if isinstance(form, str) else _encode(form)
            headers.setdefault("content-type", "application/x-www-form-urlencoded")
            for key, value in parse_qsl(body.decode("ascii", "replace")):
                if key == "email":
                    self.guard.remember_email(value)
                    echoed = value
        elif raw is not None:
            body = raw
        self.guard.remember(ip, headers.get("user-agent", ""))
        with _ip_lock:
            LambdaEventConverter.LOCAL_SOURCE_IP = ip
            response = self.client.http.request(method, path, headers=headers, body=body)
            LambdaEventConverter.LOCAL_SOURCE_IP = "127.0.0.1"
        if "/moderation/" not in path:
            self.guard.record_public(path, response, echoed if response.status_code >= 400 else "")
        return response

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


def _encode(form: dict) -> bytes:
    from urllib.parse import urlencode

    return urlencode(form).encode()


@pytest.fixture(autouse=True)
def guard(capsys):
    """Fails the test if a public answer, header or log line carries an email, IP or user agent used."""
    watch = PrivacyGuard()
    yield watch
    captured = capsys.readouterr()
    for path, text in watch.public:
        assert not watch.leaks(text), f"personal data in the public answer of {path}: {watch.leaks(text)}"
    logs = captured.out + captured.err
    assert not watch.leaks(logs), f"personal data in a log line: {watch.leaks(logs)}"


@pytest.fixture
def app_service(moto_store, keyring, clock, monkeypatch):
    """The Service the app uses in this test: moto storage, a site `blog`, the test clock and engine."""
    from chalicelib import wiring

    make_site(moto_store, origins=["https://blog.example", "http://localhost:4000"])
    service = make_service(moto_store, keyring, clock, engine=holding_engine)
    monkeypatch.setattr(wiring, "service", lambda: service)
    return service


@pytest.fixture
def api(app_service, guard):
    from chalice.test import Client

    import app as application

    with Client(application.app) as client:
        yield Api(client, guard)


@pytest.fixture
def moderator_token(app_service):
    token = "mod-token-" + "a" * 40
    app_service.store.put_token("blog", "ann", app_service.keyring.token_hash(token))
    return {"authorization": f"Bearer {token}"}
