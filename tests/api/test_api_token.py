"""The tablet's bearer tokens, exactly as SYNC_PROTOCOL.md "Identities and authentication" describes them.

Database reads and writes happen in their own short app contexts (`database()`), never around a request.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select, update

from server.models import ApiToken, LoginAttempt, Store, User, utcnow
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_store, make_user

pytestmark = pytest.mark.usefixtures("cheap_hashing")
ERROR_KEYS = {"code", "message", "errors"}
ZH_PO = Path(__file__).resolve().parents[2] / "server/translations/zh_CN/LC_MESSAGES/messages.po"


@cache
def _zh_catalogue() -> dict[str, str]:
    with open(ZH_PO, "rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and not m.fuzzy and isinstance(m.id, str)}


def zh(source: str) -> str:
    """The Chinese text for an English source message (fails when it is not translated)."""
    text = _zh_catalogue().get(source)
    assert text and text != source, f"no Chinese translation for {source!r} in {ZH_PO}"
    return text


@pytest.fixture
def consultant(database) -> dict:
    """李明, a consultant of store SH01, as {id, store_id, username}."""
    with database():
        store = make_store("SH01", "上海闵行店")
        user = make_user(store, "consultant", username="liming", display_name="李明")
        return {"id": user.id, "store_id": store.id, "username": user.username}


def issue(client, username: str = "liming", password: str = PASSWORD, **extra):
    return client.post("/api/auth/token", json={"username": username, "password": password, **extra})


def token_of(client, **extra) -> str:
    response = issue(client, **extra)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_unauthorized(response) -> None:
    """401 in the API's error shape, with the Bearer challenge."""
    assert response.status_code == 401
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")
    body = response.get_json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == "unauthorized"
    assert body["message"]
    assert body["errors"] == {}


# --- POST /api/auth/token ----------------------------------------------------------------------------------


def test_token_is_issued_with_user_store_and_expiry(client, consultant):
    """Right credentials: 200 with the token, the user, the store and an expiry TOKEN_DAYS ahead."""
    before = datetime.now(UTC)
    response = issue(client, device_label="iPad 展厅 3号")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"token", "user", "store", "expires_at"}
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    assert body["user"] == {
        "id": consultant["id"],
        "username": "liming",
        "display_name": "李明",
        "role": "consultant",
        "language": "zh_CN",
    }
    assert body["store"]["id"] == consultant["store_id"]
    assert (body["store"]["code"], body["store"]["name"]) == ("SH01", "上海闵行店")
    expires = datetime.fromisoformat(body["expires_at"])
    expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    assert timedelta(days=29, hours=23) < expires - before < timedelta(days=30, minutes=1)


def test_token_is_stored_only_as_its_hash(client, database, consultant):
    """The database holds the SHA-256 of the token and the device label, never the token itself."""
    token = token_of(client, device_label="iPad 3")
    with database() as session:
        rows = session.execute(select(ApiToken.__table__)).mappings().all()
    assert len(rows) == 1
    row = rows[0]
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert row["device_label"] == "iPad 3"
    assert row["user_id"] == consultant["id"] and row["store_id"] == consultant["store_id"]
    assert all(token not in str(value) for value in row.values())


def test_each_sign_in_issues_a_new_token(client, consultant):
    """Two tablets of the same person get two different tokens."""
    assert token_of(client) != token_of(client)


def test_username_is_case_insensitive(client, consultant):
    """' LiMing ' typed on a tablet keyboard names liming."""
    assert issue(client, username=" LiMing ").status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("liming", "wrong-horse-9"), ("nobody", PASSWORD)],
    ids=["wrong-password", "unknown-user"],
)
def test_wrong_credentials_are_401(client, database, consultant, username, password):
    """A wrong password or unknown user: 401 in the error shape, no token, and the failure is logged."""
    response = issue(client, username, password)
    assert response.status_code == 401
    body = response.get_json()
    assert set(body) == ERROR_KEYS and body["code"] == "unauthorized"
    assert "token" not in body
    with database() as session:
        assert session.scalar(select(ApiToken)) is None
        assert [a.success for a in session.scalars(select(LoginAttempt))] == [False]


