// The drive log's two moments: the start (odometer, fuel or charge, damage that was already there, with photos)
// sent as `test_drive.start` — the server marks the car out — and the return (time, odometer not below the
// start, fuel or charge, damage at return, incidents) sent as `test_drive.return`. What is typed is kept in the
// draft as it is typed, so a reload mid-drive, offline, comes back to the same step with the same values.

import { deviceTime } from '../core/db.js';
import { h, mount } from '../core/dom.js';
import { formatTime } from '../core/format.js';
import { t } from '../core/i18n.js';
import { readNumber } from '../core/numbers.js';
import { photoStrip } from '../core/photo-strip.js';
import { conflictNotice, driveHead, field, showErrors } from './parts.js';
import { distanceWarning, endErrors, gauges, startErrors } from './rules.js';
import { keepPhoto, returnLog, saveDraft, startLog } from './store.js';

const MAX_DAMAGE = 20;

/** A list of damage entries [{photo, note}] with a camera and a note each; `onChange(list)` after every change. */
function damageList(session, list, onChange, testid) {
  const box = h('div', { class: 'damage-list', 'data-testid': testid });
  const draw = () => {
    const camera = h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'visually-hidden',
      id: `${testid}-camera`, 'data-testid': `${testid}-photo` });
    const note = h('input', { type: 'text', maxlength: 200, id: `${testid}-note`, 'data-testid': `${testid}-note`,
      placeholder: t('e.g. scratch on the rear bumper') });
    const add = async (photo) => {
      if ((photo || note.value.trim()) && list.length < MAX_DAMAGE) {
        list.push({ photo: photo || null, note: note.value.trim() });
        await onChange(list);
        draw();
      }
    };
    camera.addEventListener('change', async () => {
      if (camera.files && camera.files[0]) {
        await add(await keepPhoto(session, camera.files[0]));
      }
    });
    const addNote = h('button', { type: 'button', class: 'button secondary small-button',
      'data-testid': `${testid}-add` }, '+ ', t('Add'));
    addNote.addEventListener('click', () => add(null));
    mount(box,
      h('ul', { class: 'plain-list' }, list.map((d, n) => h('li', { class: 'damage', 'data-testid': `${testid}-item` },
        d.photo ? photoStrip(session, [d.photo]) : null, h('span', {}, d.note || t('Photo')),
        h('button', { type: 'button', class: 'button danger small-button', onclick: async () => {
          list.splice(n, 1);
          await onChange(list);
          draw();
        } }, t('Remove'))))),
      h('div', { class: 'inline-field' }, note, addNote,
        h('label', { class: 'button secondary small-button', for: camera.id }, t('Photo')), camera));
  };
  draw();
  return box;
}

function gaugeFields(prefix, energy, kept, remember) {
  const labels = { fuel: t('Fuel (%)'), charge: t('Charge (%)') };
  return Object.fromEntries(gauges(energy).map((gauge) => {
    const name = `${prefix}_${gauge}_pct`;
    const input = h('input', { type: 'text', inputmode: 'numeric', name, 'data-testid': `input-${name}`,
      value: kept[name] ?? '', maxlength: 3, autocomplete: 'off' });
    input.addEventListener('input', () => { kept[name] = input.value; remember(); });
    return [name, field(name, labels[gauge], input)];
  }));
}

/** The car's holder when it is out with another drive (pulled status), else null. */
export function takenBy(ctx) {
  const car = ctx.car;
  if (!car || car.status === 'available' || car.current_drive_id === ctx.drive.id) {
    return null;
  }
  return car;
}

