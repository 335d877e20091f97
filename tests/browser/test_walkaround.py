"""The needs analysis (进店五问) and the six-position walk-around (六方位绕车) on a landscape tablet, offline first:
the consultant asks the five questions, the tablet suggests a grade that the consultant confirms, then guides the
walk-around position by position with the points on the customer's focus topics first; a reload in the middle
comes back to the same position with every tap and the time kept; the summary lands in the customer's file and,
back online, on the server and in the office pages.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import (
    SCREENSHOTS,
    _watch_for_script_problems,
    open_tablet_context,
    sign_in_tablet,
    sync_now,
)
from .test_office import sign_in as sign_in_office

pytestmark = pytest.mark.browser

POSITIONS = ["front_left", "front", "side", "rear", "rear_seat", "driver_seat"]


@pytest.fixture
def landscape(browser, live_server):
    """A 1024×768 landscape touch tablet (the size a consultant holds beside the car); checked for script errors."""
    context = open_tablet_context(browser, live_server, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    problems = _watch_for_script_problems(page)
    yield context, page
    context.close()
    assert not problems, problems


def screen(page, name: str) -> None:
    """A screenshot of what the tablet's screen shows (the viewport: the position screen's footer is sticky)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled")


def pressed(page, point: str, mark: str):
    return page.locator(f"[data-point={point}] [data-mark={mark}]")


def presentation_of(live_server, series_name: str | None = None) -> dict:
    """The newest presentation the server holds (for `series_name`, else the first series with one)."""
    pulled = live_server.pull_all("manager")
    series = {v["id"]: v for k, v in pulled.items() if k.startswith("series/")}
    versions = [v for k, v in pulled.items() if k.startswith("presentation/")]
    if series_name:
        versions = [v for v in versions if series[v["series_id"]]["name"] == series_name]
    assert versions, "no presentation content on the server"
    return max(versions, key=lambda v: (series[v["series_id"]]["name"], v["content_version"]))


def expected_points(position: dict, trim_id: str | None, focus: set[str]) -> list[str]:
    """The point codes a position must show for `trim_id`, focus topics first, each group in authored order."""
    shown = [p for p in position["points"] if not p["trims"] or trim_id is None or trim_id in p["trims"]]
    return [p["code"] for p in shown if p["topic"] in focus] + [p["code"] for p in shown if p["topic"] not in focus]


def seconds_shown(page, testid: str) -> int:
    minutes, secs = page.get_by_test_id(testid).inner_text().split()[-1].split(":")
    return int(minutes) * 60 + int(secs)


def fill_needs(page) -> None:
    """The five questions, answered for a family buyer who cares about safety and space."""
    page.locator("#usage-chips [data-code=family]").click()
    page.locator("#usage-chips [data-code=commute]").click()
    page.locator("#needs-users").fill("本人和太太，两个孩子")
    page.locator("#decision_maker-choice [data-code=joint]").click()
    page.locator("#needs-budget_min").fill("15")
    page.locator("#needs-budget_max").fill("20")
    page.locator("#payment-choice [data-code=loan]").click()
    page.locator("#needs-current_car").fill("2016 款朗逸")
    page.locator("#needs-trade_in").check()
    page.locator("#needs-competitors").fill("丰田 RAV4，本田 CR-V")
    page.locator("#focus_topics-chips [data-code=safety]").click()
    page.locator("#focus_topics-chips [data-code=space]").click()
    page.locator("#timeline-choice [data-code='15d']").click()


OUTBOX = """async () => {
  const db = await import('/static/js/core/db.js');
  const s = await db.getSession();
  return db.readOutbox(await db.openUserDb(s.store.code, s.user.id));
}"""


def text(live_server, source: str, **params) -> str:
    """What t(source, params) shows in Chinese (the English source when not translated yet)."""
    shown = live_server.catalogue("zh_CN").get(source) or source
    for name, value in params.items():
        shown = shown.replace(f"%({name})s", str(value))
    return shown


