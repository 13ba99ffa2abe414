"""The move operations of the admin's ordered lists (a guide's steps, checklist items, the
resource center's entries): `move_up:I`, `move_down:I` (the ↑ and ↓ buttons, which work
without JavaScript) and `move_to:FROM:TO` (a drag, admin.js)."""

from __future__ import annotations

MOVES = ("move_up", "move_down", "move_to")
_MAX_DIGITS = 6  # far beyond any list here, and short of int()'s limit on digit strings


def index_of(raw: str) -> int:
    """A position sent by a form; -1 for anything that is not one."""
    return int(raw) if raw.isdigit() and len(raw) <= _MAX_DIGITS else -1


def move_of(op: str, length: int) -> tuple[int, int] | None:
    """(from, to) of the move `op` asks for in a list of `length` items; None when `op` is no
    move, or a move out of range (which then changes nothing)."""
    name, _, raw = op.partition(":")
    source, _, goal = raw.partition(":")
    start = index_of(source)
    if name == "move_to":
        end = index_of(goal)
    elif name in MOVES:
        end = start - 1 if name == "move_up" else start + 1
    else:
        return None
    return (start, end) if 0 <= start < length and 0 <= end < length else None
