// Customer files on this tablet: read from IndexedDB as the view (server truth + pending changes, rebase.js),
// written as `put` mutations to the outbox. A change of the grade is also kept as a `grade_change` record of its
// own (who, when, from, to, why), queued with the file's put in one transaction; it is never changed afterwards.
// Screens call these; they never talk to the network.

import { deviceTime, enqueueMutations, openUserDb, readEntity } from '../core/db.js';
import { buildView, diffForPut } from '../core/rebase.js';
import { entityView, newest, uuid7 } from '../core/record-store.js';
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

/** The grade changes of one customer, newest first. */
export async function gradeChangesOf(session, customerId) {
  const { view } = await entityView(await openUserDb(session.store.code, session.user.id), 'grade_change');
  const at = (c) => String(c.changed_at || c.created_at || '');
  return [...view.values()].filter((c) => c.customer_id === customerId).sort((a, b) => at(b).localeCompare(at(a)));
}

/** The `put` of a grade change of `customerId` from → to, made now by the signed-in user, and why
 *  ({reason, needs_analysis_id}); a new record, never changed afterwards. */
function gradeChange(session, customerId, from, to, why) {
  return ['put', { entity: 'grade_change', id: uuid7(), base: {}, set: {
    customer_id: customerId, from_grade: from ?? null, to_grade: to, reason: why.reason,
    needs_analysis_id: why.needs_analysis_id || null, note: '', changed_by: session.user.id,
    changed_by_name: session.user.display_name || '', changed_at: deviceTime(),
  } }];
}

/** Validate and queue a create (id null) or an edit; resolves to {errors} or {id, mutation} (null: no change).
 *  A new grade of an existing file is kept as a grade change too, with `why` ({reason, needs_analysis_id}; by
 *  default the consultant changed it). */
export async function saveCustomer(session, id, rawValues, why = { reason: 'consultant' }) {
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
  const mutations = [['put', { entity: 'customer', id: recordId, set, base }]];
  if (current && 'grade' in changed) { // a change of a file's grade; a new file's first grade is no change
    mutations.push(gradeChange(session, recordId, current.grade, changed.grade, why));
  }
  const [mutation] = await enqueueMutations(db, mutations);
  syncSoon();
  return { id: recordId, mutation };
}
