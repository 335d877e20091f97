"""Personal data shown masked (domain.md §8.5): phone numbers and names on lists, screens and prints."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    """Mask a mobile number for lists and screens: first 3 and last 4 digits (domain.md §8.5)."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str:
    """Keep the surname only: 张三丰 → 张**."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)
