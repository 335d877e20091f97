// The handover (交车) entry points: the list of deliveries on this tablet, starting one for a customer (choose
// the vehicle), and the dispatcher that opens a delivery at its step — or read-only once it is sealed.

import { h, mount } from '../core/dom.js';
import { formatTime, madeAt } from '../core/format.js';
import { t } from '../core/i18n.js';
import { sealState } from '../core/sealed.js';
import { startCard } from '../core/start-card.js';
import { getCustomer, listCustomers } from '../customers/store.js';
import { renderChecklist } from './checklist.js';
import { renderDetails } from './details.js';
import { renderReview } from './review.js';
import { renderSealed } from './sealed.js';
import { listDeliveries, loadCatalogue, loadHandover, saveDraft, startDelivery } from './store.js';

const STOCK = ['in_stock', 'reserved']; // a car in transit or already sold is not handed over from here

/** Draw the deliveries of this tablet; returns a redraw function. */
export async function renderHandoverList(view, { session }) {
  const draw = async () => {
    const [rows, customers] = await Promise.all([listDeliveries(session), listCustomers(session)]);
    mount(view, h('div', { class: 'screen handovers' },
      h('div', { class: 'screen-head' }, h('a', { class: 'back', href: '#/home' }, '‹ ', t('Home')),
        h('h1', {}, t('Handovers'))),
      startCard({ title: t('New handover'), id: 'handover-customer', customers, label: t('Start a handover'),
        testid: 'handover-start', route: 'handover' }),
      h('ul', { class: 'customer-list' }, rows.length ? rows.map((row) => {
        const [state, label] = sealState(row);
        return h('li', {}, h('a', { class: 'customer-row', href: `#/handover/${row.delivery.id}`,
          'data-testid': 'handover-row' },
        h('span', { class: 'customer-main' }, h('strong', { class: 'customer-name' }, row.delivery.customer_name),
          h('span', { class: 'muted' }, `${row.delivery.vehicle_description} · ${row.delivery.vin}`)),
        h('span', { class: 'customer-meta' }, h('span', { class: 'muted small' }, formatTime(madeAt(row.delivery))),
          h('span', { class: `doc-state doc-${state}` }, label))));
      }) : h('li', { class: 'empty' }, t('No handovers on this tablet yet.')))));
  };
  await draw();
  return draw;
}

/** Draw the vehicle choice that starts a delivery for one customer. */
export async function renderHandoverStart(view, { session, customerId }) {
  const [customer, catalogue] = await Promise.all([getCustomer(session, customerId), loadCatalogue(session)]);
  if (!customer || !catalogue.template) {
    mount(view, h('section', { class: 'card notice' },
      h('h2', {}, customer ? t('The handover checklist is not on this tablet yet. Sync while online.')
        : t('This customer is not on this tablet.')),
      h('a', { class: 'button primary', href: '#/handover' }, t('Handovers'))));
    return;
  }
  const cars = catalogue.vehicles.filter((v) => STOCK.includes(v.stock_status) && !v.is_test_drive);
  const choose = async (vehicle) => {
    const id = await startDelivery(session, { customer, vehicle, template: catalogue.template });
    location.hash = `#/handover/${id}/check/A`;
  };
  mount(view, h('div', { class: 'screen' },
    h('div', { class: 'screen-head' }, h('a', { class: 'back', href: `#/customers/${customer.id}` }, '‹ ', customer.name),
      h('h1', {}, t('Choose the vehicle'))),
    h('p', { class: 'muted' }, t('Handover to %(name)s: which car does the customer receive today?', { name: customer.name })),
    h('ul', { class: 'vehicle-list' }, cars.map((vehicle) => h('li', {},
      h('button', { type: 'button', class: 'vehicle-choice', 'data-testid': 'vehicle-choice', 'data-vin': vehicle.vin,
        onclick: () => choose(vehicle) },
      h('span', { class: 'swatch', 'data-hex': vehicle.colour ? vehicle.colour.hex : '' }),
      h('span', { class: 'vehicle-main' }, h('strong', {}, vehicle.description),
        h('span', { class: 'vin' }, vehicle.vin)),
      h('span', { class: 'muted small' }, vehicle.stock_status === 'reserved' ? t('Reserved') : t('In stock'))))))));
  // Colour swatches without inline styles (the CSP forbids them): set through the CSSOM.
  view.querySelectorAll('.swatch').forEach((el) => { el.style.background = el.dataset.hex || '#ccc'; });
}

/** Open a delivery at `step` ('check/A', 'details', 'review'; none: where the person left it). */
export async function renderHandover(view, { session, id, step }) {
  const ctx = await loadHandover(session, id);
  if (!ctx || !ctx.template) {
    mount(view, h('section', { class: 'card notice' }, h('h2', {}, t('This handover is not on this tablet.')),
      h('a', { class: 'button primary', href: '#/handover' }, t('Handovers'))));
    return null;
  }
  if (ctx.sealed) {
    return renderSealed(view, { session, id, ctx });
  }
  const wanted = step || ctx.draft.step || 'check/A';
  if (!step) {
    history.replaceState(null, '', `#/handover/${id}/${wanted}`);
  }
  await saveDraft(session, id, { step: wanted }); // a reload, even offline, comes back here
  if (wanted.startsWith('check/')) {
    return renderChecklist(view, { session, ctx, group: wanted.slice(6) });
  }
  return wanted === 'details' ? renderDetails(view, { session, ctx }) : renderReview(view, { session, ctx });
}
