// One group of the delivery checklist per screen: every item with ✓ / ✗ / N.A., a note, and the camera on ✗.
// Every tap is saved at once (a `put` of the items to the outbox), so a reload — offline too — loses nothing.
// A ✗ is only a valid answer with a photo (the server refuses it otherwise), so until its photo is taken it
// waits in the local draft (`pendingDefects`), shown with a field error, and blocks the way to the review.
// An item the we-owe list names is answered by that list: it says so, "mark the rest ✓" leaves it alone, and a ✓
// or N.A. on it is shown as the contradiction it is, with the way to clear the mark.

import { h, mount } from '../core/dom.js';
import { localized, t } from '../core/i18n.js';
import { photoStrip } from '../core/photo-strip.js';
import { applicableGroups, owedCodes, progress } from './rules.js';
import { keepPhoto, saveDelivery, saveDraft } from './store.js';
import { handoverHead } from './summary.js';

const CHOICES = [['ok', '✓'], ['defect', '✗'], ['na', 'N.A.']];
const MAX_PHOTOS = 10;

/** Codes of ✗ answers still without a photo, as a readable list; '' when none. */
export function waitingForPhotos(pendingDefects) {
  return Object.keys(pendingDefects || {}).sort().join(', ');
}

/**
 * The checklist's answers as the screen changes them: `items` (answered), `pending` (✗ still waiting for a photo)
 * and the changes a person makes. Each change calls `onChange(items changed)` to redraw, then is saved at once:
 * the draft (pendingDefects) and a `put` of the items.
 */
function checklistAnswers(session, ctx, onChange) {
  const id = ctx.delivery.id;
  const items = structuredClone(ctx.delivery.items || {});
  const pending = { ...(ctx.draft.pendingDefects || {}) };
  const weOwe = ctx.delivery.we_owe || [];
  const owed = owedCodes(weOwe);
  const persist = async () => {
    await saveDraft(session, id, { pendingDefects: { ...pending } });
    await saveDelivery(session, id, { items: structuredClone(items) });
  };
  const shown = (c) => (items[c] ? items[c].result : (c in pending ? 'defect' : null));
  return {
    items,
    pending,
    shown,
    weOwe,
    /** The we-owe entry that names `code`, or null. */
    owedEntry: (code) => (owed.has(code) ? weOwe.find((w) => w && w.item_code === code) : null),
    async answer(item, result) {
      const c = item.code;
      const before = items[c];
      if (result === 'defect' && !(before && before.photos && before.photos.length)) {
        pending[c] = before ? before.note : (pending[c] || '');
        delete items[c];
      } else {
        items[c] = { result, note: before ? before.note : (pending[c] || ''), photos: before ? before.photos : [] };
        delete pending[c];
      }
      onChange([item]);
      await persist();
    },
    async addPhoto(item, file) {
      const c = item.code;
      const sha = await keepPhoto(session, file);
      const before = items[c];
      const photos = [...new Set([...(before ? before.photos : []), sha])].slice(0, MAX_PHOTOS);
      items[c] = { result: 'defect', note: before ? before.note : (pending[c] || ''), photos };
      delete pending[c];
      onChange([item]);
      await persist();
    },
    async setNote(item, value) {
      if (items[item.code]) {
        items[item.code].note = value;
      } else if (item.code in pending) {
        pending[item.code] = value;
      }
      await persist();
    },
    async clearMark(item) {
      delete items[item.code];
      delete pending[item.code];
      onChange([item]);
      await persist();
    },
    async restOk(group) {
      const rest = group.items.filter((i) => !shown(i.code) && !owed.has(i.code)); // never over the we-owe list
      for (const item of rest) {
        items[item.code] = { result: 'ok', note: '', photos: [] };
      }
      onChange(rest);
      await persist();
    },
  };
}

/** Draw the progress of the whole checklist and a tab per group, by letter and name (the shown one current,
 *  complete ones marked). */
function drawProgress(summary, id, groups, group, items, weOwe) {
  const overall = progress(groups.flatMap((g) => g.items), items, weOwe);
  mount(summary,
    h('p', { class: 'overall' }, h('strong', { 'data-testid': 'overall-progress' },
      t('%(done)s / %(total)s checked', overall)),
    h('span', { class: 'progress-track' }, h('span', { class: 'progress-fill', 'data-ratio': overall.done / overall.total }))),
    h('nav', { class: 'group-tabs', 'aria-label': t('Checklist groups') }, groups.map((g) => {
      const p = progress(g.items, items, weOwe);
      return h('a', { href: `#/handover/${id}/check/${g.code}`, 'data-testid': `group-tab-${g.code}`,
        class: `group-tab${g === group ? ' active' : ''}${p.done === p.total ? ' complete' : ''}`,
        'aria-current': g === group ? 'page' : null },
      h('span', { class: 'group-name' }, h('span', { class: 'group-code' }, g.code), ' ', localized(g.title)),
      h('span', { class: 'group-count' }, `${p.done}/${p.total}`));
    })));
  summary.querySelectorAll('.progress-fill').forEach((el) => { el.style.width = `${Math.round(el.dataset.ratio * 100)}%`; });
}

/** The ✓ / ✗ / N.A. buttons of one item; `result` is pressed. */
function answerButtons(answers, item, result) {
  return h('div', { class: 'answer-buttons', role: 'group', 'aria-label': localized(item.label) },
    // ✓ and ✗ are named in words; "N.A." is words already, so its name starts with what a person sees and
    // says (voice control: WCAG 2.5.3 label in name), followed by the meaning for screen readers.
    CHOICES.map(([value, mark]) => h('button', { type: 'button', class: `answer answer-${value}`,
      'aria-pressed': result === value ? 'true' : 'false', 'data-result': value,
      'aria-label': { ok: t('OK'), defect: t('Defect') }[value] || null,
      onclick: () => answers.answer(item, value) }, mark,
    value === 'na' ? h('span', { class: 'visually-hidden' }, ' ', t('Not applicable')) : null)));
}

