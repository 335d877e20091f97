// The rest of the handover form: accessories (installed, with a photo), keys, odometer, the two explanations,
// what is still owed to the customer, and notes. Every change is a local `put` at once. The documents handed over
// are the checklist's items (group A), so they are not asked again here.

import { h, mount } from '../core/dom.js';
import { localToday } from '../core/format.js';
import { localized, t } from '../core/i18n.js';
import { readNumber } from '../core/numbers.js';
import { photoStrip } from '../core/photo-strip.js';
import { waitingForPhotos } from './checklist.js';
import { applicableGroups, contradictions, pastDue, suggestItem } from './rules.js';
import { keepPhoto, saveDelivery, saveDraft } from './store.js';
import { handoverHead } from './summary.js';

function checkbox(id, label, checked, onChange, testid) {
  const box = h('input', { type: 'checkbox', id, checked, 'data-testid': testid });
  box.addEventListener('change', () => onChange(box.checked));
  return h('label', { class: 'check-option', for: id }, box, h('span', {}, label));
}

/** Accessories: each with "installed" and up to four photos, removable; a name field adds one. */
function accessoriesCard(session, state, save) {
  const accessoryList = h('ul', { class: 'plain-list accessories' });
  const drawAccessories = () => mount(accessoryList, state.accessories.map((a, n) => {
    const camera = h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'visually-hidden',
      id: `accessory-photo-${n}`, 'data-testid': 'accessory-photo-input' });
    camera.addEventListener('change', async () => {
      if (camera.files && camera.files[0]) {
        a.photos = [...a.photos, await keepPhoto(session, camera.files[0])].slice(0, 4);
        drawAccessories();
        await save('accessories');
      }
    });
    const remove = h('button', { type: 'button', class: 'button danger small-button' }, t('Remove'));
    remove.addEventListener('click', async () => {
      state.accessories.splice(n, 1);
      drawAccessories();
      await save('accessories');
    });
    return h('li', { class: 'accessory', 'data-testid': 'accessory' },
      h('strong', {}, a.name),
      checkbox(`accessory-installed-${n}`, t('Installed'), a.installed, async (on) => {
        a.installed = on;
        await save('accessories');
      }, 'accessory-installed'),
      photoStrip(session, a.photos),
      h('label', { class: 'button secondary small-button', for: camera.id }, t('Photo')), camera, remove);
  }));
  const accessoryName = h('input', { type: 'text', id: 'accessory-name', maxlength: 80,
    placeholder: t('e.g. dash camera, window film') });
  const addAccessory = h('button', { type: 'button', class: 'button secondary', 'data-testid': 'add-accessory' },
    '+ ', t('Add'));
  addAccessory.addEventListener('click', async () => {
    const name = accessoryName.value.trim();
    if (name) {
      state.accessories.push({ name, installed: true, photos: [] });
      accessoryName.value = '';
      drawAccessories();
      await save('accessories');
    }
  });
  drawAccessories();
  return h('section', { class: 'card' }, h('h2', {}, t('Accessories')), accessoryList,
    h('div', { class: 'field inline-field' }, accessoryName, addAccessory));
}

/** The label of checklist item `code` ("B07 脚垫 / 后备箱垫（如约定）"), or the bare code when the template lacks it. */
export function itemName(groups, code) {
  const item = groups.flatMap((g) => g.items).find((i) => i.code === code);
  return item ? `${item.code} ${localized(item.label)}` : code;
}

/** One entry of the we-owe list: its text, the item it concerns, when it is due, and what is wrong with it. */
function oweEntry(state, groups, w, n, today, remove) {
  const clash = contradictions(state.items, state.we_owe).find((c) => c.we_owe === n);
  const late = pastDue(state.we_owe, today).includes(n);
  return h('li', { class: 'owe', 'data-testid': 'we-owe', 'data-item': w.item_code || '' },
    h('span', { class: 'owe-text' }, w.text,
      w.item_code ? h('span', { class: 'muted' }, ' · ', itemName(groups, w.item_code)) : null),
    h('span', { class: 'muted' }, w.due_date ? t('Due %(date)s', { date: w.due_date }) : t('No date agreed')),
    h('button', { type: 'button', class: 'button danger small-button', onclick: remove }, t('Remove')),
    clash ? h('p', { class: 'field-error', 'data-testid': 'we-owe-contradiction' },
      t('%(item)s is marked %(mark)s on the checklist. Resolve it on the review.', {
        item: clash.item, mark: clash.result === 'ok' ? '✓' : 'N.A.' })) : null,
    late ? h('p', { class: 'field-error', 'data-testid': 'we-owe-late' },
      t('The due date is before today. Remove it and add it again with today or a later day.')) : null);
}