def office_text(source: str, **params) -> str:
    """What the office shows in Chinese for a gettext source (the English source when not translated)."""
    from babel.messages.pofile import read_po

    path = Path(__file__).parents[2] / "server" / "translations" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        message = read_po(handle).get(source)
    return (message.string if message and message.string else source) % params


def test_bad_needs_answers_get_field_errors_and_nothing_is_queued(landscape, live_server, screenshot):
    """Offline, a negative budget, a budget that is not a number and a lower bound above the upper one each get
    an error under their own field, in Chinese, and nothing reaches the outbox; the server refuses the same
    values on the same fields. Corrected, the answers are saved with the grade they suggest, and the customer's
    grade stays as it was (no grade was picked)."""
    context, page = landscape
    sign_in_tablet(page)
    context.set_offline(True)
    page.get_by_test_id("customers-entry").click()
    page.get_by_test_id("customer-row").first.click()
    customer_id = page.url.rsplit("/", 1)[1]
    grade_before = page.locator(".customer-title .grade").inner_text()
    page.get_by_test_id("open-needs").click()
    before = len(page.evaluate(OUTBOX))

    page.locator("#needs-budget_min").fill("-5")
    page.locator("#needs-budget_max").fill("二十")
    page.get_by_test_id("save-needs").click()
    expect(page.get_by_test_id("error-budget_min")).to_have_text(text(live_server, "A budget cannot be negative."))
    expect(page.get_by_test_id("error-budget_max")).to_have_text(text(live_server, "Enter a number."))
    expect(page.locator("#needs-budget_max")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("needs-error")).to_be_visible()
    screenshot(page, "needs-bad-input")

    page.locator("#needs-budget_min").fill("30")
    page.locator("#needs-budget_max").fill("20")
    page.get_by_test_id("save-needs").click()
    expect(page.get_by_test_id("error-budget_min")).to_be_hidden()
    expect(page.get_by_test_id("error-budget_max")).to_have_text(
        text(live_server, "The upper budget must not be below the lower one.")
    )
    page.locator("#needs-competitors").fill("、".join(f"竞品{n}" for n in range(11)))
    page.get_by_test_id("save-needs").click()
    expect(page.get_by_test_id("error-competitors")).to_have_text(text(live_server, "At most %(max)s models.", max=10))
    assert len(page.evaluate(OUTBOX)) == before, "nothing is queued while a field is invalid"
    expect(page).to_have_url(re.compile(r"/needs$"))

    # The server refuses the same answers on the same fields (pushed straight to the API).
    token = live_server.sign_in("consultant")["token"]
    for values, field in [
        ({"budget_min": -5, "budget_max": 10}, "budget_min"),
        ({"budget_min": 10, "budget_max": "二十"}, "budget_max"),
        ({"budget_min": 30, "budget_max": 20}, "budget_max"),
        ({"competitors": [f"竞品{n}" for n in range(11)]}, "competitors"),
    ]:
        mutation = {
            "clientID": str(uuid.uuid4()),
            "id": 1,
            "name": "put",
            "args": {
                "entity": "needs_analysis",
                "id": str(uuid.uuid4()),
                "set": {"customer_id": customer_id, **values},
            },
        }
        body = {"clientGroupID": str(uuid.uuid4()), "schemaVersion": 1, "mutations": [mutation]}
        status, answer = live_server.api("POST", "/api/sync/v1/push", body, token=token)
        assert status == 200, answer
        result = answer["results"][0]
        assert result["outcome"] == "rejected" and field in result["error"]["errors"], (values, result)

    page.locator("#needs-competitors").fill("丰田 RAV4")
    page.locator("#needs-budget_min").fill("15.5")
    page.locator("#needs-budget_max").fill("20")
    page.locator("#decision_maker-choice [data-code=self]").click()
    page.locator("#timeline-choice [data-code='30d']").click()
    expect(page.get_by_test_id("suggested-grade").locator("strong")).to_have_text("B")
    page.get_by_test_id("save-needs").click()
    expect(page).to_have_url(re.compile(f"#/customers/{customer_id}$"))
    queued = [m["args"] for m in page.evaluate(OUTBOX)[before:]]
    needs = next(a for a in queued if a["entity"] == "needs_analysis")
    assert needs["set"]["budget_min"] == 15.5 and needs["set"]["budget_max"] == 20
    assert needs["set"]["competitors"] == ["丰田 RAV4"] and needs["set"]["suggested_grade"] == "B"
    assert needs["set"]["grade"] is None  # no grade picked: saving never changes the file's grade
    expect(page.locator(".customer-title .grade")).to_have_text(grade_before)
    assert [a for a in queued if a["entity"] in ("customer", "grade_change")] == []


