"""Login throttling that cannot be turned against the showroom, office sessions that end, tokens that stay dead.

The faults of the "Hardening" issue, each as an attacker found it black-box:

- throttling counted failures per username *or* address, so five wrong passwords from the showroom's one NAT
  address locked every account, and anyone could keep `admin` locked; it now counts per (username, address)
  pair, with a far higher per-address ceiling, and a browser or tablet that signed in before (its signed
  device cookie) is judged only by its own failures;
- `X-Forwarded-For` is trusted only when `PROXY_COUNT` says how many proxies stand in front;
- an office cookie copied before sign-out worked after it (sessions now live in `office_session`);
- reactivating a user brought their old tablet tokens back to life (deactivation now revokes them).

Database reads and writes happen in their own short app contexts (`database()`), never around a request.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from server import create_app
from server.config import Config
from server.extensions import db
from server.models import LoginAttempt, OfficeSession, User, utcnow
from server.models.base import as_utc
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_store, make_user

pytestmark = pytest.mark.usefixtures("cheap_hashing")  # about throttling and sessions, not the hash's cost

DEVICE_COOKIE = "showroom_device"
NAT = "10.0.0.1"  # the showroom's one public address: every tablet and office PC behind it
ATTACKER = "198.51.100.7"
WRONG = "wrong-horse-9"


@pytest.fixture
def staff(database) -> dict[str, int]:
    """A store's people by username: zhangwei (manager), wangfang (receptionist), admin, liming (consultant)."""
    with database() as session:
        store = make_store("SH01", "上海闵行店")
        people = {
            "zhangwei": make_user(store, "manager", username="zhangwei", display_name="张伟"),
            "wangfang": make_user(store, "receptionist", username="wangfang", display_name="王芳"),
            "admin": make_user(store, "admin", username="admin", display_name="周强"),
            "liming": make_user(store, "consultant", username="liming", display_name="李明"),
        }
        ids = {name: user.id for name, user in people.items()}
        session.commit()
        return ids


def office_login(client, username: str, password: str = PASSWORD, addr: str = NAT, headers: dict | None = None):
    """The office sign-in form posted from `addr`; returns the response."""
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": addr},
        headers=headers or {},
    )


def api_login(client, username: str, password: str = PASSWORD, addr: str = NAT, headers: dict | None = None):
    """The tablet's `POST /api/auth/token` from `addr`; returns the response."""
    return client.post(
        "/api/auth/token",
        json={"username": username, "password": password, "device_label": "iPad"},
        environ_base={"REMOTE_ADDR": addr},
        headers=headers or {},
    )


def fail(client, username: str, times: int, addr: str = NAT, via=office_login) -> None:
    """`times` wrong passwords for `username` from `addr`, each refused as wrong (not yet throttled)."""
    for _ in range(times):
        assert via(client, username, WRONG, addr).status_code == 401


def signed_in(client) -> bool:
    """True when the office home answers (not a redirect to the sign-in page)."""
    return client.get("/office/").status_code == 200


def logout(client) -> None:
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/office/")})
    assert response.status_code == 303


def known_device(app, username: str, addr: str = NAT):
    """A browser on which `username` signed in once and signed out again: it holds a device cookie."""
    browser = app.test_client()
    assert office_login(browser, username, addr=addr).status_code == 303
    assert browser.get_cookie(DEVICE_COOKIE) is not None
    logout(browser)
    return browser


def add_failures(database, count: int, addr: str, username: str | None = None) -> None:
    """`count` failed attempts logged from `addr` (for distinct made-up usernames unless one is given)."""
    with database() as session:
        session.add_all(
            LoginAttempt(username=username or f"guess{n}", remote_addr=addr, success=False) for n in range(count)
        )
        session.commit()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# --- the (username, address) pair -----------------------------------------------------------------------