/** What is still owed to the customer (待交付事项): a text, the checklist item it concerns (suggested from the text,
 *  changeable), and a due date no earlier than today; each removable. */
function weOweCard(state, save, groups) {
  const today = localToday();
  const oweList = h('ul', { class: 'plain-list' });
  const drawOwe = () => mount(oweList, state.we_owe.map((w, n) => oweEntry(state, groups, w, n, today, async () => {
    state.we_owe.splice(n, 1);
    drawOwe();
    await save('we_owe');
  })));
  const oweText = h('input', { type: 'text', id: 'we-owe-text', maxlength: 200,
    placeholder: t('e.g. floor mats arrive next week') });
  const oweItem = h('select', { id: 'we-owe-item' }, h('option', { value: '' }, t('None')),
    groups.map((g) => h('optgroup', { label: `${g.code} · ${localized(g.title)}` },
      g.items.map((item) => h('option', { value: item.code }, `${item.code} ${localized(item.label)}`)))));
  let chosen = false; // once the person picks an item, typing no longer changes it
  oweItem.addEventListener('change', () => { chosen = true; });
  oweText.addEventListener('input', () => {
    if (!chosen) {
      oweItem.value = suggestItem(oweText.value, groups) || '';
    }
  });
  const oweDate = h('input', { type: 'date', id: 'we-owe-date', min: today, 'aria-describedby': 'we-owe-date-error' });
  const dateError = h('p', { class: 'field-error', id: 'we-owe-date-error', 'data-testid': 'we-owe-date-error',
    hidden: true });
  const addOwe = h('button', { type: 'button', class: 'button secondary', 'data-testid': 'add-we-owe' }, '+ ', t('Add'));
  addOwe.addEventListener('click', async () => {
    const text = oweText.value.trim();
    const late = Boolean(oweDate.value) && oweDate.value < today;
    dateError.textContent = late ? t('The due date cannot be before today.') : '';
    dateError.hidden = !late;
    oweDate.setAttribute('aria-invalid', late ? 'true' : 'false');
    if (text && !late) {
      state.we_owe.push({ text, due_date: oweDate.value || null, ...(oweItem.value ? { item_code: oweItem.value } : {}) });
      oweText.value = '';
      oweDate.value = '';
      oweItem.value = '';
      chosen = false;
      drawOwe();
      await save('we_owe');
    }
  });
  drawOwe();
  return h('section', { class: 'card' }, h('h2', {}, t('Items still owed to the customer')), oweList,
    h('div', { class: 'we-owe-form' },
      h('div', { class: 'field wide' }, h('label', { for: 'we-owe-text' }, t('What is owed')), oweText),
      h('div', { class: 'field' }, h('label', { for: 'we-owe-item' }, t('Checklist item it concerns')), oweItem),
      h('div', { class: 'field' }, h('label', { for: 'we-owe-date' }, t('Promised by')), oweDate),
      h('div', { class: 'wide' }, dateError, addOwe)));
}

/** The keys handed over (a stepper, 0–10) and the odometer (whole km, 0–100 000). What is typed in the odometer
 *  stays there; text that is not a number is an error at the field, kept in the draft (a reload shows it again)
 *  and never saved: the record keeps its last good reading, and the review is refused until it is corrected. */
function keysCard(state, save, odometer) {
  const keys = h('output', { class: 'stepper-value', 'data-testid': 'keys-count' }, String(state.keys_count));
  const stepKeys = (delta) => async () => {
    state.keys_count = Math.min(10, Math.max(0, state.keys_count + delta));
    keys.textContent = String(state.keys_count);
    await save('keys_count');
  };
  return h('section', { class: 'card' }, h('h2', {}, t('Keys and odometer')),
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('span', { class: 'label' }, t('Keys handed over')),
        h('div', { class: 'stepper' },
          h('button', { type: 'button', class: 'button secondary', 'aria-label': t('One key less'), onclick: stepKeys(-1) }, '−'),
          keys,
          h('button', { type: 'button', class: 'button secondary', 'aria-label': t('One key more'),
            'data-testid': 'keys-plus', onclick: stepKeys(1) }, '+'))),
      odometer.wrap));
}

