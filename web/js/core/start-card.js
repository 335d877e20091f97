// The card on a feature's list that starts a new record with one customer of the tablet: a customer picker and
// a button that opens the feature's start screen for the one chosen. Handovers and walk-arounds start this way.

import { h } from './dom.js';
import { t } from './i18n.js';

/** A card titled `title`: a picker (id `id`) over `customers` and a button `label` (`testid`) that opens
 *  `#/<route>/start/<customer id>`; nothing happens while no customer is chosen. */
export function startCard({ title, id, customers, label, testid, route }) {
  const picker = h('select', { id, 'aria-label': t('Customer') },
    h('option', { value: '' }, t('Choose a customer')), customers.map((c) => h('option', { value: c.id }, c.name)));
  const start = h('button', { type: 'button', class: 'button primary', 'data-testid': testid }, label);
  start.addEventListener('click', () => {
    if (picker.value) {
      location.hash = `#/${route}/start/${picker.value}`;
    }
  });
  return h('section', { class: 'card' }, h('h2', {}, title), h('div', { class: 'field inline-field' }, picker, start));
}
