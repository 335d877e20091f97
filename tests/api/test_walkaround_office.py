"""The walk-around in the office: authoring content with pictures (htmx and plain forms), publishing versions
that tablets pull, the customer file, the reports and the manager's score — with garbage input everywhere.

Database reads and writes happen in short app contexts (`database()`), never around a request.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from server.extensions import db
from server.models import Blob, Customer, Presentation, PresentationDraft, Series, Store, User, WalkaroundScore
from server.vocabularies.walkaround import RUBRIC
from server.workflow.presentation import store_order
from tests.api.test_office import field_errors, message, page
from tests.conftest import csrf_token, login
from tests.factories import make_customer, make_series, make_store, make_trim, make_user
from tests.factories.tablets import tablet_for
from tests.factories.walkaround import make_content, make_walkaround, picture_bytes

pytestmark = pytest.mark.usefixtures("cheap_hashing")


@pytest.fixture
def shop(database) -> dict:
    """Store W1: a series with two trims, a manager, a consultant, a customer; ids and usernames."""
    with database():
        store = make_store("W1", "闵行店")
        series = make_series(store, "启程 S5")
        trims = [make_trim(series, "舒适版"), make_trim(series, "旗舰版", 149_900)]
        manager = make_user(store, "manager", username="wa-manager", display_name="张伟")
        consultant = make_user(store, "consultant", username="wa-consultant", display_name="李明")
        customer = make_customer(store, consultant, name="王小明", phone="13812345678")
        return {
            "store": store.id,
            "series": series.id,
            "trims": [t.id for t in trims],
            "manager": manager.id,
            "consultant": consultant.id,
            "customer": customer.id,
        }


def signed_in(client, username: str = "wa-manager") -> str:
    assert login(client, username).status_code == 303
    return csrf_token(client, "/office/")


def editor_url(shop: dict, tail: str = "") -> str:
    return f"/office/presentations/{shop['series']}{tail}"


def point_form(token: str, **changes) -> dict:
    form = {
        "csrf_token": token,
        "topic": "safety",
        "feature_zh_CN": "全LED矩阵大灯",
        "feature_en": "Full-LED matrix headlights",
        "advantage_zh_CN": "自动避让对向车",
        "advantage_en": "",
        "benefit_zh_CN": "夜间跑高速更安全",
        "benefit_en": "",
    }
    return {**form, **changes}


def draft_positions(database, shop) -> list[dict]:
    with database():
        draft = db.session.scalar(select(PresentationDraft).where(PresentationDraft.series_id == shop["series"]))
        return draft.positions if draft else []


def count(database, model) -> int:
    with database():
        return db.session.scalar(select(func.count()).select_from(model))


def test_authoring_with_a_picture_reaches_a_tablet_and_its_picture_downloads(client, database, shop):
    """A manager adds a point with a photo to every position and publishes; a consultant's tablet pulls the
    version, finds the point first at front-left, and downloads the picture (re-encoded as a small WebP)."""
    token = signed_in(client)
    photo = picture_bytes(size=(2400, 1600), kind="JPEG")
    for n, code in enumerate(["front_left", "front", "side", "rear", "rear_seat", "driver_seat"]):
        data = point_form(token, feature_zh_CN=f"要点{n}")
        if n == 0:
            data["picture"] = (io.BytesIO(photo), "headlights.jpg", "image/jpeg")
        response = client.post(
            editor_url(shop, f"/positions/{code}/points"), data=data, content_type="multipart/form-data"
        )
        assert response.status_code == 303, page(response)
    response = client.post(editor_url(shop, "/publish"), data={"csrf_token": token})
    assert response.status_code == 303 and count(database, Presentation) == 1

    with database():
        tablet = tablet_for(client, db.session.get(User, shop["consultant"]))
    state = tablet.pull_all()
    (value,) = [v for k, v in state.items() if k.startswith("presentation/")]
    point = value["positions"][0]["points"][0]
    assert value["content_version"] == 1 and point["feature"] == {"zh_CN": "要点0", "en": "Full-LED matrix headlights"}
    assert point["topic"] == "safety" and point["trims"] == []
    response = client.get(f"/api/sync/v1/blobs/{point['picture']}", headers=tablet.headers)
    body = response.get_data()
    response.close()
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert hashlib.sha256(body).hexdigest() == point["picture"]
    assert Image.open(io.BytesIO(body)).size == (1024, 683)  # long side 1024: small enough for a tablet
    assert len(body) < len(photo)


def test_an_htmx_edit_answers_with_the_position_section_only(client, database, shop):
    """htmx posts get the position's section back (to swap in place), not the whole page."""
    token = signed_in(client)
    response = client.post(
        editor_url(shop, "/positions/side/points"),
        data=point_form(token, feature_zh_CN="2850mm 轴距"),
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    body = page(response)
    assert body.lstrip().startswith('<section class="card position" id="position-side">') and "2850mm 轴距" in body
    assert "<html" not in body


BAD_POINTS = [
    ({"feature_zh_CN": ""}, "feature_zh_CN", "This field is required."),
    ({"topic": ""}, "topic", "Choose one of the listed values."),
    ({"topic": "speed"}, "topic", "Choose one of the listed values."),
    ({"feature_zh_CN": "长" * 201}, "feature_zh_CN", "At most {max} characters."),
    ({"benefit_en": "x" * 301}, "benefit_en", "At most {max} characters."),
]


@pytest.mark.parametrize(("change", "field", "source"), BAD_POINTS, ids=[f for _c, f, _s in BAD_POINTS])
def test_a_bad_point_gets_a_field_error_in_chinese_and_nothing_changes(client, database, shop, change, field, source):
    """Each bad field comes back as a 422 with its message in Chinese and the typed values kept; the draft is
    not created or changed."""
    token = signed_in(client)
    response = client.post(
        editor_url(shop, "/positions/front/points"),
        data=point_form(token, **change),
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 422
    expected = message(source, "zh_CN", max=len(list(change.values())[0]) - 1)
    assert expected in field_errors(response)
    assert draft_positions(database, shop) == []


@pytest.mark.parametrize(
    ("upload", "source"),
    [
        ((b"not a picture at all", "photo.png", "image/png"), "This file is not a picture that can be read."),
        ((b"GIF89a" + bytes(40), "anim.gif", "image/gif"), "This file is not a picture that can be read."),
    ],
    ids=["text-as-png", "gif"],
)
def test_a_bad_picture_is_refused_and_no_blob_is_kept(client, database, shop, upload, source):
    """A file that is not a JPEG, PNG or WebP picture: a field error on `picture`, no blob, no point."""
    token = signed_in(client)
    data = point_form(token, picture=(io.BytesIO(upload[0]), upload[1], upload[2]))
    response = client.post(editor_url(shop, "/positions/rear/points"), data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message(source, "zh_CN") in field_errors(response)
    assert count(database, Blob) == 0 and draft_positions(database, shop) == []


def test_a_gif_picture_is_refused_with_the_format_message(client, database, shop):
    """A real GIF is a picture, but not one tablets are sent: 'use JPEG, PNG or WebP'."""
    token = signed_in(client)
    gif = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(gif, "GIF")
    data = point_form(token, picture=(io.BytesIO(gif.getvalue()), "x.gif", "image/gif"))
    response = client.post(editor_url(shop, "/positions/rear/points"), data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and message("Use a JPEG, PNG or WebP picture.", "zh_CN") in field_errors(
        response
    )
    assert count(database, Blob) == 0


def test_trims_of_another_series_are_refused(client, database, shop):
    """A trim id that is not of this series (forged form): a field error, nothing stored."""
    token = signed_in(client)
    with database():
        other_id = make_trim(make_series(db.session.get(Store, shop["store"]), "启程 E3")).id
    response = client.post(editor_url(shop, "/positions/side/points"), data={**point_form(token), "trims": [other_id]})
    assert response.status_code == 422 and message("Choose trims of this series.", "zh_CN") in field_errors(response)
    assert draft_positions(database, shop) == []


def test_a_point_for_one_trim_is_marked_so(client, database, shop):
    """The trim difference: a point ticked for the flagship trim only carries that trim's id."""
    token = signed_in(client)
    data = {**point_form(token, feature_zh_CN="20 英寸轮毂"), "trims": [shop["trims"][1]]}
    assert client.post(editor_url(shop, "/positions/side/points"), data=data).status_code == 303
    side = next(p for p in draft_positions(database, shop) if p["code"] == "side")
    assert side["points"][0]["trims"] == [shop["trims"][1]]
    assert "旗舰版" in page(client.get(editor_url(shop)))


@pytest.mark.parametrize(
    "order",
    [
        ["front_left", "front", "side", "rear", "rear_seat", "rear_seat"],
        ["front_left", "front", "side", "rear", "rear_seat"],
        ["front_left", "front", "side", "rear", "rear_seat", "roof"],
        [],
    ],
    ids=["duplicate", "five", "unknown", "none"],
)
def test_a_bad_sequence_is_refused(client, database, shop, order):
    """The sequence must hold each of the six positions once; the store's default stays variant A."""
    token = signed_in(client)
    response = client.post("/office/presentations/order", data={"csrf_token": token, "order": order})
    assert response.status_code == 422
    errors = field_errors(response)
    assert errors and all(not e.isascii() for e in errors)
    with database():
        assert store_order(shop["store"]) == ["front_left", "front", "side", "rear", "rear_seat", "driver_seat"]


def test_variant_b_as_store_default_shapes_new_content(client, database, shop):
    """A store whose brand teaches variant B sets it once; a series' new draft follows it."""
    token = signed_in(client)
    variant_b = ["front_left", "driver_seat", "rear_seat", "rear", "side", "front"]
    assert client.post("/office/presentations/order", data={"csrf_token": token, "order": variant_b}).status_code == 303
    client.post(editor_url(shop, "/positions/front/points"), data=point_form(token))
    assert [p["code"] for p in draft_positions(database, shop)] == variant_b


def test_publishing_is_refused_while_a_position_has_no_point(client, database, shop):
    """Tablets never get a position with nothing to say: 422 naming the empty positions; no version."""
    token = signed_in(client)
    client.post(editor_url(shop, "/positions/front/points"), data=point_form(token))
    response = client.post(editor_url(shop, "/publish"), data={"csrf_token": token})
    assert response.status_code == 422
    assert "左前方 45°" in page(response) and count(database, Presentation) == 0


def test_publishing_again_makes_a_new_version_and_the_old_ones_stay(client, database, shop):
    """Each publish of a changed draft is the next version; earlier versions keep their content; publishing
    without a change is refused."""
    with database():
        ids = make_content(db.session.get(Series, shop["series"]), db.session.get(User, shop["manager"]))
    token = signed_in(client)
    assert client.post(editor_url(shop, "/publish"), data={"csrf_token": token}).status_code == 303  # the extra point
    again = client.post(editor_url(shop, "/publish"), data={"csrf_token": token})
    assert again.status_code == 422 and message("Nothing changed since the last version.", "zh_CN") in page(again)
    assert (
        client.post(editor_url(shop, "/points/pt1"), data=point_form(token, feature_zh_CN="改过的要点")).status_code
        == 303
    )
    assert client.post(editor_url(shop, "/publish"), data={"csrf_token": token}).status_code == 303
    with database():
        rows = db.session.scalars(select(Presentation).order_by(Presentation.content_version)).all()
        assert [r.content_version for r in rows] == [1, 2, 3] and rows[0].id == ids["presentation"]
        assert [p["code"] for p in rows[0].positions[1]["points"]] == ["pt1"]
        assert rows[0].positions[1]["points"][0]["feature"]["zh_CN"] == "特征1"
        assert [p["code"] for p in rows[1].positions[1]["points"]] == ["pt1", "extra"]
        assert rows[2].positions[1]["points"][0]["feature"]["zh_CN"] == "改过的要点"
        assert rows[2].positions[1]["points"][0]["code"] == "pt1"  # the code stays: reports count across versions


def test_move_and_delete_points(client, database, shop):
    """Points move up and down within a position and are removed from the draft."""
    token = signed_in(client)
    for name in ("甲", "乙"):
        client.post(editor_url(shop, "/positions/rear/points"), data=point_form(token, feature_zh_CN=name))
    rear = next(p for p in draft_positions(database, shop) if p["code"] == "rear")
    second = rear["points"][1]["code"]
    client.post(editor_url(shop, f"/points/{second}/move"), data={"csrf_token": token, "direction": "up"})
    rear = next(p for p in draft_positions(database, shop) if p["code"] == "rear")
    assert [p["feature"]["zh_CN"] for p in rear["points"]] == ["乙", "甲"]
    assert client.post(editor_url(shop, f"/points/{second}/move"), data={"csrf_token": token}).status_code == 400
    client.post(editor_url(shop, f"/points/{second}/delete"), data={"csrf_token": token})
    rear = next(p for p in draft_positions(database, shop) if p["code"] == "rear")
    assert [p["feature"]["zh_CN"] for p in rear["points"]] == ["甲"]
    assert client.post(editor_url(shop, "/points/nope/delete"), data={"csrf_token": token}).status_code == 404


def test_a_form_without_csrf_is_refused(client, database, shop):
    """CSRF on every office form: a post without the token changes nothing."""
    signed_in(client)
    response = client.post(
        editor_url(shop, "/positions/front/points"), data={k: v for k, v in point_form("").items() if k != "csrf_token"}
    )
    assert response.status_code == 400 and draft_positions(database, shop) == []


@pytest.fixture
def session_ids(database, shop) -> dict:
    with database():
        manager, consultant = db.session.get(User, shop["manager"]), db.session.get(User, shop["consultant"])
        ids = make_content(db.session.get(Series, shop["series"]), manager)
        walkaround = make_walkaround(db.session.get(Customer, shop["customer"]), ids["presentation"], consultant)
        return {**ids, "walkaround": walkaround.id}


def test_the_customer_file_shows_the_walkaround_summary(client, shop, session_ids):
    """The summary lands in the customer's file: coverage 3/6 (two points presented, sat in the driver's seat),
    what was liked and the objection with its note; name and mobile masked."""
    signed_in(client, "wa-manager")
    body = page(client.get(f"/office/customers/{shop['customer']}"))
    assert "3/6" in body and "特征0" in body and "后备箱小" in body
    assert "王**" in body and "138****5678" in body and "13812345678" not in body


def test_the_report_counts_sessions_points_and_objections(client, shop, session_ids):
    """Sessions per consultant with coverage and time; per series the points presented and the objections."""
    signed_in(client)
    body = page(client.get("/office/walkarounds"))
    assert "李明" in body and "50 % (3.0/6)" in body and "4.5" in body  # 270 s
    assert "特征1" in body and "后备箱小" in body


SCORE = {f"score_{code}": "2" for code in RUBRIC}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"score_fab": "3"}, "score_fab"),
        ({"score_fab": "abc"}, "score_fab"),
        ({"score_fab": ""}, "score_fab"),
        ({"score_timing": "-1"}, "score_timing"),
        ({"comment_fab": "字" * 301}, "comment_fab"),
    ],
    ids=["three", "letters", "empty", "negative", "long-comment"],
)
def test_a_bad_score_gets_a_field_error_and_is_not_stored(client, database, session_ids, change, field):
    """Garbage in the rubric form: 422 with a Chinese message; no score row."""
    token = signed_in(client)
    response = client.post(
        f"/office/walkarounds/{session_ids['walkaround']}/score", data={"csrf_token": token, **SCORE, **change}
    )
    assert response.status_code == 422
    errors = field_errors(response)
    assert errors and all(not e.isascii() for e in errors)
    assert count(database, WalkaroundScore) == 0


