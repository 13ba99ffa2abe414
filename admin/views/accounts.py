"""Logging in and out, accepting an invitation, switching workspace, changing one's own
password and choosing a new one from an owner's reset link."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.forms import errors_by_field
from admin.guard import (
    current_admin,
    load_admin,
    login_cookie_name,
    safe_next,
    secure_cookies,
    session_cookie_name,
)
from admin.templating import render
from admin.views.common import audit, client_ip, db_of, redirect_to, state_of, text
from guides.errors import Forbidden, InvalidPayload, NotFound, RateLimited, SignpostError
from server import account_control, accounts
from server.audit import LOGIN_FAILED, recent_login_failures, record_audit
from server.sessions import end_session, start_session, switch_workspace

THROTTLE_WINDOW = timedelta(minutes=15)
LOGIN_FAILED_MESSAGE = "That email and password do not match an account."


def _login_page(
    request: Request, *, email: str = "", error: str = "", status_code: int = 200
) -> Response:
    state = state_of(request)
    token = request.cookies.get(login_cookie_name(state.settings)) or secrets.token_urlsafe(32)
    response = render(
        request,
        "accounts/login.html",
        {
            "email": email,
            "error": error,
            "login_token": token,
            "next": safe_next(request.query_params.get("next")) or "",
        },
        status_code=status_code,
    )
    response.set_cookie(
        login_cookie_name(state.settings),
        token,
        max_age=3600,
        httponly=True,
        secure=secure_cookies(state.settings),
        samesite="lax",
        path="/",
    )
    return response


def login_form(request: Request) -> Response:
    if load_admin(request) is not None:
        return redirect_to(request, "admin:home")
    return _login_page(request)


def login(request: Request) -> Response:
    state = state_of(request)
    email = text(request, "email").strip()
    password = text(request, "password")
    sent = text(request, "login_token")
    expected = request.cookies.get(login_cookie_name(state.settings), "")
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return _login_page(
            request,
            email=email,
            error="Your login form expired. Please try again.",
            status_code=403,
        )
    ip = client_ip(request)
    normalized = email.lower()
    limit = state.settings.admin_login_max_failures
    with state.db.read() as session:
        by_email = recent_login_failures(session, window=THROTTLE_WINDOW, email=normalized)
        by_ip = recent_login_failures(session, window=THROTTLE_WINDOW, ip=ip)
    if by_email >= limit or by_ip >= limit * 4:
        error = RateLimited("Too many failed attempts. Wait 15 minutes, then try again.")
        return _login_page(request, email=email, error=error.message, status_code=429)
    with state.db.write() as session:
        user = accounts.authenticate(session=session, email=email, password=password)
        workspaces = accounts.workspaces_of_user(session, user.id) if user and user.id else []
        if user is None or user.id is None or not workspaces:
            record_audit(
                session=session,
                workspace_id=None,
                actor_id=None,
                actor_email=normalized[:320],
                action=LOGIN_FAILED,
                ip=ip,
            )
            failed = True
        else:
            failed = False
            workspace = workspaces[0][0]
            end_session(
                session=session,
                token=request.cookies.get(session_cookie_name(state.settings)),
            )
            token = start_session(
                session=session,
                user_id=user.id,
                workspace_id=workspace.id,
                lifetime=timedelta(hours=state.settings.admin_session_hours),
            )
            record_audit(
                session=session,
                workspace_id=workspace.id,
                actor_id=user.id,
                actor_email=user.email,
                action="login",
                target_type="admin_user",
                target_id=user.id,
                target_label=user.email,
                ip=ip,
            )
    if failed:
        return _login_page(request, email=email, error=LOGIN_FAILED_MESSAGE, status_code=400)
    target = safe_next(text(request, "next")) or str(request.url_for("admin:home"))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        session_cookie_name(state.settings),
        token,
        max_age=int(state.settings.admin_session_hours * 3600),
        httponly=True,
        secure=secure_cookies(state.settings),
        samesite="lax",
        path="/",
    )
    response.delete_cookie(login_cookie_name(state.settings), path="/")
    return response


def logout(request: Request) -> Response:
    state = state_of(request)
    admin = current_admin(request)
    with state.db.write() as session:
        end_session(session=session, token=request.cookies.get(session_cookie_name(state.settings)))
        audit(
            session,
            request,
            "logout",
            target_type="admin_user",
            target_id=admin.user_id,
            target_label=admin.email,
        )
    response = redirect_to(request, "admin:login")
    response.delete_cookie(
        session_cookie_name(state.settings),
        path="/",
        secure=secure_cookies(state.settings),
        httponly=True,
        samesite="lax",
    )
    return response


def switch(request: Request) -> Response:
    admin = current_admin(request)
    raw = text(request, "workspace_id")
    with db_of(request).write() as session:
        choices = {w.id: w for w, _ in accounts.workspaces_of_user(session, admin.user_id)}
        workspace = choices.get(int(raw)) if raw.isdigit() else None
        if workspace is None or workspace.id is None:
            raise NotFound("you are not a member of that workspace")
        switch_workspace(session=session, session_id=admin.session_id, workspace_id=workspace.id)
        audit(
            session,
            request,
            "workspace.switch",
            target_type="workspace",
            target_id=workspace.id,
            target_label=workspace.name,
            before={"workspace_id": admin.workspace_id},
            after={"workspace_id": workspace.id},
        )
    return redirect_to(request, "admin:home")


def invitation_form(request: Request) -> Response:
    token = request.path_params["token"]
    with db_of(request).read() as session:
        invitation = accounts.open_invitation(session, token)
        known = accounts.user_by_email(session, invitation.email) is not None
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invitation, "known": known, "errors": {}},
    )


def accept_invitation(request: Request) -> Response:
    token = request.path_params["token"]
    password = text(request, "password")
    with db_of(request).read() as session:
        invitation = accounts.open_invitation(session, token)
        known = accounts.user_by_email(session, invitation.email) is not None
    if not known and password != text(request, "password_again"):
        return render(
            request,
            "accounts/invitation.html",
            {
                "invitation": invitation,
                "known": known,
                "errors": {"password_again": "the two passwords differ"},
            },
            status_code=400,
        )
    try:
        with db_of(request).write() as session:
            user = accounts.accept_invitation(session=session, token=token, password=password)
            record_audit(
                session=session,
                workspace_id=invitation.workspace_id,
                actor_id=user.id,
                actor_email=user.email,
                action="invitation.accept",
                target_type="admin_user",
                target_id=user.id,
                target_label=user.email,
                after={"role": invitation.role},
                ip=client_ip(request),
            )
    except SignpostError as error:
        if isinstance(error, NotFound | Forbidden):
            raise
        return render(
            request,
            "accounts/invitation.html",
            {
                "invitation": invitation,
                "known": known,
                "errors": errors_by_field(error.fields) or {"password": error.message},
            },
            status_code=error.status,
        )
    return redirect_to(request, "admin:login", done="joined")


def account_page(request: Request, *, errors: dict[str, str] | None = None) -> Response:
    """The signed-in user's own account: their email, workspaces and a password change."""
    status = 400 if errors else 200
    return render(
        request,
        "accounts/account.html",
        {"errors": errors or {}, "done": request.query_params.get("done", "")},
        status_code=status,
    )


