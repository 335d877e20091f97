"""The dealership's vocabularies, one module per home: codes are stable (they go over the wire and into the
database); labels go through gettext. Nothing here imports the rest of the server.

- roles.py — staff roles and which of them work on tablets, in the office, and review what synced (DESIGN.md)
- customers.py — lead sources (domain.md §5.5)
- grades.py — intention grades and the grade a needs analysis suggests (domain.md §5.1)
- catalogue.py — stock states, powertrains
- privacy.py — masking of phone numbers and names (domain.md §8.5)
- test_drive.py — licence classes and the eligibility reasons
- walkaround.py — the six positions, needs-analysis choices and the presentation rubric
"""
