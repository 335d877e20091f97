"""Authoring walk-around content: the office's draft of a series, pictures as blobs, publishing a version.

A draft is the one mutable copy per series (not synced). Publishing validates it and writes a NEW
`Presentation` row through the sync write path (server/records/writes.py), so tablets pull it; published rows are
never updated, which is what lets a past walk-around show what was presented then.
"""

from __future__ import annotations

import copy
import io
import os
import warnings

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from ..extensions import db
from ..models import Blob, Presentation, PresentationDraft, Series, User, WalkaroundSetting, utcnow, uuid7
from ..records.writes import server_put
from ..storage import LocalStorage
from ..vocabularies.walkaround import DEFAULT_ORDER, DEFAULT_POSITION_TEXT

#: What the office may upload (bytes before re-encoding) and what a picture becomes (long side, WebP quality).
UPLOAD_MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
LONG_SIDE = 1024
QUALITY = 78
FORMATS = ("JPEG", "PNG", "WEBP")


class PictureError(ValueError):
    """An upload that is not a usable picture; the message is for the person who uploaded it."""


def store_order(store_id: int) -> list[str]:
    """The store's default sequence of positions for new content (variant A unless set)."""
    setting = db.session.get(WalkaroundSetting, store_id)
    return list(setting.position_order) if setting else list(DEFAULT_ORDER)


def set_store_order(store_id: int, order: list[str]) -> None:
    """Set the store's default sequence (the caller validated it and commits)."""
    setting = db.session.get(WalkaroundSetting, store_id)
    if setting is None:
        db.session.add(WalkaroundSetting(store_id=store_id, position_order=list(order)))
    else:
        setting.position_order = list(order)


def latest(store_id: int, series_id: str) -> Presentation | None:
    """The newest published version of a series' content, or None."""
    return db.session.scalar(
        select(Presentation)
        .where(Presentation.store_id == store_id, Presentation.series_id == series_id, Presentation.deleted.is_(False))
        .order_by(Presentation.content_version.desc())
        .limit(1)
    )


def skeleton(order: list[str]) -> list[dict]:
    """Six positions with their default titles and no points."""
    return [
        {
            "code": code,
            "title": dict(DEFAULT_POSITION_TEXT[code][0]),
            "stand_hint": dict(DEFAULT_POSITION_TEXT[code][1]),
            "picture": None,
            "points": [],
        }
        for code in order
    ]


def draft_for(series: Series, create: bool = False) -> PresentationDraft:
    """The series' draft; made from the newest published version (or the store's default skeleton) when there
    is none — added to the session only with `create`."""
    draft = db.session.scalar(
        select(PresentationDraft).where(
            PresentationDraft.store_id == series.store_id, PresentationDraft.series_id == series.id
        )
    )
    if draft is not None:
        return draft
    published = latest(series.store_id, series.id)
    if published is not None:
        order, positions = list(published.position_order), copy.deepcopy(published.positions)
    else:
        order = store_order(series.store_id)
        positions = skeleton(order)
    draft = PresentationDraft(
        store_id=series.store_id,
        series_id=series.id,
        position_order=order,
        positions=positions,
        based_on=published.id if published else None,
    )
    if create:
        db.session.add(draft)
    return draft


def changed(draft: PresentationDraft) -> bool:
    """True when the draft differs from the newest published version (or nothing is published yet)."""
    published = db.session.get(Presentation, draft.based_on) if draft.based_on else None
    newest = latest(draft.store_id, draft.series_id)
    if published is None or newest is None or newest.id != published.id:
        return True
    return published.position_order != draft.position_order or published.positions != draft.positions


def new_point_code() -> str:
    """A short random code for a new talking point (kept by the point through every later version)."""
    return "p" + os.urandom(4).hex()


def encode_picture(data: bytes) -> bytes:
    """Check that `data` is a JPEG, PNG or WebP picture and re-encode it as a WebP of at most LONG_SIDE pixels
    (tablets download every picture of the content, so each stays small). Raises PictureError."""
    if len(data) > UPLOAD_MAX_BYTES:
        raise PictureError(_("The picture is too large (at most %(mb)s MB).", mb=UPLOAD_MAX_BYTES // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS:
                    raise PictureError(_("Use a JPEG, PNG or WebP picture."))
                if image.width * image.height > MAX_PIXELS:
                    raise PictureError(_("The picture has too many pixels."))
                image.load()
                picture = ImageOps.exif_transpose(image)
                picture.thumbnail((LONG_SIDE, LONG_SIDE))
                if picture.mode not in ("RGB", "RGBA"):
                    picture = picture.convert(
                        "RGBA" if "A" in picture.getbands() or "transparency" in picture.info else "RGB"
                    )
                out = io.BytesIO()
                picture.save(out, "WEBP", quality=QUALITY, method=4)
    except PictureError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureError(_("This file is not a picture that can be read.")) from None
    return out.getvalue()


def store_picture(store_id: int, data: bytes, content_type: str = "image/webp") -> str:
    """Keep picture bytes as a blob of the store (so its tablets may fetch them); returns the SHA-256."""
    sha256 = LocalStorage(current_app.config["STORAGE_DIR"]).put_bytes(data)
    if db.session.get(Blob, (store_id, sha256)) is None:
        db.session.add(
            Blob(store_id=store_id, sha256=sha256, size=len(data), content_type=content_type, origin="office")
        )
    return sha256


def publish_problems(draft: PresentationDraft) -> list[str]:
    """What keeps a draft from being published: a position without a title or without any talking point."""
    problems = []
    for position in draft.positions:
        if not position["title"].get("zh_CN"):
            problems.append(_("A position has no title."))
        if not position["points"]:
            problems.append(_("%(position)s has no talking point yet.", position=position["title"].get("zh_CN", "")))
    return problems


def publish(draft: PresentationDraft, user: User) -> Presentation:
    """Write the draft as the series' next content version (a new row; the caller commits)."""
    current = db.session.scalar(
        select(func.max(Presentation.content_version)).where(
            Presentation.store_id == draft.store_id, Presentation.series_id == draft.series_id
        )
    )
    presentation = Presentation(id=uuid7(), store_id=draft.store_id)
    server_put(
        presentation,
        {
            "series_id": draft.series_id,
            "content_version": (current or 0) + 1,
            "position_order": list(draft.position_order),
            "positions": copy.deepcopy(draft.positions),
            "published_at": utcnow().isoformat(timespec="seconds"),
            "published_by": user.id,
        },
        user,
    )
    draft.based_on = presentation.id
    return presentation
