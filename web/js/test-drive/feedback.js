// The last step: the customer's feedback (domain.md §3.4: twelve aspects scored 1–5, overall, likes, concerns,
// competitor, purchase intention, contact time), a summary of the log, then escort and customer sign and the log
// is sealed (sync `sign` of test_drive_log), which closes the drive and makes the PDF.

import { h, mount } from '../core/dom.js';
import { formatTime } from '../core/format.js';
import { t } from '../core/i18n.js';
import { collectSignatures } from '../core/signature-card.js';
import { conflictNotice, driveHead, field, showErrors, signerCard } from './parts.js';
import { distanceWarning, FEEDBACK_ITEMS, feedbackErrors, feedbackLabel, INTENTIONS, intentionLabel } from './rules.js';
import { saveDraft, saveLog, signLog } from './store.js';

function scoreRow(code, value, onPick) {
  const buttons = [1, 2, 3, 4, 5].map((n) => h('button', { type: 'button', class: 'score', 'data-score': n,
    'aria-pressed': value === n ? 'true' : 'false', 'aria-label': `${feedbackLabel(code)} ${n}` }, String(n)));
  buttons.forEach((b, n) => b.addEventListener('click', () => {
    buttons.forEach((other, m) => other.setAttribute('aria-pressed', m === n ? 'true' : 'false'));
    onPick(n + 1);
  }));
  const error = h('p', { class: 'field-error', role: 'alert', 'data-testid': `error-${code}`, hidden: true });
  const wrap = h('div', { class: 'score-row', 'data-testid': `score-${code}`, 'data-code': code },
    h('span', { class: 'score-label' }, feedbackLabel(code)), h('span', { class: 'scores' }, buttons), error);
  return { wrap, input: buttons[0], setError: (text) => { error.textContent = text || ''; error.hidden = !text; } };
}

/** A short readable summary of the log: times, distance (with the route warning), gauges, damage, incidents. */
export function logSummary(ctx, log) {
  const driven = log.end_odometer_km !== null && log.start_odometer_km !== null
    ? log.end_odometer_km - log.start_odometer_km : null;
  const warning = driven === null ? null
    : distanceWarning(log.start_odometer_km, log.end_odometer_km, ctx.route ? Number(ctx.route.distance_km) : null);
  const labels = { fuel: t('Fuel'), charge: t('Charge') };
  const gauge = (prefix) => ['fuel', 'charge'].filter((g) => Number.isInteger(log[`${prefix}_${g}_pct`]))
    .map((g) => [labels[g], ' ', log[`${prefix}_${g}_pct`], '%'].join('')).join(' · ');
  const row = (label, value, testid) => h('div', { class: 'row' }, h('dt', {}, label),
    h('dd', testid ? { 'data-testid': testid } : {}, value));
  return h('section', { class: 'card' }, h('h2', {}, t('Drive log')), h('dl', { class: 'rows' },
    row(t('Started at'), `${formatTime(log.start_at)} · ${log.start_odometer_km} km · ${gauge('start')}`, 'log-started-at'),
    row(t('Returned at'), log.end_at ? `${formatTime(log.end_at)} · ${log.end_odometer_km} km · ${gauge('end')}` : '—',
      'log-returned-at'),
    row(t('Distance'), driven === null ? '—' : `${driven} km`, 'log-distance'),
    row(t('Damage already on the car'), String((log.damage_before || []).length), 'log-damage-before'),
    row(t('Damage at return'), String((log.damage_after || []).length), 'log-damage-after'),
    log.incidents ? row(t('Incidents'), log.incidents) : null),
  warning ? h('p', { class: 'state state-warning', 'data-testid': 'distance-warning' }, warning) : null);
}

/** The customer's feedback: a score row per aspect and overall, what they liked and their concerns, the
 *  competitor, contact time and purchase intention, each answer kept in `feedback` and the draft (`remember`).
 *  Returns {card, rows}: the score rows show their own errors. */
