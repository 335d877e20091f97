"""Hostile bodies at every input boundary of the tablet API (Hypothesis, bounded): push, pull, token and blobs.

A black-box probe found lone surrogates, `1e400`, NUL, non-canonical UUIDs, 2^63 and deep nesting answering 500
or 503 on every retry, which blocks a tablet's queue forever. Here each endpoint takes a few hundred generated
bodies — valid envelopes with junk inside and junk envelopes, as JSON values and as raw text — and the suite
asserts: no 5xx ever; afterwards a valid mutation of the same tablet is applied; the office review pages (conflicts,
rejections) still answer 200. The counts of statuses per endpoint are written to
test-artifacts/fuzz-<database>.json (they go into the closing notes). Runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import uuid
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from server.extensions import db
from server.models import User
from tests.conftest import login
from tests.factories import PASSWORD
from tests.factories.images import encoded, svg_with_images
from tests.sync.test_push import NEW

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
COUNTS: dict[str, Counter] = {}

# --- What a hostile client sends ----------------------------------------------------------------------------------

NASTY_TEXT = st.sampled_from(
    ["\ud800", "\udfff", "a\x00b", "\x00", "\u202e", "😀", "𠀀", "\ufeff", "", " ", "'; DROP TABLE customer;--"]
)
TEXT = st.one_of(st.text(max_size=40), NASTY_TEXT, st.text(alphabet=st.characters(codec=None), max_size=12))
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63, 2**63 - 1, -(2**63) - 1, 2**53, 2**31, 10**20]),
    st.floats(allow_nan=False, allow_infinity=False),
)


def _uuid_spellings(value: str):
    return st.sampled_from([value, value.upper(), "{" + value + "}", "urn:uuid:" + value, value.replace("-", "")])


SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(TEXT, children, max_size=4)),
    max_leaves=12,
)
ENTITIES = st.sampled_from(
    ["customer", "delivery", "follow_up", "test_drive", "walkaround", "needs_analysis", "licence_photo", "series", "x"]
)
FIELDS = st.sampled_from(
    ["name", "phone", "grade", "owner_id", "notes", "customer_id", "due_date", "odometer_km", "items", "vin", "set"]
)


@st.composite
def mutation_args(draw):
    """A put/delete/sign-shaped args object with junk in some places."""
    record = str(uuid.uuid4())
    args = {
        "entity": draw(st.one_of(ENTITIES, TEXT)),
        "id": draw(st.one_of(_uuid_spellings(record), TEXT, NUMBERS)),
        "set": draw(
            st.one_of(
                st.fixed_dictionaries({**{k: st.just(v) for k, v in NEW.items()}}, optional={"x": JSON_VALUES}),
                st.dictionaries(st.one_of(FIELDS, TEXT), JSON_VALUES, max_size=5),
                JSON_VALUES,
            )
        ),
    }
    if draw(st.booleans()):
        args["base"] = draw(st.one_of(st.dictionaries(FIELDS, NUMBERS, max_size=3), JSON_VALUES))
    if draw(st.booleans()):
        args["snapshot"] = draw(JSON_VALUES)
        args["contentHash"] = draw(st.one_of(TEXT, st.just("0" * 64)))
        args["signatures"] = draw(JSON_VALUES)
    return args


@st.composite
def customer_put(draw):
    """A valid customer put with one field (maybe) replaced by junk: most are applied, some rejected."""
    values = dict(NEW)
    if draw(st.booleans()):
        values[draw(st.sampled_from(["name", "phone", "notes", "source", "grade"]))] = draw(SCALARS)
    return {"entity": "customer", "id": str(uuid.uuid4()), "set": values}


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


# --- The world under attack ------------------------------------------------------------------------------------------


def _count(endpoint: str, status: int) -> None:
    COUNTS.setdefault(endpoint, Counter())[str(status)] += 1


def _check(endpoint: str, response) -> None:
    _count(endpoint, response.status_code)
    assert response.status_code < 500, (endpoint, response.status_code, response.get_data(as_text=True)[:500])
    if response.status_code >= 400 and response.mimetype == "application/json":
        assert set(response.get_json()) == {"code", "message", "errors"}


@pytest.fixture(scope="module", autouse=True)
def _write_counts():
    yield
    database = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgresql") else "sqlite"
    out = Path(__file__).resolve().parents[2] / "test-artifacts" / f"fuzz-{database}.json"
    out.parent.mkdir(exist_ok=True)
    totals = {endpoint: dict(sorted(counter.items())) for endpoint, counter in sorted(COUNTS.items())}
    out.write_text(json.dumps(totals, indent=2))


def _still_works(app, client, world, tablet) -> None:
    """After the attack: the same tablet's next valid mutation is applied, and the review pages answer 200."""
    pulled = tablet.pull(cookie=None)  # learn where the server stands for this client
    last = pulled["lastMutationIDChanges"].get(tablet.client, 0)
    tablet.next_id = last + 1
    record = str(uuid.uuid4())
    result = tablet.push(tablet.put("customer", record, NEW))
    assert result["results"][-1]["outcome"] == "applied", result
    with app.app_context():
        username = db.session.get(User, world.ids["manager"]).username
        db.session.remove()
    login(client, username, PASSWORD)
    for page in ("/office/rejections", "/office/conflicts", "/office/customers"):
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)


