// One position of the walk-around per screen, in large type: its picture, where the customer stands, and the
// talking points (feature → advantage → benefit) for this trim, those on the customer's focus topics first and
// marked. Per point: presented / interest / objection. The time the position is on screen is counted (paused
// while the app is hidden) and, like every tap, kept in the draft at once, so a reload resumes here with all of it.

import { h, mount } from '../core/dom.js';
import { localized, t } from '../core/i18n.js';
import { blobUrl } from '../core/record-store.js';
import { topicLabel } from '../customers/needs-rules.js';
import {
  addTime, clock, MARKS, NOTE_MAX, orderedPoints, SEAT_POSITIONS, setFlag, setNote, summarize, positionsRecord,
  toggleMark,
} from './rules.js';
import { finishWalkaround, saveProgress, syncProgress } from './store.js';

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

/**
 * Count the time position `code` is on screen into `state.progress` (paused while the app is hidden), show it
 * in `timer` and `totals`, and keep it in the draft every tick, until the person leaves `route` or a new screen
 * stops it. Returns flush(): add the time up to now.
 */
function startClock(session, id, state, code, route, { timer, totals }) {
  const drawTime = () => {
    const record = positionsRecord(state.progress);
    timer.textContent = clock(record[code] ? record[code].seconds : 0);
    totals.textContent = t('Total %(time)s', { time: clock(Object.values(record).reduce((s, p) => s + p.seconds, 0)) });
  };
  let last = Date.now();
  const flush = () => {
    const now = Date.now();
    if (document.visibilityState === 'visible') {
      state.progress = addTime(state.progress, code, now - last);
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
    saveProgress(session, id, state.progress);
  }, TICK_MS);
  const onVisibility = () => {
    if (document.visibilityState === 'visible') {
      last = Date.now(); // hidden time is not presentation time
    } else {
      flush();
      saveProgress(session, id, state.progress);
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  stopTicker = () => {
    clearInterval(ticker);
    document.removeEventListener('visibilitychange', onVisibility);
    stopTicker = () => {};
  };
  drawTime();
  return flush;
}

/** The talking points of position `code`, each with presented / interest / objection and a note on an
 *  objection; every tap is kept in `state.progress` and the draft. Returns {list, count}. */
function pointList(session, id, state, code, points) {
  const list = h('ol', { class: 'points' });
  const count = h('span', { class: 'muted', 'data-testid': 'presented-count' });
  const marksOf = (point) => (state.progress.positions[code] && state.progress.positions[code].points[point.code]) || {};
  const drawCount = () => {
    const presented = points.filter((p) => marksOf(p).presented).length;
    count.textContent = t('%(done)s of %(total)s presented', { done: presented, total: points.length });
  };
  const noteInput = (point, marks) => {
    const input = h('input', { type: 'text', class: 'objection-note', 'data-testid': 'objection-note',
      maxlength: NOTE_MAX, value: marks.note || '', placeholder: t('What did the customer object to?'),
      'aria-label': t('What did the customer object to?') });
    input.addEventListener('change', async () => {
      state.progress = setNote(state.progress, code, point.code, input.value);
      await saveProgress(session, id, state.progress);
    });
    return input;
  };
  const pointItem = (point) => {
    const marks = marksOf(point);
    return h('li', { class: `point${point.match ? ' match' : ''}${marks.presented ? ' done' : ''}`,
      'data-testid': 'point', 'data-point': point.code, 'data-match': String(point.match) },
    pointText(session, point),
    h('div', { class: 'mark-buttons' }, MARKS.map((mark) => h('button', {
      type: 'button', class: `mark mark-${mark}`, 'aria-pressed': String(Boolean(marks[mark])), 'data-mark': mark,
      onclick: async (event) => {
        state.progress = toggleMark(state.progress, code, point.code, mark);
        event.currentTarget.closest('li').replaceWith(pointItem(point));
        drawCount();
        await saveProgress(session, id, state.progress);
      },
    }, markLabel(mark)))),
    marks.objection ? noteInput(point, marks) : null);
  };
  mount(list, points.length ? points.map(pointItem)
    : h('li', { class: 'empty' }, t('No talking points for this trim here.')));
  drawCount();
  return { list, count };
}

/** What a point says (feature → advantage → benefit, its topic marked when it matches a focus topic), and its
 *  picture. */
function pointText(session, point) {
  return [h('div', { class: 'point-text' },
    h('p', { class: 'point-topic' }, point.match
      ? h('span', { class: 'match-tag', 'data-testid': 'match-tag' }, '★ ', t('Matches: %(topic)s', { topic: topicLabel(point.topic) }))
      : h('span', { class: 'topic-tag' }, topicLabel(point.topic))),
    h('p', { class: 'feature' }, localized(point.feature)),
    localized(point.advantage) ? h('p', { class: 'advantage' }, h('span', { class: 'fab' }, t('Advantage')),
      localized(point.advantage)) : null,
    localized(point.benefit) ? h('p', { class: 'benefit' }, h('span', { class: 'fab' }, t('Benefit')),
      localized(point.benefit)) : null),
  point.picture ? picture(session, point.picture, { className: 'point-picture', testid: 'point-picture',
    alt: localized(point.feature) }) : null];
}

/** A flag of the walk-around (`positionCode` null) or of one position, kept in `state.progress` and the draft. */
function flagBox(session, id, state, { field, label, positionCode = null }) {
  const value = positionCode ? (state.progress.positions[positionCode] || {})[field] : state.progress[field];
  const box = h('input', { type: 'checkbox', id: `flag-${field}`, 'data-testid': `flag-${field}`, checked: Boolean(value) });
  box.addEventListener('change', async () => {
    state.progress = setFlag(state.progress, positionCode, field, box.checked);
    await saveProgress(session, id, state.progress);
  });
  return h('label', { class: 'check-line flag', for: `flag-${field}` }, box, label);
}

/** Leaving position `index`: move(target) goes to another position (or 'summary') and sends what was done so
 *  far; `next` is the button to the next position, or "Finish" on the last one. */
function moves(session, ctx, state, index, flush) {
  const id = ctx.walkaround.id;
  const positions = ctx.presentation.positions;
  const code = positions[index].code;
  const move = async (target) => {
    flush();
    state.progress = { ...state.progress, current: target === 'summary' ? code : positions[target].code };
    await syncProgress(session, id, state.progress);
    location.hash = target === 'summary' ? `#/walkaround/${id}/summary` : `#/walkaround/${id}/${target + 1}`;
  };
  const last = index === positions.length - 1;
  const next = last
    ? h('button', { type: 'button', class: 'button primary', 'data-testid': 'finish-walkaround' }, t('Finish'))
    : h('button', { type: 'button', class: 'button primary', 'data-testid': 'next-position' }, t('Next position'), ' ›');
  next.addEventListener('click', async () => {
    next.disabled = true;
    if (last) {
      stopTicker();
      flush();
      await finishWalkaround(session, id, state.progress);
      location.hash = `#/walkaround/${id}/summary`;
    } else {
      await move(index + 1);
    }
  });
  return { move, next };
}

/** The head: back to the customer, model and trim, the clock, and a tab per position (✓ once covered). */
function walkHead(ctx, state, index, move, clockParts) {
  const { walkaround, presentation } = ctx;
  const covered = new Set(summarize(presentation, positionsRecord(state.progress), { trimId: walkaround.trim_id }).rows
    .filter((row) => row.covered).map((row) => row.position.code));
  return h('section', { class: 'card walk-head' },
    h('div', { class: 'walk-title' },
      h('a', { class: 'back', href: `#/customers/${walkaround.customer_id}` }, '‹ ', ctx.customer ? ctx.customer.name : ''),
      h('span', { class: 'walk-model' }, presentation.series ? presentation.series.name : '',
        ctx.trim ? ` · ${ctx.trim.name}` : ''),
      h('span', { class: 'walk-clock' }, clockParts.timer, clockParts.totals)),
    h('nav', { class: 'position-tabs', 'aria-label': t('Positions') }, presentation.positions.map((p, n) => h('button', {
      type: 'button', class: `position-tab${n === index ? ' active' : ''}${covered.has(p.code) ? ' covered' : ''}`,
      'aria-current': n === index ? 'step' : null, 'data-testid': `position-tab-${n + 1}`,
      onclick: () => { if (n !== index) { move(n); } } },
    h('span', { class: 'tab-no' }, covered.has(p.code) ? '✓' : String(n + 1)),
    h('span', { class: 'tab-title' }, localized(p.title))))));
}

/** Draw position `index` of the walk-around `ctx` (store.js loadWalkaround). */
export function renderPosition(view, { session, ctx, index }) {
  stopTicker();
  const { walkaround, presentation } = ctx;
  const id = walkaround.id;
  const position = presentation.positions[index];
  const code = position.code;
  const state = { progress: ctx.progress }; // every tap and second, kept in the draft at once
  const clockParts = { timer: h('span', { class: 'walk-timer', 'data-testid': 'position-time' }),
    totals: h('span', { class: 'muted small', 'data-testid': 'total-time' }) };
  const flush = startClock(session, id, state, code, `#/walkaround/${id}/${index + 1}`, clockParts);
  const points = orderedPoints(position, { focusTopics: ctx.focusTopics, trimId: walkaround.trim_id });
  const { list, count } = pointList(session, id, state, code, points);
  const { move, next } = moves(session, ctx, state, index, flush);
  const flag = (field, label, positionCode) => flagBox(session, id, state, { field, label, positionCode });

  mount(view, h('div', { class: 'screen walk' },
    walkHead(ctx, state, index, move, clockParts),
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
