"""Masking of personal data on lists, screens and prints (domain.md §8.5)."""

from __future__ import annotations

import pytest

from server.vocabularies.privacy import mask_name, mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800138000", "138****8000"),
        ("15912345678", "159****5678"),
        ("1234567", "*******"),  # too short to show any digit
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone_keeps_first_three_and_last_four_digits(phone, masked):
    """A mobile number shows only its first 3 and last 4 digits; short numbers show nothing."""
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(("name", "masked"), [("张三丰", "张**"), ("李明", "李*"), ("王", "王"), ("", ""), (None, "")])
def test_mask_name_keeps_the_surname_only(name, masked):
    """A customer's name shows the surname and one star per hidden character."""
    assert mask_name(name) == masked
