"""Webhooks of an app: subscribe an endpoint to events (its signing secret shown once),
rotate the secret, remove it, read its delivery log and resend a delivery (owners write)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin.forms import errors_by_field
from admin.guard import current_admin
from admin.templating import render
from admin.views.apps import app_of_workspace
from admin.views.common import audit, db_of, form_of, redirect_to, state_of, text
from analytics.webhooks import (
    WebhookEvent,
    create_endpoint,
    delete_endpoint,
    deliveries_of_endpoint,
    endpoint_of_app,
    endpoints_of_app,
    resend_delivery,
    rotate_endpoint_secret,
)
from guides.errors import SignpostError

EVENT_LABELS = {
    WebhookEvent.guide_completed: "Guide completed",
    WebhookEvent.guide_dismissed: "Guide dismissed",
    WebhookEvent.survey_answered: "Survey answered",
    WebhookEvent.struggle_detected: "Struggle detected",
}


def _server_key(request: Request) -> str:
    return state_of(request).settings.ensure_secret_key().get_secret_value()


def _page(request: Request, status_code: int = 200, **extra: object) -> Response:
    admin = current_admin(request)
    app_id = request.path_params["app_id"]
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, app_id)
        context = {
            "app": app,
            "endpoints": endpoints_of_app(session, app_id),
            "event_labels": EVENT_LABELS,
            "errors": {},
            "values": {"url": "", "events": []},
            "new_secret": "",
            "done": request.query_params.get("done", ""),
            **extra,
        }
    return render(request, "webhooks/list.html", context, status_code=status_code)


def list_endpoints(request: Request) -> Response:
    return _page(request)


def create(request: Request) -> Response:
    admin = current_admin(request)
    app_id = request.path_params["app_id"]
    url = text(request, "url")
    events = [value for value in form_of(request).getlist("events") if isinstance(value, str)]
    try:
        with db_of(request).write() as session:
            app_of_workspace(session, admin, app_id)
            endpoint, secret = create_endpoint(
                session=session,
                app_id=app_id,
                url=url,
                events=events,
                server_key=_server_key(request),
                allow_private=state_of(request).settings.webhook_private_addresses,
            )
            audit(
                session,
                request,
                "webhook.create",
                target_type="webhook",
                target_id=endpoint.id,
                target_label=endpoint.url,
                after={"url": endpoint.url, "events": endpoint.events},
            )
    except SignpostError as error:
        if error.status == 404:
            raise
        errors = errors_by_field(error.fields) or {"url": error.message}
        return _page(request, error.status, errors=errors, values={"url": url, "events": events})
    # Rendered, not redirected: the secret appears in this response only.
    return _page(request, 201, new_secret=secret, new_endpoint=endpoint)


def rotate(request: Request) -> Response:
    admin = current_admin(request)
    app_id, endpoint_id = request.path_params["app_id"], request.path_params["endpoint_id"]
    with db_of(request).write() as session:
        app_of_workspace(session, admin, app_id)
        endpoint, secret = rotate_endpoint_secret(
            session=session, app_id=app_id, endpoint_id=endpoint_id, server_key=_server_key(request)
        )
        audit(
            session,
            request,
            "webhook.rotate_secret",
            target_type="webhook",
            target_id=endpoint_id,
            target_label=endpoint.url,
            after={"fingerprint": endpoint.fingerprint},
        )
    return _page(request, new_secret=secret, new_endpoint=endpoint)


def remove(request: Request) -> Response:
    admin = current_admin(request)
    app_id, endpoint_id = request.path_params["app_id"], request.path_params["endpoint_id"]
    with db_of(request).write() as session:
        app_of_workspace(session, admin, app_id)
        endpoint = delete_endpoint(session=session, app_id=app_id, endpoint_id=endpoint_id)
        audit(
            session,
            request,
            "webhook.delete",
            target_type="webhook",
            target_id=endpoint_id,
            target_label=endpoint.url,
            before={"url": endpoint.url, "events": endpoint.events},
        )
    return redirect_to(request, "admin:webhooks:list", app_id=app_id, done="removed")


def deliveries(request: Request) -> Response:
    admin = current_admin(request)
    app_id, endpoint_id = request.path_params["app_id"], request.path_params["endpoint_id"]
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, app_id)
        endpoint = endpoint_of_app(session, app_id, endpoint_id)
        rows = deliveries_of_endpoint(session, endpoint_id)
    return render(
        request,
        "webhooks/deliveries.html",
        {
            "app": app,
            "endpoint": endpoint,
            "deliveries": rows,
            "event_labels": EVENT_LABELS,
            "done": request.query_params.get("done", ""),
        },
    )


def resend(request: Request) -> Response:
    admin = current_admin(request)
    app_id, delivery_id = request.path_params["app_id"], request.path_params["delivery_id"]
    with db_of(request).write() as session:
        app_of_workspace(session, admin, app_id)
        delivery = resend_delivery(session=session, app_id=app_id, delivery_id=delivery_id)
        audit(
            session,
            request,
            "webhook.resend",
            target_type="webhook_delivery",
            target_id=delivery_id,
            target_label=f"{delivery.event_type} {delivery.event_id}",
            after={"status": delivery.status},
        )
    return redirect_to(
        request,
        "admin:webhooks:deliveries",
        app_id=app_id,
        endpoint_id=delivery.endpoint_id,
        done="resent",
    )
