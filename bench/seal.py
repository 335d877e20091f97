"""The seal on the tablet: a tap on "Sign and seal" until the sealed screen, against a bare IndexedDB write.

A headless Chromium (Debian's) signs in to a live server seeded with the demo dealership and goes offline. For
each of `--runs` handovers prepared through web/js/handover/store.js (every item answered, two ✗ with a photo,
an accessory, consent, both signatures drawn from saved strokes) it opens the review, taps "Sign and seal" and
times, in the page, until the sealed screen is in the document: PNG export of both pads, hashing, the IndexedDB
writes, the redraw. Each tap is timed twice: with the page otherwise idle, and while the page animates (a frame
loop keeps the main thread from idling, as an animation, a scroll or a test runner's polling does). It also times
the store alone: `sealDelivery` of a handover and the drive log's `signLog`, with signature PNGs made beforehand.

The baseline, measured in the same page right after each tap, is a bare IndexedDB write of the same record: the
`sign` mutation as stored plus its two signature images, put in one transaction into an empty database. Prints
the medians and their ratios to the baseline, without CPU throttling and with Chromium's CPU throttling ×4 (a
tablet-class CPU).

    .venv/bin/python bench/seal.py [--runs 7] [--throttle 1 4] [--scale 1] [--steps]

`--scale 2` draws the pads at a tablet's devicePixelRatio (4× the pixels to encode). `--steps` also prints when
each `seal:*` performance mark was set after the tap (median), for temporary instrumentation of the seal path.
"""

from __future__ import annotations

import argparse
import base64
import logging
import statistics
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from bench.sync_push import make_app  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, sign_in_tablet  # noqa: E402
from tests.factories.images import solid_png  # noqa: E402

#: A frame's work on the main thread while the busy tap waits (ms): most of a 60 Hz frame, as when a screen animates.
BUSY_MS = 12

