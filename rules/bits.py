"""Bitset helpers: a Python int whose bit r stands for row r."""

from __future__ import annotations


def rows_of(mask: int) -> list[int]:
    """Row numbers of the set bits, in table order."""
    rows = []
    while mask:
        low = mask & -mask
        rows.append(low.bit_length() - 1)
        mask ^= low
    return rows


def failure_counts(all_rows: int, hits: tuple[int, ...]) -> list[int]:
    """Per-row count of failing cells, bit-sliced: slice i holds bit i of every row's count."""
    slices: list[int] = []
    for bits in hits:
        carry = all_rows & ~bits
        for i, s in enumerate(slices):
            slices[i] = s ^ carry
            carry &= s
            if not carry:
                break
        else:
            if carry:
                slices.append(carry)
    return slices


def fewest_failures(all_rows: int, hits: tuple[int, ...]) -> int:
    """Bitset of the non-matching rows that fail the fewest cells (0 if every row matches)."""
    slices = failure_counts(all_rows, hits)
    for k in range(1, len(hits) + 1):
        if k >> len(slices):
            break
        rows = all_rows
        for i, s in enumerate(slices):
            rows &= s if (k >> i) & 1 else ~s
        if rows:
            return rows
    return 0
