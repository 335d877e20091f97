// The test-drive entry points: today's drives (this escort's and the store's), the fleet with each car's pulled
// status, starting a drive (customer found by a search or added as a walk-in, car, route, kind) — a car that is out
// cannot be taken, and the screen says who has it — and the dispatcher that opens a drive at its step, or
// read-only once refused or sealed.

import { h, mount } from '../core/dom.js';
import { formatTime, madeAt } from '../core/format.js';
import { t } from '../core/i18n.js';
import { listCustomers } from '../customers/store.js';
import { renderAgreement } from './agreement.js';
import { customerPicker } from './customer-picker.js';
import { renderEligibility } from './eligibility-step.js';
import { renderFeedback } from './feedback.js';
import { renderReturn, renderStart } from './log.js';
import { stepAllowed, stepOf } from './model.js';
import { drawConflicts } from './parts.js';
import { fleetStatusLabel, KINDS, kindHint, kindLabel, localToday, reasonLabel } from './rules.js';
import { renderFinished } from './sealed.js';
import { holderOf, listDrives, loadDrive, loadFleet, saveDraft, startDrive } from './store.js';

/** Who has `car` out, in words ("Out with 陈刚 since 14:05 — drive of 张**"), or '' when it is not out. */
export function holderText(session, car, rows) {
  if (car.status === 'maintenance') {
    return t('%(car)s is in maintenance.', { car: car.plate || car.description });
  }
  const holder = holderOf(car, rows);
  if (car.status !== 'out' && !holder) {
    return '';
  }
  const drive = holder ? holder.drive : null;
  const escort = (car.status === 'out' && car.out_by)
    || (drive && drive.escort_id === session.user.id ? (session.user.display_name || session.user.username) : null)
    || t('another escort');
  const since = car.out_since || (holder && holder.log && holder.log.start_at);
  return t('%(car)s is out with %(escort)s since %(time)s. Choose another car.', {
    car: car.plate || car.description, escort, time: since ? formatTime(since) : '?',
  });
}

function driveState(row) {
  const { drive, log, document } = row;
  if (drive.outcome === 'refused') {
    return ['refused', t('Refused')];
  }
  if (document) {
    return document.state === 'ready' ? ['ready', t('Sealed, PDF ready')] : ['pending', t('Sealed, PDF being made')];
  }
  if (row.sealed) {
    return ['signed', t('Signed, waiting to sync')];
  }
  if (log && log.end_at) {
    return ['returned', t('Returned')];
  }
  if (log && log.start_at) {
    return ['out', t('On the road')];
  }
  return ['draft', t('Preparing')];
}

function driveRow(row, { mine }) {
  const [state, label] = driveState(row);
  const { drive, car } = row;
  const reasons = drive.outcome === 'refused' ? (drive.refusal_reasons || []).map(reasonLabel).join(' ') : null;
  const content = [h('span', { class: 'customer-main' },
    h('strong', { class: 'customer-name' }, drive.driver_name || drive.customer_name),
    h('span', { class: 'muted' }, [car ? car.description : '', car && car.plate ? ` · ${car.plate}` : '',
      ` · ${kindLabel(drive.kind)}`].join('')),
    reasons ? h('span', { class: 'muted small' }, reasons) : null),
  h('span', { class: 'customer-meta' }, h('span', { class: 'muted small' }, formatTime(madeAt(drive))),
    h('span', { class: `doc-state doc-${state}`, 'data-state': state }, label))];
  return h('li', {}, mine
    ? h('a', { class: 'customer-row', href: `#/test-drive/${drive.id}`, 'data-testid': 'drive-row' }, content)
    : h('div', { class: 'customer-row', 'data-testid': 'store-drive-row' }, content));
}

/** The fleet, a button per car with its status and who has it out; a free car chosen is `choice.car`, a taken
 *  one is refused with `say(why)`. */
function fleetList(session, fleet, rows, choice, say) {
  const cars = h('ul', { class: 'vehicle-list fleet' }, fleet.cars.map((car) => {
    const taken = holderText(session, car, rows);
    const status = taken && car.status === 'available' ? 'out' : car.status;
    const button = h('button', { type: 'button', class: `vehicle-choice${choice.car === car.id ? ' chosen' : ''}`,
      'data-testid': 'fleet-car', 'data-plate': car.plate, 'data-status': status,
      'aria-pressed': choice.car === car.id ? 'true' : 'false' },
    h('span', { class: 'vehicle-main' }, h('strong', {}, car.description),
      h('span', { class: 'vin' }, `${car.plate} · ${car.odometer_km} km`),
      taken ? h('span', { class: 'muted small', 'data-testid': 'car-holder' }, taken) : null),
    h('span', { class: `pill fleet-${status}` }, fleetStatusLabel(status)));
    button.addEventListener('click', () => {
      if (taken) {
        choice.car = null;
        say(taken);
      } else {
        choice.car = car.id;
        say(null);
      }
      cars.querySelectorAll('.vehicle-choice').forEach((b) => {
        const on = b === button && !taken;
        b.classList.toggle('chosen', on);
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
      });
    });
    return h('li', {}, button);
  }));
  return cars;
}

/** The kinds of drive as three big buttons, each with what it means (`choice.kind`, kept across redraws). */
function kindChooser(choice) {
  const group = h('div', { class: 'kind-picker', role: 'radiogroup', id: 'drive-kind', 'aria-labelledby': 'drive-kind-label' });
  const draw = () => mount(group, KINDS.map((k) => h('button', {
    type: 'button', role: 'radio', class: 'kind-choice', 'data-kind': k, 'aria-checked': String(choice.kind === k),
    onclick: () => { choice.kind = k; draw(); },
  }, h('span', { class: 'kind-name' }, kindLabel(k)), h('span', { class: 'kind-hint' }, kindHint(k)))));
  draw();
  return group;
}

