// Deliveries (交车) on this tablet: read as the view (server truth + pending mutations, rebase.js) plus a local
// draft (drafts store: the step, ✗ answers still waiting for their photo, signature strokes, what was sealed);
// written as `put` and `sign` mutations to the outbox. Screens call these; they never talk to IndexedDB or the
// network (the sealed PDF is fetched by core/sealed.js).

import { contentHash, sha256Hex } from '../core/canonical.js';
import {
  deviceTime, enqueueMutation, enqueueMutations, getDraft, readRecords, updateDraft,
} from '../core/db.js';
import { buildSnapshot, DELIVERY_FIELDS, vehicleDescription } from './rules.js';
import { syncSoon } from '../core/sync.js';
import {
  changesOf, entityView, keepPhoto, live, newest, putChanges, serialQueue, userDb, uuid7,
} from '../core/record-store.js';

export { keepPhoto };

const serial = serialQueue();

const draftKey = (id) => `delivery/${id}`;
const byId = (records) => new Map(records.map((r) => [r.id, r]));

/** Vehicles (with series, trim, colour, powertrain and description), templates and the current template. */
export async function loadCatalogue(session) {
  const db = await userDb(session);
  const [vehicles, trims, series, colours, templates] = await Promise.all(
    ['vehicle', 'trim', 'series', 'colour', 'checklist_template'].map(async (e) => live(await readRecords(db, `${e}/`))),
  );
  const [trimOf, seriesOf, colourOf] = [byId(trims), byId(series), byId(colours)];
  const shown = vehicles.map((v) => {
    const trim = trimOf.get(v.trim_id);
    const s = trim && seriesOf.get(trim.series_id);
    const colour = colourOf.get(v.colour_id);
    return { ...v, trim, series: s, colour, powertrain: trim ? trim.powertrain : null,
      description: vehicleDescription(s, trim, colour) };
  }).sort((a, b) => a.description.localeCompare(b.description) || a.vin.localeCompare(b.vin));
  const current = templates.filter((tpl) => tpl.key === 'delivery')
    .sort((a, b) => b.template_version - a.template_version)[0] || null;
  return { vehicles: shown, templates: byId(templates), template: current };
}

const deliveryView = (db) => entityView(db, 'delivery');

function sealOf(id, draft, mutations, documents) {
  const document = documents.filter((d) => d.record_id === id && d.entity === 'delivery')
    .sort((a, b) => (b.version || 0) - (a.version || 0))[0] || null;
  const sign = mutations.find((m) => m.name === 'sign' && m.args.id === id);
  const sealed = draft.sealed || (sign && { contentHash: sign.args.contentHash, snapshot: sign.args.snapshot,
    signedAt: sign.args.signedAt, signatures: sign.args.signatures })
    || (document && { contentHash: document.contentHash }) || null;
  return { sealed, document };
}

/** Everything a handover screen needs, or null when this delivery is not on the tablet. */
export async function loadHandover(session, id) {
  const db = await userDb(session);
  const [{ mutations, view }, draft, documents, catalogue] = await Promise.all([
    deliveryView(db), getDraft(db, draftKey(id)), readRecords(db, 'document/'), loadCatalogue(session),
  ]);
  const delivery = view.get(id);
  if (!delivery) {
    return null;
  }
  const vehicle = catalogue.vehicles.find((v) => v.id === delivery.vehicle_id) || null;
  return { delivery, draft, ...sealOf(id, draft, mutations, live(documents)),
    template: catalogue.templates.get(delivery.template_id) || null, vehicle,
    powertrain: vehicle ? vehicle.powertrain : null };
}

/** Every delivery on this tablet, newest first, each with {sealed, document}. */
export async function listDeliveries(session) {
  const db = await userDb(session);
  const [{ mutations, view }, documents] = await Promise.all([deliveryView(db), readRecords(db, 'document/')]);
  const rows = [];
  for (const delivery of view.values()) {
    const draft = await getDraft(db, draftKey(delivery.id));
    rows.push({ delivery, ...sealOf(delivery.id, draft, mutations, live(documents)) });
  }
  return rows.sort((a, b) => newest(a.delivery, b.delivery));
}

/** Create the delivery of `customer` with `vehicle` on `template`; resolves to its id. */
export function startDelivery(session, { customer, vehicle, template }) {
  return serial(async () => {
    const db = await userDb(session);
    const id = uuid7();
    const set = {
      ...buildSnapshot({}), customer_id: customer.id, customer_name: customer.name, vehicle_id: vehicle.id,
      vin: vehicle.vin, vehicle_description: vehicle.description, template_id: template.id, keys_count: 2,
      odometer_km: Math.min(100_000, vehicle.odometer_km || 0),
    };
    const base = Object.fromEntries(Object.keys(set).map((f) => [f, 0]));
    await enqueueMutation(db, 'put', { entity: 'delivery', id, set, base });
    await updateDraft(db, draftKey(id), { step: 'check/A' });
    syncSoon();
    return id;
  });
}

/** Queue a put of the fields of `values` that changed; nothing once the delivery is sealed. */
export function saveDelivery(session, id, values) {
  return serial(async () => {
    const db = await userDb(session);
    if ((await getDraft(db, draftKey(id))).sealed) {
      return null; // sealed: the screens are read-only, and so is this door
    }
    const mutation = await putChanges(db, await deliveryView(db), 'delivery', DELIVERY_FIELDS, id, values);
    if (mutation) {
      syncSoon();
    }
    return mutation;
  });
}

/** Merge `changes` into this delivery's local draft. */
export async function saveDraft(session, id, changes) {
  return updateDraft(await userDb(session), draftKey(id), changes);
}

/** Seal: put the record as shown, then queue `sign` with the snapshot, its hash and both signature images. */
export function sealDelivery(session, id, signatures) {
  return serial(async () => {
    const db = await userDb(session);
    const read = await deliveryView(db);
    const snapshot = buildSnapshot(read.view.get(id));
    // The record first, with exactly the signed values: the outbox sends it before the sign.
    const put = changesOf(read, 'delivery', DELIVERY_FIELDS, id, snapshot);
    const [hash, ...hashes] = await Promise.all([contentHash(snapshot), ...signatures.map((s) => sha256Hex(s.blob))]);
    const signed = signatures.map(({ role, name }, n) => ({ role, name, blob: hashes[n] }));
    const signedAt = deviceTime().replace(/\.\d{3}/, '');
    const sign = { entity: 'delivery', id, snapshot, contentHash: hash, signatures: signed, signedAt };
    // One transaction: the images (uploaded before the push, sync.js), the put, the sign and the draft's seal.
    await enqueueMutations(db, [...(put ? [['put', put]] : []), ['sign', sign]], {
      blobs: signatures.map(({ blob }, n) => ({ sha256: hashes[n], type: 'image/png', blob })),
      draft: { key: draftKey(id), changes: { sealed: { contentHash: hash, snapshot, signatures: signed, signedAt } } },
    });
    syncSoon();
    return hash;
  });
}
