"""The walk-around content editor (office, htmx): positions and FAB talking points per series, pictures, publish.

Managers edit a draft of each series (server/workflow/presentation.py); every form answers with the position's
section re-rendered (htmx) or a 303 back to the editor, and with 422 and field messages when the input is bad.
Publishing writes a new, immutable version that tablets pull.
"""

from __future__ import annotations

import copy

from flask import Blueprint, abort, flash, g, request, send_file, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from ..extensions import db
from ..models import Blob, Presentation, Series, Trim
from ..policy import office, store_get
from ..schemas.walkaround import OrderFormSchema, PointFormSchema, PositionFormSchema, local_text
from ..sync.routes import SHA256, storage
from ..vocabularies.walkaround import ORDER_VARIANTS, POSITIONS, TOPICS
from ..workflow import presentation as content
from .forms import field_errors, load_form
from .htmx import is_fragment_request, render, see_other
from .office import store_series

bp = Blueprint("presentations", __name__, url_prefix="/office")

EDITORS = ("manager", "admin")
PICTURE_TYPES = ("image/jpeg", "image/png", "image/webp")


def _picture(errors: dict[str, str]) -> str | None:
    """The uploaded picture kept as a store blob (its SHA-256), None when none was sent; errors go to `errors`."""
    upload = request.files.get("picture")
    if upload is None or not upload.filename:
        return None
    data = upload.stream.read(content.UPLOAD_MAX_BYTES + 1)
    try:
        return content.store_picture(g.store_id, content.encode_picture(data))
    except content.PictureError as exc:
        errors["picture"] = str(exc)
        return None


def _versions(series_id: str) -> list[Presentation]:
    return db.session.scalars(
        select(Presentation)
        .where(Presentation.store_id == g.store_id, Presentation.series_id == series_id)
        .order_by(Presentation.content_version.desc())
    ).all()


def flat(point: dict) -> dict:
    """A talking point as its form's flat values."""
    values = {"topic": point["topic"], "trims": point.get("trims") or []}
    for name in ("feature", "advantage", "benefit"):
        values[f"{name}_zh_CN"] = point[name].get("zh_CN", "")
        values[f"{name}_en"] = point[name].get("en", "")
    return values


def _editor(series: Series, status: int = 200, section: tuple[str, str] | None = None, **extra):
    """The editor page, or (htmx) the section that was posted — `section` names it with its errors."""
    draft = content.draft_for(series)
    trims = [t for t in series.trims if not t.deleted]
    context = {
        "series": series,
        "draft": draft,
        "trims": trims,
        "trim_names": {t.id: t.name for t in trims},
        "versions": _versions(series.id),
        "changed": content.changed(draft),
        "TOPICS": TOPICS,
        "POSITIONS": POSITIONS,
        "VARIANTS": ORDER_VARIANTS,
        "section": section,
        "flat": flat,
        "errors": extra.pop("errors", {}),
        "values": extra.pop("values", {}),
        **extra,
    }
    fragment = None
    if section and section[0] in ("position", "point", "add"):
        position_code = section[1] if section[0] != "point" else _position_of(draft, section[1])
        context["position"] = next(p for p in draft.positions if p["code"] == position_code)
        fragment = "walkaround/_position.html"
    return render("walkaround/editor.html", fragment, status_code=status, **context)


def _position_of(draft, point_code: str) -> str | None:
    for position in draft.positions:
        if any(pt["code"] == point_code for pt in position["points"]):
            return position["code"]
    return None


def _done(series: Series, position_code: str | None = None):
    """After a successful edit: the re-rendered section (htmx) or a 303 to the editor."""
    db.session.commit()
    if is_fragment_request() and position_code:
        return _editor(series, section=("position", position_code))
    anchor = f"#position-{position_code}" if position_code else ""
    return see_other(url_for("presentations.editor", series_id=series.id) + anchor)


