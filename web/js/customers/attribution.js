// The seed's attribution rule (接待归属), mirrored from server/workflow/attribution.py: who owns a customer after a
// visit. The tablet shows this answer offline as provisional; the server decides when the visit syncs. Both are
// tested against tests/fixtures/attribution_cases.json — change them together.

/** What "more than a week" means, in milliseconds. */
export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

const moment = (text) => Date.parse(text);

/**
 * The owner after one visit: { ownerId, reason, changed } (reasons as attribution.RULE_REASONS).
 * `c` has the server's shape: owner_id, visit {consultant_id, arrived_at, requested_consultant_id, invited_by_id},
 * since, owner_calls, policy {starts, ends} and received_by.
 */
export function decideOwner(c) {
  const owner = c.owner_id ?? null;
  const { visit } = c;
  const invitedBy = visit.invited_by_id ?? null;
  const receiver = invitedBy ?? visit.consultant_id;
  const requested = visit.requested_consultant_id ?? null;
  const arrived = moment(visit.arrived_at);
  const answer = (ownerId, reason) => ({ ownerId, reason, changed: ownerId !== owner });

  if (owner === null) {
    return answer(receiver, invitedBy ? 'appointment' : 'first_reception');
  }
  const { policy } = c;
  if (policy && moment(policy.starts) <= arrived && arrived < moment(policy.ends) && requested) {
    const received = new Set([...(c.received_by || []), receiver]);
    if (received.size >= 2 && received.has(requested)) {
      return answer(requested, 'customer_choice');
    }
  }
  if (invitedBy !== null && invitedBy === owner) {
    return answer(owner, 'appointment');
  }
  if (requested === owner) {
    return answer(owner, 'requested_owner');
  }
  if (receiver === owner) {
    return answer(owner, 'same_consultant');
  }
  const since = c.since ?? null;
  if (since === null || arrived - moment(since) <= WEEK_MS) {
    return answer(owner, 'within_week');
  }
  const start = moment(since);
  if ((c.owner_calls || []).some((call) => start < moment(call) && moment(call) < arrived)) {
    return answer(owner, 'owner_called');
  }
  return answer(receiver, 'week_rule');
}