#: In-page helpers, defined once per page: strokes like a hand-written signature, signature PNGs drawn from them,
#: a whole handover ready to sign, a drive with its log ready to sign, and the bare write.
HELPERS = """() => {
  window.benchSeal = {
    strokes(shift) {
      return [0, 1, 2].map((n) => ({ penColor: '#0d2a44', dotSize: 0, minWidth: 1.2, maxWidth: 3.2,
        velocityFilterWeight: 0.7, compositeOperation: 'source-over',
        points: Array.from({ length: 23 }, (_, i) => ({ x: 60 + i * 26 + shift, y: 50 + n * 40 + (i % 2 ? 9 : -9),
          pressure: 0.5, time: 1000 * n + i * 16 })) }));
    },
    async pngs(shift) {
      const { default: SignaturePad } = await import('/static/vendor/signature_pad-5.1.4.min.js');
      return Promise.all(['customer', 'consultant'].map((role, k) => {
        const canvas = document.createElement('canvas');
        canvas.width = 720;
        canvas.height = 200;
        new SignaturePad(canvas).fromData(this.strokes(shift + k * 5));
        return new Promise((resolve) => canvas.toBlob((blob) => resolve({ role, name: role, blob }), 'image/png'));
      }));
    },
    async handover(photo, shift) {
      const [store, dbm, customers, rules] = await Promise.all(['handover/store', 'core/db', 'customers/store',
        'handover/rules'].map((m) => import(`/static/js/${m}.js`)));
      const session = await dbm.getSession();
      const catalogue = await store.loadCatalogue(session);
      const customer = (await customers.listCustomers(session))[0];
      const vehicle = catalogue.vehicles.find((v) => ['in_stock', 'reserved'].includes(v.stock_status)
        && !v.is_test_drive);
      const id = await store.startDelivery(session, { customer, vehicle, template: catalogue.template });
      const bytes = Uint8Array.from(atob(photo), (c) => c.charCodeAt(0));
      const shot = async () => store.keepPhoto(session, new File([bytes], 'photo.png', { type: 'image/png' }));
      const [p1, p2, p3] = [await shot(), await shot(), await shot()];
      const items = {};
      const groups = rules.applicableGroups(catalogue.template, vehicle.powertrain);
      for (const [g, group] of groups.entries()) { // one put per group, as "the rest ✓" saves them
        group.items.forEach((item) => { items[item.code] = { result: 'ok', note: '', photos: [] }; });
        if (g === 0) items[group.items[1].code] = { result: 'defect', note: '', photos: [p1] };
        if (g === 2) items[group.items[0].code] = { result: 'defect', note: '左前门漆面划痕 3 cm', photos: [p2] };
        await store.saveDelivery(session, id, { items: structuredClone(items) });
      }
      const consent = catalogue.template.consent || {};
      await store.saveDelivery(session, id, {
        items: structuredClone(items),
        accessories: [{ name: '行车记录仪', installed: true, photos: [p3] }],
        documents: ['invoice', 'certificate', 'warranty', 'manual'], keys_count: 3, odometer_km: 12,
        explained_maintenance: true, explained_operation: true,
        we_owe: [{ text: '原厂脚垫下周到店后补交', due_date: '2026-12-31' }],
        consent_version: consent.version, consent_accepted: true });
      await store.saveDraft(session, id, { step: 'review', signatures: {
        customer: { name: customer.name, data: { width: 720, strokes: this.strokes(shift) } },
        consultant: { name: '李明', data: { width: 720, strokes: this.strokes(shift + 5) } } } });
      return id;
    },
    async driveLog(shift) {
      const [store, dbm, customers] = await Promise.all(['test-drive/store', 'core/db', 'customers/store']
        .map((m) => import(`/static/js/${m}.js`)));
      const session = await dbm.getSession();
      const fleet = await store.loadFleet(session);
      const customer = (await customers.listCustomers(session))[0];
      const car = fleet.cars[0];
      const route = fleet.routes[0] || null;
      const id = await store.startDrive(session, { customer, car, route, kind: 'ride_drive' });
      const logId = await store.startLog(session, id, { demo_car_id: car.id, route_id: route ? route.id : null,
        start_at: dbm.deviceTime(), start_odometer_km: 1200 + shift, start_fuel_pct: 70, start_charge_pct: null,
        damage_before: [] });
      const feedback = { overall: 4, likes: '座椅舒适', concerns: '', competitor: '', contact_time: '',
        intention: 'high' };
      await store.returnLog(session, id, logId, { end_at: dbm.deviceTime(), end_odometer_km: 1212 + shift,
        end_fuel_pct: 65, end_charge_pct: null, damage_after: [], incidents: '', feedback });
      return { id, logId };
    },
    async session() {
      const dbm = await import('/static/js/core/db.js');
      const session = await dbm.getSession();
      return { session, db: await dbm.openUserDb(session.store.code, session.user.id) };
    },
    /** The bare baseline: the last `sign` of the outbox and its signature images, put into an empty database in
     *  one transaction; resolves to its milliseconds. */
    async bareWrite(round) {
      const { db } = await this.session();
      const sign = (await db.getAll('outbox')).filter((m) => m.name === 'sign').pop();
      const blobs = await Promise.all(sign.args.signatures.map((s) => db.get('blobs', s.blob)));
      const bare = await new Promise((resolve, reject) => {
        const open = indexedDB.open(`bench-bare-${round}-${Math.random()}`, 1);
        open.onupgradeneeded = () => open.result.createObjectStore('bare');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const start = performance.now();
      await new Promise((resolve, reject) => {
        const tx = bare.transaction('bare', 'readwrite');
        tx.objectStore('bare').put(sign, 'sign');
        blobs.forEach((b) => tx.objectStore('bare').put(b, b.sha256));
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      const ms = performance.now() - start;
      bare.close();
      return ms;
    },
  };
}"""

#: Tap "Sign and seal" and wait, in the page, until the sealed screen is in the document. With `busy` > 0 the main
#: thread is kept from idling meanwhile, as on a screen that animates: a frame loop working `busy` ms a frame.
TAP = """async (busy) => {
  performance.clearMarks();
  let animating = busy > 0;
  const frame = () => {
    if (animating) {
      const until = performance.now() + busy;
      while (performance.now() < until) { /* a frame's work */ }
      requestAnimationFrame(frame);
    }
  };
  requestAnimationFrame(frame);
  const sealed = new Promise((resolve) => {
    const seen = () => document.querySelector('[data-testid=sealed]');
    const observer = new MutationObserver(() => {
      if (seen()) {
        observer.disconnect();
        resolve(performance.now());
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  const start = performance.now();
  document.querySelector('[data-testid=seal]').click();
  const shown = await sealed;
  animating = false;
  const marks = performance.getEntriesByType('mark').filter((m) => m.name.startsWith('seal:'))
    .map((m) => [m.name.slice(5), m.startTime - start]);
  return { ms: shown - start, marks };
}"""

