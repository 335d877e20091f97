"""Domain rules of the seed (DESIGN.md): handover, and later attribution, grades, eligibility, orders."""