def _index(status: int = 200, order: list[str] | None = None, errors: dict | None = None):
    rows = []
    for series in store_series():
        newest = content.latest(g.store_id, series.id)
        rows.append({"series": series, "newest": newest, "changed": content.changed(content.draft_for(series))})
    return render(
        "walkaround/presentations.html",
        status_code=status,
        rows=rows,
        order=order or content.store_order(g.store_id),
        POSITIONS=POSITIONS,
        VARIANTS=ORDER_VARIANTS,
        errors=errors or {},
    )


@bp.get("/presentations")
@office(*EDITORS)
def index():
    """Series with their newest published content and whether a draft waits; the store's default order."""
    return _index()


@bp.post("/presentations/order")
@office(*EDITORS)
def store_order():
    """Set the store's default sequence of positions (for series whose content is made from now on)."""
    try:
        data = OrderFormSchema().load({"order": request.form.getlist("order")})
    except ValidationError as exc:
        order = request.form.getlist("order")
        return _index(422, order if len(order) == 6 else None, field_errors(exc))
    content.set_store_order(g.store_id, data["order"])
    db.session.commit()
    flash(_("The default sequence of positions is saved."), "success")
    return see_other(url_for("presentations.index"))


@bp.get("/presentations/<series_id>")
@office(*EDITORS)
def editor(series_id: str):
    """The content of one series: positions in order, their talking points and pictures, versions."""
    return _editor(store_get(Series, series_id))


def _edit(series: Series):
    """The draft of `series`, in the session, for changing."""
    draft = content.draft_for(series, create=True)
    draft.updated_by = g.user.id
    return draft


@bp.post("/presentations/<series_id>/order")
@office(*EDITORS)
def series_order(series_id: str):
    """Change the sequence of this series' positions."""
    series = store_get(Series, series_id)
    try:
        data = OrderFormSchema().load({"order": request.form.getlist("order")})
    except ValidationError as exc:
        return _editor(series, 422, section=("order", ""), errors=field_errors(exc))
    draft = _edit(series)
    by_code = {p["code"]: p for p in draft.positions}
    draft.position_order = data["order"]
    draft.positions = [by_code[code] for code in data["order"]]
    return _done(series)


def _position_index(draft, code: str) -> int:
    for n, position in enumerate(draft.positions):
        if position["code"] == code:
            return n
    abort(404)


@bp.post("/presentations/<series_id>/positions/<code>")
@office(*EDITORS)
def save_position(series_id: str, code: str):
    """A position's title, where the customer stands, and its picture (upload or remove)."""
    series = store_get(Series, series_id)
    if code not in POSITIONS:
        abort(404)
    data, errors = load_form(PositionFormSchema(), ignore=("remove_picture",), lists=("trims",))
    picture = _picture(errors)
    if errors:
        return _editor(series, 422, section=("position", code), errors=errors, values=request.form)
    draft = _edit(series)
    n = _position_index(draft, code)
    positions = copy.deepcopy(draft.positions)
    positions[n]["title"] = local_text(data, "title")
    positions[n]["stand_hint"] = local_text(data, "stand_hint")
    if picture or request.form.get("remove_picture"):
        positions[n]["picture"] = picture
    draft.positions = positions
    return _done(series, code)


def _point_values(data: dict, trims: list[Trim]) -> tuple[dict, dict[str, str]]:
    known = {t.id for t in trims}
    if set(data["trims"]) - known:
        return {}, {"trims": _("Choose trims of this series.")}
    values = {
        "topic": data["topic"],
        "feature": local_text(data, "feature"),
        "advantage": local_text(data, "advantage"),
        "benefit": local_text(data, "benefit"),
        "trims": sorted(set(data["trims"])),
    }
    return values, {}