def test_a_score_is_totalled_and_replaced_when_saved_again(client, database, session_ids):
    """12 items × 2 = 24; saving again replaces the score (one per session)."""
    token = signed_in(client)
    url = f"/office/walkarounds/{session_ids['walkaround']}/score"
    assert client.post(url, data={"csrf_token": token, **SCORE}).status_code == 303
    assert (
        client.post(
            url, data={"csrf_token": token, **SCORE, "score_fab": "0", "comment_fab": "没有结合需求"}
        ).status_code
        == 303
    )
    with database():
        (score,) = db.session.scalars(select(WalkaroundScore)).all()
        assert score.total == 22 and score.items["fab"] == {"score": 0, "comment": "没有结合需求"}
    assert "22 / 24" in page(client.get(f"/office/walkarounds/{session_ids['walkaround']}"))


@pytest.mark.parametrize(
    ("change", "field", "source"),
    [
        ({"title_zh_CN": ""}, "title_zh_CN", "This field is required."),
        ({"title_zh_CN": "长" * 61}, "title_zh_CN", "At most {max} characters."),
        ({"stand_hint_en": "x" * 121}, "stand_hint_en", "At most {max} characters."),
    ],
    ids=["empty-title", "long-title", "long-hint"],
)
def test_a_bad_position_form_gets_a_field_error_and_nothing_changes(client, database, shop, change, field, source):
    """The position's title and hint: 422 with the Chinese message next to the field; the draft is untouched."""
    token = signed_in(client)
    form = {"csrf_token": token, "title_zh_CN": "左前方", "title_en": "", "stand_hint_zh_CN": "", "stand_hint_en": ""}
    response = client.post(editor_url(shop, "/positions/front_left"), data={**form, **change})
    assert response.status_code == 422
    assert message(source, "zh_CN", max=len(list(change.values())[0]) - 1) in field_errors(response)
    assert draft_positions(database, shop) == []