/** The odometer field: {wrap, input, check()} — `check()` shows the field's error and returns it (null if fine). */
function odometerField(session, ctx, state, save) {
  const typed = (ctx.draft.typed || {}).odometer_km;
  const input = h('input', { type: 'text', id: 'odometer', inputmode: 'numeric', maxlength: 9,
    value: typed ?? String(state.odometer_km), 'aria-describedby': 'odometer-error', autocomplete: 'off' });
  const error = h('p', { class: 'field-error', id: 'odometer-error', role: 'alert', 'data-testid': 'error-odometer_km',
    hidden: true });
  const check = () => {
    const read = readNumber(input.value, { max: 100_000 });
    error.textContent = read.error || '';
    error.hidden = !read.error;
    input.setAttribute('aria-invalid', read.error ? 'true' : 'false');
    return read;
  };
  input.addEventListener('change', async () => {
    const read = check();
    const keep = read.error ? { odometer_km: input.value } : {};
    await saveDraft(session, ctx.delivery.id, (draft) => {
      const { odometer_km: _dropped, ...others } = draft.typed || {};
      return { typed: { ...others, ...keep } };
    });
    if (!read.error) {
      state.odometer_km = read.value;
      await save('odometer_km');
    }
  });
  if (typed !== undefined) {
    check();
  }
  return { input, check: () => check().error || null,
    wrap: h('div', { class: 'field' }, h('label', { for: 'odometer' }, t('Odometer (km)')), input, error) };
}

/** The two explanations the customer must have had before signing. */
function explainedCard(state, save) {
  const explained = (field, label, testid) => checkbox(testid, label, state[field], async (on) => {
    state[field] = on;
    await save(field);
  }, testid);
  return h('section', { class: 'card' }, h('h2', {}, t('Explained to the customer')),
    explained('explained_maintenance',
      t('Maintenance and warranty explained (first service, warranty terms, roadside assistance)'),
      'explained-maintenance'),
    explained('explained_operation',
      t('Operation explained (controls, warning lights, charging or fuel, tyres, emergency call)'),
      'explained-operation'));
}

/** Draw the details step of `ctx`. */
export function renderDetails(view, { session, ctx }) {
  const id = ctx.delivery.id;
  const state = structuredClone(ctx.delivery);
  const save = (field) => saveDelivery(session, id, { [field]: structuredClone(state[field]) });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'details-error', hidden: true });
  const notes = h('textarea', { id: 'handover-notes', rows: 3, maxlength: 2000 }, state.notes || '');
  notes.addEventListener('change', async () => {
    state.notes = notes.value;
    await save('notes');
  });
  const groups = applicableGroups(ctx.template, ctx.powertrain);
  const last = groups[groups.length - 1];
  const odometer = odometerField(session, ctx, state, save);
  const goReview = () => {
    if (odometer.check()) {
      odometer.input.focus();
      return;
    }
    const waiting = waitingForPhotos(ctx.draft.pendingDefects);
    error.textContent = waiting ? t('Take a photo of each defect: %(codes)s', { codes: waiting }) : '';
    error.hidden = !waiting;
    if (!waiting) {
      location.hash = `#/handover/${id}/review`;
    }
  };

  mount(view, h('div', { class: 'screen handover' },
    handoverHead(ctx, 'details'),
    keysCard(state, save, odometer),
    explainedCard(state, save),
    accessoriesCard(session, state, save),
    weOweCard(state, save, groups),
    h('section', { class: 'card' }, h('div', { class: 'field' }, h('label', { for: 'handover-notes' }, t('Notes')), notes)),
    error,
    h('div', { class: 'step-actions' },
      h('a', { class: 'button secondary', href: `#/handover/${id}/check/${last.code}` }, '‹ ', t('Inspection')),
      h('button', { type: 'button', class: 'button primary', 'data-testid': 'next-step', onclick: goReview },
        t('Review and sign'), ' ›'))));
  return null;
}