def test_offline_needs_analysis_and_six_positions_resume_after_a_reload_and_reach_the_office(
    landscape, live_server, office_page, screenshot
):
    """The headline: offline, the five questions suggest grade A, the consultant confirms H; the walk-around of
    the customer's model shows each position's picture and the points on safety and space first (marked), hides
    the points of other trims; taps and time are kept on each position; a reload at position 3 comes back to
    position 3 with its taps and its time; all six positions are covered, the customer sat in, the brochure was
    given; the summary says 6/6 and lands in the customer's file. Online again, one sync brings the needs analysis,
    the grade and the finished walk-around to the server, and the office's customer page and report show it."""
    context, page = landscape
    sign_in_tablet(page)
    presentation = presentation_of(live_server)
    series_id = presentation["series_id"]
    pulled = live_server.pull_all("manager")
    trims = sorted(
        (v for k, v in pulled.items() if k.startswith("trim/") and v["series_id"] == series_id), key=lambda v: v["name"]
    )
    limited = {t for pos in presentation["positions"] for p in pos["points"] for t in p["trims"]}
    trim = next((t for t in trims if t["id"] not in limited), trims[0])  # a trim for which some point is hidden
    focus = {"safety", "space"}
    pictures = {pos["picture"] for pos in presentation["positions"] if pos.get("picture")}
    assert len(pictures) == 6, "every demo position has its picture"

    context.set_offline(True)
    page.get_by_test_id("customers-entry").click()
    page.get_by_test_id("customer-row").nth(2).click()
    customer_id = page.url.rsplit("/", 1)[1]
    customer_name = page.get_by_test_id("customer-name").inner_text()
    page.get_by_test_id("open-needs").click()
    page.locator(f"#series_id-choice [data-code='{series_id}']").click()
    fill_needs(page)
    expect(page.get_by_test_id("suggested-grade").locator("strong")).to_have_text("A")  # 15 days, budget, joint
    page.locator("#confirmed-grade [data-grade=H]").click()
    screenshot(page, "walkaround-needs")
    page.get_by_test_id("save-needs-walk").click()

    # Start: the customer's model and focus topics come from the needs analysis.
    expect(page.locator(f"#walkaround-series [data-series='{series_id}']")).to_have_attribute("aria-checked", "true")
    for topic in focus:
        expect(page.locator(f"#walkaround-topics [data-code={topic}]")).to_have_attribute("aria-checked", "true")
    page.locator(f"#walkaround-trim [data-trim='{trim['id']}']").click()
    screenshot(page, "walkaround-start")
    page.get_by_test_id("walkaround-go").click()

    marked: dict[str, dict[str, set[str]]] = {}
    for index, position in enumerate(presentation["positions"]):
        number = index + 1
        expect(page).to_have_url(re.compile(f"#/walkaround/[0-9a-f-]{{36}}/{number}$"))
        expect(page.get_by_test_id("position-title")).to_have_attribute("data-code", position["code"])
        expect(page.get_by_test_id("position-picture")).to_have_attribute("data-sha", position["picture"])
        codes = expected_points(position, trim["id"], focus)
        expect(page.get_by_test_id("point")).to_have_count(len(codes))
        assert page.get_by_test_id("point").evaluate_all("els => els.map(e => e.dataset.point)") == codes
        matching = [p["code"] for p in position["points"] if p["code"] in codes and p["topic"] in focus]
        expect(page.locator("[data-testid=point][data-match=true] [data-testid=match-tag]")).to_have_count(
            len(matching)
        )
        first = codes[0]
        pressed(page, first, "presented").click()
        marks = {first: {"presented"}}
        if number == 1:
            pressed(page, first, "interest").click()
            marks[first].add("interest")
        if number == 3 and len(codes) > 1:
            pressed(page, codes[1], "objection").click()  # an objection also counts as presented
            marks[codes[1]] = {"objection", "presented"}
            note = page.locator(f"[data-point={codes[1]}] [data-testid=objection-note]")
            note.fill("担心保养费用高")
            note.blur()
        marked[position["code"]] = marks
        if number == 1:
            screen(page, "walkaround-position-1")
        if number == 3:
            page.wait_for_function(
                "() => document.querySelector('[data-testid=position-time]').textContent.trim() >= '0:02'"
            )
            before = seconds_shown(page, "position-time")
            page.reload()  # offline: the shell from the service worker, the state from IndexedDB
            expect(page.get_by_test_id("position-title")).to_have_attribute("data-code", position["code"])
            expect(page).to_have_url(re.compile("/3$"))
            for code, kinds in marks.items():
                for kind in ("presented", "interest", "objection"):
                    expect(pressed(page, code, kind)).to_have_attribute("aria-pressed", str(kind in kinds).lower())
            assert seconds_shown(page, "position-time") >= before - 1, "the time of the position is kept"
            if len(codes) > 1:
                expect(page.locator(f"[data-point={codes[1]}] [data-testid=objection-note]")).to_have_value(
                    "担心保养费用高"
                )
            page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
            screen(page, "walkaround-position-3-after-reload")
        if position["code"] in ("rear_seat", "driver_seat"):
            page.get_by_test_id("flag-sat_in").check()
        if number < 6:
            page.get_by_test_id("next-position").click()
    page.get_by_test_id("flag-brochure_given").check()
    page.get_by_test_id("finish-walkaround").click()

    # Summary, then the customer's file.
    expect(page.get_by_test_id("summary-coverage")).to_have_text("6/6")
    expect(page.get_by_test_id("summary-interests")).to_have_text("1")
    expect(page.get_by_test_id("summary-objections")).to_have_text("1")
    expect(page.get_by_test_id("summary-objection")).to_contain_text("担心保养费用高")
    presented = sum(len(m) for m in marked.values())
    expect(page.get_by_test_id("summary-presented")).to_have_text(str(presented))
    expect(page.get_by_test_id("summary-brochure")).to_have_text(text(live_server, "Yes"))
    assert seconds_shown(page, "summary-time") >= 2
    screenshot(page, "walkaround-summary")
    page.get_by_role("link", name=text(live_server, "Back to the customer")).click()
    expect(page.get_by_test_id("customer-walkaround")).to_contain_text(
        text(live_server, "%(covered)s/%(total)s positions", covered=6, total=6)
    )
    expect(page.locator(".customer-title .grade")).to_have_text("H")
    screenshot(page, "walkaround-customer-file")
    page.goto("/tablet/#/home")
    page.get_by_test_id("walkaround-entry").click()
    expect(page.get_by_test_id("walkaround-row").filter(has_text=customer_name)).to_contain_text(
        text(live_server, "%(covered)s/%(total)s positions", covered=6, total=6)
    )
    screenshot(page, "walkaround-list")

    # Online: one sync, and the server holds it all.
    context.set_offline(False)
    run = sync_now(page)
    assert run["ok"], run
    rejections = page.evaluate(
        "async () => { const db = await import('/static/js/core/db.js'); const s = await db.getSession();"
        " return (await db.readRejections(await db.openUserDb(s.store.code, s.user.id))); }"
    )
    server = live_server.pull_all("manager")
    assert not rejections, [(r["id"], r["args"]["entity"], list(r["error"]["errors"])) for r in rejections]
    assert server[f"customer/{customer_id}"]["grade"] == "H"
    needs = [v for k, v in server.items() if k.startswith("needs_analysis/") and v["customer_id"] == customer_id]
    assert len(needs) == 1 and needs[0]["grade"] == "H" and needs[0]["suggested_grade"] == "A"
    changes = [
        v for k, v in server.items() if k.startswith("grade_change/") and v["needs_analysis_id"] == needs[0]["id"]
    ]
    assert [(c["customer_id"], c["to_grade"], c["reason"]) for c in changes] == [(customer_id, "H", "needs_analysis")]
    assert needs[0]["focus_topics"] == ["safety", "space"] and needs[0]["budget_max"] == 20
    walks = [v for k, v in server.items() if k.startswith("walkaround/") and v["customer_id"] == customer_id]
    assert len(walks) == 1
    walk = walks[0]
    assert walk["status"] == "finished" and walk["presentation_id"] == presentation["id"]
    assert walk["trim_id"] == trim["id"] and walk["needs_analysis_id"] == needs[0]["id"] and walk["brochure_given"]
    for code, marks in marked.items():
        for point, kinds in marks.items():
            got = {k for k in ("presented", "interest", "objection") if walk["positions"][code]["points"][point][k]}
            assert got == kinds, (code, point, got)
    assert walk["positions"]["front_left"]["seconds"] >= 0 and walk["positions"]["side"]["seconds"] >= 2
    assert walk["positions"]["driver_seat"]["sat_in"]
    objected = [p for p in walk["positions"]["side"]["points"].values() if p["objection"]]
    assert [p["note"] for p in objected] == ["担心保养费用高"]

    # The office: the customer's page and the walk-around report show the session.
    from server.vocabularies.privacy import mask_name

    sign_in_office(office_page, "manager")
    office_page.goto(f"/office/customers/{customer_id}")
    expect(office_page.locator("h1")).to_contain_text(mask_name(customer_name))  # masked in the office, too
    expect(office_page.locator("#needs")).to_contain_text(office_text("confirmed %(grade)s", grade="H"))
    expect(office_page.get_by_test_id("walkaround-coverage")).to_have_text("6/6")
    screenshot(office_page, "walkaround-office-customer")
    office_page.goto("/office/walkarounds")
    session_row = office_page.locator(f"[data-testid=walkaround-session][data-customer-id='{customer_id}']")
    expect(session_row).to_contain_text("6/6")
    expect(session_row).not_to_contain_text(customer_name)  # the report masks names
    screenshot(office_page, "walkaround-office-report")


