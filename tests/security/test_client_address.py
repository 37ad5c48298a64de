"""The visitor's address, worked out once from the proxy settings and used by every limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from mysupportspace.client_address import address_from, client_address


@pytest.mark.parametrize(
    ("meta", "proxy_count", "expected"),
    [
        ({"REMOTE_ADDR": "203.0.113.5"}, 0, "203.0.113.5"),
        # Without a proxy, a forwarded header is the visitor's own words and is ignored.
        ({"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}, 0, "203.0.113.5"),
        # One proxy: the entry it appended, whatever the visitor wrote before it.
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}, 1, "198.51.100.7"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.7"}, 1, "198.51.100.7"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.7, 10.0.0.2"}, 2, "198.51.100.7"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": " 2001:db8::1 "}, 1, "2001:db8::1"),
        # A proxy that added nothing, or wrote nonsense: the connecting address.
        ({"REMOTE_ADDR": "127.0.0.1"}, 1, "127.0.0.1"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}, 2, "127.0.0.1"),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-address"}, 1, "127.0.0.1"),
        ({"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": ""}, 0, "unknown"),
    ],
)
def test_the_visitor_address_follows_the_proxy_settings(meta: dict[str, str], proxy_count: int, expected: str) -> None:
    assert address_from(meta, proxy_count=proxy_count) == expected


def test_it_reads_the_proxy_count_from_settings_at_request_time(settings: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    settings.PROXY_COUNT = 0
    assert client_address(request) == "127.0.0.1"
    settings.PROXY_COUNT = 1
    assert client_address(request) == "198.51.100.7"


@pytest.mark.django_db
def test_behind_a_proxy_the_out_of_hours_limit_is_per_visitor_not_one_bucket(settings: Any) -> None:
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(12):
        # One visitor, forging a different address in front each time: still one visitor.
        Client().post(
            "/get-support/out-of-hours/", {"name": "x"}, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.7", **proxy
        )
    refused = Client().post("/get-support/out-of-hours/", {}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    someone_else = Client().post("/get-support/out-of-hours/", {}, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    assert refused.status_code == 429
    assert someone_else.status_code == 200


def test_a_websocket_scope_gives_the_same_address(settings: Any) -> None:
    from mysupportspace.client_address import scope_address

    scope = {"client": ("127.0.0.1", 5000), "headers": [(b"x-forwarded-for", b"10.0.0.1, 198.51.100.7")]}
    settings.PROXY_COUNT = 1
    assert scope_address(scope) == "198.51.100.7"
    settings.PROXY_COUNT = 0
    assert scope_address(scope) == "127.0.0.1"
    assert scope_address({}) == "unknown"


@pytest.mark.django_db
def test_behind_a_proxy_the_sign_up_limit_is_per_visitor(settings: Any) -> None:
    settings.PROXY_COUNT = 1
    settings.SIGNUP_ACCOUNTS_PER_HOUR = 10

    def sign_up(forwarded_for: str, n: int) -> int:
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
        client.post("/account/start/", {"is_16_or_over": "yes"})
        response = client.post(
            "/account/signup/",
            {
                "email": f"p{n}@example.org",
                "password1": "a-long pass 9x",
                "password2": "a-long pass 9x",
                "role": "victim",
            },
        )
        return response.status_code

    statuses = [sign_up("198.51.100.7", n) for n in range(11)]
    assert statuses[-1] == 429
    assert sign_up("203.0.113.9", 99) == 302
