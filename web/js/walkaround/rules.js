// The walk-around's rules (六方位绕车, domain.md §2): which talking points a position shows for this trim and in
// which order (the customer's focus topics first), how taps and time are kept, and the summary of a session.
// Pure. Shapes (server/models/walkaround.py):
//   presentation.positions = [{code, title{zh_CN,en}, stand_hint{…}, picture, points: [{code, topic, feature{…},
//                              advantage{…}, benefit{…}, picture, trims: [trim id…] (empty: every trim)}]}]
//   walkaround.positions   = {<code>: {seconds, sat_in, points: {<point code>: {presented, interest, objection}}}}
// The tablet's draft keeps the same map with milliseconds (`ms`) instead of seconds while a session runs.

export const MARKS = ['presented', 'interest', 'objection'];
/** Positions where the customer sits in the car (server/domain_walkaround.py SEAT_POSITIONS). */
export const SEAT_POSITIONS = ['rear_seat', 'driver_seat'];
/** The longest note of a point the server keeps (server/schemas/walkaround.py PointMarkSchema). */
export const NOTE_MAX = 500;

/** Whether `point` belongs to trim `trimId` (a point without trims is for every trim). */
export function forTrim(point, trimId) {
  const trims = point.trims || [];
  return !trims.length || !trimId || trims.includes(trimId);
}

/** The points of `position` shown for `trimId`, those whose topic is one of `focusTopics` first (each group keeps
 *  its authored order); each comes back as {...point, match: true|false}. */
export function orderedPoints(position, { focusTopics = [], trimId = null } = {}) {
  const focus = new Set(focusTopics || []);
  const shown = (position.points || []).filter((p) => forTrim(p, trimId)).map((p) => ({ ...p, match: focus.has(p.topic) }));
  return [...shown.filter((p) => p.match), ...shown.filter((p) => !p.match)];
}

/** A fresh progress for `presentation`: every position at zero, the first one on screen. */
export function emptyProgress(presentation) {
  const positions = {};
  for (const position of presentation.positions || []) {
    positions[position.code] = { ms: 0, sat_in: false, points: {} };
  }
  const first = (presentation.positions || [])[0];
  return { current: first ? first.code : null, positions, brochure_given: false, test_drive_invited: false };
}

function at(progress, code) {
  return progress.positions[code] || (progress.positions[code] = { ms: 0, sat_in: false, points: {} });
}

/** The progress with mark `mark` of point `pointCode` at position `code` flipped (a new object). An interest or
 *  an objection also marks the point presented: the customer reacted to it. */
export function toggleMark(progress, code, pointCode, mark) {
  const next = structuredClone(progress);
  const position = at(next, code);
  const marks = { presented: false, interest: false, objection: false, ...position.points[pointCode] };
  marks[mark] = !marks[mark];
  if (mark !== 'presented' && marks[mark]) {
    marks.presented = true;
  }
  position.points[pointCode] = marks;
  return next;
}

/** The progress with the customer's words about point `pointCode` at `code` kept as its note (≤ 500 chars). */
export function setNote(progress, code, pointCode, note) {
  const next = structuredClone(progress);
  const position = at(next, code);
  const marks = { presented: false, interest: false, objection: false, ...position.points[pointCode] };
  marks.note = String(note || '').trim().slice(0, NOTE_MAX);
  position.points[pointCode] = marks;
  return next;
}

/** The progress with `value` set at position `code` for `field` ('sat_in'), or session-wide when code is null. */
export function setFlag(progress, code, field, value) {
  const next = structuredClone(progress);
  if (code) {
    at(next, code)[field] = Boolean(value);
  } else {
    next[field] = Boolean(value);
  }
  return next;
}

/** The progress with `ms` more milliseconds spent at `code` (negative or absurd amounts are ignored). */
export function addTime(progress, code, ms) {
  if (!code || !(ms > 0) || ms > 3_600_000) {
    return progress;
  }
  const next = structuredClone(progress);
  const position = at(next, code);
  position.ms = Math.round((position.ms || 0) + ms);
  return next;
}

/** The synced `positions` map of a progress (whole seconds instead of milliseconds). */
export function positionsRecord(progress) {
  const record = {};
  for (const [code, state] of Object.entries(progress.positions || {})) {
    record[code] = { seconds: Math.floor((state.ms || 0) / 1000), sat_in: Boolean(state.sat_in),
      points: structuredClone(state.points || {}) };
  }
  return record;
}

/** "2:05" for 125 seconds. */
export function clock(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds || 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The summary of a session from its synced `positions` map: coverage (positions where at least one point was
 *  presented, where the customer sat in, or which were shown when they have no point for this trim — the server's
 *  rule, server/workflow/walkaround.py summarise), points presented, seconds per position, and the points the
 *  customer liked or objected to. */
export function summarize(presentation, positions, { trimId = null } = {}) {
  const rows = [];
  const interests = [];
  const objections = [];
  let presented = 0;
  let covered = 0;
  for (const position of presentation.positions || []) {
    const state = (positions || {})[position.code] || { seconds: 0, points: {} };
    const visible = (position.points || []).filter((p) => forTrim(p, trimId));
    let shownHere = 0;
    for (const point of visible) {
      const marks = (state.points || {})[point.code] || {};
      shownHere += marks.presented ? 1 : 0;
      if (marks.interest) {
        interests.push({ position, point, note: marks.note || '' });
      }
      if (marks.objection) {
        objections.push({ position, point, note: marks.note || '' });
      }
    }
    const isCovered = shownHere > 0 || Boolean(state.sat_in) || (!visible.length && (state.seconds || 0) > 0);
    covered += isCovered ? 1 : 0;
    presented += shownHere;
    rows.push({ position, seconds: state.seconds || 0, presented: shownHere, points: visible.length,
      covered: isCovered, sat_in: Boolean(state.sat_in) });
  }
  return {
    coverage: covered,
    total: rows.length,
    presented,
    points: rows.reduce((sum, row) => sum + row.points, 0),
    seconds: rows.reduce((sum, row) => sum + row.seconds, 0),
    rows,
    interests,
    objections,
  };
}