def test_content_authored_in_the_office_with_a_picture_is_shown_on_the_tablet_offline(
    landscape, live_server, office_page, screenshot, tmp_path
):
    """A manager uploads a picture for the front-left position and adds a talking point, then publishes a new
    version. The tablet's next sync brings the version and downloads the picture into IndexedDB; offline, a new
    walk-around of that series shows the new picture and the new point, and the older version stays on the tablet
    (a past walk-around keeps what was presented then)."""
    from tests.factories.images import gradient_png

    context, page = landscape
    before = presentation_of(live_server)
    series_id = before["series_id"]
    picture = tmp_path / "front.png"
    picture.write_bytes(gradient_png(7, 900, 600))
    feature = f"抬头显示 HUD {uuid.uuid4().hex[:6]}"

    sign_in_office(office_page, "manager")
    office_page.goto(f"/office/presentations/{series_id}")
    form = office_page.get_by_test_id("position-form-front_left")
    shown = office_page.locator("#position-front_left img.position-picture")
    old_src = shown.get_attribute("src")
    form.locator("input[type=file]").set_input_files(str(picture))
    form.locator("button[type=submit]").click()
    expect(shown).not_to_have_attribute("src", old_src)  # the section came back with the new picture
    office_page.get_by_test_id("add-point-front_left").click()
    office_page.locator("#new-front_left-topic").select_option("technology")
    office_page.locator("#new-front_left-feature").fill(feature)
    office_page.locator("#new-front_left-advantage").fill("车速导航投射在前挡风玻璃上")
    office_page.locator("#new-front_left-benefit").fill("您开车时视线不用离开路面")
    office_page.locator("#position-front_left .add-point button[type=submit]").click()
    expect(office_page.locator("#position-front_left details.point summary").filter(has_text=feature)).to_be_visible()
    office_page.get_by_test_id("publish").click()
    screenshot(office_page, "walkaround-office-editor")
    after = presentation_of(live_server)
    assert after["series_id"] == series_id and after["content_version"] == before["content_version"] + 1
    front = after["positions"][after["position_order"].index("front_left")]
    new_picture = front["picture"]
    assert new_picture and new_picture != before["positions"][before["position_order"].index("front_left")]["picture"]
    new_point = next(p for p in front["points"] if p["feature"]["zh_CN"] == feature)

    sign_in_tablet(page)  # the first sync pulls the new version and downloads its pictures
    stored = page.evaluate(
        """async (sha) => { const db = await import('/static/js/core/db.js'); const s = await db.getSession();
        const u = await db.openUserDb(s.store.code, s.user.id); const b = await db.getBlob(u, sha);
        return b ? { size: b.size, type: b.type, uploaded: b.uploaded } : null; }""",
        new_picture,
    )
    assert stored and stored["size"] > 0 and stored["uploaded"] is True and stored["type"].startswith("image/")
    versions = page.evaluate(
        """async (series) => { const db = await import('/static/js/core/db.js'); const s = await db.getSession();
        const u = await db.openUserDb(s.store.code, s.user.id);
        return (await db.readRecords(u, 'presentation/')).filter((p) => p.series_id === series)
          .map((p) => p.content_version).sort(); }""",
        series_id,
    )
    assert versions[-2:] == [before["content_version"], after["content_version"]]

    context.set_offline(True)
    page.goto("/tablet/#/customers")
    page.get_by_test_id("customer-row").nth(4).click()
    page.get_by_test_id("start-walkaround").click()
    page.locator(f"#walkaround-series [data-series='{series_id}']").click()
    page.get_by_test_id("walkaround-go").click()
    page.get_by_test_id(f"position-tab-{after['position_order'].index('front_left') + 1}").click()
    image = page.get_by_test_id("position-picture")
    expect(image).to_have_attribute("data-sha", new_picture)
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0, "the picture is shown, offline"
    expect(page.locator(f"[data-point={new_point['code']}]")).to_contain_text(feature)
    screen(page, "walkaround-authored-content-offline")


