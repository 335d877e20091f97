// What needs a person: mutations the server rejected (with its reason, in the person's language) and open
// conflicts that involve this tablet, plus the export of unsent changes as a file — the last resort when a
// tablet cannot reach the server and someone must carry its work to the office.

import {
  dismissRejection, openUserDb, readEntity, readOutbox, readRecords, readRejections, syncIdentity,
} from './db.js';
import { buildView } from './rebase.js';

function userDb(session) {
  return openUserDb(session.store.code, session.user.id);
}

/** Open conflicts written or overwritten by this client group (the office settles them; they stay visible). */
async function openConflicts(db) {
  const { clientGroupID } = await syncIdentity(db);
  const conflicts = await readRecords(db, 'conflict/');
  const ours = (who) => who && who.clientGroupID === clientGroupID;
  return conflicts.filter((c) => c.state === 'open' && (ours(c.applied_by) || ours(c.overwritten_by)));
}

/** {rejections, conflicts}: what the needs-a-person panel lists; conflicts carry their customer's name. */
export async function listProblems(session) {
  const db = await userDb(session);
  const [rejections, conflicts, customers] = await Promise.all([
    readRejections(db), openConflicts(db), readEntity(db, 'customer'),
  ]);
  const view = buildView(customers.records, customers.mutations);
  for (const conflict of conflicts) {
    conflict.recordName = conflict.entity === 'customer' ? (view.get(conflict.record_id) || {}).name : undefined;
  }
  conflicts.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  return { rejections, conflicts };
}

/** How many problems need a person (the badge's count). */
export async function countProblems(session) {
  if (!session || !session.user) {
    return 0;
  }
  const db = await userDb(session);
  const [rejections, conflicts] = await Promise.all([readRejections(db), openConflicts(db)]);
  return rejections.length + conflicts.length;
}

/** A person has read a rejection: hide it from the list (it stays stored). */
export async function dismissProblem(session, rejection) {
  await dismissRejection(await userDb(session), rejection.clientID, rejection.id);
}

/** The open conflicts of one record, newest first. */
export async function conflictsOf(session, entity, recordId) {
  const conflicts = await readRecords(await userDb(session), 'conflict/');
  return conflicts
    .filter((c) => c.state === 'open' && c.entity === entity && c.record_id === recordId)
    .sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
}

/** The unsent changes as a JSON file {name, blob}: who, which store, which install, and every mutation. */
export async function exportUnsent(session) {
  const db = await userDb(session);
  const [{ clientGroupID }, mutations] = await Promise.all([syncIdentity(db), readOutbox(db)]);
  const now = new Date();
  const document = {
    format: 'showroom-unsent-changes',
    protocol: 1,
    exportedAt: now.toISOString(),
    store: { id: session.store.id, code: session.store.code, name: session.store.name },
    user: { id: session.user.id, username: session.user.username, display_name: session.user.display_name },
    clientGroupID,
    mutations,
  };
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return {
    name: `showroom-unsent-${session.store.code}-${session.user.username}-${stamp}.json`,
    blob: new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' }),
    count: mutations.length,
  };
}
