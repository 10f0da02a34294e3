"""Behind a TLS proxy: the app as ``backcare serve`` runs it (waitress, on a free port, in a
thread), reached as the proxy reaches it, and as a client that bypasses the proxy would."""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application
from django.db import connections
from waitress.server import create_server

from backcare import setup_token
from backcare.records import accounts
from backcare.records.models import Clinic, User
from backcare.web.proxy import behind_proxy
from tests.web.conftest import PASSWORD

HOST = "clinic.example"
FROM_PROXY = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


class Served:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, headers: dict[str, str], body: str = ""
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        sent = dict(headers)
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        for line in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(line)
            self.cookies.update({k: m.value for k, m in cookie.items()})
        result = (response.status, dict(response.headers.items()), response.read().decode())
        connection.close()
        return result

    def csrf(self, path: str, headers: dict[str, str]) -> str:
        _, _, html = self.request("GET", path, headers)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert found, html
        return found.group(1)


def serve(trusted_proxy: str | None) -> Iterator[Served]:
    """The app served in threads; each request closes its database connection at the end, so
    none is left open in a server thread (PostgreSQL would not drop the test database)."""
    database = connections.settings["default"]
    kept, database["CONN_MAX_AGE"] = database["CONN_MAX_AGE"], 0
    server = create_server(
        behind_proxy(get_wsgi_application(), trusted_proxy=trusted_proxy),
        host="127.0.0.1",
        port=0,
        threads=2,
        clear_untrusted_proxy_headers=False,
    )
    stop = threading.Event()

    def run() -> None:  # waitress's loop, a tenth of a second at a time, until told to stop
        while not stop.is_set():
            server.asyncore.loop(timeout=0.1, map=server._map, count=1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield Served(server.effective_port)
    stop.set()
    thread.join(timeout=5)
    server.task_dispatcher.shutdown()
    for channel in list(server._map.values()):  # the listener, its trigger, open connections
        channel.close()
    database["CONN_MAX_AGE"] = kept


@pytest.fixture
def behind_tls_proxy(transactional_db: Any, settings: Any, monkeypatch: Any) -> Iterator[Served]:
    settings.ALLOWED_HOSTS = [HOST]
    monkeypatch.setenv("BACKCARE_TRUSTED_PROXY", "127.0.0.1")
    yield from serve("127.0.0.1")


@pytest.fixture
def behind_another_proxy(transactional_db: Any, settings: Any) -> Iterator[Served]:
    """The app trusts a proxy at 192.0.2.1; these requests come from 127.0.0.1 instead."""
    settings.ALLOWED_HOSTS = [HOST]
    yield from serve("192.0.2.1")


def log_in(served: Served) -> int:
    token = served.csrf("/login/", FROM_PROXY)
    status, _, _ = served.request(
        "POST",
        "/login/",
        {**FROM_PROXY, "Origin": f"https://{HOST}", "Referer": f"https://{HOST}/login/"},
        f"csrfmiddlewaretoken={token}&username=anna&password={PASSWORD}",
    )
    return status


def test_a_login_through_the_tls_proxy_passes_the_origin_check_with_secure_cookies(
    behind_tls_proxy,
):
    accounts.create_user(clinic=Clinic.objects.create(name="A"), username="anna", password=PASSWORD)
    status, headers, _ = behind_tls_proxy.request("GET", "/login/", FROM_PROXY)
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in headers["Set-Cookie"]
    assert log_in(behind_tls_proxy) == 302
    status, _, html = behind_tls_proxy.request("GET", "/", FROM_PROXY)
    assert status == 200
    assert "Log out anna" in html


def test_forwarded_https_from_an_address_that_is_not_the_proxy_is_ignored(behind_another_proxy):
    accounts.create_user(clinic=Clinic.objects.create(name="A"), username="anna", password=PASSWORD)
    status, headers, _ = behind_another_proxy.request("GET", "/login/", FROM_PROXY)
    assert status == 200
    assert "Strict-Transport-Security" not in headers
    assert log_in(behind_another_proxy) == 403  # an https Origin on a plain HTTP request


def test_the_login_lockout_counts_the_forwarded_client_not_the_proxy(behind_tls_proxy):
    from axes.models import AccessAttempt

    accounts.create_user(clinic=Clinic.objects.create(name="A"), username="anna", password=PASSWORD)
    token = behind_tls_proxy.csrf("/login/", FROM_PROXY)
    behind_tls_proxy.request(
        "POST",
        "/login/",
        {**FROM_PROXY, "Origin": f"https://{HOST}"},
        f"csrfmiddlewaretoken={token}&username=anna&password=wrong",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_setup_through_the_proxy_needs_the_one_time_token(behind_tls_proxy):
    local = {**FROM_PROXY, "X-Forwarded-For": "127.0.0.1"}  # even a client on this machine
    assert behind_tls_proxy.request("GET", "/setup/", local)[0] == 403
    token = setup_token.issue()
    assert behind_tls_proxy.request("GET", "/setup/?token=wrong", FROM_PROXY)[0] == 403
    csrf = behind_tls_proxy.csrf(f"/setup/?token={token}", FROM_PROXY)
    status, _, _ = behind_tls_proxy.request(
        "POST",
        "/setup/",
        {**FROM_PROXY, "Origin": f"https://{HOST}"},
        f"csrfmiddlewaretoken={csrf}&token={token}&clinic=Clinic+A&username=alice"
        f"&password={PASSWORD}&password_again={PASSWORD}",
    )
    assert status == 302
    assert User.objects.get().username == "alice"
    assert not setup_token.matches(token), "the token works once"


def test_setup_is_refused_when_an_unnamed_proxy_on_this_machine_forwards(
    transactional_db, settings
):
    settings.ALLOWED_HOSTS = [HOST]
    for served in serve(None):
        forwarded = {"Host": HOST, "X-Forwarded-For": "198.51.100.7"}
        assert served.request("GET", "/setup/", forwarded)[0] == 403
        assert served.request("GET", "/setup/", {"Host": HOST})[0] == 200
