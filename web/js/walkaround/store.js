// Walk-arounds on this tablet: presentation content as pulled (read-only), walk-around records as the view
// (server truth + pending mutations, rebase.js), and the walk-around in progress in the drafts store ("walkaround/<uuid>": position on screen, taps, time), so a reload — offline too — resumes
// exactly where it stopped. Screens call these; they never talk to IndexedDB or the network.

import { deviceTime, enqueueMutation, getDraft, readRecords, updateDraft } from '../core/db.js';
import { entityView, live, newest, putAll, serialQueue, userDb, uuid7 } from '../core/record-store.js';
import { syncSoon } from '../core/sync.js';
import { getCustomer } from '../customers/store.js';
import { emptyProgress, positionsRecord } from './rules.js';

const serial = serialQueue();

const draftKey = (id) => `walkaround/${id}`;

/** A presentation record as the screens use it: positions in order, each with its points (topics, trims). */
export function normalizePresentation(record) {
  return {
    ...record,
    positions: (record.positions || []).map((position) => ({
      ...position,
      points: (position.points || []).map((point) => ({ ...point, trims: point.trims || [] })),
    })),
  };
}

/** Every presentation version on this tablet (newest version of each series first), with series and trims. */
export async function loadPresentations(session) {
  const db = await userDb(session);
  const [presentations, series, trims] = await Promise.all(
    ['presentation', 'series', 'trim'].map(async (e) => live(await readRecords(db, `${e}/`))),
  );
  const seriesOf = new Map(series.map((s) => [s.id, s]));
  return presentations.map((p) => ({
    ...normalizePresentation(p),
    series: seriesOf.get(p.series_id) || null,
    trims: trims.filter((trim) => trim.series_id === p.series_id),
  })).sort((a, b) => (a.series ? a.series.name : '').localeCompare(b.series ? b.series.name : '')
    || (b.content_version || 0) - (a.content_version || 0));
}

/** The current (newest published) presentation of each series. */
export async function currentPresentations(session) {
  const bySeries = new Map();
  for (const p of await loadPresentations(session)) {
    if (!bySeries.has(p.series_id)) {
      bySeries.set(p.series_id, p);
    }
  }
  return [...bySeries.values()];
}

/** The walk-arounds of one customer (or all), newest first. */
export async function listWalkarounds(session, customerId = null) {
  const { view } = await entityView(await userDb(session), 'walkaround');
  return [...view.values()].filter((w) => !customerId || w.customer_id === customerId).sort(newest);
}

/** Start a walk-around of `presentation` (for trim `trimId`) with `customer`; resolves to its id. */
export function startWalkaround(session, { customer, presentation, trimId, needs, focusTopics }) {
  return serial(async () => {
    const db = await userDb(session);
    const id = uuid7();
    const progress = emptyProgress(presentation);
    const set = {
      customer_id: customer.id, consultant_id: session.user.id, presentation_id: presentation.id,
      needs_analysis_id: needs ? needs.id : null, trim_id: trimId || null, started_at: deviceTime(),
      finished_at: null, current_position: progress.current, positions: {}, brochure_given: false,
      test_drive_invited: false, status: 'in_progress',
    };
    const base = Object.fromEntries(Object.keys(set).map((f) => [f, 0]));
    await enqueueMutation(db, 'put', { entity: 'walkaround', id, set, base });
    await updateDraft(db, draftKey(id), { progress, focusTopics: focusTopics || [] });
    syncSoon();
    return id;
  });
}

/** Everything a walk-around screen needs, or null when it is not on this tablet. */
export async function loadWalkaround(session, id) {
  await serial(() => null); // after every write already asked for (a tap just before a move)
  const db = await userDb(session);
  const { view } = await entityView(db, 'walkaround');
  const walkaround = view.get(id);
  if (!walkaround) {
    return null;
  }
  const [presentations, draft, customer] = await Promise.all([
    loadPresentations(session), getDraft(db, draftKey(id)), getCustomer(session, walkaround.customer_id),
  ]);
  const presentation = presentations.find((p) => p.id === walkaround.presentation_id) || null;
  const trim = presentation && presentation.trims.find((tr) => tr.id === walkaround.trim_id);
  const progress = draft.progress || (presentation ? emptyProgress(presentation) : null);
  return { walkaround, presentation, customer, trim: trim || null, draft, progress,
    focusTopics: draft.focusTopics || [], finished: walkaround.status === 'finished' || Boolean(draft.finished) };
}

/** Keep the progress of a walk-around in its draft (every tap, the position on screen, the time). */
export function saveProgress(session, id, progress) {
  return serial(async () => updateDraft(await userDb(session), draftKey(id), { progress }));
}

/** Queue a put of `values` alone: the server judges positions against the stored presentation. */
async function putWalkaround(db, id, values) {
  const { records } = await entityView(db, 'walkaround');
  return putAll(db, 'walkaround', id, records, values);
}

/** Send what was done so far (on a move to another position): the position on screen and every position's state. */
export function syncProgress(session, id, progress) {
  return serial(async () => {
    const db = await userDb(session);
    await updateDraft(db, draftKey(id), { progress });
    const mutation = await putWalkaround(db, id, { current_position: progress.current,
      positions: positionsRecord(progress), brochure_given: Boolean(progress.brochure_given),
      test_drive_invited: Boolean(progress.test_drive_invited) });
    syncSoon();
    return mutation;
  });
}

/** Finish: the whole record, status finished, goes to the outbox; the draft remembers it is done. */
export function finishWalkaround(session, id, progress) {
  return serial(async () => {
    const db = await userDb(session);
    await updateDraft(db, draftKey(id), { progress, finished: true });
    const mutation = await putWalkaround(db, id, {
      current_position: progress.current, positions: positionsRecord(progress),
      brochure_given: Boolean(progress.brochure_given), test_drive_invited: Boolean(progress.test_drive_invited),
      status: 'finished', finished_at: deviceTime(),
    });
    syncSoon();
    return mutation;
  });
}
