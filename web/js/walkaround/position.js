// One position of the walk-around per screen, in large type: its picture, where the customer stands, and the
// talking points (feature → advantage → benefit) for this trim, those on the customer's focus topics first and
// marked. Per point: presented / interest / objection. The time the position is on screen is counted (paused
// while the app is hidden) and, like every tap, kept in the draft at once, so a reload resumes here with all of it.

import { h, mount } from '../core/dom.js';
import { localized, t } from '../core/i18n.js';
import { topicLabel } from '../customers/needs-rules.js';
import {
  addTime, clock, MARKS, NOTE_MAX, orderedPoints, SEAT_POSITIONS, setFlag, setNote, summarize, positionsRecord,
  toggleMark,
} from './rules.js';
import { finishWalkaround, saveProgress, syncProgress } from './store.js';
import { blobUrl } from '../core/record-store.js';

const TICK_MS = 1000;
let stopTicker = () => {}; // the ticker of the position on screen; a new screen stops the old one first

function markLabel(mark) {
  return { presented: t('Presented'), interest: t('Interest'), objection: t('Objection') }[mark];
}

/** An <img> of a picture kept on this tablet, or a placeholder when it has not arrived yet. */
export function picture(session, sha256, { alt, className = 'position-picture', testid = 'position-picture' } = {}) {
  if (!sha256) {
    return null;
  }
  const frame = h('figure', { class: className });
  blobUrl(session, sha256).then((url) => {
    if (!url) {
      mount(frame, h('p', { class: 'picture-missing muted small', 'data-testid': 'picture-missing' },
        t('Picture not on this tablet yet. Sync while online.')));
      return;
    }
    const img = h('img', { src: url, alt: alt || '', 'data-testid': testid, 'data-sha': sha256 });
    img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
    mount(frame, img);
  });
  return frame;
}

