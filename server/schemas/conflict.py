"""What tablets and the office see of the records the sync engine makes: a conflict (SYNC_PROTOCOL.md, Pull:
`conflict/<id>`) and a refused mutation (`rejection/<id>`)."""

from __future__ import annotations

from marshmallow import Schema, fields


class ConflictSchema(Schema):
    """A kept value: the base the writer saw, the overwritten and the applied value, who and when."""

    entity = fields.String()
    record_id = fields.String()
    field = fields.String()
    base_version = fields.Integer()
    base_value = fields.Raw(allow_none=True)
    overwritten_value = fields.Raw(allow_none=True)
    applied_value = fields.Raw(allow_none=True)
    overwritten_by = fields.Dict()
    applied_by = fields.Dict()
    state = fields.String()
    resolved_by = fields.Integer(allow_none=True)
    resolved_at = fields.String(allow_none=True)


class RejectionSchema(Schema):
    """A mutation the server refused, published to the client group that sent it: what was sent and why."""

    clientID = fields.String()  # noqa: N815 - the contract's field names
    mutationID = fields.Integer()  # noqa: N815
    name = fields.String()
    args = fields.Raw(allow_none=True)
    error = fields.Dict()