def test_failures_for_one_user_do_not_lock_another_user_behind_the_same_address(app, client, staff):
    """Five wrong passwords for 张伟 from the showroom's NAT address lock 张伟 there, not 王芳 at the next desk."""
    fail(client, "zhangwei", 5)
    assert office_login(app.test_client(), "wangfang").status_code == 303
    assert office_login(app.test_client(), "zhangwei").status_code == 429


def test_admin_locked_from_an_attackers_address_still_signs_in_from_another(app, client, staff):
    """An attacker hammering `admin` locks only their own (admin, address) pair: the real admin signs in."""
    fail(client, "admin", 5, addr=ATTACKER)
    assert office_login(client, "admin", addr=ATTACKER).status_code == 429  # the attacker stays locked
    assert office_login(app.test_client(), "admin", addr=NAT).status_code == 303
    assert api_login(app.test_client(), "admin", addr=NAT).status_code == 200


def test_the_address_ceiling_locks_every_username_from_that_address(app, database, staff):
    """Guessing across many usernames from one address stops at LOGIN_ADDRESS_CEILING failures per window
    (far above a showroom's own mistakes); other addresses are not affected."""
    ceiling = app.config["LOGIN_ADDRESS_CEILING"]
    assert ceiling == 100
    add_failures(database, ceiling - 1, ATTACKER)
    assert office_login(app.test_client(), "wangfang", addr=ATTACKER).status_code == 303
    add_failures(database, 1, ATTACKER)
    assert office_login(app.test_client(), "zhangwei", addr=ATTACKER).status_code == 429
    assert api_login(app.test_client(), "liming", addr=ATTACKER).status_code == 429
    assert office_login(app.test_client(), "zhangwei", addr=NAT).status_code == 303


# --- known devices --------------------------------------------------------------------------------------


def test_a_known_device_signs_in_while_its_pair_is_locked(app, staff):
    """张伟's own PC (it signed in before) is not locked out by someone else guessing from the same NAT address;
    a browser without the device cookie is."""
    mine = known_device(app, "zhangwei")
    fail(app.test_client(), "zhangwei", 5)
    assert office_login(app.test_client(), "zhangwei").status_code == 429
    assert office_login(mine, "zhangwei").status_code == 303
    assert signed_in(mine)


def test_a_known_device_signs_in_past_the_address_ceiling(app, database, staff):
    """Even with the showroom's address over its ceiling, a device that signed in before still gets in."""
    mine = known_device(app, "wangfang")
    add_failures(database, app.config["LOGIN_ADDRESS_CEILING"], NAT)
    assert office_login(app.test_client(), "wangfang").status_code == 429
    assert office_login(mine, "wangfang").status_code == 303


def test_the_device_cookie_counts_only_for_its_own_username(app, staff):
    """王芳's device cookie does not make the PC a known device for 张伟: his locked pair still applies there."""
    desk = known_device(app, "wangfang")
    fail(app.test_client(), "zhangwei", 5)
    assert office_login(desk, "zhangwei").status_code == 429
    assert office_login(desk, "wangfang").status_code == 303


def test_a_device_shared_by_two_people_is_known_for_both(app, staff):
    """The reception PC where 王芳 and 张伟 both signed in is a known device for each of them."""
    desk = known_device(app, "wangfang")
    assert office_login(desk, "zhangwei").status_code == 303
    logout(desk)
    fail(app.test_client(), "wangfang", 5)
    fail(app.test_client(), "zhangwei", 5)
    assert office_login(desk, "wangfang").status_code == 303
    logout(desk)
    assert office_login(desk, "zhangwei").status_code == 303


def test_a_known_device_has_its_own_limit(app, database, staff):
    """Five wrong passwords made with the device cookie lock that device for that user (even from another address);
    a fresh browser at another address still signs in. Each attempt records the device."""
    mine = known_device(app, "zhangwei")
    fail(mine, "zhangwei", 5)
    assert office_login(mine, "zhangwei").status_code == 429
    assert office_login(mine, "zhangwei", addr="10.0.0.2").status_code == 429
    assert office_login(app.test_client(), "zhangwei", addr="10.0.0.2").status_code == 303
    with database() as session:
        attempts = session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
        first_device = attempts[0].device_id
        assert first_device and attempts[0].success
        assert [a.device_id for a in attempts[1:6]] == [first_device] * 5
        assert attempts[-1].device_id not in (None, first_device)  # the fresh browser got a device of its own


