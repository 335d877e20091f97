// Who is signed in on this tablet, and the few calls that change it: sign-in, sign-out, the profile refresh
// (the only server data for now) and the language. State lives in IndexedDB (db.js); the server is asked when
// it can be reached, and nothing here blocks the tablet when it cannot.

import { OfflineError, request } from '../core/api.js';
import {
  clearSession, getSession, openUserDb, pendingCount, saveSession, setDevicePrefs, updateSession,
} from '../core/db.js';
import { setStatus } from '../core/status.js';

/** A short, human label for this device, e.g. "Chrome 139 · Android", shown in the server's token list. */
export function deviceLabel() {
  const ua = navigator.userAgent;
  const platforms = [[/iPad/, 'iPad'], [/iPhone/, 'iPhone'], [/Android/, 'Android'], [/Windows/, 'Windows'],
    [/Mac OS X/, 'Mac'], [/CrOS/, 'ChromeOS'], [/Linux/, 'Linux']];
  const platform = (platforms.find(([pattern]) => pattern.test(ua)) || [null, 'web'])[1];
  const browsers = [[/Edg\/(\d+)/, 'Edge'], [/(?:Headless)?Chrome\/(\d+)/, 'Chrome'], [/Firefox\/(\d+)/, 'Firefox'],
    [/Version\/(\d+).*Safari/, 'Safari']];
  for (const [pattern, name] of browsers) {
    const match = ua.match(pattern);
    if (match) {
      return `${name} ${match[1]} · ${platform}`;
    }
  }
  return `Browser · ${platform}`;
}

/** Ask the browser to keep our data under storage pressure; resolves to true, false or null (no API). */
export async function requestPersistence() {
  if (!navigator.storage || !navigator.storage.persist) {
    return null;
  }
  try {
    return await navigator.storage.persist();
  } catch {
    return false;
  }
}

/** Whether the browser already treats our storage as persistent (no prompt); null when unknown. */
export async function storagePersisted() {
  if (!navigator.storage || !navigator.storage.persisted) {
    return null;
  }
  try {
    return await navigator.storage.persisted();
  } catch {
    return null;
  }
}

/** Exchange username and password for a token; resolves to {session} or {error: {status, message, errors}}. */
export async function signIn(username, password) {
  if (!navigator.onLine) {
    throw new OfflineError();
  }
  const { ok, status, data } = await request('POST', '/api/auth/token', {
    body: { username, password, device_label: deviceLabel() },
    credentials: 'same-origin', // send and keep the device cookie (server/routes/auth.py)
  });
  if (!ok || !data || !data.token) {
    return { error: { status, message: data && data.message, errors: (data && data.errors) || {} } };
  }
  const now = new Date().toISOString();
  await saveSession({
    token: data.token, user: data.user, store: data.store, expires_at: data.expires_at,
    language: data.user.language, languagePending: false, lastSync: now, revoked: false,
    storagePersistent: null,
  });
  await setDevicePrefs({ language: data.user.language, lastUsername: data.user.username });
  await openUserDb(data.store.code, data.user.id); // create the user's stores now, while we know who it is
  const storagePersistent = await requestPersistence();
  const session = await updateSession({ storagePersistent });
  setStatus({ lastSync: now, revoked: false, pending: 0 });
  return { session };
}

/** Refresh user, store and language from the server (sending a language changed offline first). */
export async function refreshProfile() {
  const session = await getSession();
  if (!session || session.revoked || !navigator.onLine) {
    return session;
  }
  const sentLanguage = session.language;
  let answer;
  try {
    answer = session.languagePending
      ? await request('PATCH', '/api/me', { token: session.token, body: { language: sentLanguage } })
      : await request('GET', '/api/me', { token: session.token });
  } catch (error) {
    if (error instanceof OfflineError) {
      return session;
    }
    throw error;
  }
  if (answer.status === 401) {
    // Revoked or expired: stop using the token, but keep every local record and the outbox.
    setStatus({ revoked: true });
    return updateSession({ revoked: true });
  }
  if (answer.status === 422 && session.languagePending) {
    return updateSession({ languagePending: false }); // a value the server will never take: stop resending
  }
  if (!answer.ok || !answer.data || !answer.data.user) {
    return session; // the server is in trouble; keep what we have and try again next time
  }
  const now = new Date().toISOString();
  const { user, store, expires_at: expiresAt } = answer.data;
  const next = await updateSession((current) => {
    // The person may have switched language again while this request was out: that newer choice wins.
    const changedMeanwhile = current.languagePending && current.language !== sentLanguage;
    return {
      user, store, expires_at: expiresAt, lastSync: now,
      language: changedMeanwhile ? current.language : user.language,
      languagePending: changedMeanwhile,
    };
  });
  setStatus({ lastSync: now });
  if (next && next.languagePending) {
    return refreshProfile();
  }
  return next;
}

/** Remember a new language at once (IndexedDB); refreshProfile() sends it when the server can be reached. */
export async function saveLanguage(lang) {
  await setDevicePrefs({ language: lang });
  return updateSession({ language: lang, languagePending: true });
}

/** Sign out: refused while changes wait in the outbox; revokes the token when online. */
export async function signOut() {
  const session = await getSession();
  if (!session) {
    return { ok: true };
  }
  const pending = await pendingCount(session);
  if (pending > 0) {
    return { ok: false, pending };
  }
  if (!session.revoked) {
    try {
      await request('DELETE', '/api/auth/token', { token: session.token });
    } catch (error) {
      // Offline: the token is forgotten on this tablet and expires on the server on its own.
      if (!(error instanceof OfflineError)) {
        throw error;
      }
    }
  }
  await clearSession();
  setStatus({ revoked: false, lastSync: null, pending: 0 });
  return { ok: true };
}

/** After the server signed this tablet out: forget the dead token, keep the user's local data. */
export async function forgetRevokedSession() {
  await clearSession();
  setStatus({ revoked: false, lastSync: null, pending: 0 });
}
