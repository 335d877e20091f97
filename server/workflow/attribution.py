"""The seed's attribution rule (接待归属), as one pure function: who owns a customer after a visit.

The seed, in its parentheses under 用户接待: the first consultant who receives a customer opens the file and owns
it; a customer who comes back after more than a week, whom the owner has not phoned in between and who does not
ask for the owner, belongs to the consultant who receives this visit; a visit booked by a consultant's phone
appointment belongs to that consultant; under a sales policy (a period the manager sets), a customer received by
several consultants chooses. Precisely (issue 13):

- "more than a week" is more than 7 × 24 h between the customer's previous visit (or, with none, the moment the
  file was opened) and this visit's arrival;
- "phoned" is a follow-up of the owner's with method "phone" and result "reached" strictly between the two;
- the visit's receiver is the consultant who booked it by phone when there is one (`invited_by_id`), else the
  consultant who received it (`consultant_id`): a customer the owner invited stays the owner's whoever opens the
  door, and one another consultant invited moves to them by the week rule, never sooner.

`decide_owner` reads only its argument: the server feeds it from the database when a visit syncs
(server/workflow/visits.py), the tablet's mirror (web/js/customers/attribution.js) from what it holds offline,
and both are tested against tests/fixtures/attribution_cases.json.
"""

from __future__ import annotations

from datetime import datetime, timedelta

#: What "more than a week" means.
WEEK = timedelta(days=7)

#: Why a customer has the owner it has after a visit (an `ownership_change` record's `reason`, and the answer the
#: tablet shows). The office's manual reassignments add their own reasons (vocabularies/visits.py).
RULE_REASONS = (
    "first_reception",  # nobody owned the customer: the receiver opens the file
    "appointment",  # the visit was booked by this consultant's phone appointment (nobody's customer, or the owner's)
    "customer_choice",  # under a sales policy, received by several consultants, the customer chose
    "requested_owner",  # the customer asked for the owner
    "same_consultant",  # the owner received the visit
    "within_week",  # back within a week: the owner keeps the customer
    "owner_called",  # more than a week, but the owner phoned the customer in between
    "week_rule",  # more than a week, no call from the owner, not asked for: the receiver takes the customer
)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def decide_owner(case: dict) -> dict:
    """The owner after one visit: `{"owner_id", "reason", "changed"}`.

    `case`: `owner_id` (None: nobody owns the customer yet); `visit` with `consultant_id`, `arrived_at` (ISO 8601
    with offset), `requested_consultant_id` and `invited_by_id` (either may be None); `since`, the previous visit's
    arrival or, with none, when the file was opened (None when not known); `owner_calls`, when the owner reached
    the customer by phone (ISO 8601 list); `policy`, the sales policy `{"starts", "ends"}` in force (or None);
    `received_by`, the consultants who received the customer under that policy before this visit.
    """
    owner, visit = case.get("owner_id"), case["visit"]
    receiver = visit.get("invited_by_id") or visit["consultant_id"]
    requested = visit.get("requested_consultant_id")
    arrived = _moment(visit["arrived_at"])

    def answer(owner_id, reason: str) -> dict:
        return {"owner_id": owner_id, "reason": reason, "changed": owner_id != owner}

    if owner is None:
        return answer(receiver, "appointment" if visit.get("invited_by_id") else "first_reception")
    policy = case.get("policy")
    if policy and _moment(policy["starts"]) <= arrived < _moment(policy["ends"]) and requested:
        received = {*case.get("received_by", ()), receiver}
        if len(received) >= 2 and requested in received:
            return answer(requested, "customer_choice")
    if visit.get("invited_by_id") == owner:
        return answer(owner, "appointment")
    if requested == owner:
        return answer(owner, "requested_owner")
    if receiver == owner:
        return answer(owner, "same_consultant")
    since = case.get("since")
    if since is None or arrived - _moment(since) <= WEEK:
        return answer(owner, "within_week")
    if any(_moment(since) < _moment(call) < arrived for call in case.get("owner_calls", ())):
        return answer(owner, "owner_called")
    return answer(receiver, "week_rule")