/** The card that starts a drive: customer, route, kind and a free car of the fleet (`choice.car`). */
function newDriveCard(session, { rows, fleet, customers }, choice) {
  const message = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'start-error', hidden: true });
  const say = (text) => { message.textContent = text || ''; message.hidden = !text; };
  const picker = customerPicker(session, customers, choice, () => say(null));
  const route = h('select', { id: 'drive-route', 'data-testid': 'drive-route' },
    fleet.routes.map((r) => h('option', { value: r.id }, `${r.name} · ${r.distance_km} km`)));
  const cars = fleetList(session, fleet, rows, choice, say);
  const start = h('button', { type: 'button', class: 'button primary wide', 'data-testid': 'drive-start' },
    t('Start a test drive'));
  start.addEventListener('click', async () => {
    const car = fleet.cars.find((c) => c.id === choice.car);
    const who = picker.chosen();
    if (!who) {
      say(t('Choose a customer.'));
      return;
    }
    if (!car) {
      say(t('Choose an available car.'));
      return;
    }
    const taken = holderText(session, car, await listDrives(session));
    if (taken) {
      say(taken);
      return;
    }
    start.disabled = true;
    const id = await startDrive(session, { customer: who, car, route: fleet.routes.find((r) => r.id === route.value),
      kind: choice.kind });
    location.hash = `#/test-drive/${id}/eligibility`;
  });
  return h('section', { class: 'card form-card' }, h('h2', {}, t('New test drive')),
    h('h3', {}, t('Customer')), picker.element,
    h('h3', { id: 'drive-kind-label' }, t('Kind')), kindChooser(choice),
    h('div', { class: 'field' }, h('label', { for: 'drive-route' }, t('Route')), route),
    h('h3', {}, t('Fleet')),
    fleet.cars.length ? cars : h('p', { class: 'empty' }, t('No test-drive cars on this tablet yet. Sync while online.')),
    message, start);
}

/** Draw today's drives, the fleet and the form that starts a drive; returns a redraw function. */
export async function renderTestDriveList(view, { session }) {
  // What is chosen (car, customer, kind) survives a redraw after a sync.
  const choice = { car: null, customer: null, kind: 'ride_drive' };
  const draw = async () => {
    const [rows, fleet, customers] = await Promise.all([listDrives(session), loadFleet(session), listCustomers(session)]);
    const today = localToday();
    const isToday = (r) => madeAt(r.drive) && localToday(new Date(madeAt(r.drive))) === today;
    // Mine: today's, and any earlier one still open (not refused, not sealed) so nothing is forgotten.
    const open = (r) => r.drive.outcome !== 'refused' && !r.sealed;
    const mine = rows.filter((r) => r.drive.escort_id === session.user.id && (isToday(r) || open(r)));
    const others = rows.filter((r) => r.drive.escort_id !== session.user.id && isToday(r));
    mount(view, h('div', { class: 'screen test-drives' },
      h('div', { class: 'screen-head' }, h('a', { class: 'back', href: '#/home' }, '‹ ', t('Home')),
        h('h1', {}, t('Test drives'))),
      newDriveCard(session, { rows, fleet, customers }, choice),
      h('section', { class: 'card' }, h('h2', {}, t('My drives today')),
        h('ul', { class: 'customer-list' }, mine.length ? mine.map((r) => driveRow(r, { mine: true }))
          : h('li', { class: 'empty' }, t('No test drives on this tablet yet.')))),
      others.length ? h('section', { class: 'card' }, h('h2', {}, t('Other drives of the store today')),
        h('ul', { class: 'customer-list' }, others.map((r) => driveRow(r, { mine: false })))) : null));
  };
  await draw();
  return draw;
}

/** Open drive `id` at `step` (none: where the person left it); refused and sealed drives open read-only. */
export async function renderTestDrive(view, { session, id, step }) {
  const ctx = await loadDrive(session, id);
  if (!ctx) {
    mount(view, h('section', { class: 'card notice' }, h('h2', {}, t('This test drive is not on this tablet.')),
      h('a', { class: 'button primary', href: '#/test-drive' }, t('Test drives'))));
    return null;
  }
  const reached = stepOf(ctx.drive, ctx.log, { agreementSealed: Boolean(ctx.agreement.sealed),
    logSealed: Boolean(ctx.logSeal.sealed) });
  if (reached === 'sealed' || reached === 'refused') {
    if (step) {
      history.replaceState(null, '', `#/test-drive/${id}`);
    }
    return renderFinished(view, { session, id, ctx });
  }
  let wanted = step || ctx.draft.step || reached;
  if (!stepAllowed(wanted, reached)) {
    wanted = reached;
  }
  if (wanted !== step) {
    history.replaceState(null, '', `#/test-drive/${id}/${wanted}`);
  }
  await saveDraft(session, id, { step: wanted }); // a reload, even offline, comes back here
  ctx.reached = reached;
  if (wanted === 'eligibility') {
    renderEligibility(view, { session, ctx });
  } else if (wanted === 'agreement') {
    renderAgreement(view, { session, ctx });
  } else if (wanted === 'start') {
    const holder = ctx.car ? holderText(session, ctx.car, await listDrives(session)) : '';
    renderStart(view, { session, ctx, holder });
  } else if (wanted === 'return') {
    renderReturn(view, { session, ctx });
  } else {
    renderFeedback(view, { session, ctx });
  }
  // After a sync only the conflict notice is redrawn: the form never changes under a person who is typing.
  return async () => {
    const fresh = await loadDrive(session, id);
    const slot = view.querySelector('.conflict-slot');
    if (fresh && slot) {
      drawConflicts(slot, fresh);
    }
  };
}