/** Draw position `index` of the walk-around `ctx` (store.js loadWalkaround). */
export function renderPosition(view, { session, ctx, index }) {
  stopTicker();
  const { walkaround, presentation } = ctx;
  const id = walkaround.id;
  const positions = presentation.positions;
  const position = positions[index];
  const code = position.code;
  const route = `#/walkaround/${id}/${index + 1}`;
  let progress = ctx.progress;
  const points = orderedPoints(position, { focusTopics: ctx.focusTopics, trimId: walkaround.trim_id });
  const timer = h('span', { class: 'walk-timer', 'data-testid': 'position-time' });
  const totals = h('span', { class: 'muted small', 'data-testid': 'total-time' });
  const list = h('ol', { class: 'points' });

  const drawTime = () => {
    const record = positionsRecord(progress);
    timer.textContent = clock(record[code] ? record[code].seconds : 0);
    totals.textContent = t('Total %(time)s', { time: clock(Object.values(record).reduce((s, p) => s + p.seconds, 0)) });
  };
  let last = Date.now();
  const flush = () => {
    const now = Date.now();
    if (document.visibilityState === 'visible') {
      progress = addTime(progress, code, now - last);
    }
    last = now;
  };
  const ticker = setInterval(() => {
    if (location.hash !== route) {
      stopTicker();
      return;
    }
    flush();
    drawTime();
    saveProgress(session, id, progress);
  }, TICK_MS);
  const onVisibility = () => {
    if (document.visibilityState === 'visible') {
      last = Date.now(); // hidden time is not presentation time
    } else {
      flush();
      saveProgress(session, id, progress);
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  stopTicker = () => {
    clearInterval(ticker);
    document.removeEventListener('visibilitychange', onVisibility);
    stopTicker = () => {};
  };

  const marksOf = (point) => (progress.positions[code] && progress.positions[code].points[point.code]) || {};
  const pointItem = (point) => {
    const marks = marksOf(point);
    return h('li', { class: `point${point.match ? ' match' : ''}${marks.presented ? ' done' : ''}`,
      'data-testid': 'point', 'data-point': point.code, 'data-match': String(point.match) },
    h('div', { class: 'point-text' },
      h('p', { class: 'point-topic' }, point.match
        ? h('span', { class: 'match-tag', 'data-testid': 'match-tag' }, '★ ', t('Matches: %(topic)s', { topic: topicLabel(point.topic) }))
        : h('span', { class: 'topic-tag' }, topicLabel(point.topic))),
      h('p', { class: 'feature' }, localized(point.feature)),
      localized(point.advantage) ? h('p', { class: 'advantage' }, h('span', { class: 'fab' }, t('Advantage')),
        localized(point.advantage)) : null,
      localized(point.benefit) ? h('p', { class: 'benefit' }, h('span', { class: 'fab' }, t('Benefit')),
        localized(point.benefit)) : null),
    point.picture ? picture(session, point.picture, { className: 'point-picture', testid: 'point-picture',
      alt: localized(point.feature) }) : null,
    h('div', { class: 'mark-buttons' }, MARKS.map((mark) => h('button', {
      type: 'button', class: `mark mark-${mark}`, 'aria-pressed': String(Boolean(marks[mark])), 'data-mark': mark,
      onclick: async (event) => {
        progress = toggleMark(progress, code, point.code, mark);
        event.currentTarget.closest('li').replaceWith(pointItem(point));
        drawCount();
        await saveProgress(session, id, progress);
      },
    }, markLabel(mark)))),
    marks.objection ? noteInput(point, marks) : null);
  };
  const noteInput = (point, marks) => {
    const input = h('input', { type: 'text', class: 'objection-note', 'data-testid': 'objection-note',
      maxlength: NOTE_MAX, value: marks.note || '', placeholder: t('What did the customer object to?'),
      'aria-label': t('What did the customer object to?') });
    input.addEventListener('change', async () => {
      progress = setNote(progress, code, point.code, input.value);
      await saveProgress(session, id, progress);
    });
    return input;
  };
  const count = h('span', { class: 'muted', 'data-testid': 'presented-count' });
  const drawCount = () => {
    const presented = points.filter((p) => marksOf(p).presented).length;
    count.textContent = t('%(done)s of %(total)s presented', { done: presented, total: points.length });
  };
  mount(list, points.length ? points.map(pointItem)
    : h('li', { class: 'empty' }, t('No talking points for this trim here.')));
  drawCount();
  drawTime();

  const flag = (field, label, positionCode) => {
    const state = positionCode ? (progress.positions[positionCode] || {})[field] : progress[field];
    const box = h('input', { type: 'checkbox', id: `flag-${field}`, 'data-testid': `flag-${field}`, checked: Boolean(state) });
    box.addEventListener('change', async () => {
      progress = setFlag(progress, positionCode, field, box.checked);
      await saveProgress(session, id, progress);
    });
    return h('label', { class: 'check-line flag', for: `flag-${field}` }, box, label);
  };

  const move = async (target) => {
    flush();
    progress = { ...progress, current: target === 'summary' ? code : positions[target].code };
    await syncProgress(session, id, progress);
    location.hash = target === 'summary' ? `#/walkaround/${id}/summary` : `#/walkaround/${id}/${target + 1}`;
  };
  const last_ = index === positions.length - 1;
  const next = last_
    ? h('button', { type: 'button', class: 'button primary', 'data-testid': 'finish-walkaround' }, t('Finish'))
    : h('button', { type: 'button', class: 'button primary', 'data-testid': 'next-position' }, t('Next position'), ' ›');
  next.addEventListener('click', async () => {
    next.disabled = true;
    if (last_) {
      stopTicker();
      flush();
      await finishWalkaround(session, id, progress);
      location.hash = `#/walkaround/${id}/summary`;
    } else {
      await move(index + 1);
    }
  });
  const covered = new Set(summarize(presentation, positionsRecord(progress), { trimId: walkaround.trim_id }).rows
    .filter((row) => row.covered).map((row) => row.position.code));

  mount(view, h('div', { class: 'screen walk' },
    h('section', { class: 'card walk-head' },
      h('div', { class: 'walk-title' },
        h('a', { class: 'back', href: `#/customers/${walkaround.customer_id}` }, '‹ ', ctx.customer ? ctx.customer.name : ''),
        h('span', { class: 'walk-model' }, presentation.series ? presentation.series.name : '',
          ctx.trim ? ` · ${ctx.trim.name}` : ''),
        h('span', { class: 'walk-clock' }, timer, totals)),
      h('nav', { class: 'position-tabs', 'aria-label': t('Positions') }, positions.map((p, n) => h('button', {
        type: 'button', class: `position-tab${n === index ? ' active' : ''}${covered.has(p.code) ? ' covered' : ''}`,
        'aria-current': n === index ? 'step' : null, 'data-testid': `position-tab-${n + 1}`,
        onclick: () => { if (n !== index) { move(n); } } },
      h('span', { class: 'tab-no' }, covered.has(p.code) ? '✓' : String(n + 1)),
      h('span', { class: 'tab-title' }, localized(p.title)))))),
    h('div', { class: 'walk-body' },
      h('div', { class: 'walk-side' },
        h('h1', { class: 'position-title', 'data-testid': 'position-title', 'data-code': code },
          h('span', { class: 'position-no' }, String(index + 1)), localized(position.title)),
        position.stand_hint ? h('p', { class: 'stand-hint' }, localized(position.stand_hint)) : null,
        picture(session, position.picture, { alt: localized(position.title) }),
        SEAT_POSITIONS.includes(code) ? flag('sat_in', t('The customer sat in the car here'), code) : null),
      h('section', { class: 'walk-points' }, h('div', { class: 'points-head' }, h('h2', {}, t('Talking points')), count),
        list)),
    h('div', { class: 'walk-foot' },
      flag('brochure_given', t('Brochure given')),
      flag('test_drive_invited', t('Test drive offered')),
      h('span', { class: 'spacer' }),
      index > 0 ? h('button', { type: 'button', class: 'button secondary', 'data-testid': 'previous-position',
        onclick: () => move(index - 1) }, '‹ ', t('Previous')) : null,
      next)));
  return null;
}
