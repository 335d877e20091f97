// The needs analysis (进店五问) of one customer, offline: usage, who drives, who decides, budget, payment, current
// car and trade-in, competitors, focus topics and timeline. The grade it suggests (grading.js, the server's rule)
// is shown live; saving keeps the customer's grade unless the consultant taps one (the suggested one is marked):
// the grade never changes by itself. Saved as one `put`; nothing is queued while a field is invalid, and each
// error sits under its field.

import { h, mount } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { suggestGrade } from './grading.js';
import {
  cleanNeeds, DECISION_MAKERS, deciderLabel, needsFieldLabel, PAYMENTS, paymentLabel, TIMELINES, timelineLabel,
  TOPICS, topicLabel, USAGES, usageLabel,
} from './needs-rules.js';
import { listSeries, needsOf, saveNeeds } from './needs-store.js';
import { gradeLabel } from './rules.js';
import { getCustomer } from './store.js';

const CONFIRMABLE = ['H', 'A', 'B', 'C', 'N'];

/** Toggle chips (a multi-select): `state` is a Set of codes, changed in place; `onChange()` after each tap. */
function chips(name, codes, label, state, onChange) {
  return h('div', { class: 'chips', role: 'group', id: `${name}-chips`, 'aria-label': needsFieldLabel(name) },
    codes.map((code) => h('button', {
      type: 'button', class: 'chip', role: 'checkbox', 'aria-checked': String(state.has(code)), 'data-code': code,
      onclick: (event) => {
        const on = !state.has(code);
        if (on) { state.add(code); } else { state.delete(code); }
        event.currentTarget.setAttribute('aria-checked', String(on));
        onChange();
      },
    }, label(code))));
}

/** One-of buttons (a radio group); `state.value` holds the code; `onChange()` after each tap. */
function choice(name, codes, label, state, onChange) {
  const group = h('div', { class: 'chips one-of', role: 'radiogroup', id: `${name}-choice`,
    'aria-label': needsFieldLabel(name) });
  const draw = () => mount(group, codes.map((code) => h('button', {
    type: 'button', class: 'chip', role: 'radio', 'aria-checked': String(state.value === code), 'data-code': code,
    onclick: () => {
      state.value = state.value === code ? null : code;
      draw();
      onChange();
    },
  }, label(code))));
  draw();
  return group;
}

function field(name, control, hint) {
  const error = h('p', { class: 'field-error', id: `${name}-error`, 'data-testid': `error-${name}`, hidden: true });
  return { error, control, element: h('div', { class: `field field-${name}` },
    control.tagName === 'INPUT' || control.tagName === 'TEXTAREA'
      ? h('label', { for: control.id }, needsFieldLabel(name)) : h('span', { class: 'label' }, needsFieldLabel(name)),
    control, hint ? h('p', { class: 'muted small' }, hint) : null, error) };
}

/** The form while a person fills it in, from the record `v` (empty for a new one): a Set per multi-select, a
 *  {value} per one-of choice, the inputs of typed answers, and `confirmed`, the grade the consultant picks on
 *  this visit of the form (null: the customer's grade stays as it is). */
function formState(v) {
  const text = (name, props = {}) => h('input', { id: `needs-${name}`, name, autocomplete: 'off', ...props,
    value: v[name] === null || v[name] === undefined ? '' : String(v[name]) });
  return {
    usage: new Set(v.usage || []),
    topics: new Set(v.focus_topics || []),
    decider: { value: v.decision_maker || null },
    payment: { value: v.payment || null },
    timeline: { value: v.timeline || null },
    model: { value: v.series_id || null },
    confirmed: null,
    inputs: {
      users: text('users', { placeholder: t('e.g. the customer and his wife') }),
      budget_min: text('budget_min', { inputmode: 'decimal' }),
      budget_max: text('budget_max', { inputmode: 'decimal' }),
      current_car: text('current_car', { placeholder: t('e.g. 2016 Volkswagen Lavida') }),
      competitors: h('input', { id: 'needs-competitors', name: 'competitors', autocomplete: 'off',
        placeholder: t('e.g. Toyota RAV4, Honda CR-V'), value: (v.competitors || []).join('、') }),
      notes: h('textarea', { id: 'needs-notes', name: 'notes', rows: 3 }, v.notes || ''),
    },
    tradeIn: h('input', { type: 'checkbox', id: 'needs-trade_in', checked: Boolean(v.trade_in) }),
  };
}

