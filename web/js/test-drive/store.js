// Test drives on this tablet: read as the view (server truth + pending mutations, rebase.js) plus a local draft
// (drafts store, "test_drive/<uuid>": the step, signature strokes, what was sealed), written as `put` and `sign`
// mutations to the outbox. Screens call these; they never talk to IndexedDB or the network (the sealed PDFs are
// fetched by core/sealed.js).
// Entity and field names are the contract with the server (/tmp/team/contract-5.md → README "Test drives").

import { contentHash, sha256Hex } from '../core/canonical.js';
import {
  deviceTime, enqueueMutation, enqueueMutations, forgetUploadedBlob, getDraft, getSession, readEntity, readRecords,
  readRejections, syncIdentity, updateDraft,
} from '../core/db.js';
import { buildView } from '../core/rebase.js';
import { onSynced, syncSoon } from '../core/sync.js';
import { DRIVE_FIELDS, driveSnapshot, LOG_FIELDS, logSnapshot, RETURN_FIELDS, START_FIELDS } from './model.js';
import { lastReading } from './rules.js';
import { changesOf, keepPhoto, live, newest, putChanges, serialQueue, userDb, uuid7 } from '../core/record-store.js';

export { keepPhoto };

const serial = serialQueue();

// The named mutators set fields like a put; replayed as one here so the screen shows them before a pull.
const AS_PUT = new Set(['test_drive.start', 'test_drive.return']);

const draftKey = (id) => `test_drive/${id}`;
const byId = (records) => new Map(records.map((r) => [r.id, r]));

/** The view of a drive entity, with start and return (named mutations) replayed as the puts they are locally. */
async function driveView(db, entity) {
  const { records, mutations } = await readEntity(db, entity);
  const replay = mutations.map((m) => (AS_PUT.has(m.name) ? { ...m, name: 'put' } : m));
  return { records, mutations, view: buildView(records, replay) };
}

/** The fleet (demo cars), active routes, the store's rules and the agreement template in force. */
export async function loadFleet(session) {
  const db = await userDb(session);
  const [cars, routes, rules, templates] = await Promise.all(
    ['demo_car', 'drive_route', 'drive_rules', 'agreement_template']
      .map(async (e) => live(await readRecords(db, `${e}/`))),
  );
  const rule = rules[0] || null;
  const named = rule && templates.find((tpl) => tpl.id === rule.agreement_template_id);
  const latest = templates.filter((tpl) => tpl.key === 'test_drive')
    .sort((a, b) => (b.template_version || 0) - (a.template_version || 0))[0];
  return {
    cars: cars.filter((c) => c.status !== 'retired').sort((a, b) => String(a.description).localeCompare(b.description)),
    routes: routes.filter((r) => r.active !== false).sort((a, b) => String(a.name).localeCompare(b.name)),
    allRoutes: routes,
    rules: rule,
    template: named || latest || null,
  };
}

function sealOf(entity, recordId, draftSeal, mutations, documents) {
  const document = recordId ? documents.filter((d) => d.record_id === recordId && d.entity === entity)
    .sort((a, b) => (b.version || 0) - (a.version || 0))[0] || null : null;
  const sign = recordId && mutations.find((m) => m.name === 'sign' && m.args.id === recordId);
  const sealed = draftSeal || (sign && { contentHash: sign.args.contentHash, snapshot: sign.args.snapshot,
    signedAt: sign.args.signedAt, signatures: sign.args.signatures })
    || (document && { contentHash: document.contentHash }) || null;
  return { sealed, document };
}

/** The open conflicts that name drive `id`: its car was taken by another drive (or was not available). */
function conflictsOfDrive(conflicts, id) {
  return conflicts.filter((c) => c.state === 'open' && (c.record_id === id
    || (c.entity === 'demo_car' && (c.overwritten_value === id || c.applied_value === id))));
}

/** Everything a drive screen needs, or null when this drive is not on the tablet. */
export async function loadDrive(session, id) {
  const db = await userDb(session);
  const [drives, logs, draft, documents, conflicts, fleet, rejections] = await Promise.all([
    driveView(db, 'test_drive'), driveView(db, 'test_drive_log'), getDraft(db, draftKey(id)),
    readRecords(db, 'document/'), readRecords(db, 'conflict/'), loadFleet(session), readRejections(db),
  ]);
  const drive = drives.view.get(id);
  if (!drive) {
    return null;
  }
  const log = [...logs.view.values()].find((l) => l.test_drive_id === id) || null;
  const docs = live(documents);
  const sealed = draft.sealed || {};
  const car = fleet.cars.find((c) => c.id === drive.demo_car_id) || null;
  const route = fleet.allRoutes.find((r) => r.id === ((log && log.route_id) || drive.route_id)) || null;
  return {
    drive, log, draft, car, route, fleet, lastKm: lastReading(car, [...logs.view.values()], id),
    agreement: sealOf('test_drive', id, sealed.agreement, drives.mutations, docs),
    logSeal: sealOf('test_drive_log', log ? log.id : null, sealed.log, logs.mutations, docs),
    conflicts: conflictsOfDrive(conflicts, id),
    // Changes of this drive the server refused (also in the sync panel): shown on the drive's own screen.
    rejections: rejections.filter((r) => r.args && (r.args.id === id || (log && r.args.id === log.id)
      || (r.args.set && r.args.set.test_drive_id === id))),
  };
}

