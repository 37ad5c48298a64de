"""Behind a real nginx reverse proxy on loopback, every limit and sign-in record sees each visitor.

The test starts its own nginx (its own config, port and temp folder) in front of the test
server, and sends requests from different loopback addresses (127.0.0.2, 127.0.0.3), as two
people behind the proxy would. CI sets REQUIRE_NGINX=1 so these never silently skip.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accounts import guard
from accounts.models import SignInFailure
from tests.factories import PASSWORD, current_code

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HAS_NGINX = os.path.exists(NGINX)

pytestmark = [
    pytest.mark.nginx,
    pytest.mark.skipif(
        not HAS_NGINX and os.environ.get("REQUIRE_NGINX") != "1",
        reason="nginx is not installed (apt-get install nginx-light); these tests put it in front of the site",
    ),
]

CONFIG = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def behind_nginx(server_url: str, settings: Any, tmp_path: Path) -> Iterator[str]:
    if not HAS_NGINX:
        pytest.fail(f"REQUIRE_NGINX=1 but no nginx at {NGINX}")
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    port = _free_port()
    config = tmp_path / "nginx.conf"
    config.write_text(CONFIG.format(tmp=tmp_path, port=port, upstream=server_url))
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(
                    f"nginx did not start: {process.stderr.read().decode() if process.stderr else ''}"
                ) from None
            time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


class Visitor:
    """A browser-like client (cookies, CSRF) whose connections come from one loopback address."""

    def __init__(self, base: str, source: str) -> None:
        self.base = base
        source_address = (source, 0)

        class BoundConnection(http.client.HTTPConnection):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, source_address=source_address, **kwargs)

        class BoundHandler(urllib.request.HTTPHandler):
            def http_open(self, req: Any) -> Any:
                return self.do_open(BoundConnection, req)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            BoundHandler(), urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> Any:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path, **(headers or {})}
        )
        try:
            response = self.opener.open(req, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        response.text = response.read().decode()
        return response

    def post_form(self, path: str, fields: dict[str, str], headers: dict[str, str] | None = None) -> Any:
        page = self.request(path, headers=headers)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.request(path, {"csrfmiddlewaretoken": token, **fields}, headers=headers)

    def sign_in(self, email: str, password: str, code: str | None = None) -> Any:
        fields = {"sign_in_view-current_step": "auth", "auth-username": email, "auth-password": password}
        if code is not None:
            fields["auth-code"] = code
        return self.post_form("/account/sign-in/", fields)


def test_the_out_of_hours_limit_is_per_visitor_behind_nginx(behind_nginx: str) -> None:
    crowded = Visitor(behind_nginx, "127.0.0.2")
    statuses = [
        # A forged X-Forwarded-For changes nothing: nginx appends the real address after it.
        crowded.post_form("/get-support/out-of-hours/", {}, headers={"X-Forwarded-For": f"10.0.0.{n}"}).status
        for n in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert Visitor(behind_nginx, "127.0.0.3").post_form("/get-support/out-of-hours/", {}).status == 200


@pytest.mark.parametrize("person_address", ["127.0.0.2", "127.0.0.3"], ids=["same address", "other address"])
def test_wrong_passwords_behind_nginx_never_keep_the_person_out(
    behind_nginx: str, alice: Any, person_address: str
) -> None:
    abuser = Visitor(behind_nginx, "127.0.0.2")
    for n in range(6):
        abuser.sign_in("alice@example.org", f"guess {n}")
    failures = SignInFailure.objects.filter(account_key=guard.account_key("alice@example.org"))
    assert set(failures.values_list("address", flat=True)) == {"127.0.0.2"}

    person = Visitor(behind_nginx, person_address)
    asked = person.sign_in("alice@example.org", PASSWORD)
    assert "password and a code from your authenticator app together" in asked.text
    signed_in = person.sign_in("alice@example.org", PASSWORD, current_code(alice))
    assert signed_in.status == 302
    assert person.request("/account/").status == 200