/** One item of the checklist: its answer, a note once answered, and on ✗ its photos and the camera. */
function itemRow(session, answers, item) {
  const result = answers.shown(item.code);
  const answer = answers.items[item.code];
  const needsPhoto = item.code in answers.pending;
  const camera = h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'visually-hidden',
    id: `photo-${item.code}`, 'data-testid': `photo-input-${item.code}` });
  camera.addEventListener('change', () => {
    if (camera.files && camera.files[0]) {
      answers.addPhoto(item, camera.files[0]);
    }
  });
  const owedEntry = answers.owedEntry(item.code);
  const contradiction = owedEntry && (result === 'ok' || result === 'na');
  const note = h('input', { type: 'text', class: 'item-note', maxlength: 500, placeholder: t('Note'),
    'aria-label': t('Note'), value: answer ? answer.note : (answers.pending[item.code] || ''),
    'data-testid': `note-${item.code}` });
  note.addEventListener('change', () => answers.setNote(item, note.value.trim()));
  return h('li', { class: `check-item${result ? ` answered-${result}` : ''}`, 'data-testid': 'check-item',
    'data-code': item.code },
  h('div', { class: 'item-label' }, h('span', { class: 'item-code' }, item.code), localized(item.label)),
  answerButtons(answers, item, result),
  owedEntry ? h('p', { class: `owed-note${contradiction ? ' field-error' : ''}`, 'data-testid': 'owed-note' },
    contradiction
      ? t('Marked %(mark)s, yet still owed: “%(text)s”.', { mark: result === 'ok' ? '✓' : 'N.A.', text: owedEntry.text })
      : t('Still owed: “%(text)s”. The we-owe list answers this item.', { text: owedEntry.text }),
    contradiction ? h('button', { type: 'button', class: 'button secondary small-button', 'data-testid': 'clear-mark',
      onclick: () => answers.clearMark(item) }, t('Clear the mark')) : null) : null,
  result ? note : null,
  result === 'defect' ? h('div', { class: 'defect-photos' },
    answer ? photoStrip(session, answer.photos) : null,
    h('label', { class: 'button secondary small-button camera', for: camera.id }, t('Take a photo')), camera,
    needsPhoto ? h('p', { class: 'field-error', 'data-testid': 'photo-required' }, t('Take a photo of the defect.'))
      : null) : null);
}

/** Previous group, "Review and sign" (refused while a ✗ waits for its photo, said in `error`), next step. */
function stepActions(id, groups, index, pending, error) {
  const goReview = () => {
    const waiting = waitingForPhotos(pending);
    error.textContent = waiting ? t('Take a photo of each defect: %(codes)s', { codes: waiting }) : '';
    error.hidden = !waiting;
    if (!waiting) {
      location.hash = `#/handover/${id}/review`;
    } else {
      error.scrollIntoView({ block: 'center' });
    }
  };
  const next = groups[index + 1];
  const prev = groups[index - 1];
  return h('div', { class: 'step-actions' },
    prev ? h('a', { class: 'button secondary', href: `#/handover/${id}/check/${prev.code}` }, '‹ ', t('Previous group'))
      : h('span'),
    h('button', { type: 'button', class: 'button secondary', 'data-testid': 'go-review', onclick: goReview },
      t('Review and sign')),
    h('a', { class: 'button primary', 'data-testid': 'next-step',
      href: next ? `#/handover/${id}/check/${next.code}` : `#/handover/${id}/details` },
    next ? t('Next group') : t('Items and documents'), ' ›'));
}

/** Draw group `code` of the checklist of `ctx` (see store.js loadHandover). */
export function renderChecklist(view, { session, ctx, group: code }) {
  const id = ctx.delivery.id;
  const groups = applicableGroups(ctx.template, ctx.powertrain);
  const index = Math.max(0, groups.findIndex((g) => g.code === code));
  const group = groups[index];
  const rows = new Map();
  const summary = h('div', { class: 'check-progress' });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'checklist-error', hidden: true });
  const answers = checklistAnswers(session, ctx, (changed) => {
    for (const item of changed) {
      const row = itemRow(session, answers, item);
      rows.get(item.code).replaceWith(row);
      rows.set(item.code, row);
    }
    drawProgress(summary, id, groups, group, answers.items, answers.weOwe);
  });
  const allOk = h('button', { type: 'button', class: 'button secondary small-button', 'data-testid': 'rest-ok' },
    t('Mark the rest ✓'));
  allOk.addEventListener('click', () => answers.restOk(group));
  const list = h('ol', { class: 'check-list' }, group.items.map((item) => {
    const row = itemRow(session, answers, item);
    rows.set(item.code, row);
    return row;
  }));
  drawProgress(summary, id, groups, group, answers.items, answers.weOwe);
  mount(view, h('div', { class: 'screen handover' },
    handoverHead(ctx, 'check'),
    summary,
    h('section', { class: 'card check-group' },
      h('div', { class: 'group-head' }, h('h2', { 'data-testid': 'group-title' }, `${group.code} · ${localized(group.title)}`),
        allOk),
      list),
    error,
    stepActions(id, groups, index, answers.pending, error)));
  return null;
}
