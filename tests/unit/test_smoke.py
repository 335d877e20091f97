"""The factory builds an app whose migrated schema accepts the demo dealership."""

from server.demo import seed_demo
from server.extensions import db


def test_seed_demo_twice_changes_nothing(ctx):
    """`seed-demo` twice: the second run creates nothing and leaves every row as it was."""
    created, users = seed_demo()
    db.session.commit()
    assert created > 0 and len(users) == 9
    again, _users = seed_demo()
    db.session.commit()
    assert again == 0
