"""The admin's Jinja2 environment: autoescaping on, `admin` and the CSRF token in every page."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from admin.report_format import FILTERS as REPORT_FILTERS

HERE = Path(__file__).parent


def _context(request: Request) -> dict[str, Any]:
    admin = getattr(request.state, "admin", None)
    return {"admin": admin, "csrf_token": admin.csrf_token if admin else ""}


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    moment = value.astimezone(UTC) if value.tzinfo else value
    return moment.strftime("%Y-%m-%d %H:%M UTC")


_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    auto_reload=False,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["when"] = _when
_env.filters.update(REPORT_FILTERS)
templates = Jinja2Templates(env=_env, context_processors=[_context])


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Any:
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)
