"""Walk-around schemas: the needs analysis and the session as tablets write them, the content as they read it,
and the office's forms for talking points and the manager's score."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema

from ..vocabularies.grades import suggest_grade
from ..vocabularies.walkaround import (
    DECISION_MAKERS,
    NEEDS_GRADES,
    PAYMENTS,
    POSITIONS,
    RUBRIC,
    TIMELINES,
    TOPICS,
    USAGES,
)
from .fields import REQUIRED, Moment, Trimmed, choice, integer, number, text

#: Device timestamps (ISO 8601); shown, never trusted for ordering.
MOMENT = validate.Regexp(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$",
    error=_l("Use a date and time like 2026-11-29T10:14:07+08:00."),
)
POINT_CODE = r"^[a-z0-9_]{1,32}$"
BUDGET_MAX = 10_000  # 万元: one hundred million yuan


def budget() -> fields.Float:
    """A budget bound in 万元 (ten thousand yuan), or null when the customer did not say."""
    return number(0, BUDGET_MAX, allow_none=True, load_default=None)


def choices(options, maximum: int) -> fields.List:
    """A list of distinct codes from a vocabulary."""
    return fields.List(
        choice(options),
        load_default=list,
        validate=validate.Length(max=maximum, error=_l("At most {max} entries.")),
        error_messages=REQUIRED,
    )


class NeedsAnalysisSchema(Trimmed, Schema):
    """The five questions at entry (进店五问): what car, for what use, what budget, who decides, when.

    `suggested_grade` is derived: whenever a load has the timeline, both budget bounds and the decision maker,
    it is recomputed from them (server/workflow/grading.py) whatever the client sent.
    """

    customer_id = fields.String(required=True, error_messages=REQUIRED)
    consultant_id = fields.Integer(allow_none=True, load_default=None, strict=True, error_messages=REQUIRED)
    series_id = fields.String(allow_none=True, load_default=None, error_messages=REQUIRED)
    usage = choices(USAGES, 6)
    users = text(200, required=False, load_default="")
    decision_maker = choice(DECISION_MAKERS, load_default="unknown")
    budget_min = budget()
    budget_max = budget()
    payment = choice(PAYMENTS, load_default="undecided")
    current_car = text(120, required=False, load_default="")
    trade_in = fields.Boolean(load_default=False, error_messages=REQUIRED)
    competitors = fields.List(
        fields.String(validate=validate.Length(min=1, max=80, error=_l("Between {min} and {max} characters."))),
        load_default=list,
        validate=validate.Length(max=10, error=_l("At most {max} entries.")),
        error_messages=REQUIRED,
    )
    focus_topics = choices(TOPICS, len(TOPICS))
    timeline = choice(TIMELINES, load_default="unknown")
    suggested_grade = choice(NEEDS_GRADES, load_default="N")
    grade = choice(NEEDS_GRADES, allow_none=True, load_default=None)
    notes = text(2000, required=False, load_default="")
    answered_at = Moment(allow_none=True, load_default=None, validate=MOMENT, error_messages=REQUIRED)

    @pre_load
    def _tidy_lists(self, data, **_kw):
        if isinstance(data, dict) and isinstance(data.get("competitors"), list):
            data = {**data, "competitors": [c.strip() if isinstance(c, str) else c for c in data["competitors"]]}
        return data

    @validates_schema
    def _consistent(self, data, **_kw):
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            raise ValidationError(_l("The upper budget must not be below the lower one."), "budget_max")
        for name in ("usage", "focus_topics"):
            if name in data and len(set(data[name])) != len(data[name]):
                raise ValidationError(_l("Each entry only once."), name)

    @post_load
    def _suggest(self, data, **_kw):
        if {"timeline", "budget_min", "budget_max", "decision_maker"} <= set(data):
            data["suggested_grade"] = suggest_grade(data)[0]
        return data


class PointMarkSchema(Trimmed, Schema):
    """What happened with one talking point: presented, the customer's interest or objection, a note."""

    presented = fields.Boolean(load_default=False, error_messages=REQUIRED)
    interest = fields.Boolean(load_default=False, error_messages=REQUIRED)
    objection = fields.Boolean(load_default=False, error_messages=REQUIRED)
    note = text(500, required=False, load_default="")


class PositionVisitSchema(Schema):
    """Time spent at one position, whether the customer sat in, and the points' marks."""

    seconds = integer(0, 36_000, load_default=0)
    sat_in = fields.Boolean(load_default=False, error_messages=REQUIRED)
    points = fields.Dict(
        keys=fields.String(validate=validate.Regexp(POINT_CODE, error=_l("Unknown talking point."))),
        values=fields.Nested(PointMarkSchema),
        load_default=dict,
        error_messages=REQUIRED,
    )


