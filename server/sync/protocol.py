"""What push and pull share: the protocol's schema version, the store's write lock, and the binding of client
groups and clients to the user who first used them (SYNC_PROTOCOL.md, Push and Pull)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError

from ..database import write_transaction
from ..errors import ApiError, unavailable
from ..extensions import db
from ..models import ClientGroup, Store, SyncClient, User

#: The schema versions this server speaks (a client outside them gets 426).
SCHEMA_VERSION = {"min": 1, "max": 1}


def lock_store(store_id: int) -> None:
    """Take the store's write lock first thing in a write transaction (SQLite: BEGIN IMMEDIATE already holds the
    database's; PostgreSQL: the store row), so everything the push reads — its clients' lastMutationIDs, the
    records — is read after any concurrent push of the store has committed."""
    db.session.execute(select(Store.id).where(Store.id == store_id).with_for_update())


def bind_group(group_id: str, user: User) -> ClientGroup:
    """The client group, bound to this user and store at first use; anyone else presenting it gets 403.

    Call it inside a write transaction that holds the store's lock (`lock_store`): two first uses of a new
    group at once must not both insert it.
    """
    group = db.session.get(ClientGroup, group_id)
    if group is None:
        group = ClientGroup(id=group_id, store_id=user.store_id, user_id=user.id)
        db.session.add(group)
        db.session.flush()
    elif group.user_id != user.id or group.store_id != user.store_id:
        raise ApiError(403, _("This app install belongs to another user. Sign in again on this tablet."))
    return group


def check_group(group_id: str, user: User) -> None:
    """For readers (pull): 403 for another user's group; bind a new one in a short write transaction."""
    group = db.session.get(ClientGroup, group_id)
    if group is not None:
        if group.user_id != user.id or group.store_id != user.store_id:
            raise ApiError(403, _("This app install belongs to another user. Sign in again on this tablet."))
        return
    try:
        with write_transaction():
            lock_store(user.store_id)
            bind_group(group_id, user)
    except (OperationalError, DBAPIError) as exc:
        raise unavailable() from exc


def bind_clients(client_ids: set[str], group: ClientGroup) -> dict[str, SyncClient]:
    """The push's clients, new ones bound to the group; a client of another group → 403."""
    known = {c.id: c for c in db.session.scalars(select(SyncClient).where(SyncClient.id.in_(client_ids)))}
    for client_id in client_ids - set(known):
        known[client_id] = SyncClient(
            id=client_id, client_group_id=group.id, last_mutation_id=0, last_mutation_version=0
        )
        db.session.add(known[client_id])
    if any(client.client_group_id != group.id for client in known.values()):
        raise ApiError(403, _("This app instance belongs to another install."))
    db.session.flush()
    return known
