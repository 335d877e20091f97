// What every feature's store module (store.js of handover/, test-drive/, walkaround/) needs the same way:
// the signed-in user's database, new record ids, ordered writes, live records and their view, and camera photos
// kept as blobs until uploaded.
// It holds no state of its own; IndexedDB itself is still only touched through db.js.

import { enqueueMutation, getBlob, openUserDb, readEntity, saveBlob } from './db.js';
import { compressPhoto } from './photo.js';
import { canonicalJson } from './canonical.js';
import { buildView } from './rebase.js';
import { madeAt } from './format.js';

/** The database of the signed-in user in their store. */
export const userDb = (session) => openUserDb(session.store.code, session.user.id);

/** A UUIDv7 (time-ordered, made on the device), as SYNC_PROTOCOL.md recommends for record ids. */
export function uuid7() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Date.now();
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Records not deleted. */
export const live = (records) => records.filter((r) => !r.deleted);

/** Sort order of records, newest first by when each was made on its device (`madeAt`). */
export const newest = (a, b) => {
  const time = (record) => new Date(madeAt(record)).getTime() || 0;
  return time(b) - time(a);
};

/** The view of `entity` (server truth with this tablet's mutations replayed on top): {records, mutations, view}. */
export async function entityView(db, entity) {
  const { records, mutations } = await readEntity(db, entity);
  return { records, mutations, view: buildView(records, mutations) };
}

/** The `put` args for the `fields` of `values` that differ from the view (`read`: {records, view} of `entity`), each
 *  with the field version this tablet last pulled; null when nothing differs. */
export function changesOf({ records, view }, entity, fields, id, values) {
  const current = view.get(id) || {};
  const set = {};
  for (const [field, value] of Object.entries(values)) {
    if (fields.includes(field) && canonicalJson(current[field] ?? null) !== canonicalJson(value ?? null)) {
      set[field] = value;
    }
  }
  if (!Object.keys(set).length) {
    return null;
  }
  const versions = (records.find((r) => r.id === id) || {}).fieldVersions || {};
  const base = Object.fromEntries(Object.keys(set).map((f) => [f, versions[f] || 0]));
  return { entity, id, set, base };
}

/** Queue a put of the `fields` of `values` that differ from the view `read`; resolves to null when none does. */
export async function putChanges(db, read, entity, fields, id, values) {
  const changes = changesOf(read, entity, fields, id, values);
  return changes && enqueueMutation(db, 'put', changes);
}

/** Queue a put of every field in `values` (even those that did not change: the whole needs form), each with the
 *  field version this tablet last pulled. */
export async function putAll(db, entity, id, records, values) {
  const versions = (records.find((r) => r.id === id) || {}).fieldVersions || {};
  const base = Object.fromEntries(Object.keys(values).map((f) => [f, versions[f] || 0]));
  return enqueueMutation(db, 'put', { entity, id, set: values, base });
}

/**
 * A queue that runs writes one after another: two quick taps must reach IndexedDB (and the outbox) in the order
 * they were made. Each store module makes its own, so a write of one feature never waits on another's.
 */
export function serialQueue() {
  let chain = Promise.resolve();
  return (work) => {
    const run = chain.then(work);
    chain = run.catch(() => {});
    return run;
  };
}

/** Shrink a camera photo and keep it as a blob until it is uploaded; resolves to its sha256. */
export async function keepPhoto(session, file) {
  const { blob, type, sha256 } = await compressPhoto(file);
  await saveBlob(await userDb(session), { sha256, type, blob });
  return sha256;
}

/** An object URL of a kept photo or signature (the caller revokes it), or null when it is not on the tablet. */
export async function blobUrl(session, sha256) {
  const entry = await getBlob(await userDb(session), sha256);
  return entry ? URL.createObjectURL(entry.blob) : null;
}