def test_push_survives_hostile_mutations(app, client, world):
    """Valid envelopes (the tablet's own group and client, the next mutation id) carrying junk mutations."""
    tablet = world.tablet("manager")

    @FUZZ
    @given(
        mutations=st.lists(
            st.fixed_dictionaries(
                {"name": st.one_of(st.sampled_from(["put", "put", "delete", "sign", "test_drive.start"]), TEXT)},
                optional={
                    "args": st.one_of(customer_put(), mutation_args()),
                    "deviceTime": st.one_of(st.just("2026-12-07T10:00:00+08:00"), TEXT, NUMBERS, JSON_VALUES),
                },
            ),
            min_size=1,
            max_size=4,
        )
    )
    def attack(mutations):
        body = {"clientGroupID": tablet.group, "schemaVersion": 1, "mutations": []}
        for offset, mutation in enumerate(mutations):
            body["mutations"].append({"clientID": tablet.client, "id": tablet.next_id + offset, **mutation})
        response = tablet.http.post("/api/sync/v1/push", headers=tablet.headers, json=body)
        _check("push (mutations)", response)
        if response.status_code == 200:
            tablet.next_id = response.get_json()["lastMutationIDs"][tablet.client] + 1
            for result in response.get_json()["results"]:
                _count("push (mutations) outcome", result["outcome"])

    attack()
    _still_works(app, client, world, tablet)


def test_push_survives_hostile_envelopes_and_raw_text(app, client, world):
    """Junk envelopes as JSON values, and raw bodies a JSON library would never write."""
    tablet = world.tablet("manager")
    group, client_id = tablet.group, tablet.client

    @FUZZ
    @given(
        body=st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "clientGroupID": st.one_of(_uuid_spellings(group), TEXT, NUMBERS),
                    "schemaVersion": st.one_of(st.just(1), NUMBERS, TEXT),
                    "mutations": st.one_of(
                        st.lists(
                            st.fixed_dictionaries(
                                {
                                    "clientID": st.one_of(_uuid_spellings(client_id), TEXT),
                                    "id": st.one_of(NUMBERS, TEXT),
                                },
                                optional={"name": TEXT, "args": JSON_VALUES},
                            ),
                            max_size=3,
                        ),
                        JSON_VALUES,
                    ),
                },
            ).map(json.dumps),
            JSON_VALUES.map(json.dumps),
            st.sampled_from(["1e400", "-1e999", "NaN", "Infinity", '"\\ud800"', '{"a": "\\u0000"}']).map(
                lambda v: json.dumps({"clientGroupID": group, "mutations": []})[:-1] + f', "x": {v}}}'
            ),
            st.integers(min_value=60, max_value=5000).map(nested),
            st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
        )
    )
    def attack(body):
        response = tablet.http.post(
            "/api/sync/v1/push",
            headers=tablet.headers,
            data=body.encode("utf-8", "surrogatepass"),
            content_type="application/json",
        )
        _check("push (envelope)", response)

    attack()
    _still_works(app, client, world, tablet)


