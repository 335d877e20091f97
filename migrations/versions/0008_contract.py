"""the sync contract to the letter: records awaiting blobs, the values a write replaced, offsets on conflict times

- `awaiting_blobs` on the entities whose records may name photos before they are uploaded (SYNC_PROTOCOL.md,
  Blobs); a sealed record may still change that list (and its version), nothing else: the sealed-row triggers
  now allow exactly that.
- `mutation_log.replaced`: the values each write replaced, so a conflict shows what both sides had seen.
- Conflicts kept before this revision may carry `overwritten_by.at` / `applied_by.at` without an offset (SQLite
  handed the log's time back naive): they are UTC; they get `+00:00` and a new store version, so tablets pull them
  again.

Revision ID: 0008_contract
Revises: 0007_handover
"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_contract'
down_revision = '0007_handover'
branch_labels = None
depends_on = None

AWAITING = ("delivery", "test_drive_log", "licence_photo")
SEALED = ("delivery", "test_drive", "test_drive_log")
NAIVE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
#: What a sealed row may still change: its list of awaited blobs and the version that publishes it.
MAY_MOVE = ("awaiting_blobs", "version", "updated_at")


def _sealed_triggers(guard_all: bool) -> None:
    bind = op.get_bind()
    for table in SEALED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_sealed_immutable" + ("" if bind.dialect.name == "sqlite" else f" ON {table}"))
    if bind.dialect.name != "sqlite":
        allowed = "".join(f" - '{c}'" for c in MAY_MOVE)
        changed = "" if guard_all else f" AND (to_jsonb(NEW){allowed}) IS DISTINCT FROM (to_jsonb(OLD){allowed})"
        op.execute("CREATE OR REPLACE FUNCTION refuse_sealed_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN IF OLD.sealed{changed} THEN RAISE EXCEPTION 'sealed record is immutable'; END IF; "
                   "RETURN NEW; END $$")
    for table in SEALED:
        if bind.dialect.name == "sqlite":
            columns = [c["name"] for c in sa.inspect(bind).get_columns(table) if guard_all or c["name"] not in MAY_MOVE]
            changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
            op.execute(f"CREATE TRIGGER {table}_sealed_immutable BEFORE UPDATE ON {table} "
                       f"WHEN OLD.sealed = 1 AND ({'1' if guard_all else changed}) "
                       "BEGIN SELECT RAISE(ABORT, 'sealed record is immutable'); END")
        else:
            op.execute(f"CREATE TRIGGER {table}_sealed_immutable BEFORE UPDATE ON {table} FOR EACH ROW "
                       "EXECUTE FUNCTION refuse_sealed_update()")


def _offsets_on_conflict_times() -> None:
    bind = op.get_bind()
    conflict = sa.table("conflict", sa.column("id", sa.String), sa.column("store_id", sa.Integer),
                        sa.column("version", sa.BigInteger), sa.column("overwritten_by", sa.JSON),
                        sa.column("applied_by", sa.JSON))
    store = sa.table("store", sa.column("id", sa.Integer), sa.column("version", sa.BigInteger))
    versions = {}
    for row in bind.execute(sa.select(conflict)).all():
        sides = {}
        for side in ("overwritten_by", "applied_by"):
            value = getattr(row, side)
            at = value.get("at") if isinstance(value, dict) else None
            if isinstance(at, str) and NAIVE.match(at):
                sides[side] = {**value, "at": at + "+00:00"}
        if not sides:
            continue
        if row.store_id not in versions:
            versions[row.store_id] = bind.execute(
                sa.update(store).where(store.c.id == row.store_id).values(version=store.c.version + 1)
                .returning(store.c.version)).scalar_one()
        bind.execute(sa.update(conflict).where(conflict.c.id == row.id).values(version=versions[row.store_id], **sides))


def upgrade():
    for table in AWAITING:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('awaiting_blobs', sa.JSON(), nullable=True))
    with op.batch_alter_table('mutation_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaced', sa.JSON(), nullable=True))
    _sealed_triggers(guard_all=False)
    _offsets_on_conflict_times()


def downgrade():
    _sealed_triggers(guard_all=True)
    with op.batch_alter_table('mutation_log', schema=None) as batch_op:
        batch_op.drop_column('replaced')
    for table in reversed(AWAITING):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('awaiting_blobs')
