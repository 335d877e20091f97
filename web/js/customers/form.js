// Create or edit a customer file, offline: checked on the tablet with the server's own rules
// (rules.js), saved as one `put` of the changed fields. Nothing is queued while a field is invalid.

import { h, mount } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { CUSTOMER_SCHEMA, fieldLabel, gradeLabel, sourceLabel } from './rules.js';
import { getCustomer, saveCustomer } from './store.js';

const GRADES = CUSTOMER_SCHEMA.properties.grade.enum;
const SOURCES = CUSTOMER_SCHEMA.properties.source.enum;

/** Big grade buttons (a radio group); `onPick(code)` runs on a tap. */
export function gradePicker(selected, onPick, { name = 'grade' } = {}) {
  const buttons = GRADES.map((code) => h('button', {
    type: 'button',
    role: 'radio',
    class: `grade-choice grade-${code}`,
    'aria-checked': String(code === selected),
    'data-grade': code,
    title: gradeLabel(code),
  }, h('span', { class: 'grade-code' }, code), h('span', { class: 'grade-label' }, gradeLabel(code))));
  const group = h('div', { class: 'grade-picker', role: 'radiogroup', id: `${name}-picker`,
    'aria-label': fieldLabel('grade') }, buttons);
  group.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-grade]');
    if (!button) {
      return;
    }
    for (const other of buttons) {
      other.setAttribute('aria-checked', String(other === button));
    }
    onPick(button.dataset.grade);
  });
  return group;
}

function field(name, label, control, hint) {
  const error = h('p', { class: 'field-error', id: `${name}-error`, hidden: true });
  control.setAttribute('aria-describedby', `${name}-error`);
  return { error, element: h('div', { class: 'field' }, h('label', { for: control.id }, label), control,
    hint ? h('p', { class: 'muted small' }, hint) : null, error) };
}

/** The inputs of the form filled with `values` and their fields ({name: {error, element}}): {inputs, fields}. */
function customerFields(values) {
  const inputs = {
    name: h('input', { id: 'customer-name', name: 'name', value: values.name || '', autocomplete: 'off',
      enterkeyhint: 'next' }),
    phone: h('input', { id: 'customer-phone', name: 'phone', type: 'tel', inputmode: 'tel',
      value: values.phone || '', autocomplete: 'off', enterkeyhint: 'next' }),
    source: h('select', { id: 'customer-source', name: 'source' },
      SOURCES.map((code) => h('option', { value: code, selected: code === (values.source || 'walk_in') },
        sourceLabel(code)))),
    notes: h('textarea', { id: 'customer-notes', name: 'notes', rows: 5 }, values.notes || ''),
  };
  const fields = {
    name: field('name', fieldLabel('name'), inputs.name),
    phone: field('phone', fieldLabel('phone'), inputs.phone, t('11 digits; spaces, dashes and +86 are fine.')),
    source: field('source', fieldLabel('source'), inputs.source),
    notes: field('notes', fieldLabel('notes'), inputs.notes),
  };
  return { inputs, fields };
}

/** Show `errors` ({field: [messages]}) under their fields (the grade's in `gradeError`) and in `formError`, and
 *  focus the first input with an error. */
function showErrors({ inputs, fields }, gradeError, formError, errors) {
  for (const [key, { error }] of Object.entries({ ...fields, grade: { error: gradeError } })) {
    const messages = errors[key] || [];
    error.textContent = messages.join(' ');
    error.hidden = !messages.length;
    if (inputs[key] && messages.length) {
      inputs[key].setAttribute('aria-invalid', 'true');
    } else if (inputs[key]) {
      inputs[key].removeAttribute('aria-invalid');
    }
  }
  const any = Object.keys(errors).length > 0;
  formError.textContent = any ? t('Please correct the fields marked in red.') : '';
  formError.hidden = !any;
  const first = Object.keys(inputs).find((key) => errors[key]);
  if (first) {
    inputs[first].focus();
  }
}

/** Draw the form for a new customer (id null) or an existing one into `view`. */
export async function renderCustomerForm(view, { session, id, onSaved, onCancel }) {
  const customer = id ? await getCustomer(session, id) : null;
  if (id && !customer) {
    mount(view, h('section', { class: 'card notice' }, h('h2', {}, t('This customer is not on this tablet.')),
      h('a', { class: 'button primary', href: '#/customers' }, t('Customers'))));
    return;
  }
  const values = customer || {};
  let grade = values.grade || CUSTOMER_SCHEMA.properties.grade.default;
  const form = customerFields(values);
  const { name, phone, source, notes } = form.inputs;
  const gradeError = h('p', { class: 'field-error', id: 'grade-error', hidden: true });
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('Save'));

  const onSubmit = async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const owner = session.user.role === 'consultant' ? session.user.id : null;
      const entered = { name: name.value, phone: phone.value, grade, source: source.value, notes: notes.value };
      const result = await saveCustomer(session, id, id ? entered : { ...entered, owner_id: owner });
      if (result.errors) {
        showErrors(form, gradeError, formError, result.errors);
        return;
      }
      onSaved(result.id, result.mutation);
    } finally {
      submit.disabled = false;
    }
  };

  mount(view, h('div', { class: 'screen customer-edit' },
    h('div', { class: 'screen-head' },
      h('a', { class: 'back', href: id ? `#/customers/${id}` : '#/customers' }, '‹ ', t('Back')),
      h('h1', {}, id ? t('Edit customer') : t('New customer'))),
    h('form', { class: 'card form', novalidate: true, onsubmit: onSubmit },
      formError,
      form.fields.name.element,
      form.fields.phone.element,
      h('div', { class: 'field' }, h('span', { class: 'label' }, fieldLabel('grade')),
        gradePicker(grade, (code) => { grade = code; }), gradeError),
      form.fields.source.element,
      form.fields.notes.element,
      h('div', { class: 'actions' }, submit,
        h('button', { type: 'button', class: 'button secondary', onclick: onCancel }, t('Cancel'))))));
  if (!id) {
    name.focus();
  }
}
