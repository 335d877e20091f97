"""The back office as its users drive it: htmx inline edits, plain form posts, masked lists, role limits.

Requests carry what a browser sends: htmx requests the `HX-Request: true` and `X-CSRFToken` headers (set on
<body hx-headers>), plain forms their hidden `csrf_token` field. Database reads and writes happen in their
own short app contexts (`database()`), never around a request.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import func, select

from server.models import Colour, Series, Store, Trim, User
from tests.conftest import csrf_token, login
from tests.factories import make_colour, make_customer, make_series, make_store, make_trim, make_user

pytestmark = pytest.mark.usefixtures("cheap_hashing")
ZH_PO = Path(__file__).resolve().parents[2] / "server/translations/zh_CN/LC_MESSAGES/messages.po"


@cache
def _zh_catalogue() -> dict[str, str]:
    with open(ZH_PO, "rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and not m.fuzzy and isinstance(m.id, str)}


def message(source: str, language: str, **values) -> str:
    """What a person reads for an English source message in `language` (Chinese from the catalogue)."""
    text = source
    if language == "zh_CN":
        text = _zh_catalogue().get(source)
        assert text and text != source, f"no Chinese translation for {source!r} in {ZH_PO}"
    return text.format(**values) if values else text


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_errors(response) -> list[str]:
    """The field-level error messages shown in the response, in order."""
    return [
        html.unescape(m)
        for m in re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', response.get_data(as_text=True), re.S)
    ]


@pytest.fixture
def catalogue(database) -> dict:
    """Store SH01 with one series (启程 S5), one trim at 109,900 and one colour; ids only."""
    with database():
        store = make_store("SH01", "上海闵行店")
        series = make_series(store, "启程 S5")
        trim = make_trim(series, "1.5T 舒适版", 109_900)
        colour = make_colour(series, "极地白", "#f4f5f2")
        return {"store": store.id, "series": series.id, "trim": trim.id, "colour": colour.id}


def signed_in_as(client, database, store_id: int, role: str, language: str = "zh_CN", **kwargs) -> int:
    """Create a user of the store, sign the client in as them; returns the user's id."""
    with database() as session:
        user = make_user(session.get(Store, store_id), role, language=language, **kwargs)
        user_id, username = user.id, user.username
    assert login(client, username).status_code == 303
    return user_id


def htmx(client, path: str, data: dict | None = None, page_path: str = "/office/catalogue"):
    """POST as htmx does: the row's inputs as form data, the CSRF token in a header."""
    headers = {"HX-Request": "true", "X-CSRFToken": csrf_token(client, page_path)}
    return client.post(path, data=data or {}, headers=headers)


def snapshot(database, model, record_id) -> dict:
    """Every column of a record plus its store's version, read fresh from the database."""
    with database() as session:
        record = session.get(model, record_id)
        values = {c.key: getattr(record, c.key) for c in model.__table__.columns if c.key != "updated_at"}
        values["store.version"] = session.get(Store, record.store_id).version
        return values


TRIM_FORM = {"name": "1.5T 舒适版", "model_year": "2026", "powertrain": "ice", "msrp_yuan": "109900"}
COLOUR_FORM = {"name": "极地白", "hex": "#f4f5f2", "extra_yuan": "0"}
SERIES_FORM = {"name": "启程 S5", "sort_order": "0"}


# --- inline catalogue edits (manager) --------------------------------------------------------------------


