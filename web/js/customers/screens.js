// The customer list (search by name or phone, phones masked) and one customer's screen (full number to call,
// grade buttons with the needs analysis' suggestion confirmed in one tap, open conflicts, and the file's timeline).
// Drawn from the view in IndexedDB, so it works the same offline.

import { h, mount } from '../core/dom.js';
import { formatTime, madeAt, maskPhone } from '../core/format.js';
import { t } from '../core/i18n.js';
import { conflictsOf } from '../core/problems.js';
import { HANDOVER_ROLES, WALKAROUND_ROLES } from '../core/roles.js';
import { walkaroundCard } from '../walkaround/summary.js';
import { gradePicker } from './form.js';
import { lostCard } from './lost.js';
import { needsOf } from './needs-store.js';
import { fieldLabel, gradeLabel, sourceLabel } from './rules.js';
import { getCustomer, gradeChangesOf, listCustomers, matches, saveCustomer } from './store.js';
import { timelineCard } from './timeline.js';
import { visitCard } from './visits.js';

let query = ''; // the search survives a redraw after a sync and a visit to a customer

function pendingTag(count) {
  return count ? h('span', { class: 'pending-tag', 'data-testid': 'pending-tag' },
    t('%(count)s pending', { count })) : null;
}

function gradeChip(code) {
  return h('span', { class: `grade grade-${code}`, title: gradeLabel(code) }, code);
}

/** Who owns the file, as far as this tablet can tell (other users are not synced). */
function ownerLabel(session, ownerId) {
  if (ownerId === null || ownerId === undefined) {
    return t('Not assigned');
  }
  return ownerId === session.user.id ? session.user.display_name || session.user.username : t('Another consultant');
}

function row(customer) {
  return h('li', {}, h('a', { class: 'customer-row', href: `#/customers/${customer.id}`, 'data-testid': 'customer-row',
    'data-id': customer.id },
  h('span', { class: 'avatar-sm', 'aria-hidden': 'true' }, (customer.name || '?').slice(0, 1)),
  h('span', { class: 'customer-main' },
    h('strong', { class: 'customer-name' }, customer.name),
    h('span', { class: 'customer-phone' }, maskPhone(customer.phone) || t('No mobile'))),
  h('span', { class: 'customer-meta' },
    pendingTag(customer.pending),
    h('span', { class: 'source-label' }, sourceLabel(customer.source)),
    gradeChip(customer.grade))));
}

async function drawResults(session, list, counter) {
  const all = await listCustomers(session);
  const shown = all.filter((c) => matches(c, query));
  counter.textContent = query ? t('%(shown)s of %(total)s', { shown: shown.length, total: all.length })
    : t('%(total)s customers', { total: all.length });
  mount(list, shown.length ? shown.map(row)
    : h('li', { class: 'empty' }, all.length ? t('No customers match.') : t('No customers on this tablet yet.')));
}

/** Draw the customer list into `view`; returns a function that redraws the results (after a sync). */
export async function renderCustomerList(view, { session }) {
  const counter = h('span', { class: 'muted', 'data-testid': 'customer-count' });
  const list = h('ul', { class: 'customer-list', 'aria-live': 'polite' });
  const search = h('input', { id: 'customer-search', type: 'search', value: query, autocomplete: 'off',
    placeholder: t('Search by name or mobile'), 'aria-label': t('Search by name or mobile'), enterkeyhint: 'search' });
  search.addEventListener('input', () => {
    query = search.value;
    drawResults(session, list, counter);
  });
  mount(view, h('div', { class: 'screen customers' },
    h('div', { class: 'screen-head' },
      h('a', { class: 'back', href: '#/home' }, '‹ ', t('Home')),
      h('h1', {}, t('Customers')), counter,
      h('a', { class: 'button primary', href: '#/customers/new', 'data-testid': 'new-customer' }, '+ ',
        t('New customer'))),
    h('div', { class: 'search' }, search),
    list));
  await drawResults(session, list, counter);
  return () => drawResults(session, list, counter);
}

function conflictCard(conflict) {
  const value = (v) => (v === null || v === undefined || v === '' ? t('(empty)') : String(v));
  return h('li', { class: 'conflict', 'data-testid': 'customer-conflict' },
    h('strong', {}, fieldLabel(conflict.field)),
    h('p', {}, t('Now: %(value)s, by %(user)s', { value: value(conflict.applied_value),
      user: (conflict.applied_by && conflict.applied_by.user) || '?' })),
    h('p', {}, t('Replaced: %(value)s, by %(user)s', { value: value(conflict.overwritten_value),
      user: (conflict.overwritten_by && conflict.overwritten_by.user) || '?' })));
}

/** The grade the latest needs analysis suggests, when the file's grade differs and the consultant has decided
 *  nothing since (no grade picked on it, no grade change after it): {grade, needs} or null. */