def test_pull_survives_hostile_bodies(app, client, world):
    """Cookies, limits and group ids of every kind."""
    tablet = world.tablet("manager")

    cookies = st.one_of(st.none(), TEXT, NUMBERS, JSON_VALUES)

    @FUZZ
    @given(
        body=st.one_of(
            st.fixed_dictionaries(  # the tablet's own group, junk cookie and limit
                {"clientGroupID": st.just(tablet.group), "schemaVersion": st.just(1), "cookie": cookies},
                optional={"limit": st.one_of(st.integers(min_value=-5, max_value=10**6), NUMBERS, TEXT)},
            ),
            st.fixed_dictionaries(
                {},
                optional={
                    "clientGroupID": st.one_of(_uuid_spellings(tablet.group), TEXT),
                    "schemaVersion": st.one_of(st.just(1), NUMBERS, TEXT),
                    "cookie": cookies,
                    "limit": st.one_of(NUMBERS, TEXT),
                },
            ),
        )
    )
    def attack(body):
        response = tablet.http.post("/api/sync/v1/pull", headers=tablet.headers, json=body)
        _check("pull", response)

    attack()
    _still_works(app, client, world, tablet)


def test_token_endpoint_survives_hostile_bodies(app, client, world):
    """Usernames, passwords and device labels of every kind (the login log stores them)."""

    @FUZZ
    @given(
        body=st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "username": st.one_of(st.sampled_from(["manager1", "admin", "Admin "]), TEXT, NUMBERS),
                    "password": st.one_of(st.just(PASSWORD), TEXT),
                    "device_label": st.one_of(TEXT, JSON_VALUES),
                },
            ),
            JSON_VALUES,
        )
    )
    def attack(body):
        response = world.http.post(
            "/api/auth/token",
            data=json.dumps(body).encode("utf-8", "surrogatepass"),
            content_type="application/json",
            environ_base={"REMOTE_ADDR": f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"},
        )
        _check("token", response)

    attack()
    _still_works(app, client, world, world.tablet("manager"))


def test_blob_endpoint_survives_hostile_uploads(app, client, world):
    """Names, types and bytes of every kind; whatever is accepted is a real file of its type."""
    tablet = world.tablet("manager")

    real = {kind: encoded(kind) for kind in ("PNG", "JPEG", "WEBP")}
    real["PDF"] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    files = st.one_of(
        st.binary(max_size=2048),
        st.sampled_from(sorted(real.values())),
        st.tuples(st.sampled_from(sorted(real.values())), st.binary(max_size=64), st.integers(0, 400)).map(
            lambda t: t[0][: t[2]] + t[1] if t[2] else t[0] + t[1]  # truncated and/or with junk behind
        ),
        st.just(svg_with_images("file:///etc/passwd")),
    )

    @FUZZ
    @given(
        data=files,
        honest=st.booleans(),
        name=st.one_of(st.text(alphabet="0123456789abcdefABCDEF", min_size=60, max_size=66), TEXT),
        content_type=st.sampled_from(
            ["image/png", "image/jpeg", "image/webp", "application/pdf", "image/svg+xml", "text/html", "", "x/\x00"]
        ),
    )
    def attack(data, honest, name, content_type):
        sha = hashlib.sha256(data).hexdigest() if honest else name
        path = "/api/sync/v1/blobs/" + "".join(c if c.isalnum() else "_" for c in sha)
        headers = {**tablet.headers, "Content-Type": content_type.replace("\x00", "")}
        response = tablet.http.put(path, headers=headers, data=data)
        _check("blob", response)
        if response.status_code in (200, 201):
            _count("blob accepted", content_type)
            if content_type == "application/pdf":
                assert data.startswith(b"%PDF-")
            else:  # whatever is kept is a complete picture of the claimed type
                with Image.open(io.BytesIO(data)) as image:
                    assert Image.MIME[image.format] == content_type
                    image.load()

    attack()
    _still_works(app, client, world, tablet)