@bp.post("/presentations/<series_id>/positions/<code>/points")
@office(*EDITORS)
def add_point(series_id: str, code: str):
    """Add a FAB talking point (with an optional picture) at the end of a position."""
    series = store_get(Series, series_id)
    if code not in POSITIONS:
        abort(404)
    data, errors = load_form(PointFormSchema(), ignore=("remove_picture",), lists=("trims",))
    values, more = _point_values(data, series.trims) if data else ({}, {})
    errors.update(more)
    picture = _picture(errors)
    if errors:
        return _editor(series, 422, section=("add", code), errors=errors, values=request.form)
    draft = _edit(series)
    n = _position_index(draft, code)
    positions = copy.deepcopy(draft.positions)
    positions[n]["points"].append({"code": content.new_point_code(), **values, "picture": picture})
    draft.positions = positions
    return _done(series, code)


def _point_at(draft, point_code: str) -> tuple[int, int]:
    for n, position in enumerate(draft.positions):
        for m, point in enumerate(position["points"]):
            if point["code"] == point_code:
                return n, m
    abort(404)


@bp.post("/presentations/<series_id>/points/<point_code>")
@office(*EDITORS)
def save_point(series_id: str, point_code: str):
    """Change a talking point: texts, topic, trims, picture (upload or remove)."""
    series = store_get(Series, series_id)
    _point_at(content.draft_for(series), point_code)  # 404 before anything else
    data, errors = load_form(PointFormSchema(), ignore=("remove_picture",), lists=("trims",))
    values, more = _point_values(data, series.trims) if data else ({}, {})
    errors.update(more)
    picture = _picture(errors)
    if errors:
        return _editor(series, 422, section=("point", point_code), errors=errors, values=request.form)
    draft = _edit(series)
    n, m = _point_at(draft, point_code)
    positions = copy.deepcopy(draft.positions)
    point = {**positions[n]["points"][m], **values}
    if picture or request.form.get("remove_picture"):
        point["picture"] = picture
    positions[n]["points"][m] = point
    draft.positions = positions
    return _done(series, positions[n]["code"])


@bp.post("/presentations/<series_id>/points/<point_code>/move")
@office(*EDITORS)
def move_point(series_id: str, point_code: str):
    """Move a talking point up or down within its position (tablets show them in this order)."""
    series = store_get(Series, series_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        abort(400)
    draft = _edit(series)
    n, m = _point_at(draft, point_code)
    positions = copy.deepcopy(draft.positions)
    points = positions[n]["points"]
    if 0 <= m + step < len(points):
        points[m], points[m + step] = points[m + step], points[m]
    draft.positions = positions
    return _done(series, positions[n]["code"])


@bp.post("/presentations/<series_id>/points/<point_code>/delete")
@office(*EDITORS)
def delete_point(series_id: str, point_code: str):
    """Remove a talking point from the draft (published versions keep it)."""
    series = store_get(Series, series_id)
    draft = _edit(series)
    n, m = _point_at(draft, point_code)
    positions = copy.deepcopy(draft.positions)
    del positions[n]["points"][m]
    draft.positions = positions
    return _done(series, positions[n]["code"])


@bp.post("/presentations/<series_id>/publish")
@office(*EDITORS)
def publish(series_id: str):
    """Publish the draft as the next version; tablets receive it at their next sync."""
    series = store_get(Series, series_id)
    draft = content.draft_for(series, create=True)
    problems = content.publish_problems(draft)
    if not problems and not content.changed(draft):
        problems = [_("Nothing changed since the last version.")]
    if problems:
        db.session.rollback()
        return _editor(series, 422, section=("publish", ""), errors={"publish": problems})
    presentation = content.publish(draft, g.user)
    db.session.commit()
    flash(
        _("Version %(version)s is published; tablets receive it when they sync.", version=presentation.content_version),
        "success",
    )
    return see_other(url_for("presentations.editor", series_id=series.id))


@bp.get("/pictures/<sha256>")
@office()
def picture(sha256: str):
    """A picture this store holds (content previews); 404 for anything else."""
    blob = db.session.get(Blob, (g.store_id, sha256)) if SHA256.match(sha256) else None
    if blob is None or blob.content_type not in PICTURE_TYPES or not storage().exists(sha256):
        abort(404)
    response = send_file(storage().path(sha256), mimetype=blob.content_type, etag=sha256, conditional=True)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