FETCH_PULLED = """async (fake) => {
  const db = await import('/static/js/core/db.js');
  const sync = await import('/static/js/core/sync.js');
  const s = await db.getSession();
  const u = await db.openUserDb(s.store.code, s.user.id);
  if (fake) {
    const tx = u.transaction('records', 'readwrite');
    await tx.store.put({ key: `presentation/${fake.id}`, value: fake });
    await tx.done;
  }
  const fetched = await sync.fetchPulledBlobs(u, s.token);
  const blobs = await u.getAll('blobs');
  return { fetched, shas: blobs.map((b) => b.sha256), uploaded: blobs.every((b) => b.uploaded) };
}"""


def test_pulled_pictures_are_downloaded_once_checked_and_never_sent_back(landscape, live_server):
    """The first sync downloads every picture the presentations reference into the blobs store, marked as not to be
    uploaded; a later cycle downloads nothing again; a reference the server cannot give (unknown hash) is skipped
    without breaking the sync, and nothing is kept for it."""
    context, page = landscape
    sign_in_tablet(page)
    pulled = live_server.pull_all("consultant")
    wanted = {
        sha
        for key, value in pulled.items()
        if key.startswith("presentation/")
        for position in value["positions"]
        for sha in [position.get("picture"), *(p.get("picture") for p in position["points"])]
        if sha
    }
    assert len(wanted) >= 30
    mark = live_server.quiet_mark()
    again = page.evaluate(FETCH_PULLED, None)
    assert again["fetched"] == 0 and wanted <= set(again["shas"]) and again["uploaded"]
    assert not [line for line in live_server.requests_since(mark) if "/blobs/" in line], "nothing downloaded twice"

    missing = "ab" * 32
    fake = {
        "id": str(uuid.uuid4()),
        "series_id": "x",
        "content_version": 99,
        "position_order": ["front_left"],
        "positions": [{"code": "front_left", "picture": missing, "points": []}],
        "deleted": False,
    }
    result = page.evaluate(FETCH_PULLED, fake)
    assert result["fetched"] == 0 and missing not in result["shas"]
    assert sync_now(page)["ok"], "an unknown picture does not stop the sync"


