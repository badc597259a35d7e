"""Brute-force throttling on both login pages (django-axes): per account and per address, with a
Thai lock-out page, and the right password refused while locked (issue 18, item 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

LIMIT = settings.AXES_FAILURE_LIMIT


def login(url: str, username: str, password: str, ip: str = "10.0.0.1", **extra):
    client = Client(REMOTE_ADDR=ip, **extra)
    return client, client.post(url, {"username": username, "password": password})


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_account_locks_after_the_limit_even_for_the_right_password(world, url_name):
    url = reverse(url_name)
    for n in range(LIMIT):
        _, response = login(url, "supervisor", "ผิด-ผิด")
        assert response.status_code == (429 if n == LIMIT - 1 else 200)  # the limit-th failure locks
    client, response = login(url, "supervisor", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in html and f"เกิน {LIMIT} ครั้ง" in html
    assert "Account locked" not in html
    assert not is_logged_in(client)
    # Per account: another address is locked out of this account too.
    client, response = login(url, "supervisor", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429 and not is_logged_in(client)


def test_address_locks_after_the_limit_across_accounts(world):
    url = reverse("login")
    for n in range(LIMIT):
        login(url, f"guess{n}", "ผิด", ip="10.0.0.7")
    client, response = login(url, "staff_a", PASSWORD, ip="10.0.0.7")
    assert response.status_code == 429 and not is_logged_in(client)
    # The same account from another address still gets in: the lock was on the address.
    client, response = login(url, "staff_a", PASSWORD, ip="10.0.0.8")
    assert response.status_code == 302 and is_logged_in(client)


def test_forwarded_for_header_does_not_pick_a_fresh_address(world):
    """Without a trusted proxy, X-Forwarded-For is the client's own word and is ignored."""
    url = reverse("login")
    for n in range(LIMIT):
        login(url, f"guess{n}", "ผิด", ip="10.0.0.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    client, response = login(url, "staff_a", PASSWORD, ip="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429 and not is_logged_in(client)


def test_success_before_the_limit_resets_the_count(world):
    url = reverse("login")
    for _ in range(LIMIT - 1):
        login(url, "staff_a", "ผิด")
    client, response = login(url, "staff_a", PASSWORD)
    assert response.status_code == 302 and is_logged_in(client)
    for _ in range(LIMIT - 1):
        login(url, "staff_a", "ผิด")
    client, response = login(url, "staff_a", PASSWORD)
    assert is_logged_in(client)


@pytest.mark.parametrize("cooloff", [dt.timedelta(minutes=15), dt.timedelta(minutes=45)])
def test_lockout_page_states_the_configured_cooloff(world, settings, cooloff):
    """The wait the page asks for is the cool-off axes applies, not a number written in the text."""
    settings.AXES_COOLOFF_TIME = cooloff
    url = reverse("login")
    for _ in range(LIMIT):
        login(url, "supervisor", "ผิด-ผิด")
    _, response = login(url, "supervisor", PASSWORD)
    assert response.status_code == 429
    minutes = int(cooloff.total_seconds() // 60)
    assert f"กรุณารอ {minutes} นาที" in response.content.decode()