class WalkaroundSchema(Trimmed, Schema):
    """A walk-around session as the tablet records it; codes are checked against the presentation version."""

    customer_id = fields.String(required=True, error_messages=REQUIRED)
    consultant_id = fields.Integer(allow_none=True, load_default=None, strict=True, error_messages=REQUIRED)
    presentation_id = fields.String(required=True, error_messages=REQUIRED)
    needs_analysis_id = fields.String(allow_none=True, load_default=None, error_messages=REQUIRED)
    trim_id = fields.String(allow_none=True, load_default=None, error_messages=REQUIRED)
    started_at = Moment(required=True, validate=MOMENT, error_messages=REQUIRED)
    finished_at = Moment(allow_none=True, load_default=None, validate=MOMENT, error_messages=REQUIRED)
    current_position = choice(POSITIONS, allow_none=True, load_default=None)
    positions = fields.Dict(
        keys=choice(POSITIONS), values=fields.Nested(PositionVisitSchema), load_default=dict, error_messages=REQUIRED
    )
    brochure_given = fields.Boolean(load_default=False, error_messages=REQUIRED)
    test_drive_invited = fields.Boolean(load_default=False, error_messages=REQUIRED)
    status = choice(("in_progress", "finished"), load_default="in_progress")
    notes = text(2000, required=False, load_default="")

    @validates_schema
    def _finished_has_a_time(self, data, **_kw):
        if data.get("status") == "finished" and "finished_at" in data and not data["finished_at"]:
            raise ValidationError(_l("A finished walk-around needs its end time."), "finished_at")


class PresentationRecordSchema(Schema):
    """A published presentation version as tablets receive it (read-only there)."""

    series_id = fields.String()
    content_version = fields.Integer()
    position_order = fields.List(fields.String())
    positions = fields.List(fields.Dict())
    published_at = fields.String()
    published_by = fields.Integer()


# --- office forms ------------------------------------------------------------------------------------------


def _local(name: str, max_length: int, required: bool) -> dict:
    chinese = text(max_length) if required else text(max_length, required=False, load_default="")
    return {f"{name}_zh_CN": chinese, f"{name}_en": text(max_length, required=False, load_default="")}


class PositionFormSchema(Trimmed, Schema.from_dict({**_local("title", 60, True), **_local("stand_hint", 120, False)})):
    """A position's title and where the customer stands, in Chinese (required) and English."""


class PointFormSchema(
    Trimmed,
    Schema.from_dict(
        {**_local("feature", 200, True), **_local("advantage", 200, False), **_local("benefit", 300, False)}
    ),
):
    """A FAB talking point: feature (required), advantage, benefit, in Chinese and English, tagged by topic;
    `trims` empty means every trim has it."""

    topic = choice(TOPICS, required=True)
    trims = fields.List(fields.String(), load_default=list)


class OrderFormSchema(Schema):
    """A sequence of the six positions: a variant's name or the six codes in order."""

    order = fields.List(choice(POSITIONS), required=True, error_messages=REQUIRED)

    @validates_schema
    def _six_distinct(self, data, **_kw):
        if sorted(data.get("order", [])) != sorted(POSITIONS):
            raise ValidationError(_l("Put each of the six positions in the sequence exactly once."), "order")


_SCORE_FIELDS = {
    **{f"score_{code}": integer(0, 2, required=True) for code in RUBRIC},
    **{f"comment_{code}": text(300, required=False, load_default="") for code in RUBRIC},
}


class ScoreFormSchema(Trimmed, Schema.from_dict(_SCORE_FIELDS)):
    """A manager's rubric score (domain.md §2.3): each item 0, 1 or 2 with a comment, an overall comment; the
    loaded data is `{items: {code: {score, comment}}, total, comment}`."""

    comment = text(2000, required=False, load_default="")

    @post_load
    def _total(self, data, **_kw):
        items = {code: {"score": data.pop(f"score_{code}"), "comment": data.pop(f"comment_{code}")} for code in RUBRIC}
        return {"items": items, "total": sum(item["score"] for item in items.values()), "comment": data["comment"]}


def local_text(data: dict, name: str) -> dict:
    """{"zh_CN": …, "en": …} from a form's `<name>_zh_CN` and `<name>_en` (empty English left out)."""
    out = {"zh_CN": data[f"{name}_zh_CN"]}
    if data.get(f"{name}_en"):
        out["en"] = data[f"{name}_en"]
    return out


def point_code_ok(code: object) -> bool:
    """True for a code a talking point may have."""
    return isinstance(code, str) and re.match(POINT_CODE, code) is not None