/** Draw the start step of `ctx` (`holder`: text naming who has the car out, when it is out). */
export function renderStart(view, { session, ctx, holder }) {
  const id = ctx.drive.id;
  const energy = ctx.car ? ctx.car.energy : 'fuel';
  const kept = { start_odometer_km: String(ctx.lastKm ?? ''), damage_before: [],
    ...(ctx.draft.start || {}) };
  const remember = () => saveDraft(session, id, { start: { ...kept } });
  const odometer = h('input', { type: 'text', inputmode: 'numeric', name: 'start_odometer_km', maxlength: 7,
    'data-testid': 'input-start_odometer_km', value: kept.start_odometer_km, autocomplete: 'off' });
  odometer.addEventListener('input', () => { kept.start_odometer_km = odometer.value; remember(); });
  const fields = { start_odometer_km: field('start_odometer_km', t('Odometer (km)'), odometer),
    ...gaugeFields('start', energy, kept, remember) };
  const blocked = takenBy(ctx);
  const go = h('button', { type: 'button', class: 'button primary wide', 'data-testid': 'start-drive',
    disabled: Boolean(blocked) }, t('Start the drive'));
  go.addEventListener('click', async () => {
    const values = Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, f.input.value]));
    if (showErrors(fields, startErrors(values, energy, ctx.lastKm))) {
      return;
    }
    go.disabled = true;
    const number = (name) => (name in values ? readNumber(values[name], { max: Infinity }).value : null);
    await startLog(session, id, {
      demo_car_id: ctx.drive.demo_car_id, route_id: ctx.drive.route_id, start_at: deviceTime(),
      start_odometer_km: number('start_odometer_km'), start_fuel_pct: number('start_fuel_pct'),
      start_charge_pct: number('start_charge_pct'), damage_before: kept.damage_before,
    });
    location.hash = `#/test-drive/${id}/return`;
  });
  mount(view, h('div', { class: 'screen handover test-drive' },
    driveHead(ctx, 'start'),
    conflictNotice(ctx),
    blocked ? h('section', { class: 'card alert', role: 'alert', 'data-testid': 'car-taken' },
      h('h2', {}, t('This car is out')), h('p', {}, holder)) : null,
    h('section', { class: 'card form-card' }, h('h2', {}, t('Start of the drive')),
      ctx.car && ctx.car.keys ? h('p', { class: 'muted', 'data-testid': 'car-keys' }, t('Keys: %(keys)s', { keys: ctx.car.keys }))
        : null,
      h('div', { class: 'field-grid' }, Object.values(fields).map((f) => f.wrap))),
    h('section', { class: 'card form-card' }, h('h2', {}, t('Damage already on the car')),
      h('p', { class: 'muted small' }, t('Walk round the car with the customer; photograph what is already there.')),
      damageList(session, kept.damage_before, remember, 'damage-before')),
    go));
  return null;
}

