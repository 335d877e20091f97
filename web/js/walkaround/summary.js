// The summary of a walk-around (coverage x/6, points presented, time per position, interests and objections) and
// the card in the customer's file that lists the customer's needs analysis and walk-arounds. Both are computed
// from the synced record (walkaround.positions), so another tablet or a reload shows the same figures.

import { h, mount } from '../core/dom.js';
import { formatTime } from '../core/format.js';
import { localized, t } from '../core/i18n.js';
import { deciderLabel, paymentLabel, timelineLabel, topicLabel } from '../customers/needs-rules.js';
import { needsOf } from '../customers/needs-store.js';
import { gradeLabel } from '../customers/rules.js';
import { clock, positionsRecord, summarize } from './rules.js';
import { listWalkarounds, loadPresentations } from './store.js';

/** "4/6 positions" for a walk-around record and its presentation ('' when the content is not here). */
export function coverageLabel(walkaround, presentation) {
  if (!presentation) {
    return '';
  }
  const s = summarize(presentation, walkaround.positions, { trimId: walkaround.trim_id });
  return t('%(covered)s/%(total)s positions', { covered: s.coverage, total: s.total });
}

function reactionList(items, testid, empty) {
  return items.length ? h('ul', { class: 'reactions' }, items.map(({ position, point, note }) => h('li', { 'data-testid': testid },
    h('strong', {}, localized(point.feature)), h('span', { class: 'muted small' }, ' · ', localized(position.title)),
    note ? h('span', { class: 'reaction-note' }, '“', note, '”') : null)))
    : h('p', { class: 'muted' }, empty);
}

/** Draw the summary of a walk-around; returns a redraw function (the record may change after a sync). */
export function renderSummary(view, { session: _session, ctx }) {
  const { walkaround, presentation, customer } = ctx;
  // While the finish is still in the outbox the view already holds it; before it, the draft is the truth.
  const positions = walkaround.status === 'finished' ? walkaround.positions : positionsRecord(ctx.progress);
  const s = summarize(presentation, positions, { trimId: walkaround.trim_id });
  const yes = (value) => (value ? t('Yes') : t('No'));
  const sat = s.rows.some((row) => row.sat_in);
  const brochure = walkaround.status === 'finished' ? walkaround.brochure_given : ctx.progress.brochure_given;
  const testDrive = walkaround.status === 'finished' ? walkaround.test_drive_invited : ctx.progress.test_drive_invited;
  mount(view, h('div', { class: 'screen walk-summary' },
    h('div', { class: 'screen-head' },
      h('a', { class: 'back', href: `#/customers/${walkaround.customer_id}` }, '‹ ', customer ? customer.name : ''),
      h('h1', {}, t('Walk-around summary'))),
    h('section', { class: 'card summary-figures' },
      h('div', { class: 'figure' }, h('strong', { 'data-testid': 'summary-coverage' }, `${s.coverage}/${s.total}`),
        h('span', {}, t('Positions covered'))),
      h('div', { class: 'figure' }, h('strong', { 'data-testid': 'summary-presented' }, String(s.presented)),
        h('span', {}, t('Points presented'))),
      h('div', { class: 'figure' }, h('strong', { 'data-testid': 'summary-time' }, clock(s.seconds)),
        h('span', {}, t('Time in all'))),
      h('div', { class: 'figure' }, h('strong', { 'data-testid': 'summary-interests' }, String(s.interests.length)),
        h('span', {}, t('Interests'))),
      h('div', { class: 'figure' }, h('strong', { 'data-testid': 'summary-objections' }, String(s.objections.length)),
        h('span', {}, t('Objections')))),
    h('section', { class: 'card' },
      h('p', { class: 'muted' }, presentation.series ? presentation.series.name : '', ctx.trim ? ` · ${ctx.trim.name}` : '',
        ' · ', formatTime(walkaround.started_at),
        walkaround.status === 'finished' ? null : h('span', { class: 'doc-state doc-pending' }, t('In progress'))),
      h('table', { class: 'summary-table' },
        h('thead', {}, h('tr', {}, h('th', {}, t('Position')), h('th', {}, t('Time')), h('th', {}, t('Presented')))),
        h('tbody', {}, s.rows.map((row, n) => h('tr', { 'data-testid': 'summary-row', class: row.covered ? 'covered' : 'missed' },
          h('td', {}, `${n + 1}. `, localized(row.position.title)),
          h('td', { 'data-testid': 'summary-row-time' }, clock(row.seconds)),
          h('td', {}, `${row.presented}/${row.points}`))))),
      h('dl', { class: 'rows' },
        h('div', { class: 'row' }, h('dt', {}, t('Sat in the car')), h('dd', { 'data-testid': 'summary-sat' }, yes(sat))),
        h('div', { class: 'row' }, h('dt', {}, t('Brochure given')), h('dd', { 'data-testid': 'summary-brochure' }, yes(brochure))),
        h('div', { class: 'row' }, h('dt', {}, t('Test drive offered')), h('dd', {}, yes(testDrive))))),
    h('section', { class: 'card' }, h('h2', {}, t('The customer liked')),
      reactionList(s.interests, 'summary-interest', t('No interest marked.'))),
    h('section', { class: 'card' }, h('h2', {}, t('Objections')),
      reactionList(s.objections, 'summary-objection', t('No objection marked.'))),
    h('div', { class: 'actions' }, h('a', { class: 'button primary', href: `#/customers/${walkaround.customer_id}` },
      t('Back to the customer')))));
  return null;
}

