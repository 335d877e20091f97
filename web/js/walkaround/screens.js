// The walk-around (六方位绕车) entry points: the sessions on this tablet, starting one for a customer (model, trim
// and focus topics, defaults from the needs analysis), and the dispatcher that opens a session at its position —
// or at its summary once it is finished.

import { h, mount } from '../core/dom.js';
import { formatTime } from '../core/format.js';
import { localized, t } from '../core/i18n.js';
import { startCard } from '../core/start-card.js';
import { TOPICS, topicLabel } from '../customers/needs-rules.js';
import { needsOf } from '../customers/needs-store.js';
import { getCustomer, listCustomers } from '../customers/store.js';
import { renderPosition } from './position.js';
import {
  currentPresentations, listWalkarounds, loadPresentations, loadWalkaround, saveProgress, startWalkaround,
} from './store.js';
import { coverageLabel, renderSummary } from './summary.js';

function notHere(view, message) {
  mount(view, h('section', { class: 'card notice' }, h('h2', {}, message),
    h('a', { class: 'button primary', href: '#/walkaround' }, t('Walk-arounds'))));
}

/** Draw the walk-arounds of this tablet (in progress first) and a way to start one; returns a redraw function. */
export async function renderWalkaroundList(view, { session }) {
  const draw = async () => {
    const [rows, customers, presentations] = await Promise.all([
      listWalkarounds(session), listCustomers(session), loadPresentations(session)]);
    const names = new Map(customers.map((c) => [c.id, c.name]));
    const ordered = [...rows.filter((w) => w.status !== 'finished'), ...rows.filter((w) => w.status === 'finished')];
    mount(view, h('div', { class: 'screen walkarounds' },
      h('div', { class: 'screen-head' }, h('a', { class: 'back', href: '#/home' }, '‹ ', t('Home')),
        h('h1', {}, t('Walk-arounds'))),
      startCard({ title: t('New walk-around'), id: 'walkaround-customer', customers, label: t('Start a walk-around'),
        testid: 'walkaround-new', route: 'walkaround' }),
      h('ul', { class: 'customer-list' }, ordered.length ? ordered.map((w) => {
        const p = presentations.find((x) => x.id === w.presentation_id);
        return h('li', {}, h('a', { class: 'customer-row', href: `#/walkaround/${w.id}`, 'data-testid': 'walkaround-row' },
          h('span', { class: 'customer-main' }, h('strong', { class: 'customer-name' }, names.get(w.customer_id) || '?'),
            h('span', { class: 'muted' }, p && p.series ? p.series.name : '')),
          h('span', { class: 'customer-meta' }, h('span', { class: 'muted small' }, formatTime(w.started_at)),
            h('span', { class: `doc-state ${w.status === 'finished' ? 'doc-ready' : 'doc-pending'}` },
              w.status === 'finished' ? coverageLabel(w, p) : t('In progress')))));
      }) : h('li', { class: 'empty' }, t('No walk-arounds on this tablet yet.')))));
  };
  await draw();
  return draw;
}