def test_a_forged_or_tampered_device_cookie_is_ignored(app, staff):
    """A device cookie not signed with the app's key counts for nothing: the locked pair applies."""
    mine = known_device(app, "zhangwei")
    value = mine.get_cookie(DEVICE_COOKIE).value
    fail(app.test_client(), "zhangwei", 5)
    forged = app.test_client()
    forged.set_cookie(DEVICE_COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert office_login(forged, "zhangwei").status_code == 429


def test_the_device_cookie_is_httponly_samesite_lax_and_long_lived(app, staff):
    """Set at sign-in on the office and on the tablet's token endpoint, unreadable by scripts, not sent cross-site."""
    for response in (office_login(app.test_client(), "zhangwei"), api_login(app.test_client(), "liming")):
        cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{DEVICE_COOKIE}=")]
        assert len(cookies) == 1, response.headers
        attributes = {part.strip().lower().partition("=")[0]: part.strip().lower() for part in cookies[0].split(";")}
        assert "httponly" in attributes
        assert attributes["samesite"] == "samesite=lax"
        assert attributes["path"] == "path=/"
        assert int(attributes["max-age"].partition("=")[2]) >= 300 * 86400


def test_a_wrong_password_sets_no_device_cookie(app, client, staff):
    """Only a successful sign-in makes a device known."""
    for response in (office_login(client, "zhangwei", WRONG), api_login(client, "liming", WRONG)):
        assert not [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{DEVICE_COOKIE}=")]


# --- the tablet's token endpoint ------------------------------------------------------------------------


def test_the_token_endpoint_throttles_by_pair_and_honours_known_devices(app, client, staff):
    """POST /api/auth/token: five failures lock (liming, NAT) — not another user there, not liming elsewhere —
    and the tablet that signed in before still gets its token."""
    tablet = app.test_client()
    assert api_login(tablet, "liming").status_code == 200
    assert tablet.get_cookie(DEVICE_COOKIE) is not None
    fail(client, "liming", 5, via=api_login)
    locked = api_login(client, "liming")
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == str(app.config["LOGIN_WINDOW_MINUTES"] * 60)
    assert api_login(client, "zhangwei").status_code == 200
    assert api_login(app.test_client(), "liming", addr="10.0.0.2").status_code == 200
    assert api_login(tablet, "liming").status_code == 200


def test_the_token_endpoint_locks_a_known_tablet_after_its_own_failures(app, staff):
    """A stolen tablet's device cookie buys no more guesses than LOGIN_MAX_FAILURES."""
    tablet = app.test_client()
    assert api_login(tablet, "liming").status_code == 200
    fail(tablet, "liming", 5, via=api_login)
    assert api_login(tablet, "liming").status_code == 429


# --- proxies --------------------------------------------------------------------------------------------


def test_x_forwarded_for_is_ignored_without_proxy_count(app, client, database, staff):
    """With PROXY_COUNT 0 (the default) a forged X-Forwarded-For changes nothing: the pair stays locked and
    every attempt is logged with the connecting address."""
    assert app.config["PROXY_COUNT"] == 0
    for n in range(5):
        response = office_login(client, "zhangwei", WRONG, headers={"X-Forwarded-For": f"203.0.113.{n}"})
        assert response.status_code == 401
    assert office_login(client, "zhangwei", headers={"X-Forwarded-For": "203.0.113.99"}).status_code == 429
    assert api_login(client, "zhangwei", headers={"X-Forwarded-For": "203.0.113.98"}).status_code == 429
    with database() as session:
        assert set(session.scalars(select(LoginAttempt.remote_addr))) == {NAT}


@pytest.fixture
def proxied(app, tmp_path):
    """The same app and database behind one reverse proxy (PROXY_COUNT=1)."""

    class ProxiedConfig(Config):
        TESTING = True
        SECRET_KEY = app.config["SECRET_KEY"]
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        STORAGE_DIR = str(tmp_path / "storage")
        JOBS_MODE = "manual"
        JOBS_DB = str(tmp_path / "jobs.db")
        PROXY_COUNT = 1

    other = create_app(ProxiedConfig)
    yield other
    with other.app_context():
        db.engine.dispose()


def test_x_forwarded_for_is_honoured_with_proxy_count(proxied, database, staff):
    """Behind a proxy (PROXY_COUNT=1) the client's address comes from X-Forwarded-For: people behind the same
    proxy are told apart, and the proxy's own address locks nobody."""
    proxy = "10.0.0.254"
    attacker = proxied.test_client()
    for _ in range(5):
        response = office_login(attacker, "zhangwei", WRONG, addr=proxy, headers={"X-Forwarded-For": ATTACKER})
        assert response.status_code == 401
    assert office_login(attacker, "zhangwei", addr=proxy, headers={"X-Forwarded-For": ATTACKER}).status_code == 429
    real = proxied.test_client()
    assert office_login(real, "zhangwei", addr=proxy, headers={"X-Forwarded-For": NAT}).status_code == 303
    # a forged first hop is not believed: only the one the proxy appended counts
    forged = proxied.test_client()
    headers = {"X-Forwarded-For": f"{NAT}, {ATTACKER}"}
    assert office_login(forged, "zhangwei", addr=proxy, headers=headers).status_code == 429
    with database() as session:
        assert set(session.scalars(select(LoginAttempt.remote_addr))) == {ATTACKER, NAT}


# --- office sessions ------------------------------------------------------------------------------------


def copy_session(app, client):
    """A second browser holding a copy of `client`'s session cookie (what a thief would replay)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_an_office_cookie_copied_before_logout_is_refused_after_it(app, client, staff):
    """Sign-out ends the session on the server: the same cookie replayed afterwards is signed out."""
    assert office_login(client, "zhangwei").status_code == 303
    thief = copy_session(app, client)
    assert signed_in(thief)
    logout(client)
    assert not signed_in(client)
    response = thief.get("/office/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    htmx = thief.get("/office/customers", headers={"HX-Request": "true"})
    assert htmx.status_code == 401


def test_logout_ends_only_that_session(app, staff):
    """Signing out on one PC leaves the same person's session on another PC open."""
    first, second = app.test_client(), app.test_client()
    assert office_login(first, "zhangwei").status_code == 303
    assert office_login(second, "zhangwei").status_code == 303
    logout(first)
    assert not signed_in(first)
    assert signed_in(second)


def test_a_session_cookie_without_a_live_server_side_session_is_refused(app, client, database, staff):
    """A signed cookie carrying only Flask-Login's keys (as made before this release, or by anyone who learnt the
    secret key) is no sign-in, and neither is one whose `office_session` row is gone."""
    assert office_login(client, "zhangwei").status_code == 303
    with client.session_transaction() as session:
        for key in [k for k in session if k not in ("_user_id", "_fresh", "_id", "csrf_token")]:
            del session[key]
    assert not signed_in(client)

    other = app.test_client()
    assert office_login(other, "zhangwei").status_code == 303
    with database() as session:
        session.execute(delete(OfficeSession))
        session.commit()
    assert not signed_in(other)


def test_last_seen_moves_every_few_minutes_not_on_every_click(app, client, database, staff):
    """`office_session.last_seen_at` is written when it is older than a few minutes, not on each request."""
    assert office_login(client, "zhangwei").status_code == 303
    with database() as session:
        session.execute(update(OfficeSession).values(last_seen_at=utcnow() - timedelta(hours=1)))
        session.commit()
    assert signed_in(client)
    with database() as session:
        seen = as_utc(session.scalar(select(OfficeSession.last_seen_at)))
    assert utcnow() - seen < timedelta(minutes=1)
    assert signed_in(client)
    with database() as session:
        assert as_utc(session.scalar(select(OfficeSession.last_seen_at))) == seen


def admin_saves(client, user_id: int, active: bool):
    """The admin's inline user edit (as htmx posts it), switching the account on or off."""
    data = {"display_name": "张伟", "role": "manager", "language": "zh_CN"}
    if active:
        data["active"] = "true"
    headers = {"HX-Request": "true", "X-CSRFToken": csrf_token(client, "/office/users")}
    response = client.post(f"/office/users/{user_id}", data=data, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_deactivating_ends_every_office_session_for_good(app, database, staff):
    """Deactivation signs the person out everywhere, and reactivation does not bring an old cookie back."""
    admin = app.test_client()
    assert office_login(admin, "admin").status_code == 303
    pc = app.test_client()
    assert office_login(pc, "zhangwei").status_code == 303
    copied = copy_session(app, pc)
    admin_saves(admin, staff["zhangwei"], active=False)
    assert not signed_in(pc)
    admin_saves(admin, staff["zhangwei"], active=True)
    assert not signed_in(pc)
    assert not signed_in(copied)
    assert office_login(pc, "zhangwei").status_code == 303  # a new sign-in works again
    assert signed_in(pc)
    assert signed_in(admin)  # the admin's own session is untouched


def test_reactivation_does_not_revive_old_tablet_tokens(app, client, database, staff):
    """A token issued before deactivation answers 401 after reactivation; a new sign-in gets a working one."""
    old = api_login(client, "zhangwei").get_json()["token"]
    assert client.get("/api/me", headers=bearer(old)).status_code == 200
    admin = app.test_client()
    assert office_login(admin, "admin").status_code == 303
    admin_saves(admin, staff["zhangwei"], active=False)
    admin_saves(admin, staff["zhangwei"], active=True)
    assert client.get("/api/me", headers=bearer(old)).status_code == 401
    fresh = api_login(client, "zhangwei").get_json()["token"]
    assert client.get("/api/me", headers=bearer(fresh)).status_code == 200


def test_reactivation_through_the_database_alone_does_not_revive_tokens_revoked_by_the_admin(
    app, client, database, staff
):
    """The revocation is recorded on the token (`revoked_at`), not inferred from the user's flag."""
    old = api_login(client, "zhangwei").get_json()["token"]
    admin = app.test_client()
    assert office_login(admin, "admin").status_code == 303
    admin_saves(admin, staff["zhangwei"], active=False)
    with database() as session:
        session.execute(update(User).where(User.id == staff["zhangwei"]).values(active=True))
        session.commit()
    assert client.get("/api/me", headers=bearer(old)).status_code == 401


def test_the_cli_revokes_tokens_through_the_model(app, client, staff, database):
    """`flask revoke-tokens` still revokes every token of the user (now `User.revoke_tokens`)."""
    token = api_login(client, "liming").get_json()["token"]
    result = app.test_cli_runner().invoke(args=["revoke-tokens", "liming"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/me", headers=bearer(token)).status_code == 401
    with database() as session:
        user = session.get(User, staff["liming"])
        assert user.revoke_tokens() == 0  # nothing left to revoke


def admin_sets_password(client, user_id: int, password: str):
    token = csrf_token(client, "/office/users")
    form = {"display_name": "张伟", "role": "consultant", "language": "zh_CN", "active": "true"}
    return client.post(
        f"/office/users/{user_id}",
        data={**form, "new_password": password, "csrf_token": token},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )


def test_a_password_reset_by_the_admin_signs_the_person_out_everywhere(app, client, staff):
    """Password change invalidates office sessions (a copied cookie too) and tablet tokens; the new one works."""
    old_token = api_login(client, "zhangwei").get_json()["token"]
    pc = app.test_client()
    assert office_login(pc, "zhangwei").status_code == 303
    copied = copy_session(app, pc)
    admin = app.test_client()
    assert office_login(admin, "admin").status_code == 303
    assert admin_sets_password(admin, staff["zhangwei"], "new-secret-42").status_code == 200
    assert not signed_in(pc) and not signed_in(copied)
    assert client.get("/api/me", headers=bearer(old_token)).status_code == 401
    assert office_login(app.test_client(), "zhangwei").status_code != 303  # the old password is gone
    assert office_login(pc, "zhangwei", password="new-secret-42").status_code == 303
    assert signed_in(admin)


@pytest.mark.parametrize("password", ["short", "x" * 129])
def test_a_password_reset_out_of_bounds_is_a_field_error_and_changes_nothing(app, client, staff, password):
    """Garbage in the new-password field: a field error, the old password and sessions untouched."""
    pc = app.test_client()
    assert office_login(pc, "zhangwei").status_code == 303
    admin = app.test_client()
    assert office_login(admin, "admin").status_code == 303
    response = admin_sets_password(admin, staff["zhangwei"], password)
    assert response.status_code == 422 and "8" in response.get_data(as_text=True), response.get_data(as_text=True)
    assert signed_in(pc)
    assert office_login(app.test_client(), "zhangwei").status_code == 303


# --- The store's idle time ----------------------------------------------------------------------------------------


def _idle_for(database, minutes: int) -> None:
    """Make every office session look unused for `minutes`."""
    with database() as session:
        session.execute(update(OfficeSession).values(last_seen_at=utcnow() - timedelta(minutes=minutes)))
        session.commit()


def test_an_office_session_ends_after_the_stores_idle_time(app, client, database, staff):
    """Idle past the store's time (60 minutes by default): the next page asks to sign in again, says why, and
    comes back to that page; the row is revoked, so the cookie is dead for good."""
    assert office_login(client, "zhangwei").status_code == 303
    _idle_for(database, 50)
    assert signed_in(client)  # 50 minutes: still within the hour
    _idle_for(database, 70)
    response = client.get("/office/customers")
    assert response.status_code == 302 and "/login?next=/office/customers" in response.location
    login_page = client.get(response.location).get_data(as_text=True)
    assert "没有操作" in login_page
    with database() as session:
        assert session.scalar(select(OfficeSession.revoked_at)) is not None
    _idle_for(database, 0)
    assert not signed_in(client)


def test_the_admin_sets_the_idle_time_and_garbage_changes_nothing(app, client, database, staff):
    """10–720 minutes; anything else is a field error and the stored value stays."""
    assert office_login(client, "admin").status_code == 303
    for garbage in ("", "abc", "9", "721", "1e3", "30.5", "-15"):
        response = client.post(
            "/office/users/idle",
            data={"office_idle_minutes": garbage, "csrf_token": csrf_token(client, "/office/users")},
        )
        assert response.status_code == 422, garbage
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    response = client.post(
        "/office/users/idle", data={"office_idle_minutes": "15", "csrf_token": csrf_token(client, "/office/users")}
    )
    assert response.status_code == 303
    pc = app.test_client()
    assert office_login(pc, "zhangwei").status_code == 303
    _idle_for(database, 25)
    assert not signed_in(pc)


def test_a_form_sent_after_the_session_ended_returns_to_its_page_after_sign_in(app, client, database, staff):
    """A plain form posted with an ended session goes to sign-in with `next` = the page the form was on."""
    assert office_login(client, "admin").status_code == 303
    token = csrf_token(client, "/office/users")
    _idle_for(database, 24 * 60)
    response = client.post(
        "/office/users",
        data={"username": "new.one", "csrf_token": token},
        headers={"Referer": "http://localhost/office/users?tab=new"},
    )
    assert response.status_code == 302 and response.location.endswith("/login?next=/office/users?tab%3Dnew")