def account(request: Request) -> Response:
    return account_page(request)


def change_password(request: Request) -> Response:
    admin = current_admin(request)
    new = text(request, "new_password")
    if new != text(request, "new_password_again"):
        return account_page(request, errors={"new_password_again": "the two passwords differ"})
    try:
        with db_of(request).write() as session:
            account_control.change_own_password(
                session,
                user_id=admin.user_id,
                current=text(request, "current_password"),
                new=new,
                keep_session=admin.session_id,
            )
            audit(
                session,
                request,
                "account.password",
                target_type="admin_user",
                target_id=admin.user_id,
                target_label=admin.email,
            )
    except InvalidPayload as error:
        return account_page(
            request, errors=errors_by_field(error.fields) or {"new_password": error.message}
        )
    return redirect_to(request, "admin:account", done="password")


def reset_form(request: Request) -> Response:
    with db_of(request).read() as session:
        _, user = account_control.open_reset(session, request.path_params["token"])
    return render(request, "accounts/reset.html", {"email": user.email, "errors": {}})


def use_reset(request: Request) -> Response:
    token = request.path_params["token"]
    with db_of(request).read() as session:
        _, user = account_control.open_reset(session, token)
    password = text(request, "password")
    errors: dict[str, str] = {}
    if password != text(request, "password_again"):
        errors = {"password_again": "the two passwords differ"}
    else:
        try:
            with db_of(request).write() as session:
                user = account_control.use_reset(session, token=token, password=password)
                for workspace, _ in accounts.workspaces_of_user(session, user.id or 0):
                    record_audit(
                        session=session,
                        workspace_id=workspace.id,
                        actor_id=user.id,
                        actor_email=user.email,
                        action="account.password_reset",
                        target_type="admin_user",
                        target_id=user.id,
                        target_label=user.email,
                        ip=client_ip(request),
                    )
        except InvalidPayload as error:
            errors = {"password": error.message}
    if errors:
        return render(
            request,
            "accounts/reset.html",
            {"email": user.email, "errors": errors},
            status_code=400,
        )
    return redirect_to(request, "admin:login", done="password_reset")
