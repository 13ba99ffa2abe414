"""Every storage model of every package, imported in one place for migrations and tests."""

from __future__ import annotations


def import_all_models() -> None:
    import analytics.models
    import analytics.webhooks  # noqa: F401
    import guides.models
    import guides.picking  # noqa: F401
    import server.account_control
    import server.accounts
    import server.api_tokens
    import server.audit
    import server.server_keys
    import server.sessions  # noqa: F401
