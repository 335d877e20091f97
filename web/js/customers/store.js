// Customer files on this tablet: read from IndexedDB as the view (server truth + pending changes, rebase.js),
// written as `put` mutations to the outbox. Screens call these; they never talk to the network.

import { enqueueMutation, openUserDb, readEntity } from '../core/db.js';
import { buildView, diffForPut } from '../core/rebase.js';
import { newest, uuid7 } from '../core/record-store.js';
import { syncSoon } from '../core/sync.js';
import { cleanCustomer, CUSTOMER_SCHEMA, validateCustomer } from './rules.js';

const FIELDS = Object.keys(CUSTOMER_SCHEMA.properties);

async function load(session) {
  const db = await openUserDb(session.store.code, session.user.id);
  const { records, mutations } = await readEntity(db, 'customer');
  return { db, records, view: buildView(records, mutations) };
}

/** Every customer of the store as this tablet sees it, newest first. */
export async function listCustomers(session) {
  const { view } = await load(session);
  return [...view.values()].sort(newest);
}

/** One customer as shown (undefined if unknown or deleted). */
export async function getCustomer(session, id) {
  const { view } = await load(session);
  return view.get(id);
}

/** Whether `customer` matches a search for `query`: a part of the name, or digits of the phone. */
export function matches(customer, query) {
  const q = query.trim().toLowerCase();
  if (!q) {
    return true;
  }
  const digits = q.replace(/[\s-]/g, '');
  return (customer.name || '').toLowerCase().includes(q)
    || (/^\+?\d+$/.test(digits) && (customer.phone || '').includes(digits.replace(/^\+?86(?=1\d{10}$)/, '')));
}

/** Validate and queue a create (id null) or an edit; resolves to {errors} or {id, mutation} (null: no change). */
export async function saveCustomer(session, id, rawValues) {
  const values = cleanCustomer(rawValues);
  const { db, records, view } = await load(session);
  const current = id ? view.get(id) : undefined;
  if (id && !current) {
    return { errors: { _: ['missing'] } };
  }
  let changed = values;
  if (current) {
    changed = Object.fromEntries(Object.entries(values).filter(([field, value]) => current[field] !== value));
  } else {
    changed = Object.fromEntries(FIELDS.map((f) => [f, f in values ? values[f] : CUSTOMER_SCHEMA.properties[f].default]));
  }
  const errors = validateCustomer(changed, { partial: Boolean(current) });
  if (Object.keys(errors).length) {
    return { errors };
  }
  if (!Object.keys(changed).length) {
    return { id, mutation: null };
  }
  const recordId = id || uuid7();
  const server = records.find((r) => r.id === recordId);
  const { set, base } = diffForPut(server, current, changed);
  const mutation = await enqueueMutation(db, 'put', { entity: 'customer', id: recordId, set, base });
  syncSoon();
  return { id: recordId, mutation };
}
