"""Audit F4: login attempts are limited per client address; the lock-out is per (account, address),
so one address cannot keep `admin` out; X-Forwarded-For counts only from trusted proxies."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone

from gongkai.accounts.addresses import client_ip
from gongkai.accounts.models import LoginFailure
from gongkai.audit.models import AuditEntry
from gongkai.conftest import PASSWORD, UserFactory, token_client

pytestmark = [pytest.mark.django_db, pytest.mark.security]

ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}
OFFICE = {"REMOTE_ADDR": "198.51.100.20"}


@pytest.fixture
def limits(settings: Any) -> Any:
    settings.GONGKAI_LOGIN_ADDRESS_FAILURES = 10
    settings.GONGKAI_TOKEN_ADDRESS_FAILURES = 10
    settings.GONGKAI_LOGIN_ADDRESS_WINDOW_MINUTES = 10
    settings.GONGKAI_LOCKOUT_FAILURES = 5
    return settings


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _login(client: Client, username: str, password: str, meta: dict[str, str]) -> Any:
    return client.post("/admin/login/", {"username": username, "password": password}, **meta)


def test_spraying_unknown_usernames_from_one_address_is_refused(
    limits: Any, frozen: Any, monkeypatch: Any
) -> None:
    client = Client()
    codes = [_login(client, f"nobody{i}", "guess", ATTACKER).status_code for i in range(30)]
    assert codes == [200] * 10 + [429] * 20

    def no_password_check(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("authenticate called for a throttled address")

    with monkeypatch.context() as m:
        m.setattr("django.contrib.auth.forms.authenticate", no_password_check)
        refused = _login(client, "nobody99", "guess", ATTACKER)
    assert refused.status_code == 429 and "登录尝试过于频繁" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 600
    # the refused 20 never reached the password check: no failure rows, no audit entries
    assert LoginFailure.objects.count() == 10
    assert AuditEntry.objects.filter(action="login.failure").count() == 10
    throttled = AuditEntry.objects.filter(action="login.throttled")
    assert [(e.object_id, e.ip) for e in throttled] == [("203.0.113.7", "203.0.113.7")]  # once
    # another address is not affected
    UserFactory(username="zhang")
    assert _login(Client(), "zhang", PASSWORD, OFFICE).status_code == 302
    # five minutes on, still refused; once the ten failures have left the window, ten more
    frozen.shift(dt.timedelta(minutes=5))
    assert _login(client, "nobody31", "guess", ATTACKER).status_code == 429
    frozen.shift(dt.timedelta(minutes=5, seconds=1))
    codes = [_login(client, f"later{i}", "guess", ATTACKER).status_code for i in range(11)]
    assert codes == [200] * 10 + [429]


def test_retry_after_counts_down_to_the_oldest_failure(limits: Any, frozen: Any) -> None:
    client = Client()
    for i in range(10):
        _login(client, f"u{i}", "x", ATTACKER)
        frozen.shift(dt.timedelta(seconds=30))
    # the first failure was 300 s ago, so it leaves the 600 s window in 300 s
    assert _login(client, "u", "x", ATTACKER)["Retry-After"] == "300"


def test_the_admin_stays_usable_from_another_address_while_one_hammers_it(
    limits: Any, frozen: Any
) -> None:
    UserFactory(username="admin", is_superuser=True)
    hammer = Client()
    codes = [_login(hammer, "admin", "wrong", ATTACKER).status_code for _ in range(12)]
    assert codes == [200] * 10 + [429] * 2
    # locked for the hammering address only, even with the right password
    locked = _login(hammer, "admin", PASSWORD, ATTACKER)
    assert locked.status_code == 429 and "_auth_user_id" not in hammer.session
    owner = Client()
    response = _login(owner, "admin", PASSWORD, OFFICE)
    assert response.status_code == 302 and "_auth_user_id" in owner.session
    # the owner's success does not unlock the hammering address
    assert LoginFailure.objects.filter(username="admin", ip="203.0.113.7").count() == 10
    assert AuditEntry.objects.filter(action="login.locked", ip="203.0.113.7").count() == 5


def test_the_account_lock_is_per_address(limits: Any, frozen: Any) -> None:
    limits.GONGKAI_LOGIN_ADDRESS_FAILURES = 50  # only the account lock-out in play
    UserFactory(username="li")
    client = Client()
    for _ in range(5):
        _login(client, "li", "wrong", ATTACKER)
    assert _login(client, "li", PASSWORD, ATTACKER).status_code == 200  # locked here
    assert AuditEntry.objects.filter(action="login.locked").count() == 1
    assert _login(Client(), "li", PASSWORD, OFFICE).status_code == 302  # not there


def test_bad_api_tokens_are_limited_per_address(limits: Any, frozen: Any) -> None:
    user = UserFactory()
    _, good = token_client(user)
    client = Client()
    bad = {"HTTP_AUTHORIZATION": "Bearer gk_00000000_guess", **ATTACKER}
    codes = [client.get("/api/v1/staff/applications", **bad).status_code for _ in range(12)]
    assert codes == [401] * 10 + [429] * 2
    refused = client.get("/api/v1/staff/applications", **{**good, **ATTACKER})
    assert refused.status_code == 429 and refused["Retry-After"] == "600"
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "过于频繁" in refused.json()["error"]["message"]
    ok = client.get("/api/v1/staff/applications", **{**good, **OFFICE})
    assert ok.status_code == 200


def test_public_form_throttles_send_retry_after(settings: Any) -> None:
    settings.GONGKAI_APPLICATION_LOOKUP_LIMIT = 1
    client = Client()
    body = {"tracking_no": "x", "code": "y"}
    client.post("/api/v1/applications/progress", body, content_type="application/json")
    r = client.post("/api/v1/applications/progress", body, content_type="application/json")
    assert r.status_code == 429 and r["Retry-After"] == "600"


def _ip(meta: dict[str, str]) -> str:
    return client_ip(RequestFactory().get("/", **meta))


def test_forwarded_for_counts_only_from_a_trusted_proxy(settings: Any) -> None:
    spoof = {"HTTP_X_FORWARDED_FOR": "10.9.9.9"}
    assert _ip({"REMOTE_ADDR": "203.0.113.7", **spoof}) == "203.0.113.7"  # no proxies set
    settings.GONGKAI_TRUSTED_PROXIES = ["10.0.0.0/24", "::1"]
    # from an untrusted address the header is the client's own claim: ignored
    assert _ip({"REMOTE_ADDR": "203.0.113.7", **spoof}) == "203.0.113.7"
    # through the proxy: the right-most hop that no trusted proxy added
    chain = {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.20, 10.0.0.3"}
    assert _ip({"REMOTE_ADDR": "10.0.0.5", **chain}) == "198.51.100.20"
    assert _ip({"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "198.51.100.20"}) == "198.51.100.20"
    # garbage left of the proxy's own hop: the last address a proxy vouched for
    junk = {"HTTP_X_FORWARDED_FOR": "not-an-ip, 10.0.0.3"}
    assert _ip({"REMOTE_ADDR": "10.0.0.5", **junk}) == "10.0.0.3"
    assert _ip({"REMOTE_ADDR": "10.0.0.5"}) == "10.0.0.5"  # proxy without the header
    assert _ip({"REMOTE_ADDR": "::ffff:203.0.113.7"}) == "::ffff:203.0.113.7"


def test_spoofed_forwarded_for_does_not_escape_the_login_limit(limits: Any, frozen: Any) -> None:
    limits.GONGKAI_TRUSTED_PROXIES = ["10.0.0.1"]
    client = Client()
    codes = [
        _login(client, "x", "y", {**ATTACKER, "HTTP_X_FORWARDED_FOR": f"192.0.2.{i}"}).status_code
        for i in range(11)
    ]
    assert codes[-1] == 429  # one counter for 203.0.113.7, whatever it claims
    # behind the trusted proxy, clients are told apart by the header the proxy appended
    via = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}
    assert _login(client, "x", "y", via).status_code == 200
    assert LoginFailure.objects.filter(ip="192.0.2.1").count() == 1
