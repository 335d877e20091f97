// Showroom's service worker: the tablet shell opens with no network; office pages fall back to /offline.
//
// Updates are user-controlled: a new version installs next to the old one and waits; the page shows "Update
// available" and only the person's "Reload" sends SKIP_WAITING (web/js/core/sw-bridge.js). Bump VERSION with every
// release (it equals the package version; a test checks both, and that every PRECACHE path exists).

const VERSION = '0.6.0';
const STATIC_PREFIX = 'showroom-static-';
const RUNTIME_PREFIX = 'showroom-runtime-';
const STATIC_CACHE = `${STATIC_PREFIX}${VERSION}`;
const RUNTIME_CACHE = `${RUNTIME_PREFIX}${VERSION}`;

// The shell, and everything it loads. Keep it a plain list of absolute paths.
const PRECACHE = [
  '/tablet/',
  '/offline',
  '/manifest.webmanifest',
  '/i18n/zh_CN.json',
  '/i18n/en.json',
  '/static/css/customer.css',
  '/static/css/tablet.css',
  '/static/css/testdrive.css',
  '/static/css/walkaround.css',
  '/static/js/app.js',
  '/static/js/core/api.js',
  '/static/js/core/canonical.js',
  '/static/js/core/db.js',
  '/static/js/core/dom.js',
  '/static/js/core/field-labels.js',
  '/static/js/core/format.js',
  '/static/js/core/i18n.js',
  '/static/js/core/numbers.js',
  '/static/js/core/photo-strip.js',
  '/static/js/core/photo.js',
  '/static/js/core/problems.js',
  '/static/js/core/rebase.js',
  '/static/js/core/record-store.js',
  '/static/js/core/roles.js',
  '/static/js/core/sealed.js',
  '/static/js/core/signature-card.js',
  '/static/js/core/signature.js',
  '/static/js/core/start-card.js',
  '/static/js/core/status.js',
  '/static/js/core/sw-bridge.js',
  '/static/js/core/sync.js',
  '/static/js/customers/attribution.js',
  '/static/js/customers/form.js',
  '/static/js/customers/grading.js',
  '/static/js/customers/lost.js',
  '/static/js/customers/needs-form.js',
  '/static/js/customers/needs-rules.js',
  '/static/js/customers/needs-store.js',
  '/static/js/customers/rules.js',
  '/static/js/customers/screens.js',
  '/static/js/customers/store.js',
  '/static/js/customers/timeline.js',
  '/static/js/customers/visits.js',
  '/static/js/handover/checklist.js',
  '/static/js/handover/details.js',
  '/static/js/handover/review.js',
  '/static/js/handover/rules.js',
  '/static/js/handover/screens.js',
  '/static/js/handover/sealed.js',
  '/static/js/handover/store.js',
  '/static/js/handover/summary.js',
  '/static/js/shell/home.js',
  '/static/js/shell/language-switch.js',
  '/static/js/shell/session.js',
  '/static/js/shell/sign-in.js',
  '/static/js/shell/sync-badge.js',
  '/static/js/shell/sync-panel.js',
  '/static/js/test-drive/agreement.js',
  '/static/js/test-drive/customer-picker.js',
  '/static/js/test-drive/eligibility-step.js',
  '/static/js/test-drive/eligibility.js',
  '/static/js/test-drive/feedback.js',
  '/static/js/test-drive/log.js',
  '/static/js/test-drive/model.js',
  '/static/js/test-drive/parts.js',
  '/static/js/test-drive/rules.js',
  '/static/js/test-drive/screens.js',
  '/static/js/test-drive/sealed.js',
  '/static/js/test-drive/store.js',
  '/static/js/walkaround/position.js',
  '/static/js/walkaround/rules.js',
  '/static/js/walkaround/screens.js',
  '/static/js/walkaround/store.js',
  '/static/js/walkaround/summary.js',
  '/static/vendor/canonicalize-5.1.0.js',
  '/static/vendor/idb-8.0.4.js',
  '/static/vendor/signature_pad-5.1.4.min.js',
  '/static/icons/icon.svg',
  '/static/icons/icon-192.png',
  '/static/icons/icon-512.png',
  '/static/icons/icon-maskable-512.png',
];

self.addEventListener('install', (event) => {
  // cache: 'reload' skips the HTTP cache, so a new version never precaches a stale file.
  event.waitUntil(
    caches.open(STATIC_CACHE).then((cache) => cache.addAll(
      PRECACHE.map((path) => new Request(path, { cache: 'reload', credentials: 'omit' })),
    )),
  );
  // No skipWaiting() here: the page asks for it when the person chooses to reload.
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const ours = (name) => name.startsWith(STATIC_PREFIX) || name.startsWith(RUNTIME_PREFIX);
    const current = new Set([STATIC_CACHE, RUNTIME_CACHE]);
    const names = await caches.keys();
    await Promise.all(names.filter((name) => ours(name) && !current.has(name)).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') {
    self.skipWaiting();
  }
});

/** Static files we may keep: versioned with the release, identical for every user. */
function isStaticAsset(url) {
  return url.pathname.startsWith('/static/') || url.pathname.startsWith('/i18n/')
    || url.pathname === '/manifest.webmanifest';
}

async function tabletShell(request) {
  const cached = await caches.match('/tablet/', { cacheName: STATIC_CACHE, ignoreVary: true });
  return cached || fetch(request);
}

async function networkOrOffline(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const offline = await caches.match('/offline', { cacheName: STATIC_CACHE, ignoreVary: true });
    if (offline) {
      return offline;
    }
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    const copy = response.clone();
    caches.open(RUNTIME_CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      const copy = response.clone();
      caches.open(RUNTIME_CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) {
      return cached;
    }
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return; // never cache API answers: they hold personal data and must be fresh
  }
  if (request.mode === 'navigate') {
    if (url.pathname.startsWith('/tablet/')) {
      event.respondWith(tabletShell(request));
    } else {
      event.respondWith(networkOrOffline(request));
    }
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(cacheFirst(request)); // the shell: exactly this release's files, offline or not
  } else if (isStaticAsset(url)) {
    event.respondWith(networkFirst(request)); // office assets: fresh when online, cached copy offline
  }
  // Anything else (office htmx fragments, downloads) goes to the network untouched: it is personal and live.
});
