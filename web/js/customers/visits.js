// The consultant's own visits on the tablet, offline: a walk-in or a phone-in they received, logged from the
// customer's file with the tablet's clock. The attribution rule (attribution.js, the server's mirror) gives the
// answer the tablet can tell now — provisional: the server decides when the visit syncs, with what it knows of
// every tablet, and its `ownership_change` records come back in the pull.

import { deviceTime, enqueueMutations } from '../core/db.js';
import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { entityView, userDb, uuid7 } from '../core/record-store.js';
import { syncSoon } from '../core/sync.js';
import { decideOwner } from './attribution.js';

/** How a visitor came, as the tablet offers it (the desk logs appointments). */
export const TABLET_KINDS = ['walk_in', 'call_in'];

/** What people call a visit's kind and an owner's reason (vocabularies/visits.py). */
export function visitKindLabel(kind) {
  return { walk_in: t('Walk-in'), call_in: t('Phone-in'), invited: t('Invited (appointment)') }[kind] || kind;
}

export function ownershipReasonLabel(reason) {
  return {
    first_reception: t('First received'),
    appointment: t("Came on this consultant's appointment"),
    customer_choice: t('The customer chose (sales policy)'),
    requested_owner: t('The customer asked for the owner'),
    same_consultant: t('Received by the owner'),
    within_week: t('Back within a week'),
    owner_called: t('The owner phoned in between'),
    week_rule: t('Back after more than a week with no call from the owner'),
    made_by: t('Made by this consultant'),
    manager: t('Reassigned by the manager'),
  }[reason] || reason;
}

const at = (v) => Date.parse(v.arrived_at);

/** The visits of one customer this tablet holds, newest first. */
export async function visitsOf(session, customerId) {
  const { view } = await entityView(await userDb(session), 'visit');
  return [...view.values()].filter((v) => v.customer_id === customerId).sort((a, b) => at(b) - at(a));
}

/** The changes of owner of one customer this tablet holds, newest first. */
export async function ownershipChangesOf(session, customerId) {
  const { view } = await entityView(await userDb(session), 'ownership_change');
  return [...view.values()].filter((c) => c.customer_id === customerId)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

/** What the rule reads for a visit of `customer` received now by the signed-in consultant, from this tablet. */
async function localCase(session, customer, visit) {
  const db = await userDb(session);
  const earlier = (await visitsOf(session, customer.id))
    .filter((v) => v.purpose === 'new_car' && at(v) < at(visit));
  const { view: followUps } = await entityView(db, 'follow_up');
  const calls = [...followUps.values()].filter((f) => f.customer_id === customer.id && f.owner_id === customer.owner_id
    && f.method === 'phone' && f.result === 'reached' && f.done_at).map((f) => f.done_at);
  return { owner_id: customer.owner_id ?? null, visit, since: earlier.length ? earlier[0].arrived_at
    : customer.device_created_at || customer.created_at || null, owner_calls: calls, policy: null, received_by: [] };
}

/** Log a visit of `customer` the signed-in consultant receives now (`kind`: walk_in or call_in); resolves to the
 *  rule's provisional answer {ownerId, reason, changed} and the queued mutation: {decided, mutation}. */
export async function logVisit(session, customer, kind) {
  const visit = { customer_id: customer.id, consultant_id: session.user.id, requested_consultant_id: null,
    invited_by_id: null, arrived_at: deviceTime(), kind, purpose: 'new_car', recorded_by: session.user.id,
    first_visit: !(await visitsOf(session, customer.id)).length, party_size: 1, channel: customer.source || 'walk_in',
    outcomes: [] };
  const decided = decideOwner(await localCase(session, customer, visit));
  const [mutation] = await enqueueMutations(await userDb(session),
    [['put', { entity: 'visit', id: uuid7(), base: {}, set: visit }]]);
  syncSoon();
  return { decided, mutation };
}

let lastAnswer = null; // {customerId, decided}: the answer stays on the file when the screen is redrawn

function answerText(session, decided) {
  const whose = decided.ownerId === session.user.id ? t('Your customer') : t("Another consultant's customer");
  return t('Visit logged: %(whose)s · %(reason)s (provisional until the sync).',
    { whose, reason: ownershipReasonLabel(decided.reason) });
}

/** The card on a customer's file: log a walk-in or phone-in received now; says whose customer it is, as far as
 *  this tablet can tell, until the server decides. `onLogged(mutation)` counts it as pending and redraws. */
export function visitCard(session, customer, onLogged) {
  const shown = lastAnswer && lastAnswer.customerId === customer.id ? answerText(session, lastAnswer.decided) : '';
  const answer = h('p', { class: 'muted', role: 'status', 'data-testid': 'visit-answer' }, shown);
  const log = async (kind) => {
    const { decided, mutation } = await logVisit(session, customer, kind);
    lastAnswer = { customerId: customer.id, decided };
    answer.textContent = answerText(session, decided);
    onLogged(mutation);
  };
  return h('section', { class: 'card', 'data-testid': 'visit-card' },
    h('h2', {}, t('Log a visit')),
    h('div', { class: 'actions' }, TABLET_KINDS.map((kind) => h('button', { type: 'button', class: 'button secondary',
      'data-testid': `log-${kind}`, onclick: () => log(kind) }, visitKindLabel(kind)))),
    answer);
}
