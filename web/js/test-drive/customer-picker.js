// Who the drive is for, picked by the escort: a search over the customers on this tablet (a part of the name, or
// digits of the mobile; phones masked), the newest ones before anything is typed, and a walk-in nobody registered
// added on the spot — name and mobile, checked with the customer file's own rules, created offline like any
// customer file. Reads and writes through customers/store.js only.

import { h, mount } from '../core/dom.js';
import { maskPhone } from '../core/format.js';
import { t } from '../core/i18n.js';
import { normalisePhone } from '../customers/rules.js';
import { getCustomer, matches, saveCustomer } from '../customers/store.js';

const SHOWN = 8; // results at most: more means "type more"

function customerText(c) {
  return [h('strong', {}, c.name), h('span', { class: 'muted' }, c.phone ? maskPhone(c.phone) : t('No mobile'))];
}

/** The walk-in form: name and mobile with their errors; `onCreated(customer)` once it is saved on the tablet. */
function walkInForm(session, customers, onCreated, onCancel) {
  const input = (name, props) => h('input', { id: `walk-in-${name}`, 'data-testid': `walk-in-${name}`,
    autocomplete: 'off', ...props });
  const fields = {
    name: { input: input('name', { type: 'text', maxlength: 80, enterkeyhint: 'next' }), label: t('Name') },
    phone: { input: input('phone', { type: 'tel', inputmode: 'tel', enterkeyhint: 'done' }), label: t('Mobile') },
  };
  for (const [name, f] of Object.entries(fields)) {
    f.error = h('p', { class: 'field-error', role: 'alert', 'data-testid': `error-walk_in_${name}`, hidden: true });
    f.wrap = h('div', { class: 'field' }, h('label', { for: f.input.id }, f.label), f.input, f.error);
  }
  const show = (errors) => {
    for (const [name, f] of Object.entries(fields)) {
      f.error.textContent = (errors[name] || []).join(' ');
      f.error.hidden = !errors[name];
      f.input.setAttribute('aria-invalid', errors[name] ? 'true' : 'false');
    }
  };
  const save = h('button', { type: 'button', class: 'button primary', 'data-testid': 'walk-in-save' },
    t('Add and choose'));
  save.addEventListener('click', async () => {
    const phone = normalisePhone(fields.phone.input.value.trim());
    const same = phone && customers.find((c) => c.phone === phone);
    if (same) { // one person, one file: the walk-in is a customer the store already has
      show({ phone: [t('%(name)s already has this mobile number: choose them above.', { name: same.name })] });
      return;
    }
    save.disabled = true;
    try {
      const result = await saveCustomer(session, null,
        { name: fields.name.input.value, phone: fields.phone.input.value, source: 'walk_in' });
      if (result.errors) {
        show(result.errors);
        return;
      }
      onCreated(await getCustomer(session, result.id));
    } finally {
      save.disabled = false;
    }
  });
  return h('div', { class: 'walk-in', 'data-testid': 'walk-in-form' },
    h('h3', {}, t('Walk-in customer')),
    h('div', { class: 'field-grid' }, fields.name.wrap, fields.phone.wrap),
    h('div', { class: 'actions' }, save,
      h('button', { type: 'button', class: 'button secondary', onclick: onCancel }, t('Cancel'))));
}

/** The customer picker of the new-drive card over `customers` (newest first); `choice.customer` holds the id of
 *  the one chosen and survives a redraw. Returns {element, chosen()}: chosen() is the customer, or null. */
export function customerPicker(session, customers, choice, onChange = () => {}) {
  const element = h('div', { class: 'customer-picker' });
  let query = '';
  let adding = false;
  const chosen = () => customers.find((c) => c.id === choice.customer) || null;
  const pick = (customer) => {
    choice.customer = customer ? customer.id : null;
    adding = false;
    draw();
    onChange(customer);
  };
  const search = h('input', { type: 'search', id: 'drive-customer-search', 'data-testid': 'drive-customer-search',
    autocomplete: 'off', enterkeyhint: 'search', placeholder: t('Name or mobile digits') });
  const results = h('ul', { class: 'picker-results', 'aria-live': 'polite' });
  const drawResults = () => {
    const found = customers.filter((c) => matches(c, query));
    const shown = found.slice(0, SHOWN);
    mount(results, shown.length ? shown.map((c) => h('li', {}, h('button', { type: 'button',
      class: 'picker-option', 'data-testid': 'drive-customer-option', 'data-id': c.id, onclick: () => pick(c) },
    customerText(c)))) : h('li', { class: 'empty' }, t('No customers match.')),
    found.length > SHOWN ? h('li', { class: 'muted small' }, t('%(count)s more: type more of the name or mobile.',
      { count: found.length - SHOWN })) : null);
  };
  search.addEventListener('input', () => {
    query = search.value;
    drawResults();
  });
  const draw = () => {
    const customer = chosen();
    const walkIn = adding ? walkInForm(session, customers, (c) => { customers.unshift(c); pick(c); }, () => {
      adding = false;
      draw();
    }) : h('button', { type: 'button', class: 'button secondary walk-in-button', 'data-testid': 'drive-walk-in',
      onclick: () => { adding = true; draw(); } }, '+ ', t('Walk-in customer'));
    if (customer && !adding) {
      mount(element, h('div', { class: 'picker-chosen', 'data-testid': 'drive-customer-chosen' },
        h('span', { class: 'customer-main' }, customerText(customer)),
        h('button', { type: 'button', class: 'button secondary', 'data-testid': 'drive-customer-change',
          onclick: () => pick(null) }, t('Choose another'))), walkIn);
      return;
    }
    search.value = query;
    drawResults();
    mount(element, h('label', { for: search.id, class: 'visually-hidden' }, t('Search by name or mobile')), search,
      results, walkIn);
    if (adding) {
      element.querySelector('#walk-in-name').focus();
    }
  };
  draw();
  return { element, chosen };
}
