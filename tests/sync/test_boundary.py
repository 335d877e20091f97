"""The input boundary (server/boundary.py) at the sync API: what a hostile probe found answering 500 or 503 on
every retry — and so blocking a tablet's queue — is now refused once, in the contract's shapes.

Inside a push, a value no database can store (a lone UTF-16 surrogate, NUL, an integer past ±(2^53−1)) rejects
that one mutation with a field-level error, recorded and shown, and the queue moves on; a body only a hostile
client can write (NaN, 1e400, deep nesting, over the size limit, a non-canonical UUID in the envelope) answers
400 or 413 whole. Every test here runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import MutationLog
from tests.conftest import login
from tests.factories import PASSWORD
from tests.sync.test_push import CJK, NEW, customer, last_mutation_id, raw_push, read

SURROGATE = "\ud800"


def new_id() -> str:
    return str(uuid.uuid4())


def good_put(tablet, record: str | None = None, **values) -> dict:
    return tablet.put("customer", record or new_id(), {**NEW, **values})


def text_push(tablet, text: str):
    """Send `text` verbatim as the push body (json.dumps writes a lone surrogate as the escape `\\ud800`)."""
    return raw_push(tablet, None, data=text.encode("utf-8"), content_type="application/json")


def logged(app, client_id: str, mutation_id: int) -> MutationLog:
    def load():
        log = db.session.scalar(
            select(MutationLog).where(MutationLog.client_id == client_id, MutationLog.mutation_id == mutation_id)
        )
        db.session.expunge(log)
        return log

    return read(app, load)


# --- One mutation refused, the queue goes on ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ("name", "name"),
        ("notes", "notes"),
        ("phone", "phone"),
    ],
)
@pytest.mark.parametrize("character", [SURROGATE, "\udfff", "\x00"])
def test_an_unstorable_character_rejects_its_mutation_and_the_next_is_applied(app, world, where, field, character):
    """A lone surrogate or NUL in any text field: that mutation is `rejected` with an error on the field, in
    Chinese; the mutation after it in the same push is applied; the log keeps a storable copy (U+FFFD)."""
    tablet = world.tablet("a1")
    bad, good = new_id(), new_id()
    first = good_put(tablet, bad, **{where: f"张{character}三"})
    second = good_put(tablet, good)
    result = tablet.push(first, second)
    outcome = {r["id"]: r for r in result["results"]}
    assert outcome[1]["outcome"] == "rejected"
    error = outcome[1]["error"]
    assert error["code"] == "invalid" and field in error["errors"] and CJK.search(error["errors"][field][0])
    assert outcome[2]["outcome"] == "applied"
    assert customer(app, bad) is None and customer(app, good)["name"] == "张三"
    assert last_mutation_id(app, tablet.client) == 2
    kept = logged(app, tablet.client, 1)
    assert kept.outcome == "rejected" and kept.args["set"][where] == "张\ufffd三"


@pytest.mark.parametrize("part", ["name", "deviceTime", "entity"])
def test_nul_or_a_surrogate_in_the_mutation_itself_is_rejected_not_503(app, world, part):
    """PostgreSQL refused NUL in the logged mutator name and device time: every retry answered 503."""
    tablet = world.tablet("a1")
    mutation = good_put(tablet)
    if part == "entity":
        mutation["args"]["entity"] = "customer\x00"
    else:
        mutation[part] = f"{mutation[part]}\x00{SURROGATE}"
    result = tablet.push(mutation, good_put(tablet))
    assert [r["outcome"] for r in result["results"]] == ["rejected", "applied"]
    kept = logged(app, tablet.client, 1)
    assert "\x00" not in (kept.name + (kept.device_time or "") + json.dumps(kept.args))


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 2**53, 10**20, 10**300])
def test_an_integer_beyond_the_safe_range_rejects_its_mutation(app, world, number):
    """2^63 in an integer field answered 500 on SQLite forever; 1e20 typed on a tablet reaches us as an integer.
    Beyond ±(2^53−1) (the contract's number range) the mutation is rejected on its field."""
    tablet = world.tablet("a1")
    first = good_put(tablet, owner_id=number)
    result = tablet.push(first, good_put(tablet))
    assert [r["outcome"] for r in result["results"]] == ["rejected", "applied"]
    assert "owner_id" in result["results"][0]["error"]["errors"]
    assert logged(app, tablet.client, 1).args["set"]["owner_id"] == str(number)


def test_a_float_too_large_for_an_integer_column_is_rejected_not_500(app, world):
    """1e300 is a finite float; an integer field without an upper bound would turn it into an integer no database
    column holds. The field's own validation refuses it (and the careful pass would catch the driver's error)."""
    tablet = world.tablet("a1")
    result = tablet.push(good_put(tablet, owner_id=1e300), good_put(tablet))
    assert [r["outcome"] for r in result["results"]] == ["rejected", "applied"]


@pytest.mark.parametrize(
    "spelling",
    [
        lambda u: "{" + u + "}",
        lambda u: "urn:uuid:" + u,
        lambda u: u.upper(),
        lambda u: u.replace("-", ""),
    ],
    ids=["braces", "urn", "upper", "no hyphens"],
)
def test_a_record_id_in_a_non_canonical_spelling_is_rejected(app, world, spelling):
    """`{…}` and `urn:uuid:…` passed the shape check and named a second record (SQLite) or overflowed a column
    (PostgreSQL, 503 forever). Only the canonical lowercase spelling names a record."""
    tablet = world.tablet("a1")
    record = new_id()
    result = tablet.push(good_put(tablet, spelling(record)), good_put(tablet))
    assert [r["outcome"] for r in result["results"]] == ["rejected", "applied"]
    assert "id" in result["results"][0]["error"]["errors"]
    assert customer(app, record) is None


@pytest.mark.parametrize("where", ["clientGroupID", "clientID"])
@pytest.mark.parametrize(
    "spelling",
    [lambda u: "{" + u + "}", lambda u: "urn:uuid:" + u, lambda u: u.upper()],
    ids=["braces", "urn", "upper"],
)
def test_a_non_canonical_client_id_is_400_and_the_real_one_still_pushes(app, world, where, spelling):
    """The envelope's ids are bound to users on first use: a second spelling of one would be a second install."""
    tablet = world.tablet("a1")
    mutation = good_put(tablet)
    body = {"clientGroupID": tablet.group, "schemaVersion": 1, "mutations": [mutation]}
    if where == "clientGroupID":
        body["clientGroupID"] = spelling(tablet.group)
    else:
        mutation["clientID"] = spelling(tablet.client)
    response = raw_push(tablet, body)
    assert response.status_code == 400 and response.get_json()["code"] == "bad_request"
    assert tablet.push(good_put(tablet, record=None) | {"id": 1})["results"][0]["outcome"] == "applied"


def test_a_mutation_larger_than_any_tablet_makes_is_rejected_and_not_kept(app, world):
    """A 50 MB junk argument was kept in the log and sent back on every full pull: now a mutation over
    MUTATION_MAX_BYTES is rejected and the log keeps only what names it."""
    tablet = world.tablet("a1")
    record = new_id()
    junk = good_put(tablet, record, notes="x" * 1000)
    junk["args"]["set"]["junk"] = "y" * (app.config["MUTATION_MAX_BYTES"] + 1)
    result = tablet.push(junk, good_put(tablet))
    assert [r["outcome"] for r in result["results"]] == ["rejected", "applied"]
    assert result["results"][0]["error"]["code"] == "too_large"
    kept = logged(app, tablet.client, 1)
    assert kept.args == {"entity": "customer", "id": record, "omitted_bytes": kept.args["omitted_bytes"]}
    assert kept.args["omitted_bytes"] > app.config["MUTATION_MAX_BYTES"]
    pulled = tablet.pull_all()
    assert len(json.dumps(pulled)) < 100_000  # the junk is not sent back


# --- Bodies refused whole ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("literal", ["1e400", "-1e400", "1E999", "NaN", "Infinity"])
def test_a_number_no_database_holds_is_400_whole_body(app, world, literal):
    """`1e400` passed the NaN/Infinity guard (Python reads it as infinity): stored as `Infinity` on SQLite,
    503 forever on PostgreSQL. A tablet's JSON.stringify never writes one; the body is refused, nothing kept."""
    tablet = world.tablet("a1")
    record = new_id()
    text = json.dumps({"clientGroupID": tablet.group, "mutations": [good_put(tablet, record)]})
    text = text.replace('"grade": "H"', f'"grade": "H", "budget": {literal}')
    response = text_push(tablet, text)
    assert response.status_code == 400 and set(response.get_json()) == {"code", "message", "errors"}
    assert customer(app, record) is None and last_mutation_id(app, tablet.client) == 0


@pytest.mark.parametrize("levels", [65, 1000, 100_000])
@pytest.mark.parametrize("endpoint", ["/api/sync/v1/push", "/api/sync/v1/pull", "/api/auth/token"])
def test_deep_nesting_is_400_on_every_json_endpoint(world, endpoint, levels):
    """JSON nested ~1,000 levels answered 500 on every JSON endpoint (RecursionError)."""
    tablet = world.tablet("a1")
    body = '{"clientGroupID": "' + tablet.group + '", "x": ' + "[" * levels + "]" * levels + "}"
    response = tablet.http.post(endpoint, headers=tablet.headers, data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["code"] == "bad_request"


def test_a_record_as_deep_as_the_protocol_goes_is_accepted(app, world):
    """The depth limit leaves room: a delivery's items go six levels deep, 64 are allowed."""
    tablet = world.tablet("a1")
    nested: object = "leaf"
    for _ in range(40):
        nested = {"n": nested}
    result = tablet.push(good_put(tablet, notes="ok"), tablet.put("customer", new_id(), {**NEW, "deep": nested}))
    assert result["results"][0]["outcome"] == "applied"
    assert result["results"][1]["outcome"] == "rejected"  # an unknown field, judged by the schema, not a 400


@pytest.mark.parametrize("endpoint", ["/api/sync/v1/push", "/api/sync/v1/pull", "/api/auth/token"])
def test_a_body_over_the_limit_is_413_in_the_contract_shape(app, world, endpoint):
    """There was no request size limit."""
    tablet = world.tablet("a1")
    body = b'{"clientGroupID": "' + tablet.group.encode() + b'", "x": "' + b"y" * app.config["JSON_MAX_BYTES"] + b'"}'
    response = tablet.http.post(endpoint, headers=tablet.headers, data=body, content_type="application/json")
    assert response.status_code == 413
    assert set(response.get_json()) == {"code", "message", "errors"} and response.get_json()["code"] == "too_large"
    assert tablet.push(good_put(tablet))["results"][0]["outcome"] == "applied"


def test_a_blob_may_still_be_larger_than_a_json_body(app, world):
    """The JSON limit is for JSON: a blob up to BLOB_MAX_BYTES still uploads (it is refused for its content if it
    is not a real image, never for a size under the blob limit)."""
    tablet = world.tablet("a1")
    assert app.config["MAX_CONTENT_LENGTH"] > app.config["BLOB_MAX_BYTES"]
    big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)
    import hashlib

    sha = hashlib.sha256(big).hexdigest()
    response = tablet.http.put(
        f"/api/sync/v1/blobs/{sha}", headers=tablet.headers, data=big, content_type="application/pdf"
    )
    assert response.status_code != 413


# --- Other JSON endpoints ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cookie", [SURROGATE, "abc\x00", "x" * 10_000 + SURROGATE])
def test_a_pull_cookie_with_an_unstorable_character_is_400_then_pull_works(world, cookie):
    """A pull cookie with a lone surrogate answered 500."""
    tablet = world.tablet("a1")
    response = tablet.http.post(
        "/api/sync/v1/pull",
        headers=tablet.headers,
        json={"clientGroupID": tablet.group, "schemaVersion": 1, "cookie": cookie, "limit": 10},
    )
    assert response.status_code == 400 and "cookie" in response.get_json()["errors"]
    assert tablet.pull(cookie=None)["hasMore"] in (True, False)


def test_a_foreign_cookie_of_any_characters_starts_over(world):
    """A cookie that is not ours — any printable text — resets the client (clear + full state), never 500."""
    tablet = world.tablet("a1")
    page = tablet.pull(cookie="客户🚗.abc")
    assert page["patch"][0] == {"op": "clear"}


@pytest.mark.parametrize("username", [SURROGATE, "admin\x00", "a" * 10 + "\udc80"])
def test_a_username_with_an_unstorable_character_is_400(world, username):
    """A username with a lone surrogate answered 500 (it reached the login log)."""
    response = world.http.post("/api/auth/token", json={"username": username, "password": "x"})
    assert response.status_code == 400 and "username" in response.get_json()["errors"]


# --- What was stored before the boundary is still shown --------------------------------------------------------


def test_office_rejections_page_shows_a_rejected_surrogate_as_a_replacement_character(app, client, world):
    """One rejected mutation carrying a surrogate made /office/rejections answer 500."""
    tablet = world.tablet("a1")
    tablet.push(good_put(tablet, name=f"王{SURROGATE}五"))
    with app.app_context():
        from server.models import User

        username = db.session.get(User, world.ids["manager"]).username
        db.session.remove()
    login(client, username, PASSWORD)
    page = client.get("/office/rejections")
    assert page.status_code == 200 and "王\ufffd五" in page.get_data(as_text=True)


@pytest.mark.skipif(
    not __import__("os").environ.get("DATABASE_URL", "sqlite").startswith("sqlite"),
    reason="PostgreSQL refuses to store a lone surrogate at all: there is no such old data to show there",
)
def test_text_stored_before_the_boundary_is_shown_with_a_replacement_character(app, client, world):
    """A conflict that already holds a lone surrogate (written before this boundary, on SQLite) no longer breaks
    /office/conflicts, nor the rejections page for a log row holding one verbatim."""
    from server.models import Customer
    from tests.factories import make_conflict

    with app.app_context():
        from server.models import Store, User

        store = db.session.get(Store, world.ids["store_a"])
        row = Customer(id=new_id(), store_id=store.id, name="王五", phone="13800000001", grade="H")
        row.apply({"name": "王五"}, 1, "office:1")
        db.session.add(row)
        db.session.flush()
        make_conflict(row, "name", f"旧{SURROGATE}名")
        username = db.session.get(User, world.ids["manager"]).username
        db.session.commit()
        db.session.remove()
    login(client, username, PASSWORD)
    page = client.get("/office/conflicts")
    assert page.status_code == 200 and "旧\ufffd名" in page.get_data(as_text=True)
