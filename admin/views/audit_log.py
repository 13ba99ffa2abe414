"""The audit log of the workspace (owners only)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin.guard import current_admin
from admin.templating import render
from admin.views.common import db_of
from server.audit import audit_entries

PAGE_SIZE = 50


def list_entries(request: Request) -> Response:
    admin = current_admin(request)
    page_number = request.query_params.get("page", "1")
    page = int(page_number) if page_number.isdigit() and int(page_number) > 0 else 1
    action = request.query_params.get("action", "")[:60]
    with db_of(request).read() as session:
        entries = audit_entries(
            session,
            admin.workspace_id,
            action=action,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
    return render(
        request,
        "audit/list.html",
        {
            "entries": entries[:PAGE_SIZE],
            "page": page,
            "has_more": len(entries) > PAGE_SIZE,
            "action": action,
        },
    )