/** Every drive on this tablet (this escort's and, as pulled, the store's), newest first, with its car and log. */
export async function listDrives(session) {
  const db = await userDb(session);
  const [drives, logs, fleet, documents] = await Promise.all([driveView(db, 'test_drive'),
    driveView(db, 'test_drive_log'), loadFleet(session), readRecords(db, 'document/')]);
  const logOf = new Map([...logs.view.values()].map((l) => [l.test_drive_id, l]));
  const docs = live(documents);
  const rows = [];
  for (const drive of drives.view.values()) {
    const log = logOf.get(drive.id) || null;
    const draft = await getDraft(db, draftKey(drive.id));
    const seal = log ? sealOf('test_drive_log', log.id, (draft.sealed || {}).log, logs.mutations, docs)
      : { sealed: null, document: null };
    rows.push({ drive, log, car: fleet.cars.find((c) => c.id === drive.demo_car_id) || null, ...seal });
  }
  return rows.sort((a, b) => newest(a.drive, b.drive));
}

/** Who has `car` out: {drive, log} of the drive holding it (pulled status, or this tablet's own unsent start). */
export function holderOf(car, rows) {
  const pulled = car.current_drive_id && rows.find((r) => r.drive.id === car.current_drive_id);
  if (pulled) {
    return pulled;
  }
  return rows.find((r) => r.drive.demo_car_id === car.id && r.log && r.log.start_at && !r.log.end_at) || null;
}

/** Create a drive of `customer` with `car` on `route` by the signed-in escort; resolves to its id. */
export function startDrive(session, { customer, car, route, kind }) {
  return serial(async () => {
    const db = await userDb(session);
    const id = uuid7();
    const set = {
      customer_id: customer.id, customer_name: customer.name, driver_is_customer: true, driver_name: customer.name,
      consultant_id: customer.owner_id ?? null, escort_id: session.user.id, demo_car_id: car.id,
      route_id: route ? route.id : null, kind, vehicle_class: car.transmission === 'manual' ? 'C1' : 'C2',
      outcome: 'pending',
    };
    const base = Object.fromEntries(Object.keys(set).map((f) => [f, 0]));
    await enqueueMutation(db, 'put', { entity: 'test_drive', id, set, base });
    await updateDraft(db, draftKey(id), { step: 'eligibility' });
    syncSoon();
    return id;
  });
}

/** Queue a put of the test_drive fields of `values` that changed; nothing once its agreement is sealed. */
export function saveDrive(session, id, values) {
  return serial(async () => {
    const db = await userDb(session);
    if (((await getDraft(db, draftKey(id))).sealed || {}).agreement) {
      return null; // sealed: read-only, and so is this door
    }
    const mutation = await putChanges(db, await driveView(db, 'test_drive'), 'test_drive', DRIVE_FIELDS, id, values);
    if (mutation) {
      syncSoon();
    }
    return mutation;
  });
}

/** Keep a licence photo (separate consent given) as its own record; resolves to the record id. */
export function saveLicencePhoto(session, id, { photo, consentVersion }) {
  return serial(async () => {
    const db = await userDb(session);
    const photoId = uuid7();
    const set = { test_drive_id: id, photo, consent: true, consent_version: consentVersion || '',
      taken_at: deviceTime() };
    await enqueueMutation(db, 'put', { entity: 'licence_photo', id: photoId, set,
      base: Object.fromEntries(Object.keys(set).map((f) => [f, 0])) });
    // Remembered so the local copy is dropped once the server has it (forgetSentLicencePhotos).
    await updateDraft(db, draftKey(id), (d) => ({ photoSent: photo, eligibility: { ...(d.eligibility || {}), photo: null } }));
    syncSoon();
    return photoId;
  });
}

function pick(values, fields) {
  return Object.fromEntries(fields.filter((f) => f in values).map((f) => [f, values[f]]));
}

/** Drop the tablet's copy of every licence photo the server has received (its `licence_photo` record is no
 *  longer in the outbox and the blob is uploaded): the server keeps it for the retention period, the tablet not. */
export async function forgetSentLicencePhotos(session) {
  const db = await userDb(session);
  const pending = (await db.getAll('outbox')).filter((m) => m.args && m.args.entity === 'licence_photo')
    .map((m) => m.args.set && m.args.set.photo);
  const drafts = (await db.getAll('drafts')).filter((d) => d.key.startsWith('test_drive/') && d.photoSent);
  let forgotten = 0;
  for (const draft of drafts) {
    if (!pending.includes(draft.photoSent) && await forgetUploadedBlob(db, draft.photoSent)) {
      await updateDraft(db, draft.key, { photoSent: null });
      forgotten += 1;
    }
  }
  return forgotten;
}

