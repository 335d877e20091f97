// The needs analysis (进店五问) record's rules, the same as the server's NeedsAnalysisSchema: the codes of each
// choice, their labels, how typed text becomes values (budgets in 万元) and the field-level errors. Pure.

import { t } from '../core/i18n.js';
import { readNumber } from '../core/numbers.js';

export const USAGES = ['commute', 'family', 'business', 'long_trips', 'leisure', 'other'];
export const DECISION_MAKERS = ['self', 'joint', 'other', 'unknown'];
export const PAYMENTS = ['cash', 'loan', 'lease', 'undecided'];
export const TIMELINES = ['7d', '15d', '30d', '90d', 'later', 'unknown'];
export const TOPICS = ['safety', 'space', 'economy', 'technology', 'comfort', 'performance', 'design', 'value'];
export const NEEDS_GRADES = ['N', 'H', 'A', 'B', 'C'];

/** The fields the needs form writes (server/models/walkaround.py NeedsAnalysis.SYNC_FIELDS), in form order. */
export const NEEDS_FIELDS = [
  'series_id', 'usage', 'users', 'decision_maker', 'budget_min', 'budget_max', 'payment', 'current_car', 'trade_in',
  'competitors', 'focus_topics', 'timeline', 'suggested_grade', 'grade', 'notes',
];

const BUDGET_MAX = 10000; // 万元: one hundred million yuan; anything above is a typo
const TEXT_MAX = { users: 200, current_car: 120, notes: 2000 };
const COMPETITOR_MAX = 80;
const COMPETITORS_MAX = 10;

/** Label of a usage code. */
export function usageLabel(code) {
  return ({ commute: t('Commuting'), family: t('Family'), business: t('Business'), long_trips: t('Long trips'),
    leisure: t('Leisure and outings'), other: t('Other use') })[code] || code;
}

/** Label of a decision-maker code. */
export function deciderLabel(code) {
  return ({ self: t('The customer decides'), joint: t('Decides together with family'),
    other: t('Someone else decides'), unknown: t('Not known yet') })[code] || code;
}

/** Label of a payment code. */
export function paymentLabel(code) {
  return ({ cash: t('Full payment'), loan: t('Loan'), lease: t('Lease'), undecided: t('Undecided') })[code] || code;
}

/** Label of a timeline code. */
export function timelineLabel(code) {
  return ({ '7d': t('Within 7 days'), '15d': t('Within 15 days'), '30d': t('Within 30 days'),
    '90d': t('Within 3 months'), later: t('Later than 3 months'), unknown: t('Not known yet') })[code] || code;
}

/** Label of a focus topic (also the tags of talking points). */
export function topicLabel(code) {
  return ({ safety: t('Safety'), space: t('Space'), economy: t('Economy'), technology: t('Technology'),
    comfort: t('Comfort'), performance: t('Performance'), design: t('Design'), value: t('Value for money') })[code]
    || code;
}

/** Label of a needs-analysis field, for errors. */
export function needsFieldLabel(field) {
  return ({ usage: t('Usage'), users: t('Who will drive it'), decision_maker: t('Decision maker'),
    budget_min: t('Budget from (10k yuan)'), budget_max: t('Budget up to (10k yuan)'), payment: t('Payment'),
    current_car: t('Current car'), trade_in: t('Trade in the current car'), competitors: t('Competitor models'),
    focus_topics: t('What matters most'), timeline: t('When to buy'), grade: t('Confirmed grade'), series_id: t('Model'),
    notes: t('Notes') })[field] || field;
}

/** A typed budget: '' → null, '12.5' / '12,5' / ' 12 ' / '１２．５' → 12.5; anything else stays the text as typed
 *  (an error at the field later, never a number). Read by the tablet's one number reader (core/numbers.js). */
export function parseBudget(raw) {
  const read = readNumber(raw, { decimals: true, required: false, min: -Infinity, max: Infinity });
  return read.error ? String(raw ?? '').trim() : read.value;
}

/** Competitor models typed in one line: split at commas (, ， 、) or semicolons, trimmed, without repeats. */
export function parseCompetitors(raw) {
  if (Array.isArray(raw)) {
    return [...new Set(raw.map((c) => String(c).trim()).filter(Boolean))];
  }
  return [...new Set(String(raw ?? '').split(/[,，、;；]/).map((c) => c.trim()).filter(Boolean))];
}

/** Values from the form as the server loads them: strings trimmed, budgets parsed, lists de-duplicated, and an
 *  unanswered choice stored as the server's default. */
export function cleanNeeds(raw) {
  const clean = { ...raw };
  for (const field of ['users', 'current_car', 'notes']) {
    clean[field] = String(raw[field] ?? '').trim();
  }
  clean.budget_min = parseBudget(raw.budget_min);
  clean.budget_max = parseBudget(raw.budget_max);
  clean.usage = [...new Set(raw.usage || [])];
  clean.focus_topics = [...new Set(raw.focus_topics || [])];
  clean.competitors = parseCompetitors(raw.competitors);
  clean.trade_in = Boolean(raw.trade_in);
  clean.decision_maker = raw.decision_maker || 'unknown';
  clean.payment = raw.payment || 'undecided';
  clean.timeline = raw.timeline || 'unknown';
  clean.series_id = raw.series_id || null;
  return clean;
}

function checkBudget(value, add, field) {
  if (value === null) {
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    add(field, t('Enter a number.'));
  } else if (value < 0) {
    add(field, t('A budget cannot be negative.'));
  } else if (value > BUDGET_MAX) {
    add(field, t('At most %(max)s.', { max: BUDGET_MAX }));
  }
}

function checkCodes(values, field, codes, add) {
  if ((values[field] || []).some((code) => !codes.includes(code))) {
    add(field, t('Choose one of the listed values.'));
  }
}

/** Field errors ({field: [message]}) of cleaned values; an empty object when the record may be saved. */
export function validateNeeds(values) {
  const errors = {};
  const add = (field, message) => { (errors[field] = errors[field] || []).push(message); };
  checkCodes(values, 'usage', USAGES, add);
  checkCodes(values, 'focus_topics', TOPICS, add);
  for (const [field, codes] of [['decision_maker', DECISION_MAKERS], ['payment', PAYMENTS],
    ['timeline', TIMELINES], ['grade', NEEDS_GRADES]]) {
    if (!codes.includes(values[field]) && !(field === 'grade' && values.grade === null)) { // null: none picked
      add(field, t('Choose one of the listed values.'));
    }
  }
  checkBudget(values.budget_min, add, 'budget_min');
  checkBudget(values.budget_max, add, 'budget_max');
  if (!errors.budget_min && !errors.budget_max && typeof values.budget_min === 'number'
    && typeof values.budget_max === 'number' && values.budget_min > values.budget_max) {
    add('budget_max', t('The upper budget must not be below the lower one.'));
  }
  for (const [field, max] of Object.entries(TEXT_MAX)) {
    if (typeof values[field] === 'string' && values[field].length > max) {
      add(field, t('At most %(max)s characters.', { max }));
    }
  }
  if ((values.competitors || []).some((c) => c.length > COMPETITOR_MAX)) {
    add('competitors', t('At most %(max)s characters each.', { max: COMPETITOR_MAX }));
  } else if ((values.competitors || []).length > COMPETITORS_MAX) {
    add('competitors', t('At most %(max)s models.', { max: COMPETITORS_MAX }));
  }
  return errors;
}