/** What is entered, as the record's fields before cleaning (needs-rules.js cleanNeeds). */
function entered(form) {
  const { inputs } = form;
  return {
    usage: [...form.usage], users: inputs.users.value, decision_maker: form.decider.value,
    budget_min: inputs.budget_min.value, budget_max: inputs.budget_max.value, payment: form.payment.value,
    current_car: inputs.current_car.value, trade_in: form.tradeIn.checked, competitors: inputs.competitors.value,
    focus_topics: [...form.topics], timeline: form.timeline.value, notes: inputs.notes.value,
    series_id: form.model.value,
  };
}

/** What saving does to the customer's grade `current`: kept, or changed to the one the consultant picked. */
function gradeOutcome(form, current) {
  if (!form.confirmed || form.confirmed === current) {
    return h('p', { class: 'grade-outcome', 'data-testid': 'grade-kept' },
      t('Saving keeps the grade %(grade)s. Tap a grade to change it.', { grade: current }));
  }
  return h('p', { class: 'grade-outcome changed', 'data-testid': 'grade-changed' },
    t('Saving changes the grade from %(from)s to %(to)s.', { from: current, to: form.confirmed }));
}

/** The grade the answers suggest, shown live, and the buttons with the customer's grade `current` checked; one tap
 *  on another (the suggested one is marked) changes it when the form is saved: {suggestion, buttons, draw}. */
function gradeChoice(form, current) {
  const suggestion = h('p', { class: 'suggestion', 'data-testid': 'suggested-grade' });
  const buttons = h('div', { class: 'grade-picker', role: 'radiogroup', id: 'confirmed-grade',
    'aria-label': needsFieldLabel('confirmed_grade') });
  const outcome = h('div', { 'aria-live': 'polite' });
  const draw = () => {
    const suggested = suggestGrade(cleanNeeds(entered(form))).grade;
    const shown = form.confirmed || current;
    suggestion.replaceChildren(t('Suggested grade: '), h('strong', { 'data-grade': suggested }, suggested), ' · ',
      gradeLabel(suggested));
    mount(buttons, CONFIRMABLE.map((code) => h('button', {
      type: 'button', role: 'radio', class: `grade-choice grade-${code}${code === suggested ? ' suggested' : ''}`,
      'aria-checked': String(code === shown), 'data-grade': code, 'data-suggested': String(code === suggested),
      onclick: () => { form.confirmed = code; draw(); },
    }, h('span', { class: 'grade-code' }, code), h('span', { class: 'grade-label' }, gradeLabel(code)),
    code === suggested ? h('span', { class: 'grade-tag' }, t('Suggested')) : null)));
    mount(outcome, gradeOutcome(form, current));
  };
  return { suggestion, buttons, outcome, draw };
}

/** The fields of the form in order ({name: {error, control, element}}); a change redraws the suggested grade. */
function needsFields(form, series, grade) {
  const { inputs } = form;
  const onChange = grade.draw;
  return {
    series_id: field('series_id', choice('series_id', series.map((s) => s.id), (id) => series.find((s) => s.id === id).name,
      form.model, onChange)),
    usage: field('usage', chips('usage', USAGES, usageLabel, form.usage, onChange)),
    users: field('users', inputs.users),
    decision_maker: field('decision_maker', choice('decision_maker', DECISION_MAKERS, deciderLabel, form.decider,
      onChange)),
    budget_min: field('budget_min', inputs.budget_min),
    budget_max: field('budget_max', inputs.budget_max),
    payment: field('payment', choice('payment', PAYMENTS, paymentLabel, form.payment, onChange)),
    current_car: field('current_car', inputs.current_car),
    trade_in: field('trade_in', h('label', { class: 'check-line', for: 'needs-trade_in' }, form.tradeIn,
      t('The customer wants to trade in the current car'))),
    competitors: field('competitors', inputs.competitors, t('Separate several models with commas.')),
    focus_topics: field('focus_topics', chips('focus_topics', TOPICS, topicLabel, form.topics, onChange),
      t('The walk-around shows the talking points on these topics first.')),
    timeline: field('timeline', choice('timeline', TIMELINES, timelineLabel, form.timeline, onChange)),
    grade: field('grade', grade.buttons),
    notes: field('notes', inputs.notes),
  };
}

