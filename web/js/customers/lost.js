// A lost deal (战败) asked for from the customer's file, offline: why (the taxonomy of domain.md §5.6), the
// competitor and price gap when a competitor won, a note. Only the manager decides, in the office; the tablet shows
// the request waiting, then the decision and the manager's comment once pulled. One request waits at a time.

import { deviceTime, enqueueMutations } from '../core/db.js';
import { h } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { readNumber } from '../core/numbers.js';
import { entityView, userDb, uuid7 } from '../core/record-store.js';
import { syncSoon } from '../core/sync.js';

/** Reason codes by category, as server/vocabularies/customers.py LOST_REASONS (labels below). */
const CATEGORIES = {
  other_brand: () => t('Lost to another brand'),
  same_brand: () => t('Lost to the same brand elsewhere'),
  cancelled: () => t('Customer cancelled the plan'),
  unreachable: () => t('Customer unreachable'),
  no_intent: () => t('No real intent (DCC)'),
};
const REASONS = {
  'other_brand.price': () => t('Low value for money'),
  'other_brand.exterior': () => t('Exterior or colour'),
  'other_brand.resale': () => t('Low resale value'),
  'other_brand.reliability': () => t('Reliability'),
  'other_brand.power': () => t('Fuel use or power'),
  'other_brand.comfort': () => t('Handling or comfort'),
  'other_brand.service': () => t('After-sales cost or service'),
  'other_brand.finance': () => t('Finance support'),
  'other_brand.wait': () => t('Long delivery wait'),
  'other_brand.brand': () => t('Brand preference or reputation'),
  'other_brand.other': () => t('Other reason'),
  'same_brand.used': () => t('Bought used'),
  'same_brand.discount': () => t('Smaller discount than elsewhere'),
  'same_brand.stock': () => t('Model or stock not available'),
  'same_brand.finance': () => t('Finance support'),
  'same_brand.wait': () => t('Long delivery wait'),
  'cancelled.plate': () => t('Cannot get a plate'),
  'cancelled.funds': () => t('Not enough funds'),
  'cancelled.moving': () => t('Moving away'),
  'cancelled.postponed': () => t('Postponed'),
  'cancelled.other': () => t('Other reason'),
  'unreachable.unreachable': () => t('Cannot be reached'),
  'no_intent.wrong_number': () => t('Wrong number'),
  'no_intent.no_answer': () => t('Repeatedly unanswered'),
  'no_intent.no_intent': () => t('No intent to buy'),
  'no_intent.bought': () => t('Already bought'),
  'no_intent.out_of_area': () => t('Out of area'),
};
const COMPETITOR = new Set(['other_brand', 'same_brand']);
const STATES = { pending: () => t('Waiting for the manager'), approved: () => t('Approved'),
  rejected: () => t('Rejected') };

export const lostReasonLabel = (code) => (REASONS[code] ? REASONS[code]() : code);
export const lostStateLabel = (state) => (STATES[state] ? STATES[state]() : state);

/** The customer's lost-deal requests this tablet holds, newest first. */
export async function lostRequestsOf(session, customerId) {
  const { view } = await entityView(await userDb(session), 'lost_request');
  return [...view.values()].filter((r) => r.customer_id === customerId)
    .sort((a, b) => String(b.requested_at).localeCompare(String(a.requested_at)));
}

/** The form's values checked as the server checks them: {values} or {errors: {field: message}}. */
export function readRequest(form) {
  const errors = {};
  if (!REASONS[form.reason]) {
    errors.reason = t('Choose why the deal was lost.');
  }
  if (COMPETITOR.has(String(form.reason).split('.')[0]) && !form.competitor_brand.trim()) {
    errors.competitor_brand = t('Name the brand the customer chose.');
  }
  const gap = readNumber(form.price_gap_yuan, { min: 0, max: 10_000_000, required: false });
  if (gap.error) {
    errors.price_gap_yuan = gap.error;
  }
  return Object.keys(errors).length ? { errors } : { values: { reason: form.reason,
    competitor_brand: form.competitor_brand.trim(), competitor_model: form.competitor_model.trim(),
    price_gap_yuan: gap.value, note: form.note.trim() } };
}

