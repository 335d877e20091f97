// The tablet's only door to the server's JSON API. Screens call shell/session.js, which calls this; a request that
// cannot reach the server marks the tablet offline, any answer marks it online.

import { languageTag } from './i18n.js';
import { setStatus } from './status.js';

const TIMEOUT_MS = 15000;

/** Thrown when the server cannot be reached (no network, DNS, timeout): the caller keeps working locally. */
export class OfflineError extends Error {
  constructor(cause) {
    super('offline', { cause });
    this.name = 'OfflineError';
  }
}

/** Send a JSON request; resolves to {ok, status, data} for any HTTP answer, throws OfflineError otherwise. */
export async function request(method, path, { token, body, credentials = 'omit' } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': languageTag() };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  // A stalled connection on the lot should not leave a spinner forever: give up and treat it as offline.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      // The bearer token is the only credential; an office cookie must not ride along. Sign-in alone sends
      // 'same-origin', to keep the device cookie that spares a known tablet other people's failed logins.
      credentials,
      signal: controller.signal,
    });
  } catch (error) {
    setStatus({ online: false });
    throw new OfflineError(error);
  } finally {
    clearTimeout(timer);
  }
  setStatus({ online: true });
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  return { ok: response.ok, status: response.status, data, retryAfter: retryAfter(response) };
}

/** Seconds the server asked us to wait (Retry-After on a 503), or null. */
function retryAfter(response) {
  const seconds = Number.parseInt(response.headers.get('Retry-After') || '', 10);
  return Number.isFinite(seconds) ? seconds : null;
}

/** PUT raw bytes (a blob upload) with their Content-Type; resolves to {ok, status}, throws OfflineError. */
export async function putBytes(path, { token, blob, type }) {
  let response;
  try {
    response = await fetch(path, {
      method: 'PUT',
      headers: { 'Content-Type': type, Authorization: `Bearer ${token}`, Accept: 'application/json' },
      body: blob,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (error) {
    setStatus({ online: false });
    throw new OfflineError(error);
  }
  setStatus({ online: true });
  return { ok: response.ok, status: response.status, retryAfter: retryAfter(response) };
}

/** GET raw bytes (a sealed PDF) with the bearer token; resolves to {ok, status, blob}, throws OfflineError. */
export async function getBytes(path, { token }) {
  let response;
  try {
    response = await fetch(path, {
      headers: { Authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'omit',
    });
  } catch (error) {
    setStatus({ online: false });
    throw new OfflineError(error);
  }
  setStatus({ online: true });
  return { ok: response.ok, status: response.status, blob: response.ok ? await response.blob() : null };
}