def test_a_picture_over_the_size_limit_is_refused(client, database, shop, monkeypatch):
    """An upload larger than the limit is refused with the limit in the message, before it is decoded."""
    monkeypatch.setattr("server.workflow.presentation.UPLOAD_MAX_BYTES", 2048)
    token = signed_in(client)
    big = picture_bytes(size=(400, 300), kind="PNG") + bytes(4096)
    data = point_form(token, picture=(io.BytesIO(big), "big.png", "image/png"))
    response = client.post(editor_url(shop, "/positions/rear/points"), data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and any("MB" in e and not e.isascii() for e in field_errors(response))
    assert count(database, Blob) == 0


def test_a_picture_with_too_many_pixels_is_refused(client, database, shop):
    """A small file that decodes to a huge image (a decompression bomb) is refused without decoding it."""
    bomb = io.BytesIO()
    Image.new("1", (8000, 8000)).save(bomb, "PNG")  # 64 megapixels in a few KB
    token = signed_in(client)
    data = point_form(token, picture=(io.BytesIO(bomb.getvalue()), "bomb.png", "image/png"))
    response = client.post(editor_url(shop, "/positions/rear/points"), data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and message("The picture has too many pixels.", "zh_CN") in field_errors(
        response
    )
    assert count(database, Blob) == 0


def test_a_position_picture_is_replaced_and_removed(client, database, shop):
    """Upload a position's picture, see it in the editor; remove it; the uploaded blob stays for past versions."""
    token = signed_in(client)
    form = {
        "csrf_token": token,
        "title_zh_CN": "左前方 45°",
        "title_en": "Front-left",
        "stand_hint_zh_CN": "",
        "stand_hint_en": "",
    }
    upload = {**form, "picture": (io.BytesIO(picture_bytes()), "front.png", "image/png")}
    assert (
        client.post(
            editor_url(shop, "/positions/front_left"), data=upload, content_type="multipart/form-data"
        ).status_code
        == 303
    )
    picture = draft_positions(database, shop)[0]["picture"]
    assert picture and f"/office/pictures/{picture}" in page(client.get(editor_url(shop)))
    shown = client.get(f"/office/pictures/{picture}")
    assert shown.status_code == 200 and shown.mimetype == "image/webp"
    shown.close()
    assert (
        client.post(editor_url(shop, "/positions/front_left"), data={**form, "remove_picture": "1"}).status_code == 303
    )
    assert draft_positions(database, shop)[0]["picture"] is None and count(database, Blob) == 1


def test_the_report_counts_a_point_across_content_versions(client, database, shop, session_ids):
    """A point keeps its code through republishing, so sessions on version 1 and version 2 add up."""
    token = signed_in(client)
    client.post(editor_url(shop, "/publish"), data={"csrf_token": token})  # version 2 (with the draft's extra point)
    with database():
        v2 = db.session.scalar(select(Presentation).where(Presentation.content_version == 2))
        make_walkaround(db.session.get(Customer, shop["customer"]), v2.id, db.session.get(User, shop["consultant"]))
    body = page(client.get("/office/walkarounds"))
    assert "2/2" in body  # pt0 and pt1: presented in both sessions
    assert "2× 特征1" in body.replace("×</strong> ", "× ").replace("<strong>", "")


def test_pages_show_content_in_english_for_an_english_user(client, database, session_ids):
    """An English-speaking manager reads the points' English texts in the report."""
    with database():
        db.session.scalar(select(User).where(User.username == "wa-manager")).language = "en"
        db.session.commit()
    signed_in(client)
    body = page(client.get("/office/walkarounds"))
    assert "Feature 1" in body and "Sessions" in body and "特征1" not in body