def test_edit_form_offers_the_fields_that_the_save_expects(client, database, catalogue):
    """The inline edit row (htmx GET) has inputs for exactly the trim's editable fields, filled in."""
    signed_in_as(client, database, catalogue["store"], "manager")
    response = client.get(f"/office/catalogue/trim/{catalogue['trim']}/edit", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert set(re.findall(r'name="(\w+)"', body)) == set(TRIM_FORM)
    assert 'value="109900"' in body


def test_htmx_inline_trim_edit_returns_the_row_with_the_new_msrp(client, database, catalogue):
    """Saving an inline edit answers with just the row, showing the new price, and Vary: HX-Request."""
    signed_in_as(client, database, catalogue["store"], "manager")
    response = htmx(client, f"/office/catalogue/trim/{catalogue['trim']}", {**TRIM_FORM, "msrp_yuan": "119900"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="trim-{catalogue["trim"]}">')
    assert "<html" not in body and "<input" not in body
    assert "119,900" in body and "109,900" not in body
    assert "HX-Request" in response.headers.get("Vary", "")
    assert snapshot(database, Trim, catalogue["trim"])["msrp_yuan"] == 119_900


def test_same_post_without_htmx_redirects_to_the_catalogue(client, database, catalogue):
    """Without HX-Request (no JavaScript) the save answers 303 to the catalogue page, which shows it."""
    signed_in_as(client, database, catalogue["store"], "manager")
    response = client.post(
        f"/office/catalogue/trim/{catalogue['trim']}",
        data={**TRIM_FORM, "msrp_yuan": "99900"},
        headers={"X-CSRFToken": csrf_token(client, "/office/catalogue")},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/office/catalogue"
    assert "99,900" in page(client.get("/office/catalogue"))
    assert snapshot(database, Trim, catalogue["trim"])["msrp_yuan"] == 99_900


def test_msrp_with_thousands_separators_is_accepted(client, database, catalogue):
    """People type 129,900 (or 129，900 / 129 900): it is stored as 129900."""
    signed_in_as(client, database, catalogue["store"], "manager")
    for typed, stored in (("129,900", 129_900), ("139，900", 139_900), (" 149 900 ", 149_900)):
        response = htmx(client, f"/office/catalogue/trim/{catalogue['trim']}", {**TRIM_FORM, "msrp_yuan": typed})
        assert response.status_code == 200, field_errors(response)
        assert snapshot(database, Trim, catalogue["trim"])["msrp_yuan"] == stored


def test_inline_save_without_csrf_token_is_refused(client, database, catalogue):
    """An htmx-looking POST without the token (a cross-site forgery) is 400 and changes nothing."""
    signed_in_as(client, database, catalogue["store"], "manager")
    before = snapshot(database, Trim, catalogue["trim"])
    response = client.post(
        f"/office/catalogue/trim/{catalogue['trim']}",
        data={**TRIM_FORM, "msrp_yuan": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert snapshot(database, Trim, catalogue["trim"]) == before


@pytest.mark.parametrize(
    ("kind", "form", "changes", "changed"),
    [
        ("trim", TRIM_FORM, {"msrp_yuan": "119900"}, {"msrp_yuan"}),
        ("trim", TRIM_FORM, {"name": "1.5T 进取版", "model_year": "2027"}, {"name", "model_year"}),
        ("colour", COLOUR_FORM, {"name": "雪山白"}, {"name"}),
        ("series", SERIES_FORM, {"name": "启程 S6"}, {"name"}),
    ],
    ids=["trim-price", "trim-name-and-year", "colour-name", "series-name"],
)
def test_each_edit_takes_a_new_store_version_and_stamps_only_changed_fields(
    client, database, catalogue, kind, form, changes, changed
):
    """A save takes the store's next version; the record gets it, and so do only the fields that changed."""
    model = {"trim": Trim, "colour": Colour, "series": Series}[kind]
    record_id = catalogue[kind]
    signed_in_as(client, database, catalogue["store"], "manager")
    before = snapshot(database, model, record_id)

    response = htmx(client, f"/office/catalogue/{kind}/{record_id}", {**form, **changes})
    assert response.status_code == 200, field_errors(response)
    after = snapshot(database, model, record_id)

    assert after["store.version"] == before["store.version"] + 1
    assert after["version"] == after["store.version"]
    new = after["store.version"]
    assert after["field_versions"] == {**before["field_versions"], **dict.fromkeys(changed, new)}
    kept = [k for k in (*model.SYNC_FIELDS, "id", "store_id", "deleted", "created_at") if k not in changed]
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}  # nothing else moved (brand, series, …)
    assert {k: after[k] for k in changed} != {k: before[k] for k in changed}

    # Saving the same values again leaves the record's versions as they were.
    htmx(client, f"/office/catalogue/{kind}/{record_id}", {**form, **changes})
    again = snapshot(database, model, record_id)
    assert (again["version"], again["field_versions"]) == (after["version"], after["field_versions"])


# --- garbage input to every office form ------------------------------------------------------------------

GARBAGE = [  # id, kind, field, value, source message, format values
    ("trim-empty-name", "trim", "name", "", "This field is required.", {}),
    ("trim-msrp-abc", "trim", "msrp_yuan", "abc", "Enter a whole number.", {}),
    (
        "trim-msrp-negative",
        "trim",
        "msrp_yuan",
        "-5",
        "Must be between {min} and {max}.",
        {"min": 1, "max": 99_999_999},
    ),
    ("trim-year-1800", "trim", "model_year", "1800", "Must be between {min} and {max}.", {"min": 2000, "max": 2100}),
    ("trim-powertrain-rocket", "trim", "powertrain", "rocket", "Choose one of the listed values.", {}),
    ("colour-hex-red", "colour", "hex", "red", "Use a colour like #1a2b3c.", {}),
    ("series-empty-name", "series", "name", "  ", "This field is required.", {}),
]
FORMS = {"trim": (Trim, TRIM_FORM), "colour": (Colour, COLOUR_FORM), "series": (Series, SERIES_FORM)}


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize(
    ("kind", "field", "value", "source", "values"), [case[1:] for case in GARBAGE], ids=[case[0] for case in GARBAGE]
)
def test_garbage_inline_edit_is_422_with_the_field_message(
    client, database, catalogue, language, kind, field, value, source, values
):
    """A bad value: 422, the row again with the message under the field in the user's language, typed value
    kept, and the stored record (and the store's version) unchanged."""
    model, form = FORMS[kind]
    record_id = catalogue[kind]
    signed_in_as(client, database, catalogue["store"], "manager", language=language)
    before = snapshot(database, model, record_id)

    response = htmx(client, f"/office/catalogue/{kind}/{record_id}", {**form, field: value})
    assert response.status_code == 422
    assert field_errors(response) == [message(source, language, **values)]
    assert f'name="{field}"' in page(response)
    if field != "powertrain":  # a select shows the options, not the typed value
        assert f'value="{value}"' in page(response)
    assert "<html" not in page(response)
    assert snapshot(database, model, record_id) == before


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_adding_a_series_with_an_empty_name_is_422(client, database, catalogue, language):
    """The add-series form (a plain post with its csrf_token field) refuses an empty name; no series added."""
    signed_in_as(client, database, catalogue["store"], "manager", language=language)
    token = csrf_token(client, "/office/catalogue")
    response = client.post("/office/catalogue/series", data={"name": "", "sort_order": "0", "csrf_token": token})
    assert response.status_code == 422
    assert message("This field is required.", language) in field_errors(response)
    with database() as session:
        assert session.scalar(select(func.count()).select_from(Series)) == 1


def test_adding_a_series_through_the_form_works(client, database, catalogue):
    """The add-series form as a browser posts it (hidden csrf_token included) adds the series."""
    signed_in_as(client, database, catalogue["store"], "manager")
    token = csrf_token(client, "/office/catalogue")
    response = client.post("/office/catalogue/series", data={"name": "启程 L7", "sort_order": "1", "csrf_token": token})
    assert response.status_code == 303, field_errors(response)
    assert "启程 L7" in page(client.get("/office/catalogue"))
    with database() as session:
        names = set(session.scalars(select(Series.name)))
    assert names == {"启程 S5", "启程 L7"}


def test_adding_a_trim_to_a_series_through_the_form_works(client, database, catalogue):
    """The add-trim row under a series (a plain post with its csrf_token field) adds the trim at its price."""
    signed_in_as(client, database, catalogue["store"], "manager")
    token = csrf_token(client, "/office/catalogue")
    response = client.post(
        f"/office/catalogue/series/{catalogue['series']}/trim",
        data={
            "name": "2.0T 旗舰版",
            "model_year": "2026",
            "powertrain": "ice",
            "msrp_yuan": "149,900",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303, field_errors(response)
    with database() as session:
        trim = session.scalar(select(Trim).where(Trim.name == "2.0T 旗舰版"))
        assert (trim.series_id, trim.msrp_yuan, trim.store_id) == (catalogue["series"], 149_900, catalogue["store"])


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize(
    ("kind", "form", "source", "values"),
    [
        ("trim", {**TRIM_FORM, "name": "2.0T 旗舰版", "msrp_yuan": "abc"}, "Enter a whole number.", {}),
        (
            "trim",
            {**TRIM_FORM, "name": "2.0T 旗舰版", "model_year": "1800"},
            "Must be between {min} and {max}.",
            {"min": 2000, "max": 2100},
        ),
        ("colour", {**COLOUR_FORM, "name": "火焰红", "hex": "red"}, "Use a colour like #1a2b3c.", {}),
    ],
    ids=["trim-msrp-abc", "trim-year-1800", "colour-hex-red"],
)
def test_garbage_in_the_add_rows_is_422_and_adds_nothing(
    client, database, catalogue, language, kind, form, source, values
):
    """The add-trim / add-colour rows under a series refuse bad values with the message; nothing is added."""
    model = {"trim": Trim, "colour": Colour}[kind]
    signed_in_as(client, database, catalogue["store"], "manager", language=language)
    token = csrf_token(client, "/office/catalogue")
    response = client.post(f"/office/catalogue/series/{catalogue['series']}/{kind}", data={**form, "csrf_token": token})
    assert response.status_code == 422
    errors = field_errors(response)
    assert len(errors) == 1 and errors[0].endswith(message(source, language, **values)), errors
    assert f'value="{form["name"]}"' in page(response)  # what was typed is kept
    with database() as session:
        assert session.scalar(select(func.count()).select_from(model)) == 1


# --- users (admin) -----------------------------------------------------------------------------------------

NEW_USER = {
    "username": "wangfang",
    "display_name": "王芳",
    "password": "first-pass-1",
    "role": "receptionist",
    "language": "zh_CN",
}

USER_GARBAGE = [
    ("bad-username", "username", "A B", "3-64 lowercase letters, digits, dots, dashes or underscores."),
    ("short-password", "password", "short", "Between 8 and 128 characters."),
    ("unknown-role", "role", "king", "Choose one of the listed values."),
    ("empty-name", "display_name", "", "This field is required."),
]


def test_admin_creates_a_user_who_can_then_sign_in(app, client, database, catalogue):
    """The new-account form (as a browser posts it) makes an account in the admin's store that signs in."""
    signed_in_as(client, database, catalogue["store"], "admin")
    token = csrf_token(client, "/office/users")
    response = client.post("/office/users", data={**NEW_USER, "csrf_token": token})
    assert response.status_code == 303, field_errors(response)
    assert response.headers["Location"] == "/office/users"
    assert "wangfang" in page(client.get("/office/users"))
    with database() as session:
        user = session.scalar(select(User).where(User.username == "wangfang"))
        assert (user.store_id, user.role, user.display_name, user.active) == (
            catalogue["store"],
            "receptionist",
            "王芳",
            True,
        )
        assert user.password_hash.startswith("$argon2id$")

    other_browser = app.test_client()
    assert login(other_browser, "wangfang", "first-pass-1").status_code == 303
    assert other_browser.get("/office/customers").status_code == 200


def test_creating_a_taken_username_is_422(client, database, catalogue):
    """A username already used (in any store) is refused under the field; no second account appears."""
    signed_in_as(client, database, catalogue["store"], "admin", username="zhouqiang")
    token = csrf_token(client, "/office/users")
    response = client.post("/office/users", data={**NEW_USER, "username": "zhouqiang", "csrf_token": token})
    assert response.status_code == 422
    assert field_errors(response) == [message("This username is taken.", "zh_CN")]
    with database() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize(
    ("field", "value", "source"), [case[1:] for case in USER_GARBAGE], ids=[case[0] for case in USER_GARBAGE]
)
def test_garbage_new_user_is_422_with_the_field_message(client, database, catalogue, language, field, value, source):
    """A bad username, short password, unknown role or empty name: 422, the message, no account created."""
    signed_in_as(client, database, catalogue["store"], "admin", language=language)
    token = csrf_token(client, "/office/users")
    response = client.post("/office/users", data={**NEW_USER, field: value, "csrf_token": token})
    assert response.status_code == 422
    assert field_errors(response) == [message(source, language)]
    with database() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1  # only the admin
    assert "first-pass-1" not in page(response)  # the typed password is never echoed


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize(
    "change", [{"role": "manager", "active": "true"}, {"role": "admin"}], ids=["demote-self", "deactivate-self"]
)
def test_admin_cannot_remove_their_own_admin_access(client, database, catalogue, language, change):
    """Demoting or deactivating oneself is refused with a message on the role; the account is unchanged."""
    admin_id = signed_in_as(client, database, catalogue["store"], "admin", language=language, display_name="周强")
    before = snapshot_user(database, admin_id)
    response = htmx(
        client,
        f"/office/users/{admin_id}",
        {"display_name": "周强", "language": language, **change},
        page_path="/office/users",
    )
    assert response.status_code == 422
    assert field_errors(response) == [message("You cannot remove your own administrator access.", language)]
    assert snapshot_user(database, admin_id) == before


def test_admin_edits_another_users_role(client, database, catalogue):
    """The inline user edit changes another account's role and answers with the row."""
    signed_in_as(client, database, catalogue["store"], "admin")
    with database() as session:
        other = make_user(session.get(Store, catalogue["store"]), "consultant", display_name="李明").id
    response = htmx(
        client,
        f"/office/users/{other}",
        {"display_name": "李明", "role": "manager", "language": "zh_CN", "active": "true"},
        page_path="/office/users",
    )
    assert response.status_code == 200, field_errors(response)
    assert response.get_data(as_text=True).lstrip().startswith(f'<tr id="user-{other}"')
    assert snapshot_user(database, other)["role"] == "manager"


def snapshot_user(database, user_id: int) -> dict:
    with database() as session:
        user = session.get(User, user_id)
        return {c.key: getattr(user, c.key) for c in User.__table__.columns}


def test_admin_of_store_a_gets_404_for_a_user_of_store_b(client, database, catalogue):
    """Another store's account is invisible: reading, editing or saving it answers 404 and changes nothing."""
    signed_in_as(client, database, catalogue["store"], "admin")
    with database():
        stranger = make_user(make_store("BJ01", "北京朝阳店"), "manager", display_name="赵磊").id
    before = snapshot_user(database, stranger)
    assert client.get(f"/office/users/{stranger}").status_code == 404
    assert client.get(f"/office/users/{stranger}/edit").status_code == 404
    response = htmx(
        client,
        f"/office/users/{stranger}",
        {"display_name": "hacked", "role": "consultant", "language": "en"},
        page_path="/office/users",
    )
    assert response.status_code == 404
    assert "赵磊" not in page(response)
    assert snapshot_user(database, stranger) == before
    assert "赵磊" not in page(client.get("/office/users"))


def test_manager_of_store_a_gets_404_for_a_trim_of_store_b(client, database, catalogue):
    """Catalogue rows of another store cannot be read or changed by id either."""
    with database():
        other_store = make_store("BJ01", "北京朝阳店")
        foreign = make_trim(make_series(other_store, "别家车系"), "别家配置", 99_900).id
    signed_in_as(client, database, catalogue["store"], "manager")
    before = snapshot(database, Trim, foreign)
    assert client.get(f"/office/catalogue/trim/{foreign}", headers={"HX-Request": "true"}).status_code == 404
    assert htmx(client, f"/office/catalogue/trim/{foreign}", {**TRIM_FORM, "msrp_yuan": "1"}).status_code == 404
    assert snapshot(database, Trim, foreign) == before
    assert "别家车系" not in page(client.get("/office/catalogue"))


# --- customers and roles -----------------------------------------------------------------------------------


def test_customers_page_masks_phone_numbers_and_names(client, database, catalogue):
    """The list shows 138****8000 and 张* — never the full number or name, on the page or its fragment."""
    with database() as session:
        make_customer(session.get(Store, catalogue["store"]), name="张三", phone="13800138000", grade="H")
    signed_in_as(client, database, catalogue["store"], "receptionist")
    for response in (
        client.get("/office/customers"),
        client.get("/office/customers?grade=H", headers={"HX-Request": "true"}),
    ):
        assert response.status_code == 200
        text = page(response)
        assert "138****8000" in text
        assert "13800138000" not in text
        assert "张*" in text and "张三" not in text


def test_customers_grade_filter(client, database, catalogue):
    """Filtering by grade lists only that grade's customers."""
    with database() as session:
        store = session.get(Store, catalogue["store"])
        make_customer(store, name="张三", phone="13800138000", grade="H")
        make_customer(store, name="李四", phone="13900139000", grade="C")
    signed_in_as(client, database, catalogue["store"], "receptionist")
    text = page(client.get("/office/customers?grade=C", headers={"HX-Request": "true"}))
    assert "139****9000" in text and "138****8000" not in text


@pytest.mark.parametrize("role", ["consultant", "escort"])
def test_tablet_roles_get_403_on_the_customer_list(client, database, catalogue, role):
    """Consultants and escorts work on the tablet: the office customer list is forbidden to them."""
    with database() as session:
        make_customer(session.get(Store, catalogue["store"]))
    signed_in_as(client, database, catalogue["store"], role)
    response = client.get("/office/customers")
    assert response.status_code == 403
    assert "138****8000" not in page(response)


@pytest.mark.parametrize(
    ("role", "status"), [("consultant", 403), ("receptionist", 403), ("manager", 403), ("admin", 200)]
)
def test_only_admins_open_the_users_page(client, database, catalogue, role, status):
    """Staff accounts are managed by the store's administrator only."""
    signed_in_as(client, database, catalogue["store"], role)
    assert client.get("/office/users").status_code == status


def test_only_editors_save_catalogue_rows(client, database, catalogue):
    """A receptionist sees the catalogue read-only and cannot save a row (403), so nothing changes."""
    signed_in_as(client, database, catalogue["store"], "receptionist")
    catalogue_page = page(client.get("/office/catalogue"))
    assert "109,900" in catalogue_page
    assert "/edit" not in catalogue_page
    before = snapshot(database, Trim, catalogue["trim"])
    assert (
        htmx(client, f"/office/catalogue/trim/{catalogue['trim']}", {**TRIM_FORM, "msrp_yuan": "1"}).status_code == 403
    )
    assert snapshot(database, Trim, catalogue["trim"]) == before
