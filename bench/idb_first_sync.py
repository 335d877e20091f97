"""First sync into Chromium's IndexedDB: the app's page-by-page apply vs a raw bulk put, in the same page.

50,000 customer records shaped exactly as the pull sends them are written to IndexedDB twice in one Chromium
page: (a) through web/js/core/db.js `applyPullPage`, 500 records per page as the sync loop pulls them, each page in
one transaction together with its cookie; (b) as a raw bulk put of the same records into a bare object store
in a single transaction (the baseline). Prints both times and the ratio (goal ≤ 1.5×). The network is left out
on purpose: bench/sync_pull.py measures the server side of the same pull.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from server import create_app  # noqa: E402
from server.config import Config  # noqa: E402

RECORDS, PAGE, ROUNDS = 50_000, 500, 3
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

MEASURE = """async ([total, pageSize]) => {
  const db = await import('/static/js/core/db.js');
  const grades = ['N', 'H', 'A', 'B', 'C', 'O'];
  const ops = [];
  for (let i = 0; i < total; i += 1) {
    const id = `01930000-0000-7000-8000-${String(i).padStart(12, '0')}`;
    ops.push({ op: 'put', key: `customer/${id}`, value: {
      id, store_id: 1, version: i + 1, deleted: false,
      created_at: '2026-11-29T02:14:07+00:00', updated_at: '2026-11-29T02:14:07+00:00',
      fieldVersions: { name: i + 1, phone: i + 1, grade: i + 1, source: i + 1, owner_id: i + 1, notes: i + 1 },
      name: `客户${i}`, phone: `138${String(i).padStart(8, '0')}`, grade: grades[i % grades.length],
      source: 'walk_in', owner_id: 2, notes: i % 7 === 0 ? '周末来店看车，关注油耗与后排空间' : '' } });
  }
  const round = Math.floor(performance.now());  // fresh databases every round
  const app = await db.openUserDb(`BENCH${round}`, 1);
  let start = performance.now();
  for (let i = 0; i < ops.length; i += pageSize) {
    await db.applyPullPage(app, { cookie: `c${i}`, patch: ops.slice(i, i + pageSize), lastMutationIDChanges: {} });
  }
  const appMs = performance.now() - start;

  const raw = await new Promise((resolve, reject) => {
    const open = indexedDB.open(`bench-raw-${round}`, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('records', { keyPath: 'key' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  start = performance.now();
  await new Promise((resolve, reject) => {
    const tx = raw.transaction('records', 'readwrite');
    const store = tx.objectStore('records');
    for (const op of ops) store.put({ key: op.key, value: op.value });
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  const rawMs = performance.now() - start;
  const count = await new Promise((resolve) => {
    const request = raw.transaction('records').objectStore('records').count();
    request.onsuccess = () => resolve(request.result);
  });
  return { appMs, rawMs, count, appCount: (await app.count('records')) };
}"""


def main() -> None:
    tmp = tempfile.mkdtemp()

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.db"
        STORAGE_DIR = f"{tmp}/storage"
        JOBS_DB = f"{tmp}/jobs.db"

    server = make_server("127.0.0.1", 0, create_app(BenchConfig), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page()
            page.goto(f"{base}/offline")
            results = [page.evaluate(MEASURE, [RECORDS, PAGE]) for _ in range(ROUNDS)]
            browser.close()
    finally:
        server.shutdown()
    for result in results:
        assert result["count"] == result["appCount"] == RECORDS, result
    app_ms = statistics.median(r["appMs"] for r in results)
    raw_ms = statistics.median(r["rawMs"] for r in results)
    ratio = statistics.median(r["appMs"] / r["rawMs"] for r in results)
    print(
        f"first sync of {RECORDS:,} records into IndexedDB, median of {ROUNDS}: app (applyPullPage, {PAGE}/page) "
        f"{app_ms:.0f} ms; raw bulk put {raw_ms:.0f} ms; ratio {ratio:.2f}x (goal <= 1.5x)"
    )


if __name__ == "__main__":
    main()
