"""What every analytics page shares: the date range, CSV downloads, and links that keep
the page's choices (range, version, trait) when one of them changes."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from admin.report_period import PRESETS, ReportPeriod, report_period


def period_of(request: Request) -> ReportPeriod:
    return report_period(request.query_params)


def with_query(url: str, **params: Any) -> str:
    """`url` with the non-empty `params` as its query string."""
    kept = {key: str(value) for key, value in params.items() if value not in (None, "")}
    return url + ("?" + urlencode(kept) if kept else "")


def period_context(request: Request, chosen: ReportPeriod, **keep: Any) -> dict[str, Any]:
    """The range picker's links and fields; `keep` are the page's other choices."""
    base = str(request.url.replace(query=""))
    return {
        "chosen": chosen,
        "period": chosen.period,
        "presets": [(days, with_query(base, days=days, **keep)) for days in PRESETS],
        "keep": {key: value for key, value in keep.items() if value not in (None, "")},
        "query": {**chosen.query, **keep},
    }


def _safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "export"


def csv_response(body: str, filename: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_safe_filename(filename)}.csv"'},
    )


def choice(request: Request, name: str, allowed: list[str], default: str) -> str:
    value = request.query_params.get(name, "")
    return value if value in allowed else default
