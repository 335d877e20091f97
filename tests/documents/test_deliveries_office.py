"""The back office's deliveries: what is still owed to customers, overdue items flagged first and linked to their
delivery, each delivery's own page (record, document, what is owed, closed from there), and words that say what
they mean (the column is the owed item, not a walk-around score item; the button marks it handed over, not the car
delivered)."""

from __future__ import annotations

import html
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import csrf_token, login
from tests.documents.test_handover_checks import new_shape


def today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def sealed(bay, we_owe: list[dict], days_ago: int = 10) -> str:
    """A delivery signed `days_ago` days ago (the tablet's signedAt) with `we_owe`; returns its id."""
    from tests.documents.conftest import content_hash

    values = new_shape(bay, we_owe=we_owe)
    for entry in we_owe:
        values["items"].pop(entry.get("item_code"), None)  # owed: the list answers it
    record_id = str(uuid.uuid4())
    assert bay.tablet.push(bay.tablet.put("delivery", record_id, values))["results"][0]["outcome"] == "applied"
    signed_at = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=days_ago)).isoformat(timespec="seconds")
    args = {
        "entity": "delivery",
        "id": record_id,
        "snapshot": values,
        "contentHash": content_hash(values),
        "signatures": bay.signatures(),
        "signedAt": signed_at,
    }
    result = bay.tablet.push(bay.tablet.mutation("sign", args))["results"][0]
    assert result["outcome"] == "applied", result
    return record_id


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def office(client, bay):
    """The manager signed in to the office; the CSRF token of the session."""
    assert login(client, bay.manager).status_code == 303
    return csrf_token(client, "/office/deliveries")


def owed_table(page: str) -> str:
    return page[page.index('id="we-owe"') :]


def test_overdue_items_come_first_flagged_with_their_days_and_link_to_their_delivery(client, bay, office):
    """Promised 3 days ago and not yet handed over: first, flagged overdue by 3 days, with a link to the delivery it
    was promised at; an item due later and one without a date are not flagged."""
    late = (today() - timedelta(days=3)).isoformat()
    later = (today() + timedelta(days=5)).isoformat()
    delivery_id = sealed(
        bay,
        [
            {"text": "首保券", "due_date": None},
            {"text": "后备箱垫", "due_date": later},
            {"text": "原厂脚垫", "due_date": late},
        ],
    )
    table = owed_table(text_of(client.get("/office/deliveries")))
    rows = re.findall(r"<tr[^>]*>.*?</tr>", table, re.S)[1:]
    assert ["原厂脚垫" in rows[0], "后备箱垫" in rows[1], "首保券" in rows[2]] == [True, True, True]
    assert 'class="overdue"' in rows[0] and "overdue" not in rows[1] and "overdue" not in rows[2]
    assert re.search(r"\b3\b", re.sub(r"<[^>]+>", " ", rows[0].split(late)[1]))  # the days overdue, after the date
    assert f'href="/office/deliveries/{delivery_id}"' in rows[0]


def test_the_owed_list_says_what_its_column_and_button_mean(client, bay, office):
    """Not the walk-around rubric's 评分项, not the car's 已交车: in English the column is the owed item and the
    button marks it handed over."""
    sealed(bay, [{"text": "原厂脚垫", "due_date": None}])
    table = owed_table(text_of(client.get("/office/deliveries")))
    assert "评分项" not in table and "已交车" not in table
    client.post("/language", data={"language": "en", "csrf_token": office})
    table = owed_table(text_of(client.get("/office/deliveries")))
    assert "Owed item" in table and "Mark as handed over" in table and ">Item<" not in table
    assert ">Delivered<" not in table


def test_a_delivery_has_its_own_page_where_owed_items_are_closed(app, client, bay, office):
    """The page of one delivery: vehicle, VIN, masked customer, document state, what is owed with its state; closing
    an item there comes back to the page, the item handed over with who and when, and off the open list."""
    late = (today() - timedelta(days=2)).isoformat()
    delivery_id = sealed(bay, [{"text": "原厂脚垫", "due_date": late, "item_code": "B07"}])
    page = text_of(client.get(f"/office/deliveries/{delivery_id}"))
    assert bay.vin in page and "张*" in page and "张三" not in page
    assert "原厂脚垫" in page and 'class="overdue"' in page and "B07" in page
    action = re.search(r'action="(/office/we-owe/[^"]+/close)"', page).group(1)
    response = client.post(action, data={"csrf_token": office, "back": "delivery"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/office/deliveries/{delivery_id}")
    page = text_of(client.get(f"/office/deliveries/{delivery_id}"))
    assert 'class="overdue"' not in page and 'action="/office/we-owe/' not in page
    assert "原厂脚垫" not in owed_table(text_of(client.get("/office/deliveries")))


def test_an_unknown_delivery_is_a_404(client, office):
    """Garbage or a delivery that does not exist: 404, nothing else."""
    for garbage in (str(uuid.uuid4()), "not-a-uuid", "'; drop table delivery; --"):
        assert client.get(f"/office/deliveries/{garbage}").status_code == 404