STORE_SEAL = """async ([kind, shift, photo]) => {
  const { session } = await window.benchSeal.session();
  const signatures = await window.benchSeal.pngs(shift);
  if (kind === 'handover') {
    const store = await import('/static/js/handover/store.js');
    const id = await window.benchSeal.handover(photo, shift);
    const start = performance.now();
    await store.sealDelivery(session, id, signatures);
    return performance.now() - start;
  }
  const store = await import('/static/js/test-drive/store.js');
  const { id, logId } = await window.benchSeal.driveLog(shift);
  const start = performance.now();
  await store.signLog(session, id, logId, signatures);
  return performance.now() - start;
}"""


def serve():
    """The app on a fresh SQLite database seeded with the demo dealership, served on 127.0.0.1; (url, stop)."""
    from server.demo import seed_demo

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    app, _drop = make_app(None)
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


def measure(browser, url: str, rate: float, runs: int, photo: str, scale: float) -> dict:
    """Every figure of one throttling rate, from one fresh tablet profile."""
    context = browser.new_context(
        base_url=url,
        viewport={"width": 800, "height": 1280},
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        service_workers="allow",
        device_scale_factor=scale,
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    sign_in_tablet(page)
    context.set_offline(True)
    page.evaluate(HELPERS)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    taps = {0: [], BUSY_MS: []}
    bare, steps = [], {0: [], BUSY_MS: []}
    for run in range(runs + 1):  # the first is a warm-up (module loading, first transactions)
        for busy in taps:
            delivery = page.evaluate("([photo, shift]) => window.benchSeal.handover(photo, shift)", [photo, run])
            page.evaluate("(id) => { location.hash = `#/handover/${id}/review`; }", delivery)
            page.get_by_test_id("seal").wait_for()
            page.wait_for_function("() => document.querySelectorAll('.signature-canvas').length === 2")
            tap = page.evaluate(TAP, busy)
            base = page.evaluate("(round) => window.benchSeal.bareWrite(round)", run)
            if run:
                taps[busy].append(tap["ms"])
                steps[busy].append(tap["marks"])
                bare.append(base)
    stores = {"handover": [], "drive log": []}
    for kind in stores:
        for run in range(runs + 1):
            ms = page.evaluate(STORE_SEAL, [kind, 100 + run, photo])
            if run:
                stores[kind].append(ms)
    context.close()
    return {"tap": taps[0], "busy": taps[BUSY_MS], "bare": bare, "steps": steps, **stores}


def print_steps(steps: list[list]) -> None:
    """Median time of each `seal:*` mark after the tap, and the step before it (marks in the order first seen)."""
    names: list[str] = []
    for marks in steps:
        names += [name for name, _t in marks if name not in names]
    previous = 0.0
    for name in names:
        at = statistics.median([dict(marks)[name] for marks in steps if name in dict(marks)])
        print(f"    {name:<24} at {at:7.1f} ms  (+{at - previous:6.1f})")
        previous = at


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--throttle", type=float, nargs="+", default=[1, 4], help="CPU throttling rates")
    parser.add_argument("--scale", type=float, default=1, help="devicePixelRatio (a tablet's is 2 or more)")
    parser.add_argument("--steps", action="store_true", help="print the page's seal:* marks (instrumentation)")
    args = parser.parse_args()
    photo = base64.b64encode(solid_png(96, 64, (200, 40, 40))).decode()
    url, stop = serve()
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for rate in args.throttle:
                results[rate] = measure(browser, url, rate, args.runs, photo, args.scale)
            browser.close()
    finally:
        stop()
    for rate, r in results.items():
        bare = statistics.median(r["bare"])
        cpu = "not throttled" if rate == 1 else f"throttled x{rate:g}"
        print(f"CPU {cpu}, devicePixelRatio {args.scale:g}, median of {args.runs}:")
        print(f"  bare IndexedDB write of the same record (sign + its 2 PNGs, one transaction): {bare:.1f} ms")
        for label, values in (
            ("tap on 'Sign and seal' until the sealed screen, page idle", r["tap"]),
            (f"the same tap while the page animates ({BUSY_MS} ms of work a frame)", r["busy"]),
            ("sealDelivery (store only)", r["handover"]),
            ("drive log's signLog (store only)", r["drive log"]),
        ):
            ms = statistics.median(values)
            print(f"  {label}: {ms:.1f} ms = {ms / bare:.1f}x the bare write (max {max(values):.1f} ms)")
        if args.steps:
            for busy, label in ((0, "idle"), (BUSY_MS, "animating")):
                print(f"  steps of the tap, page {label} (ms after the tap, median):")
                print_steps(r["steps"][busy])
    return 0


if __name__ == "__main__":
    sys.exit(main())