async function request(session, customer, values) {
  const set = { customer_id: customer.id, ...values, requested_by: session.user.id, requested_at: deviceTime(),
    state: 'pending' };
  const [mutation] = await enqueueMutations(await userDb(session),
    [['put', { entity: 'lost_request', id: uuid7(), base: {}, set }]]);
  syncSoon();
  return mutation;
}

function input(name, label, props = {}) {
  const control = h('input', { id: `lost-${name}`, name, autocomplete: 'off', 'aria-describedby': `lost-${name}-error`,
    'data-testid': `lost-${name}`, ...props });
  const error = h('p', { class: 'field-error', id: `lost-${name}-error`, hidden: true });
  return { control, error, element: h('div', { class: 'field' }, h('label', { for: control.id }, label), control,
    error) };
}

/** The card on a customer's file: the requests with their state, and the form to ask (while none waits);
 *  `onSaved(mutation)` counts a request as pending and redraws. */
export async function lostCard(session, customer, onSaved) {
  const requests = await lostRequestsOf(session, customer.id);
  const list = requests.map((r) => h('li', { 'data-testid': 'lost-request', 'data-state': r.state },
    h('strong', {}, lostReasonLabel(r.reason)), ' · ',
    h('span', { class: `doc-state doc-${r.state === 'approved' ? 'ready' : r.state === 'rejected' ? 'failed'
      : 'pending'}` }, lostStateLabel(r.state)),
    r.decision_note ? h('p', { class: 'muted small' }, r.decision_note) : null));
  const waiting = requests.some((r) => r.state === 'pending');
  if (waiting || customer.grade === 'L') {
    return h('section', { class: 'card', 'data-testid': 'lost-card' }, h('h2', {}, t('Lost deal')),
      h('ul', { class: 'plain-list' }, list));
  }
  const reason = h('select', { id: 'lost-reason', name: 'reason', 'data-testid': 'lost-reason',
    'aria-describedby': 'lost-reason-error' },
  h('option', { value: '' }, t('Choose…')),
  Object.entries(CATEGORIES).map(([category, label]) => h('optgroup', { label: label() },
    Object.keys(REASONS).filter((code) => code.startsWith(`${category}.`))
      .map((code) => h('option', { value: code }, REASONS[code]())))));
  const reasonError = h('p', { class: 'field-error', id: 'lost-reason-error', hidden: true });
  const fields = {
    competitor_brand: input('competitor_brand', t('Competitor brand')),
    competitor_model: input('competitor_model', t('Competitor model')),
    price_gap_yuan: input('price_gap_yuan', t('Price gap (yuan)'), { inputmode: 'numeric' }),
    note: input('note', t('Note')),
  };
  const form = h('form', { class: 'lost-form', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const read = readRequest({ reason: reason.value, ...Object.fromEntries(Object.entries(fields)
      .map(([name, f]) => [name, f.control.value])) });
    const shown = { reason: reasonError, ...Object.fromEntries(Object.entries(fields).map(([n, f]) => [n, f.error])) };
    for (const [name, element] of Object.entries(shown)) {
      const message = read.errors && read.errors[name];
      element.hidden = !message;
      element.textContent = message || '';
    }
    if (read.values) {
      onSaved(await request(session, customer, read.values));
    }
  } },
  h('div', { class: 'field' }, h('label', { for: 'lost-reason' }, t('Why the deal was lost')), reason, reasonError),
  Object.values(fields).map((f) => f.element),
  h('button', { type: 'submit', class: 'button secondary', 'data-testid': 'lost-submit' }, t('Ask the manager')));
  return h('section', { class: 'card', 'data-testid': 'lost-card' }, h('h2', {}, t('Lost deal')),
    list.length ? h('ul', { class: 'plain-list' }, list) : null,
    h('details', { class: 'disclosure' }, h('summary', { 'data-testid': 'lost-open' },
      t('Ask to mark this customer lost')), form));
}