function localInput(iso) {
  const d = iso ? new Date(iso) : new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The "returned at" field, {field, at()}. The return screen is drawn at the start and stays open during the
 *  drive: until the person types a time, the field follows the clock and `at()` is the exact time of the tap on
 *  this device (it kept the start's minute, which became the return time: drives of 0 minutes). A typed minute
 *  is kept in the draft and sent as typed ('' when it is no time: an error at the field). */
function returnedAtField(kept, remember) {
  if (!kept.end_at_typed) {
    delete kept.end_at; // a draft made before this rule kept the start's minute without saying it was typed
  }
  const input = h('input', { type: 'datetime-local', name: 'end_at', 'data-testid': 'input-end_at', autocomplete: 'off',
    value: kept.end_at || localInput() });
  input.addEventListener('input', () => {
    Object.assign(kept, { end_at: input.value, end_at_typed: true });
    remember();
  });
  const follow = () => {
    if (!input.isConnected) { // the screen was left
      clearInterval(ticking);
      document.removeEventListener('visibilitychange', follow);
    } else if (!kept.end_at_typed) {
      input.value = localInput();
    }
  };
  const ticking = setInterval(follow, 15_000);
  document.addEventListener('visibilitychange', follow); // the tablet wakes up at the return: now, at once
  const at = () => {
    if (!kept.end_at_typed) {
      return deviceTime();
    }
    const typed = input.value ? new Date(input.value) : null;
    return !typed || Number.isNaN(typed.getTime()) ? '' : deviceTime(typed);
  };
  return { field: field('end_at', t('Returned at'), input), at };
}

/** Draw the return step of `ctx`. */
export function renderReturn(view, { session, ctx }) {
  const id = ctx.drive.id;
  const log = ctx.log;
  const energy = ctx.car ? ctx.car.energy : 'fuel';
  const kept = { end_odometer_km: '', damage_after: [], incidents: '', ...(ctx.draft.return || {}) };
  const remember = () => saveDraft(session, id, { return: { ...kept } });
  const input = (name, props) => {
    const el = h('input', { name, 'data-testid': `input-${name}`, autocomplete: 'off', value: kept[name], ...props });
    el.addEventListener('input', () => { kept[name] = el.value; remember(); });
    return el;
  };
  const returnedAt = returnedAtField(kept, remember);
  const fields = {
    end_at: returnedAt.field,
    end_odometer_km: field('end_odometer_km', t('Odometer (km)'), input('end_odometer_km',
      { type: 'text', inputmode: 'numeric', maxlength: 7 })),
    ...gaugeFields('end', energy, kept, remember),
  };
  const incidents = h('textarea', { name: 'incidents', rows: 3, maxlength: 2000, 'data-testid': 'input-incidents',
    id: 'field-incidents' }, kept.incidents);
  incidents.addEventListener('input', () => { kept.incidents = incidents.value; remember(); });
  const warning = h('p', { class: 'state state-warning', role: 'status', 'data-testid': 'distance-warning', hidden: true });
  const drawWarning = () => {
    const end = readNumber(fields.end_odometer_km.input.value, { max: Infinity }).value;
    // Below the start is an error of its own (shown at the field on "Return the car"), not a distance warning.
    const text = end === undefined || end < log.start_odometer_km ? null
      : distanceWarning(log.start_odometer_km, end, ctx.route ? Number(ctx.route.distance_km) : null);
    warning.textContent = text || '';
    warning.hidden = !text;
  };
  fields.end_odometer_km.input.addEventListener('input', drawWarning);
  const done = h('button', { type: 'button', class: 'button primary wide', 'data-testid': 'return-car' },
    t('Return the car'));
  done.addEventListener('click', async () => {
    const values = Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, f.input.value]));
    const endAt = returnedAt.at();
    const errors = endErrors({ ...values, end_at: endAt }, log, energy);
    if (showErrors(fields, errors)) {
      return;
    }
    done.disabled = true;
    const number = (name) => (name in values ? readNumber(values[name], { max: Infinity }).value : null);
    await returnLog(session, id, log.id, {
      end_at: endAt, end_odometer_km: number('end_odometer_km'), end_fuel_pct: number('end_fuel_pct'),
      end_charge_pct: number('end_charge_pct'), damage_after: kept.damage_after, incidents: incidents.value.trim(),
      feedback: log.feedback || {},
    });
    location.hash = `#/test-drive/${id}/feedback`;
  });
  mount(view, h('div', { class: 'screen handover test-drive' },
    driveHead(ctx, 'return'),
    conflictNotice(ctx),
    h('section', { class: 'card' }, h('dl', { class: 'rows' },
      h('div', { class: 'row' }, h('dt', {}, t('Started at')), h('dd', { 'data-testid': 'started-at' }, formatTime(log.start_at))),
      h('div', { class: 'row' }, h('dt', {}, t('Odometer at the start')),
        h('dd', { 'data-testid': 'start-odometer' }, `${log.start_odometer_km} km`)),
      ctx.route ? h('div', { class: 'row' }, h('dt', {}, t('Route')), h('dd', {}, `${ctx.route.name} · ${ctx.route.distance_km} km`))
        : null)),
    h('section', { class: 'card form-card' }, h('h2', {}, t('Return')),
      h('div', { class: 'field-grid' }, Object.values(fields).map((f) => f.wrap)), warning,
      h('div', { class: 'field' }, h('label', { for: 'field-incidents' }, t('Incidents')), incidents)),
    h('section', { class: 'card form-card' }, h('h2', {}, t('Damage at return')),
      damageList(session, kept.damage_after, remember, 'damage-after')),
    done));
  drawWarning();
  return null;
}
