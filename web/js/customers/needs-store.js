// Needs analyses (进店五问) on this tablet: read as the view (server truth + pending mutations, rebase.js) and
// written as one `put` of the whole form, with the grade it suggests. Saving never changes the customer's grade by
// itself: only a grade the consultant picked goes to the customer file (a grade change that follows this needs
// analysis). Also the series of the catalogue the form offers. Screens call these; they never talk to IndexedDB
// or the network.

import { deviceTime, readRecords } from '../core/db.js';
import { entityView, live, newest, putAll, serialQueue, userDb, uuid7 } from '../core/record-store.js';
import { syncSoon } from '../core/sync.js';
import { suggestGrade } from './grading.js';
import { cleanNeeds, NEEDS_FIELDS, validateNeeds } from './needs-rules.js';
import { getCustomer, saveCustomer } from './store.js';

const serial = serialQueue();

/** The series of the catalogue on this tablet, by name. */
export async function listSeries(session) {
  const db = await userDb(session);
  return live(await readRecords(db, 'series/')).sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

/** The needs analyses of one customer, newest first. */
export async function needsOf(session, customerId) {
  const { view } = await entityView(await userDb(session), 'needs_analysis');
  return [...view.values()].filter((n) => n.customer_id === customerId).sort(newest);
}

/** Validate and queue a needs analysis (a new one when `id` is null) with the grade it suggests; `raw.grade`, the
 *  grade the consultant picked (null: none), also goes to the customer file. Resolves to {errors} or {id, mutation}. */
export function saveNeeds(session, customerId, id, raw) {
  return serial(async () => {
    const values = cleanNeeds(raw);
    values.suggested_grade = suggestGrade(values).grade;
    const errors = validateNeeds(values);
    if (Object.keys(errors).length) {
      return { errors };
    }
    const db = await userDb(session);
    const { records, view } = await entityView(db, 'needs_analysis');
    const recordId = id || uuid7();
    const fields = Object.fromEntries(NEEDS_FIELDS.map((f) => [f, values[f] ?? null]));
    const mutation = await putAll(db, 'needs_analysis', recordId, records, view.get(recordId) ? fields
      : { customer_id: customerId, consultant_id: session.user.id, answered_at: deviceTime(), ...fields });
    const customer = await getCustomer(session, customerId);
    if (customer && values.grade && customer.grade !== values.grade) {
      await saveCustomer(session, customerId, { grade: values.grade },
        { reason: 'needs_analysis', needs_analysis_id: recordId });
    }
    syncSoon();
    return { id: recordId, mutation };
  });
}
