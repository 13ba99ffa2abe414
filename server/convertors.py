"""Path parameters `{name:int}` match 0 to 2,147,483,647 only, the range of the database's id
columns: a larger number in a URL matches no route (404) instead of reaching a query that
the database refuses (a 500). Registered in place of Starlette's unbounded `int` convertor
when the `server` package is imported, before any route is made."""

from __future__ import annotations

from starlette.convertors import IntegerConvertor, register_url_convertor

MAX_ID = 2**31 - 1


def _at_most(limit: str) -> str:
    """A regex matching the decimal numbers from 0 to `limit` (leading zeros allowed)."""
    shorter = f"0*[0-9]{{1,{len(limit) - 1}}}"
    same_length = []
    for position, digit in enumerate(limit):
        if digit != "0":
            rest = len(limit) - position - 1
            below = f"[0-{int(digit) - 1}]" if digit != "1" else "0"
            same_length.append(f"{limit[:position]}{below}[0-9]{{{rest}}}")
    same_length.append(limit)
    return f"(?:{shorter}|0*(?:{'|'.join(same_length)}))"


class IdConvertor(IntegerConvertor):
    regex = _at_most(str(MAX_ID))


register_url_convertor("int", IdConvertor())