async function pendingSuggestion(session, customer) {
  if (!WALKAROUND_ROLES.includes(session.user.role)) {
    return null;
  }
  const [latest] = await needsOf(session, customer.id);
  if (!latest || latest.grade || latest.suggested_grade === 'N' || latest.suggested_grade === customer.grade) {
    return null;
  }
  const changes = await gradeChangesOf(session, customer.id);
  const answered = String(latest.answered_at || latest.created_at || '');
  const decided = changes.some((c) => c.needs_analysis_id === latest.id
    || Date.parse(c.changed_at || c.created_at) > Date.parse(answered));
  return decided ? null : { grade: latest.suggested_grade, needs: latest };
}

/** The grade card: the suggestion of the needs analysis (one tap confirms it) and the grade buttons (a tap
 *  changes the grade); each change is kept as a grade change. `changed(mutation)` runs after a change. */
function gradeCard(session, customer, suggestion, changed) {
  const change = async (grade, why) => {
    const result = await saveCustomer(session, customer.id, { grade }, why);
    if (!result.errors) {
      changed(result.mutation);
    }
  };
  const accept = suggestion && h('button', { type: 'button', class: 'button primary', 'data-testid': 'accept-suggested-grade',
    onclick: () => change(suggestion.grade, { reason: 'needs_analysis', needs_analysis_id: suggestion.needs.id }) },
  t('Change the grade to %(grade)s', { grade: suggestion.grade }));
  return h('section', { class: 'card' },
    h('h2', {}, t('Grade')),
    suggestion ? h('div', { class: 'grade-suggestion', 'data-testid': 'grade-suggestion' },
      h('p', {}, t('The needs analysis suggests %(grade)s (%(label)s); the file says %(current)s.', {
        grade: suggestion.grade, label: gradeLabel(suggestion.grade), current: customer.grade })),
      accept) : null,
    gradePicker(customer.grade, (code) => change(code, { reason: 'consultant' })));
}

/** Draw one customer into `view`; returns a function that redraws it (after a sync). */
export async function renderCustomer(view, { session, id, onSaved }) {
  const draw = async () => {
    const customer = await getCustomer(session, id);
    if (!customer) {
      mount(view, h('section', { class: 'card notice' }, h('h2', {}, t('This customer is not on this tablet.')),
        h('a', { class: 'button primary', href: '#/customers' }, t('Customers'))));
      return;
    }
    const conflicts = await conflictsOf(session, 'customer', id);
    const walks = WALKAROUND_ROLES.includes(session.user.role) ? await walkaroundCard(session, customer) : null;
    const [suggestion, history] = await Promise.all([pendingSuggestion(session, customer),
      timelineCard(session, customer)]);
    const queued = (mutation) => {
      onSaved(id, mutation);
      draw();
    };
    const lost = session.user.role === 'consultant' ? await lostCard(session, customer, queued) : null;
    const rows = [
      [fieldLabel('phone'), customer.phone
        ? h('a', { href: `tel:${customer.phone}`, class: 'phone', 'data-testid': 'customer-phone' }, customer.phone)
        : h('span', { class: 'muted' }, t('No mobile'))],
      [fieldLabel('source'), sourceLabel(customer.source)],
      [fieldLabel('owner_id'), ownerLabel(session, customer.owner_id)],
      [t('Created'), h('span', { 'data-testid': 'customer-created' }, formatTime(madeAt(customer)))],
    ];
    mount(view, h('div', { class: 'screen customer' },
      h('div', { class: 'screen-head' },
        h('a', { class: 'back', href: '#/customers' }, '‹ ', t('Customers'))),
      h('section', { class: 'card customer-card' },
        h('div', { class: 'customer-head' },
          h('div', { class: 'avatar', 'aria-hidden': 'true' }, (customer.name || '?').slice(0, 1)),
          h('div', { class: 'customer-title' },
            h('h1', { 'data-testid': 'customer-name' }, customer.name),
            h('p', {}, gradeChip(customer.grade), ' ', h('span', { 'data-testid': 'customer-grade-label' },
              gradeLabel(customer.grade)), ' ', pendingTag(customer.pending)))),
        h('dl', { class: 'rows' }, rows.map(([label, value]) => h('div', { class: 'row' },
          h('dt', {}, label), h('dd', {}, value)))),
        customer.notes ? h('p', { class: 'notes', 'data-testid': 'customer-notes' }, customer.notes) : null,
        h('div', { class: 'actions' },
          customer.phone ? h('a', { class: 'button primary', href: `tel:${customer.phone}` }, t('Call')) : null,
          h('a', { class: 'button secondary', href: `#/customers/${id}/edit`, 'data-testid': 'edit-customer' },
            t('Edit')),
          HANDOVER_ROLES.includes(session.user.role)
            ? h('a', { class: 'button secondary', href: `#/handover/start/${id}`, 'data-testid': 'start-handover' },
              t('Start a handover')) : null)),
      gradeCard(session, customer, suggestion, (mutation) => {
        onSaved(id, mutation);
        draw();
      }),
      session.user.role === 'consultant' ? visitCard(session, customer, queued) : null,
      lost,
      walks,
      conflicts.length ? h('section', { class: 'card alert' },
        h('h2', {}, t('Conflicting changes')),
        h('p', { class: 'muted small' }, t('Two tablets changed this customer. The office decides which value to keep.')),
        h('ul', { class: 'conflict-list' }, conflicts.map(conflictCard))) : null,
      history));
  };
  await draw();
  return draw;
}