function needsLines(needs) {
  const budget = needs.budget_min === null && needs.budget_max === null ? t('Not asked')
    : t('%(min)s–%(max)s (10k yuan)', { min: needs.budget_min ?? '?', max: needs.budget_max ?? '?' });
  return h('dl', { class: 'rows', 'data-testid': 'needs-summary' },
    [[t('When to buy'), timelineLabel(needs.timeline)], [t('Budget'), budget],
      [t('Decision maker'), deciderLabel(needs.decision_maker)], [t('Payment'), paymentLabel(needs.payment)],
      [t('What matters most'), (needs.focus_topics || []).map(topicLabel).join('、') || '—'],
      // The grade the answers suggest; a confirmed one only when the consultant picked it (the file keeps its own).
      needs.grade ? [t('Confirmed grade'), `${needs.grade} · ${gradeLabel(needs.grade)}`]
        : [t('Suggested grade'), `${needs.suggested_grade} · ${gradeLabel(needs.suggested_grade)}`]]
      .map(([label, value]) => h('div', { class: 'row' }, h('dt', {}, label), h('dd', {}, value))));
}

/** The customer file's card: the latest needs analysis and every walk-around with its coverage. */
export async function walkaroundCard(session, customer) {
  const [needs, walks, presentations] = await Promise.all([
    needsOf(session, customer.id), listWalkarounds(session, customer.id), loadPresentations(session)]);
  const latest = needs[0] || null;
  return h('section', { class: 'card walk-card', 'data-testid': 'walkaround-card' },
    h('h2', {}, t('Needs and walk-arounds')),
    latest ? needsLines(latest) : h('p', { class: 'muted' }, t('No needs analysis yet.')),
    walks.length ? h('ul', { class: 'walk-list' }, walks.map((w) => {
      const p = presentations.find((x) => x.id === w.presentation_id);
      const finished = w.status === 'finished';
      return h('li', {}, h('a', { class: 'walk-row', href: finished ? `#/walkaround/${w.id}/summary` : `#/walkaround/${w.id}`,
        'data-testid': 'customer-walkaround', 'data-status': w.status },
      h('strong', {}, p && p.series ? p.series.name : t('Walk-around')),
      h('span', { class: 'muted small' }, formatTime(w.started_at)),
      h('span', { class: `doc-state ${finished ? 'doc-ready' : 'doc-pending'}`, 'data-testid': 'customer-walkaround-state' },
        finished ? coverageLabel(w, p) : t('In progress — resume'))));
    })) : null,
    h('div', { class: 'actions' },
      h('a', { class: 'button secondary', href: `#/customers/${customer.id}/needs`, 'data-testid': 'open-needs' },
        latest ? t('Update the needs analysis') : t('Needs analysis')),
      h('a', { class: 'button secondary', href: `#/walkaround/start/${customer.id}`, 'data-testid': 'start-walkaround' },
        t('Start a walk-around'))));
}