/** An error stays until its field is changed: then it is the person's new answer, checked again on save. */
function clearErrorsOnChange(fields) {
  for (const [name, { error, control }] of Object.entries(fields)) {
    const clear = () => { error.hidden = true; control.removeAttribute('aria-invalid'); };
    control.addEventListener('input', clear);
    control.addEventListener('click', clear);
    if (name === 'budget_min' || name === 'budget_max') {
      control.addEventListener('input', () => { fields.budget_max.error.hidden = true; });
    }
  }
}

/** Show `errors` ({field: [messages]}) under their fields and in `formError`, and take the person to the first. */
function showErrors(form, fields, formError, errors) {
  for (const [name, { error, control }] of Object.entries(fields)) {
    const messages = errors[name] || [];
    error.textContent = messages.join(' ');
    error.hidden = !messages.length;
    if (messages.length) { control.setAttribute('aria-invalid', 'true'); } else { control.removeAttribute('aria-invalid'); }
  }
  const any = Object.keys(errors).length > 0;
  formError.textContent = any ? t('Please correct the fields marked in red.') : '';
  formError.hidden = !any;
  const first = Object.keys(fields).find((name) => errors[name]);
  if (first) {
    fields[first].element.scrollIntoView({ block: 'center' });
    (form.inputs[first] || fields[first].control.querySelector('button') || fields[first].control).focus();
  }
}

/** Draw the needs analysis of customer `customerId` (its latest one, or a new one) into `view`. */
export async function renderNeedsForm(view, { session, customerId, onSaved }) {
  const [customer, existing, series] = await Promise.all([getCustomer(session, customerId), needsOf(session, customerId),
    listSeries(session)]);
  if (!customer) {
    mount(view, h('section', { class: 'card notice' }, h('h2', {}, t('This customer is not on this tablet.')),
      h('a', { class: 'button primary', href: '#/customers' }, t('Customers'))));
    return;
  }
  const before = existing[0] || null;
  const form = formState(before || {});
  const grade = gradeChoice(form, customer.grade);
  const fields = needsFields(form, series, grade);
  for (const input of [form.inputs.budget_min, form.inputs.budget_max]) {
    input.addEventListener('input', grade.draw);
  }
  clearErrorsOnChange(fields);
  grade.draw();
  const formError = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'needs-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'save-needs' }, t('Save'));
  const submitWalk = h('button', { type: 'button', class: 'button secondary', 'data-testid': 'save-needs-walk' },
    t('Save and start the walk-around'));
  const save = async (then) => {
    submit.disabled = true;
    submitWalk.disabled = true;
    try {
      const raw = entered(form);
      const result = await saveNeeds(session, customerId, before ? before.id : null,
        { ...raw, grade: form.confirmed });
      if (result.errors) {
        showErrors(form, fields, formError, result.errors);
        return;
      }
      onSaved(result.id, result.mutation, then);
    } finally {
      submit.disabled = false;
      submitWalk.disabled = false;
    }
  };
  submitWalk.addEventListener('click', () => save('walkaround'));

  mount(view, h('div', { class: 'screen needs' },
    h('div', { class: 'screen-head' },
      h('a', { class: 'back', href: `#/customers/${customerId}` }, '‹ ', customer.name),
      h('h1', {}, t('Needs analysis'))),
    h('form', { class: 'card form needs-form', novalidate: true,
      onsubmit: (event) => { event.preventDefault(); save('customer'); } },
    formError,
    h('h2', {}, t('Model and use')), fields.series_id.element, fields.usage.element, fields.users.element,
    fields.decision_maker.element,
    h('h2', {}, t('Budget and payment')),
    h('div', { class: 'field-pair' }, fields.budget_min.element, fields.budget_max.element),
    fields.payment.element,
    h('h2', {}, t('Current car and alternatives')), fields.current_car.element, fields.trade_in.element,
    fields.competitors.element,
    h('h2', {}, t('Interests and timing')), fields.focus_topics.element, fields.timeline.element,
    h('h2', {}, t('Grade')), grade.suggestion, fields.grade.element, grade.outcome, fields.notes.element,
    h('div', { class: 'actions' }, submit, submitWalk))));
}