def test_deactivated_user_gets_no_token(client, database, consultant):
    """An account switched off cannot sign in on a tablet either."""
    with database() as session:
        session.execute(update(User).where(User.id == consultant["id"]).values(active=False))
        session.commit()
    assert issue(client).status_code == 401


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"username", "password"}),
        ({"username": "liming"}, {"password"}),
        ({"password": PASSWORD}, {"username"}),
        ({"username": "  ", "password": PASSWORD}, {"username"}),
        ({"username": 123, "password": PASSWORD}, {"username"}),
        ({"username": "liming", "password": ["x"]}, {"password"}),
        ({"username": None, "password": None}, {"username", "password"}),
        ({"username": "liming", "password": PASSWORD, "device_label": 7}, {"device_label"}),
    ],
    ids=[
        "empty",
        "no-password",
        "no-username",
        "blank-username",
        "number-username",
        "list-password",
        "nulls",
        "number-label",
    ],
)
def test_missing_or_non_string_fields_are_400_with_field_errors(client, database, consultant, body, fields):
    """Each missing, blank or non-text field is named in `errors`; nothing is issued nor counted."""
    response = client.post("/api/auth/token", json=body)
    assert response.status_code == 400
    payload = response.get_json()
    assert set(payload) == ERROR_KEYS and payload["code"] == "bad_request"
    assert set(payload["errors"]) == fields
    assert all(
        isinstance(m, list) and m and all(isinstance(t, str) and t for t in m) for m in payload["errors"].values()
    )
    with database() as session:
        assert session.scalar(select(ApiToken)) is None
        assert session.scalar(select(LoginAttempt)) is None


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("username=liming&password=correct-horse-9", "application/x-www-form-urlencoded"),
        ("not json at all", "application/json"),
        ('["liming", "correct-horse-9"]', "application/json"),
        ('"liming"', "application/json"),
        ("", "application/json"),
    ],
    ids=["form-body", "broken-json", "json-array", "json-string", "empty-body"],
)
def test_body_that_is_not_a_json_object_is_400(client, consultant, data, content_type):
    """Form posts, broken JSON, arrays and bare strings are refused with 400 in the error shape."""
    response = client.post("/api/auth/token", data=data, content_type=content_type)
    assert response.status_code == 400
    payload = response.get_json()
    assert set(payload) == ERROR_KEYS and payload["code"] == "bad_request"
    assert payload["message"]


def test_throttled_after_five_failures_with_retry_after(app, client, consultant):
    """After LOGIN_MAX_FAILURES wrong passwords even the right one gets 429 and a Retry-After in seconds."""
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert issue(client, password="wrong-horse-9").status_code == 401
    response = issue(client)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(app.config["LOGIN_WINDOW_MINUTES"] * 60)
    payload = response.get_json()
    assert set(payload) == ERROR_KEYS and payload["code"] == "too_many_requests"
    assert "token" not in payload


def test_office_failures_count_against_the_api_too(app, client, consultant):
    """The throttle is shared: five wrong passwords on the office form also lock the tablet sign-in."""
    for _ in range(5):
        token = csrf_token(client)
        assert (
            client.post(
                "/login", data={"username": "liming", "password": "bad-password-1", "csrf_token": token}
            ).status_code
            == 401
        )
    assert issue(client).status_code == 429


# --- GET /api/me -------------------------------------------------------------------------------------------


def test_me_with_a_valid_token(client, consultant):
    """The bearer token's user and store come back, without a new token."""
    token = token_of(client)
    response = client.get("/api/me", headers=bearer(token))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"user", "store", "expires_at"}
    assert body["user"]["username"] == "liming" and body["store"]["code"] == "SH01"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic bGltaW5nOnB3",
        "Token {token}",
        "Bearer garbage",
        "Bearer {token}x",
        "{token}",
    ],
    ids=["none", "empty", "scheme-only", "scheme-blank", "basic", "other-scheme", "garbage", "altered", "no-scheme"],
)
def test_me_without_a_usable_token_is_401(client, consultant, header):
    """Missing, malformed or unknown tokens: 401 {code, message, errors} with WWW-Authenticate: Bearer."""
    token = token_of(client)
    headers = {} if header is None else {"Authorization": header.format(token=token)}
    assert_unauthorized(client.get("/api/me", headers=headers))
    assert client.get("/api/me", headers=bearer(token)).status_code == 200  # the real one still works


