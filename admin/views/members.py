"""Members of the workspace: invite, change roles, remove, disable or enable an account and
make a one-time password reset link (owners only)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin.forms import errors_by_field
from admin.guard import current_admin
from admin.templating import render
from admin.views.common import audit, db_of, redirect_to, text
from guides.errors import InvalidPayload, SignpostError
from server import account_control, accounts
from server.sessions import end_sessions_of_user


def _page(request: Request, **extra: object) -> Response:
    admin = current_admin(request)
    status = int(extra.pop("status_code", 200))  # type: ignore[call-overload]
    with db_of(request).read() as session:
        context = {
            "members": accounts.members(session, admin.workspace_id),
            "invitations": accounts.pending_invitations(session, admin.workspace_id),
            "roles": [role.value for role in accounts.ROLE_ORDER],
            "errors": {},
            "values": {"email": "", "role": "editor"},
            "invite_link": "",
            "reset_link": "",
            "done": request.query_params.get("done", ""),
            **extra,
        }
    return render(request, "members/list.html", context, status_code=status)


def list_members(request: Request) -> Response:
    return _page(request)


def invite(request: Request) -> Response:
    admin = current_admin(request)
    values = {"email": text(request, "email"), "role": text(request, "role")}
    try:
        with db_of(request).write() as session:
            role = accounts.parse_role(values["role"])
            invitation, token = accounts.invite(
                session=session,
                workspace_id=admin.workspace_id,
                email=values["email"],
                role=role,
                invited_by_id=admin.user_id,
            )
            audit(
                session,
                request,
                "member.invite",
                target_type="invitation",
                target_id=invitation.id,
                target_label=invitation.email,
                after={"email": invitation.email, "role": invitation.role},
            )
    except SignpostError as error:
        errors = errors_by_field(error.fields) or {"email": error.message}
        return _page(request, errors=errors, values=values, status_code=error.status)
    link = str(request.url_for("admin:invitation", token=token))
    # The link is shown once, here; only its digest is stored.
    return _page(request, invite_link=link, invited_email=invitation.email, status_code=201)


def change_role(request: Request) -> Response:
    admin = current_admin(request)
    user_id = request.path_params["user_id"]
    with db_of(request).write() as session:
        role = accounts.parse_role(text(request, "role"))
        before = accounts.membership_of(session, admin.workspace_id, user_id)
        old_role = before.role if before else None
        membership = accounts.change_role(
            session=session,
            workspace_id=admin.workspace_id,
            user_id=user_id,
            role=role,
            actor_id=admin.user_id,
        )
        audit(
            session,
            request,
            "member.role",
            target_type="admin_user",
            target_id=user_id,
            target_label=accounts.email_of(session, user_id),
            before={"role": old_role},
            after={"role": membership.role},
        )
    return redirect_to(request, "admin:members:list", done="role")


def remove(request: Request) -> Response:
    admin = current_admin(request)
    user_id = request.path_params["user_id"]
    if user_id == admin.user_id:
        raise InvalidPayload("you cannot remove yourself; ask another owner")
    with db_of(request).write() as session:
        membership = accounts.remove_member(
            session=session, workspace_id=admin.workspace_id, user_id=user_id
        )
        if not accounts.workspaces_of_user(session, user_id):
            end_sessions_of_user(session=session, user_id=user_id)
        audit(
            session,
            request,
            "member.remove",
            target_type="admin_user",
            target_id=user_id,
            target_label=accounts.email_of(session, user_id),
            before={"role": membership.role},
        )
    return redirect_to(request, "admin:members:list", done="removed")


def revoke_invitation(request: Request) -> Response:
    admin = current_admin(request)
    invitation_id = request.path_params["invitation_id"]
    with db_of(request).write() as session:
        invitation = accounts.revoke_invitation(
            session=session, workspace_id=admin.workspace_id, invitation_id=invitation_id
        )
        audit(
            session,
            request,
            "invitation.revoke",
            target_type="invitation",
            target_id=invitation_id,
            target_label=invitation.email,
            before={"email": invitation.email, "role": invitation.role},
        )
    return redirect_to(request, "admin:members:list", done="revoked")


def reset_link(request: Request) -> Response:
    """A one-time password reset link for a member, shown once on the members page."""
    admin = current_admin(request)
    user_id = request.path_params["user_id"]
    with db_of(request).write() as session:
        reset, token = account_control.make_reset_link(
            session, actor_id=admin.user_id, workspace_id=admin.workspace_id, user_id=user_id
        )
        email = accounts.email_of(session, user_id)
        audit(
            session,
            request,
            "member.reset_link",
            target_type="admin_user",
            target_id=user_id,
            target_label=email,
            after={"expires_at": reset.expires_at.isoformat()},
        )
    link = str(request.url_for("admin:password_reset", token=token))
    return _page(request, reset_link=link, reset_email=email, status_code=201)


def disable(request: Request) -> Response:
    return _set_active(request, active=False)


def enable(request: Request) -> Response:
    return _set_active(request, active=True)


def _set_active(request: Request, *, active: bool) -> Response:
    admin = current_admin(request)
    user_id = request.path_params["user_id"]
    with db_of(request).write() as session:
        user, before = account_control.set_active(
            session,
            actor_id=admin.user_id,
            workspace_id=admin.workspace_id,
            user_id=user_id,
            active=active,
        )
        audit(
            session,
            request,
            "member.enable" if active else "member.disable",
            target_type="admin_user",
            target_id=user_id,
            target_label=user.email,
            before={"active": before},
            after={"active": active},
        )
    return redirect_to(request, "admin:members:list", done="enabled" if active else "disabled")