onSynced(async () => {
  const session = await getSession();
  if (session && session.user) {
    await forgetSentLicencePhotos(session);
  }
});

/** Start the drive (`test_drive.start`: the server marks the car out); resolves to the log id. */
export function startLog(session, id, values) {
  return serial(async () => {
    const db = await userDb(session);
    const { view } = await driveView(db, 'test_drive_log');
    const existing = [...view.values()].find((l) => l.test_drive_id === id);
    const logId = existing ? existing.id : uuid7();
    const set = pick({ ...values, test_drive_id: id }, START_FIELDS);
    await enqueueMutation(db, 'test_drive.start', { entity: 'test_drive_log', id: logId, set, base: {} });
    await updateDraft(db, draftKey(id), { logId, step: 'return' });
    syncSoon();
    return logId;
  });
}

/** End the drive (`test_drive.return`: the server returns the car). */
export function returnLog(session, id, logId, values) {
  return serial(async () => {
    const db = await userDb(session);
    const set = pick(values, RETURN_FIELDS);
    await enqueueMutation(db, 'test_drive.return', { entity: 'test_drive_log', id: logId, set, base: {} });
    await updateDraft(db, draftKey(id), { step: 'feedback' });
    syncSoon();
  });
}

/** Queue a put of log fields that changed (feedback, notes) before sealing. */
export function saveLog(session, id, logId, values) {
  return serial(async () => {
    const db = await userDb(session);
    if (((await getDraft(db, draftKey(id))).sealed || {}).log) {
      return null;
    }
    const read = await driveView(db, 'test_drive_log');
    const mutation = await putChanges(db, read, 'test_drive_log', LOG_FIELDS, logId, values);
    if (mutation) {
      syncSoon();
    }
    return mutation;
  });
}

/** Merge `changes` into this drive's local draft. */
export async function saveDraft(session, id, changes) {
  return updateDraft(await userDb(session), draftKey(id), changes);
}

/**
 * Seal `id` of `entity` as `snapshot` in ONE transaction: the put of the `fields` where the view (`read`) differs,
 * the signature images, the `sign`, and the draft's `sealed[part]` and `step`; resolves to what was sealed.
 */
async function seal(db, read, { entity, fields, id, snapshot, signatures }, { key, part, step }) {
  // The record first, with exactly the signed values: the outbox sends it before the sign.
  const put = changesOf(read, entity, fields, id, snapshot);
  const [hash, ...hashes] = await Promise.all([contentHash(snapshot), ...signatures.map((s) => sha256Hex(s.blob))]);
  const signed = signatures.map(({ role, name }, n) => ({ role, name, blob: hashes[n] }));
  const signedAt = deviceTime().replace(/\.\d{3}/, '');
  const sealed = { contentHash: hash, snapshot, signatures: signed, signedAt };
  const sign = { entity, id, snapshot, contentHash: hash, signatures: signed, signedAt };
  await enqueueMutations(db, [...(put ? [['put', put]] : []), ['sign', sign]], {
    blobs: signatures.map(({ blob }, n) => ({ sha256: hashes[n], type: 'image/png', blob })), // uploaded first: sync.js
    draft: { key, changes: (d) => ({ sealed: { ...(d.sealed || {}), [part]: sealed }, step }) },
  });
  return sealed;
}

/** Sign the agreement: put test_drive exactly as shown (outcome agreed), then `sign` it with both signatures. */
export function signAgreement(session, id, signatures) {
  return serial(async () => {
    const db = await userDb(session);
    const read = await driveView(db, 'test_drive');
    const snapshot = driveSnapshot(read.view.get(id));
    const sealed = await seal(db, read, { entity: 'test_drive', fields: DRIVE_FIELDS, id, snapshot, signatures },
      { key: draftKey(id), part: 'agreement', step: 'start' });
    syncSoon();
    return sealed.contentHash;
  });
}

/** Seal the drive log: put it as shown, then queue `sign` with its snapshot and the signatures. */
export function signLog(session, id, logId, signatures) {
  return serial(async () => {
    const db = await userDb(session);
    const read = await driveView(db, 'test_drive_log');
    const snapshot = logSnapshot(read.view.get(logId));
    const sealed = await seal(db, read,
      { entity: 'test_drive_log', fields: LOG_FIELDS, id: logId, snapshot, signatures },
      { key: draftKey(id), part: 'log', step: 'sealed' });
    syncSoon();
    return sealed.contentHash;
  });
}

/** This install's client group (to tell our side of a conflict from the other tablet's). */
export async function ourClientGroup(session) {
  return (await syncIdentity(await userDb(session))).clientGroupID;
}