/** Draw the start of a walk-around with one customer: which model and trim, which topics matter. */
export async function renderWalkaroundStart(view, { session, customerId }) {
  const [customer, presentations, needsList] = await Promise.all([
    getCustomer(session, customerId), currentPresentations(session), needsOf(session, customerId)]);
  if (!customer) {
    notHere(view, t('This customer is not on this tablet.'));
    return;
  }
  if (!presentations.length) {
    notHere(view, t('No walk-around content on this tablet yet. Sync while online.'));
    return;
  }
  const needs = needsList[0] || null;
  const topics = new Set(needs ? needs.focus_topics || [] : []);
  let chosen = presentations.find((p) => needs && p.series_id === needs.series_id) || presentations[0];
  let trimId = null;
  const body = h('div', { class: 'start-body' });
  const go = h('button', { type: 'button', class: 'button primary wide', 'data-testid': 'walkaround-go' },
    t('Start at the first position'));
  go.addEventListener('click', async () => {
    go.disabled = true;
    const id = await startWalkaround(session, { customer, presentation: chosen, trimId, needs,
      focusTopics: [...topics] });
    location.hash = `#/walkaround/${id}`;
  });
  const draw = () => mount(body,
    h('div', { class: 'field' }, h('span', { class: 'label' }, t('Model')),
      h('div', { class: 'chips', role: 'radiogroup', id: 'walkaround-series' }, presentations.map((p) => h('button', {
        type: 'button', class: 'chip', role: 'radio', 'aria-checked': String(p === chosen), 'data-series': p.series_id,
        onclick: () => { chosen = p; trimId = null; draw(); } }, p.series ? p.series.name : '?')))),
    chosen.trims.length ? h('div', { class: 'field' }, h('span', { class: 'label' }, t('Trim')),
      h('div', { class: 'chips', role: 'radiogroup', id: 'walkaround-trim' }, [null, ...chosen.trims].map((trim) => h('button', {
        type: 'button', class: 'chip', role: 'radio', 'aria-checked': String((trim ? trim.id : null) === trimId),
        'data-trim': trim ? trim.id : '', onclick: () => { trimId = trim ? trim.id : null; draw(); } },
      trim ? trim.name : t('Every trim'))))) : null,
    h('div', { class: 'field' }, h('span', { class: 'label' }, t('What matters most')),
      h('div', { class: 'chips', role: 'group', id: 'walkaround-topics' }, TOPICS.map((code) => h('button', {
        type: 'button', class: 'chip', role: 'checkbox', 'aria-checked': String(topics.has(code)), 'data-code': code,
        onclick: () => { if (topics.has(code)) { topics.delete(code); } else { topics.add(code); } draw(); } },
      topicLabel(code)))),
      h('p', { class: 'muted small' }, t('Talking points on these topics come first at every position.'))),
    h('ol', { class: 'position-preview' }, chosen.positions.map((position) => h('li', {}, localized(position.title)))));
  draw();
  mount(view, h('div', { class: 'screen walkaround-start' },
    h('div', { class: 'screen-head' }, h('a', { class: 'back', href: `#/customers/${customer.id}` }, '‹ ', customer.name),
      h('h1', {}, t('Walk-around with %(name)s', { name: customer.name }))),
    needs ? null : h('p', { class: 'card notice small', 'data-testid': 'no-needs' },
      t('No needs analysis yet: the walk-around works better after the five questions.'), ' ',
      h('a', { class: 'link', href: `#/customers/${customer.id}/needs` }, t('Needs analysis'))),
    h('section', { class: 'card' }, body, h('div', { class: 'actions' }, go))));
}

/** Open walk-around `id` at `step` (a position number from 1, or 'summary'; none: where it was left). */
export async function renderWalkaround(view, { session, id, step }) {
  const ctx = await loadWalkaround(session, id);
  if (!ctx || !ctx.presentation) {
    notHere(view, ctx ? t('The content of this walk-around is not on this tablet yet. Sync while online.')
      : t('This walk-around is not on this tablet.'));
    return null;
  }
  const codes = ctx.presentation.positions.map((p) => p.code);
  if (ctx.finished || step === 'summary') {
    if (step !== 'summary') {
      history.replaceState(null, '', `#/walkaround/${id}/summary`);
    }
    return renderSummary(view, { session, ctx });
  }
  let index = step ? Number(step) - 1 : codes.indexOf(ctx.progress.current);
  index = Math.min(codes.length - 1, Math.max(0, Number.isInteger(index) ? index : 0));
  if (!step) {
    history.replaceState(null, '', `#/walkaround/${id}/${index + 1}`);
  }
  if (ctx.progress.current !== codes[index]) {
    ctx.progress = { ...ctx.progress, current: codes[index] };
    await saveProgress(session, id, ctx.progress); // a reload, even offline, comes back here
  }
  return renderPosition(view, { session, ctx, index });
}
