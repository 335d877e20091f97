"""The workflow: the seed's business rules that need the database (DESIGN.md), one module per feature —
customers, handover, test drives (with the pure eligibility rules), walk-around and its reports, presentations —
the account services, the explicit list of synced entities (entities.py) and this layer's commands.

It stands on the record core (server/records/) and never imports the sync protocol, documents or routes."""