def test_a_new_prospect_gets_a_needs_analysis_and_a_walk_around_offline_and_all_of_it_syncs(landscape, live_server):
    """A walk-in who is not in the system yet: offline, the consultant creates the customer with the usual form,
    answers the five questions and starts the walk-around straight from them; after two positions the consultant
    goes back to the customer's file, which offers to resume; resuming opens the position where it stopped. Back
    online, the customer, the needs analysis and the unfinished walk-around (in progress, at that position) are
    applied in one sync, none refused."""
    context, page = landscape
    sign_in_tablet(page)
    context.set_offline(True)
    name = f"林{uuid.uuid4().hex[:4]}"
    page.goto("/tablet/#/customers/new")
    page.locator("#customer-name").fill(name)
    page.locator("#customer-phone").fill("139 1234 5678")
    page.locator("form button[type=submit]").click()
    expect(page.get_by_test_id("customer-name")).to_have_text(name)
    customer_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("walkaround-card")).to_contain_text(text(live_server, "No needs analysis yet."))

    page.get_by_test_id("open-needs").click()
    page.locator("#timeline-choice [data-code='7d']").click()
    page.locator("#focus_topics-chips [data-code=technology]").click()
    expect(page.get_by_test_id("suggested-grade").locator("strong")).to_have_text("B")  # no budget, decider unknown
    page.get_by_test_id("save-needs-walk").click()
    expect(page.locator("#walkaround-topics [data-code=technology]")).to_have_attribute("aria-checked", "true")
    page.get_by_test_id("walkaround-go").click()
    first = page.get_by_test_id("point").first.get_attribute("data-point")
    pressed(page, first, "presented").click()
    page.get_by_test_id("next-position").click()
    expect(page).to_have_url(re.compile("/2$"))
    page.locator(".walk-title .back").click()

    row = page.get_by_test_id("customer-walkaround")
    expect(row).to_have_attribute("data-status", "in_progress")
    row.click()
    expect(page).to_have_url(re.compile("/2$"))
    expect(page.get_by_test_id("position-tab-1")).to_have_class(re.compile("covered"))

    context.set_offline(False)
    run = sync_now(page)
    assert run["ok"], run
    rejections = page.evaluate(
        "async () => { const db = await import('/static/js/core/db.js'); const s = await db.getSession();"
        " return (await db.readRejections(await db.openUserDb(s.store.code, s.user.id))); }"
    )
    assert not rejections, [(r["args"]["entity"], r["error"]) for r in rejections]
    server = live_server.pull_all("manager")
    assert server[f"customer/{customer_id}"]["name"] == name
    assert server[f"customer/{customer_id}"]["grade"] == "N"  # suggested B, never picked: the grade stays
    needs = [v for k, v in server.items() if k.startswith("needs_analysis/") and v["customer_id"] == customer_id]
    assert [(n["timeline"], n["suggested_grade"], n["grade"], n["focus_topics"]) for n in needs] == [
        ("7d", "B", None, ["technology"])
    ]
    walks = [v for k, v in server.items() if k.startswith("walkaround/") and v["customer_id"] == customer_id]
    assert len(walks) == 1 and walks[0]["status"] == "in_progress"
    assert walks[0]["current_position"] == "front"  # the second position of variant A, where it stopped
    assert walks[0]["positions"]["front_left"]["points"][first]["presented"]