def test_bearer_scheme_is_case_insensitive(client, consultant):
    """RFC 7235: the auth scheme is case-insensitive ('bearer' works like 'Bearer')."""
    token = token_of(client)
    assert client.get("/api/me", headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_expired_token_is_401(client, database, consultant):
    """A token past its expires_at no longer works."""
    token = token_of(client)
    with database() as session:
        session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert_unauthorized(client.get("/api/me", headers=bearer(token)))


def test_token_about_to_expire_still_works(client, database, consultant):
    """The expiry check is not off by a day: a token valid for another minute is accepted."""
    token = token_of(client)
    with database() as session:
        session.execute(update(ApiToken).values(expires_at=utcnow() + timedelta(minutes=1)))
        session.commit()
    assert client.get("/api/me", headers=bearer(token)).status_code == 200


def test_401_message_is_in_the_default_language(client, consultant):
    """The 401 message is Chinese by default (the tablet shows it as it is)."""
    body = client.get("/api/me", headers=bearer("garbage")).get_json()
    assert body["message"] == zh("Your sign-in has expired or is not valid. Please sign in again.")


# --- DELETE /api/auth/token and revoke-tokens ------------------------------------------------------------


def test_delete_revokes_only_the_token_it_is_called_with(client, database, consultant):
    """Signing out on one tablet leaves the person's other tablet signed in."""
    first, second = token_of(client, device_label="A"), token_of(client, device_label="B")
    response = client.delete("/api/auth/token", headers=bearer(first))
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_unauthorized(client.get("/api/me", headers=bearer(first)))
    assert_unauthorized(client.delete("/api/auth/token", headers=bearer(first)))  # not twice
    assert client.get("/api/me", headers=bearer(second)).status_code == 200
    with database() as session:
        revoked = {t.device_label: t.revoked_at is not None for t in session.scalars(select(ApiToken))}
    assert revoked == {"A": True, "B": False}


def test_delete_without_a_token_is_401(client, database, consultant):
    """Revoking needs the token itself; an anonymous DELETE changes nothing."""
    token_of(client)
    assert_unauthorized(client.delete("/api/auth/token"))
    with database() as session:
        assert session.scalar(select(ApiToken)).revoked_at is None


def test_cli_revoke_tokens_revokes_all_of_the_users_tokens(app, client, database, consultant):
    """`flask revoke-tokens USERNAME` (a lost tablet): every token of that user stops working, others don't."""
    with database() as session:
        make_user(session.get(Store, consultant["store_id"]), "escort", username="chengang")
    mine = [token_of(client), token_of(client)]
    theirs = token_of(client, username="chengang")

    result = app.test_cli_runner().invoke(args=["revoke-tokens", "liming"])
    assert result.exit_code == 0, result.output
    assert "2 token(s)" in result.output
    for token in mine:
        assert_unauthorized(client.get("/api/me", headers=bearer(token)))
    assert client.get("/api/me", headers=bearer(theirs)).status_code == 200


def test_cli_revoke_tokens_for_an_unknown_user_fails(app, client, consultant):
    """A typo in the username exits non-zero and revokes nothing."""
    token = token_of(client)
    result = app.test_cli_runner().invoke(args=["revoke-tokens", "liming2"])
    assert result.exit_code != 0
    assert "liming2" in result.output
    assert client.get("/api/me", headers=bearer(token)).status_code == 200


# --- the user changes under the token ------------------------------------------------------------------


def test_deactivating_the_user_stops_their_token(client, database, consultant):
    """A leaver's tablet is locked out as soon as the admin deactivates the account."""
    token = token_of(client)
    with database() as session:
        session.execute(update(User).where(User.id == consultant["id"]).values(active=False))
        session.commit()
    assert_unauthorized(client.get("/api/me", headers=bearer(token)))


def test_moving_the_user_to_another_store_stops_their_token(client, database, consultant):
    """A token acts in one store: after a transfer it no longer works (a new sign-in binds the new store)."""
    token = token_of(client)
    with database() as session:
        other = make_store("BJ01", "北京朝阳店")
        session.execute(update(User).where(User.id == consultant["id"]).values(store_id=other.id))
        session.commit()
        other_id = other.id
    assert_unauthorized(client.get("/api/me", headers=bearer(token)))
    fresh = issue(client).get_json()
    assert fresh["store"]["id"] == other_id
    assert client.get("/api/me", headers=bearer(fresh["token"])).get_json()["store"]["code"] == "BJ01"


# --- PATCH /api/me -------------------------------------------------------------------------------------


def test_patch_me_language_is_remembered(client, database, consultant):
    """Switching the tablet to English stores it on the account; later answers are in English."""
    token = token_of(client)
    response = client.patch("/api/me", json={"language": "en"}, headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["user"]["language"] == "en"
    with database() as session:
        assert session.get(User, consultant["id"]).language == "en"
    assert client.get("/api/me", headers=bearer(token)).get_json()["user"]["language"] == "en"
    wrong = client.patch("/api/me", json={"language": "xx"}, headers=bearer(token)).get_json()
    assert wrong["errors"]["language"] == ["Choose one of the listed values."]


@pytest.mark.parametrize(
    "body",
    [{"language": "klingon"}, {"language": ""}, {"language": None}, {"language": ["en"]}, {}],
    ids=["unknown", "empty", "null", "list", "missing"],
)
def test_patch_me_garbage_language_is_422_and_stores_nothing(client, database, consultant, body):
    """An unknown language: 422 with errors.language (in Chinese, the user's language) and nothing stored."""
    token = token_of(client)
    response = client.patch("/api/me", json=body, headers=bearer(token))
    assert response.status_code == 422
    payload = response.get_json()
    assert set(payload) == ERROR_KEYS and payload["code"] == "invalid"
    assert payload["errors"]["language"] == [zh("Choose one of the listed values.")]
    with database() as session:
        assert session.get(User, consultant["id"]).language == "zh_CN"


def test_patch_me_with_a_non_object_body_is_400(client, database, consultant):
    """A JSON array is not a profile change."""
    token = token_of(client)
    response = client.patch("/api/me", json=["en"], headers=bearer(token))
    assert response.status_code == 400
    with database() as session:
        assert session.get(User, consultant["id"]).language == "zh_CN"


def test_patch_me_needs_a_token(client, database, consultant):
    """Nobody changes a profile anonymously."""
    assert_unauthorized(client.patch("/api/me", json={"language": "en"}))


# --- no CSRF for bearer calls --------------------------------------------------------------------------


def test_api_needs_no_csrf_token_while_the_office_does(client, database, consultant):
    """With a browser session (cookie) present, office posts need the CSRF token but API calls do not."""
    client.get("/login")  # a session cookie, as in a browser that also has the office open
    assert client.post("/login", data={"username": "liming", "password": PASSWORD}).status_code == 400

    token = token_of(client)  # POST without any CSRF token
    assert client.patch("/api/me", json={"language": "en"}, headers=bearer(token)).status_code == 200
    assert client.delete("/api/auth/token", headers=bearer(token)).status_code == 204
    with database() as session:
        assert session.get(User, consultant["id"]).language == "en"


def test_a_database_locked_during_the_token_lookup_is_503_not_500(client, consultant, monkeypatch):
    """SQLite locked past its busy timeout while the token is looked up (before any push code runs): the tablet
    is told to resend later (503 + Retry-After), like a lock inside a push, and keeps its queue; a 500 would be
    recorded as a server fault. The next request, with the lock gone, is served."""
    from sqlalchemy.exc import OperationalError

    token = token_of(client)
    real = ApiToken.find_valid

    def locked(clear):
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(ApiToken, "find_valid", staticmethod(locked))
    response = client.get("/api/me", headers=bearer(token))
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert response.get_json()["code"] == "unavailable"
    assert response.get_json()["message"] == zh(
        "The server is busy. Your changes are safe on the tablet and will be sent again."
    )

    monkeypatch.setattr(ApiToken, "find_valid", real)
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