function feedbackCard(feedback, remember) {
  const rows = {};
  for (const code of FEEDBACK_ITEMS) {
    rows[code] = scoreRow(code, feedback.scores[code], (n) => { feedback.scores[code] = n; remember(); });
  }
  rows.overall = scoreRow('overall', feedback.overall, (n) => {
    feedback.overall = n;
    rows.overall.setError(null);
    remember();
  });
  const text = (name, label, props = {}) => {
    const el = h(props.rows ? 'textarea' : 'input', { name, 'data-testid': `input-${name}`, maxlength: 500,
      ...(props.rows ? { rows: props.rows } : { type: 'text', value: feedback[name] }) },
    props.rows ? feedback[name] : null);
    el.addEventListener('input', () => { feedback[name] = el.value; remember(); });
    return field(name, label, el);
  };
  const intention = h('div', { class: 'choice-row', role: 'radiogroup', 'aria-label': t('Purchase intention') },
    INTENTIONS.map((code) => {
      const b = h('button', { type: 'button', class: 'choice', 'data-intention': code,
        'aria-pressed': feedback.intention === code ? 'true' : 'false' }, intentionLabel(code));
      b.addEventListener('click', () => {
        feedback.intention = feedback.intention === code ? '' : code;
        intention.querySelectorAll('.choice').forEach((c) => c.setAttribute('aria-pressed',
          c.dataset.intention === feedback.intention ? 'true' : 'false'));
        remember();
      });
      return b;
    }));
  const card = h('section', { class: 'card form-card feedback' },
    h('h2', {}, t('Feedback of the customer')),
    h('p', { class: 'muted small' }, t('1 = very poor, 5 = excellent. Leave out what was not tried.')),
    FEEDBACK_ITEMS.map((code) => rows[code].wrap),
    h('div', { class: 'overall-score' }, rows.overall.wrap),
    h('div', { class: 'field-grid' }, text('likes', t('What they liked'), { rows: 2 }).wrap,
      text('concerns', t('Concerns'), { rows: 2 }).wrap, text('competitor', t('Competitor compared')).wrap,
      text('contact_time', t('Preferred contact time')).wrap),
    h('div', { class: 'field' }, h('span', { class: 'label' }, t('Purchase intention')), intention));
  return { card, rows };
}

/** "Sign and seal the log": the feedback checked, the escort's signature required (the customer's is optional),
 *  then the log saved and sealed. `signing.pads` are the pads once attached; why not is said in `error`. */
function signButton(session, ctx, { feedback, rows, error, signing }) {
  const id = ctx.drive.id;
  const sign = h('button', { type: 'button', class: 'button primary wide seal-button', 'data-testid': 'sign-log' },
    t('Sign and seal the log'));
  sign.addEventListener('click', async () => {
    const clean = { ...feedback, likes: feedback.likes.trim(), concerns: feedback.concerns.trim(),
      competitor: feedback.competitor.trim(), contact_time: feedback.contact_time.trim() };
    if (showErrors(rows, feedbackErrors(clean))) {
      return;
    }
    // The escort must sign the log; the customer signs the feedback when they are still there (optional).
    const signatures = await collectSignatures(signing.pads, error, { escort: t('The escort has not signed.') });
    if (!signatures) {
      return;
    }
    sign.disabled = true;
    try {
      await saveLog(session, id, ctx.log.id, { feedback: clean });
      await signLog(session, id, ctx.log.id, signatures);
      signing.pads.forEach((p) => p.pad.destroy());
      location.hash = `#/test-drive/${id}`;
    } finally {
      sign.disabled = false;
    }
  });
  return sign;
}

/** Draw the feedback-and-sign step of `ctx`. */
export function renderFeedback(view, { session, ctx }) {
  const id = ctx.drive.id;
  const log = ctx.log;
  const feedback = structuredClone({ scores: {}, overall: null, likes: '', concerns: '', competitor: '', intention: '',
    contact_time: '', ...(log.feedback || {}), ...((ctx.draft.feedback) || {}) });
  const remember = () => saveDraft(session, id, { feedback: structuredClone(feedback) });
  const { card, rows } = feedbackCard(feedback, remember);
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'log-error', hidden: true });
  const acted = () => { error.hidden = true; };
  const factories = [];
  const signing = { pads: [] };
  const sign = signButton(session, ctx, { feedback, rows, error, signing });

  mount(view, h('div', { class: 'screen handover test-drive' },
    driveHead(ctx, 'feedback'),
    conflictNotice(ctx),
    logSummary(ctx, log),
    card,
    signerCard(session, ctx, { role: 'escort', title: t('Escort signature'), key: 'log',
      defaultName: session.user.display_name || session.user.username, pads: factories, onAct: acted }),
    signerCard(session, ctx, { role: 'customer', title: t('Customer signature (optional)'), key: 'log',
      defaultName: ctx.drive.driver_name || ctx.drive.customer_name, pads: factories, onAct: acted }),
    error,
    sign));
  signing.pads = factories.map((make) => make());
  return null;
}
