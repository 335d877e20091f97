"""Office sign-in and sign-out as a browser does it: form posts with the CSRF token, cookies, redirects.

Texts are checked in the language the person sees: Chinese by default (from the zh_CN catalogue, compiled
with `make translations`), English after switching.

Database reads and writes happen in their own short app contexts: a test holding one app context open
would share `g` (cached locale, CSRF token, user) across the client's requests, which a server never does.
"""

from __future__ import annotations

import html
from datetime import timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import func, select, update

from server.models import LoginAttempt, Store, User, utcnow
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_store, make_user

ZH_PO = Path(__file__).resolve().parents[2] / "server/translations/zh_CN/LC_MESSAGES/messages.po"


@cache
def _zh_catalogue() -> dict[str, str]:
    with open(ZH_PO, "rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and not m.fuzzy and isinstance(m.id, str)}


def zh(source: str, **values) -> str:
    """The Chinese text people see for an English source message (fails when it is not translated)."""
    text = _zh_catalogue().get(source)
    assert text and text != source, f"no Chinese translation for {source!r} in {ZH_PO}"
    return text % values if values else text


def page(response) -> str:
    """The response body as the text a person reads (entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


pytestmark = pytest.mark.usefixtures("cheap_hashing")  # about the sign-in flow, not the hash's cost


def signed_in(client) -> bool:
    """True when the office home answers (not a redirect to the sign-in page)."""
    return client.get("/office/").status_code == 200


def attempts(database, success: bool | None = None) -> int:
    """How many login attempts were logged (only failures or successes when `success` is given)."""
    query = select(func.count()).select_from(LoginAttempt)
    if success is not None:
        query = query.where(LoginAttempt.success.is_(success))
    with database() as session:
        return session.scalar(query)


def language_of(database, user_id: int) -> str:
    with database() as session:
        return session.get(User, user_id).language


@pytest.fixture
def store_id(database) -> int:
    with database():
        return make_store().id


@pytest.fixture
def manager(database, store_id) -> int:
    """The id of 张伟, a manager who signs in as zhangwei with the test password."""
    with database() as session:
        return make_user(session.get(Store, store_id), "manager", username="zhangwei", display_name="张伟").id


# --- signing in --------------------------------------------------------------------------------------------


def test_sign_in_redirects_to_the_office_home(client, manager):
    """Right username and password: 303 to /office/, which then greets the person by name."""
    response = login(client, "zhangwei")
    assert response.status_code == 303
    assert response.headers["Location"] == "/office/"
    home = client.get("/office/")
    assert home.status_code == 200
    assert "张伟" in page(home)


def test_username_is_case_and_blank_insensitive(client, manager):
    """People type ' ZhangWei ' on a tablet keyboard; it still names the account zhangwei."""
    assert login(client, " ZhangWei ").status_code == 303
    assert signed_in(client)


def test_wrong_password_is_401_with_the_message_in_chinese(client, manager):
    """A wrong password answers 401 and says 用户名或密码错误 on the page; nobody is signed in."""
    response = login(client, "zhangwei", "wrong-horse-9")
    assert response.status_code == 401
    text = page(response)
    assert "用户名或密码错误" in text
    assert zh("Wrong username or password.") in text
    assert "Wrong username or password." not in text
    assert not signed_in(client)


def test_unknown_username_gets_the_same_answer_as_a_wrong_password(client, manager):
    """No account enumeration: an unknown username reads exactly like a wrong password."""
    response = login(client, "nobody", PASSWORD)
    assert response.status_code == 401
    assert zh("Wrong username or password.") in page(response)


def test_wrong_password_message_in_english_after_switching(client, manager):
    """After choosing English on the sign-in page, the same failure reads in English."""
    client.post("/language", data={"language": "en", "csrf_token": csrf_token(client)})
    response = login(client, "zhangwei", "wrong-horse-9")
    assert response.status_code == 401
    assert "Wrong username or password." in page(response)
    assert zh("Wrong username or password.") not in page(response)


def test_empty_fields_get_field_level_errors(client, database, manager):
    """Empty username and password: 422, a message under each field, and no attempt is counted."""
    response = client.post("/login", data={"username": " ", "password": "", "csrf_token": csrf_token(client)})
    assert response.status_code == 422
    text = page(response)
    assert f'<p class="field-error" id="username-error">{zh("Enter your username.")}</p>' in text
    assert f'<p class="field-error" id="password-error">{zh("Enter your password.")}</p>' in text
    assert attempts(database) == 0
    assert not signed_in(client)


def test_empty_password_only_marks_the_password_field(client, manager):
    """A username with no password keeps the typed username and flags only the password."""
    response = client.post("/login", data={"username": "zhangwei", "password": "", "csrf_token": csrf_token(client)})
    assert response.status_code == 422
    text = page(response)
    assert 'id="password-error"' in text and 'id="username-error"' not in text
    assert 'value="zhangwei"' in text


def test_deactivated_user_cannot_sign_in(client, database, manager):
    """An account switched off by the admin is refused like a wrong password, even with the right one."""
    with database() as session:
        session.execute(update(User).where(User.id == manager).values(active=False))
        session.commit()
    response = login(client, "zhangwei")
    assert response.status_code == 401
    assert zh("Wrong username or password.") in page(response)
    assert not signed_in(client)


def test_deactivating_ends_an_open_office_session(client, database, manager):
    """A person signed in when their account is deactivated is sent to the sign-in page on the next click."""
    assert login(client, "zhangwei").status_code == 303
    assert signed_in(client)
    with database() as session:
        session.execute(update(User).where(User.id == manager).values(active=False))
        session.commit()
    response = client.get("/office/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- throttling --------------------------------------------------------------------------------------------


def _fail(client, username: str, times: int, addr: str = "127.0.0.1") -> None:
    for _ in range(times):
        token = csrf_token(client)
        response = client.post(
            "/login",
            data={"username": username, "password": "wrong-horse-9", "csrf_token": token},
            environ_base={"REMOTE_ADDR": addr},
        )
        assert response.status_code == 401


def test_five_failures_lock_the_username_even_with_the_right_password(app, client, manager):
    """After LOGIN_MAX_FAILURES wrong passwords the right one is refused with 429 and a wait message."""
    assert app.config["LOGIN_MAX_FAILURES"] == 5
    _fail(client, "zhangwei", 5)
    response = login(client, "zhangwei")
    assert response.status_code == 429
    assert zh("Too many failed sign-ins. Wait %(minutes)s minutes and try again.", minutes=15) in page(response)
    assert not signed_in(client)


def test_four_failures_do_not_lock(client, manager):
    """One failure below the limit, the right password still signs in."""
    _fail(client, "zhangwei", 4)
    assert login(client, "zhangwei").status_code == 303
    assert signed_in(client)


# Failures count per (username, address) pair, with a per-address ceiling and known devices judged on their
# own: tests/api/test_login_hardening.py.


def test_failures_older_than_the_window_no_longer_count(client, database, manager):
    """Once the window has passed, the right password works again."""
    _fail(client, "zhangwei", 5)
    assert login(client, "zhangwei").status_code == 429
    with database() as session:
        session.execute(update(LoginAttempt).values(at=utcnow() - timedelta(minutes=16)))
        session.commit()
    assert login(client, "zhangwei").status_code == 303


# --- CSRF, sign-out, cookies, redirects ------------------------------------------------------------------


def test_sign_in_without_csrf_token_is_400_and_changes_nothing(client, database, manager):
    """A forged cross-site form post (no token) is refused before the password is even checked."""
    client.get("/login")
    response = client.post("/login", data={"username": "zhangwei", "password": PASSWORD})
    assert response.status_code == 400
    assert not signed_in(client)
    assert attempts(database) == 0


def test_sign_out_needs_post_with_csrf_token(client, manager):
    """GET /logout is not allowed and a tokenless POST is refused; the real form signs out."""
    assert login(client, "zhangwei").status_code == 303
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert signed_in(client)

    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/office/")})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert zh("You have signed out.") in page(client.get("/login"))
    assert not signed_in(client)


def test_session_cookie_is_httponly_and_samesite_lax(client, manager):
    """The session cookie set at sign-in cannot be read by scripts nor sent on cross-site posts."""
    response = login(client, "zhangwei")
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert cookies, response.headers
    attributes = {part.strip().lower() for part in cookies[-1].split(";")}
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/office/",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_never_leaves_the_site(client, manager, target):
    """?next= pointing at another site (or a script) is ignored: sign-in lands on the office home."""
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "zhangwei", "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    # Browsers read a backslash as a slash; resolve the Location the way they do.
    landed = urlsplit(urljoin("http://showroom.test/login", location.replace("\\", "/")))
    assert (landed.scheme, landed.netloc) == ("http", "showroom.test"), location
    assert landed.path.startswith("/") and not location.startswith("//")


def test_next_within_the_site_is_followed(client, manager):
    """A same-site path in ?next= (set when a signed-out person opened a page) is where sign-in lands."""
    opened = client.get("/office/catalogue")
    assert opened.status_code == 302
    assert "next=" in opened.headers["Location"]
    response = client.post(
        opened.headers["Location"],
        data={"username": "zhangwei", "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/office/catalogue"


# --- language ------------------------------------------------------------------------------------------


def test_language_choice_is_remembered_on_the_account(app, client, database, manager):
    """English chosen while signed in is stored on the user: another browser signing in sees English."""
    assert login(client, "zhangwei").status_code == 303
    response = client.post(
        "/language", data={"language": "en", "next": "/office/", "csrf_token": csrf_token(client, "/office/")}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/office/"
    assert language_of(database, manager) == "en"
    assert "Sign out" in page(client.get("/office/"))

    client.post("/logout", data={"csrf_token": csrf_token(client, "/office/")})
    fresh = app.test_client()  # a different browser: nothing in its session
    assert login(fresh, "zhangwei").status_code == 303
    home = page(fresh.get("/office/"))
    assert '<html lang="en">' in home
    assert "Sign out" in home


def test_chinese_is_the_default(client, manager):
    """With no choice made, the office speaks Chinese."""
    assert login(client, "zhangwei").status_code == 303
    home = page(client.get("/office/"))
    assert '<html lang="zh-CN">' in home
    assert zh("Sign out") in home
    assert ">Sign out<" not in home


def test_garbage_language_flashes_an_error_and_stores_nothing(client, database, manager):
    """An unknown language code is refused with a flash message; account and session keep Chinese."""
    assert login(client, "zhangwei").status_code == 303
    response = client.post(
        "/language", data={"language": "klingon", "next": "/office/", "csrf_token": csrf_token(client, "/office/")}
    )
    assert response.status_code == 303
    home = page(client.get("/office/"))
    assert zh("Unknown language.") in home
    assert '<html lang="zh-CN">' in home
    assert language_of(database, manager) == "zh_CN"
    with client.session_transaction() as session:
        assert "language" not in session


def test_language_switch_needs_csrf_token(client, database, manager):
    """A cross-site post cannot change someone's language."""
    assert login(client, "zhangwei").status_code == 303
    assert client.post("/language", data={"language": "en"}).status_code == 400
    assert language_of(database, manager) == "zh_CN"
