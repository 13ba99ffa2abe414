"""`/api/v1/analytics/…`: every analytics table as JSON, with a read token. Each answer holds
the same columns and rows as the table's CSV export (analytics/tables.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from analytics.exports import records
from analytics.store import Period
from analytics.tables import TABLES, TableQuery, TableSpec, build_table
from guides.errors import InvalidPayload, fields_from_pydantic
from server.api.auth import authorize, reachable_app, reachable_guide, state_of

DEFAULT_DAYS = 30
MAX_DAYS = 366

OPTION_PARAMS = {
    "period": ("start", "end"),
    "version": ("version",),
    "trait": ("trait",),
    "search": ("search",),
    "page": ("limit", "offset"),
    "goal": ("goal",),
}


def _iso_day(value: Any) -> Any:
    """A day is written YYYY-MM-DD; pydantic alone would take `0` as 1970-01-01."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("write a day as YYYY-MM-DD")
    return value


def _whole_number(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"-?\d{1,9}", value):
        raise ValueError("a whole number")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]
Whole = Annotated[int, BeforeValidator(_whole_number)]


class TableParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: Day | None = Field(
        None, description="First UTC day, YYYY-MM-DD (default: 29 days before `end`)."
    )
    end: Day | None = Field(None, description="Last UTC day, included (default: today).")
    version: Whole | None = Field(
        None, ge=1, le=1_000_000, description="One published version only."
    )
    trait: str | None = Field(
        None, min_length=1, max_length=100, description="A user trait's name."
    )
    search: str | None = Field(None, max_length=200, description="Keep comments containing this.")
    goal: str | None = Field(
        None, min_length=1, max_length=1000, description="A `track` event's name: the goal."
    )
    limit: Whole = Field(50, ge=1, le=500)
    offset: Whole = Field(0, ge=0, le=1_000_000)


class TableAnswer(BaseModel):
    table: str
    app_id: int
    guide_id: int | None
    start: Day | None = Field(description="The period read, when the table has one.")
    end: date | None
    columns: list[str] = Field(description="The CSV export's header, in order.")
    rows: list[dict[str, Any]] = Field(
        description="One record per row, keyed by `columns`: numbers as numbers, rates "
        "as unrounded fractions, times ISO 8601 in UTC, null for no data."
    )


def allowed_params(spec: TableSpec) -> list[str]:
    return [name for option in spec.options for name in OPTION_PARAMS[option]]


def _params(request: Request, spec: TableSpec) -> TableParams:
    allowed = set(allowed_params(spec))
    given = dict(request.query_params)
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise InvalidPayload(
            f"unknown query parameter {unknown[0]!r}",
            fields=[{"field": name, "message": "not an option of this table"} for name in unknown],
        )
    try:
        params = TableParams.model_validate(given)
    except ValidationError as exc:
        fields = fields_from_pydantic(exc.errors())
        raise InvalidPayload(
            "invalid query: " + ", ".join(sorted({f["field"] for f in fields})), fields=fields
        ) from None
    if "trait" in spec.options and not params.trait:
        raise InvalidPayload(
            "name the trait to group by", fields=[{"field": "trait", "message": "required"}]
        )
    return params


def _period(params: TableParams) -> Period:
    end = params.end or datetime.now(UTC).date()
    start = params.start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidPayload(
            "the period ends before it starts",
            fields=[{"field": "start", "message": "must be on or before end"}],
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidPayload(
            f"a period is at most {MAX_DAYS} days",
            fields=[{"field": "start", "message": f"at most {MAX_DAYS} days before end"}],
        )
    return Period(start, end)


def table_endpoint(spec: TableSpec) -> Any:
    async def endpoint(request: Request) -> Response:
        grant = await authorize(request)
        params = _params(request, spec)
        period = _period(params)
        has_period = "period" in spec.options

        def run() -> TableAnswer:
            with state_of(request).db.read() as session:
                app_id, guide_id = _scope(session, request)
                query = TableQuery(
                    app_id=app_id,
                    guide_id=guide_id or 0,
                    period=period,
                    version=params.version,
                    trait=params.trait or "",
                    user=request.path_params.get("user", ""),
                    search=params.search,
                    limit=params.limit,
                    offset=params.offset,
                    goal=params.goal or "",
                )
                table = build_table(session, spec.name, query)
                return TableAnswer(
                    table=spec.name,
                    app_id=app_id,
                    guide_id=guide_id,
                    start=period.start if has_period else None,
                    end=period.end if has_period else None,
                    columns=list(table.header),
                    rows=records(table),
                )

        def _scope(session: Session, request: Request) -> tuple[int, int | None]:
            if spec.scope == "guide":
                guide = reachable_guide(session, grant, request.path_params["guide_id"])
                return guide.app_id, guide.id
            app = reachable_app(session, grant, request.path_params["app_id"])
            assert app.id is not None
            return app.id, None

        answer = await run_in_threadpool(run)
        return JSONResponse(answer.model_dump(mode="json"), headers={"Cache-Control": "no-store"})

    endpoint.__name__ = f"analytics_{spec.name.replace('-', '_')}"
    return endpoint


def table_path(spec: TableSpec) -> str:
    """The path under /api/v1, with Starlette's convertors."""
    if spec.scope == "guide":
        return f"/analytics/guides/{{guide_id:int}}/{spec.name}"
    if spec.scope == "user":
        return f"/analytics/apps/{{app_id:int}}/users/{{user:str}}/{spec.name}"
    return f"/analytics/apps/{{app_id:int}}/{spec.name}"


routes = [
    Route(table_path(spec), table_endpoint(spec), methods=["GET"], name=f"analytics_{spec.name}")
    for spec in TABLES.values()
]
