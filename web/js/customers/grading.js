// The grade a needs analysis suggests (domain.md §5.1: need + confidence + purchasing power), the same rule as
// the server's server/workflow/grading.py. Both are checked against one vector file,
// tests/fixtures/grade_cases.json, so the tablet suggests exactly what the server would. Pure: no DOM, no storage.
//
// The timeline gives the starting grade (H ≤7 days, A ≤15, B ≤30, C ≤90 or later, N when not known); each missing
// piece lowers it one step, never below C: no budget at all, and a decision maker who is someone else or unknown.

/** Starting grade by purchase timeline. */
export const TIMELINE_GRADE = { '7d': 'H', '15d': 'A', '30d': 'B', '90d': 'C', later: 'C', unknown: 'N' };

/** Grades in falling order; a downgrade moves one step right and stops at the end. */
export const LADDER = ['H', 'A', 'B', 'C'];

const absent = (value) => value === null || value === undefined;

/** [reason code, predicate]: each that holds lowers the grade one step. */
const DOWNGRADES = [
  ['no_budget', (answers) => absent(answers.budget_min) && absent(answers.budget_max)],
  ['decider_absent', (answers) => ['other', 'unknown'].includes(answers.decision_maker || 'unknown')],
];

/** The suggested grade for needs-analysis `answers` and the reason codes of every downgrade: {grade, reasons}. */
export function suggestGrade(answers) {
  const values = answers || {};
  const timeline = values.timeline || 'unknown';
  const start = Object.hasOwn(TIMELINE_GRADE, timeline) ? TIMELINE_GRADE[timeline] : 'N';
  if (start === 'N') {
    return { grade: 'N', reasons: [] };
  }
  const reasons = DOWNGRADES.filter(([, applies]) => applies(values)).map(([code]) => code);
  return { grade: LADDER[Math.min(LADDER.indexOf(start) + reasons.length, LADDER.length - 1)], reasons };
}
