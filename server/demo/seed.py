"""The demo app and its guides, created once and kept in step with `server/demo/guides/`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from guides import App, create_app
from guides import store as guide_store
from guides.files import import_guides, read_guide_files
from server import accounts
from server.db import Database
from server.demo.activity import seed_demo_activity
from server.settings import Settings

DEMO_APP_NAME = "Signpost demo"
DEMO_WORKSPACE = "Demo workspace"
# A demo on the loopback interface: these are printed at start and documented in the README.
DEMO_ADMIN_EMAIL = "demo@signpost.example"
DEMO_ADMIN_PASSWORD = "signpost-demo"  # noqa: S105
DEMO_GUIDES = Path(__file__).parent / "guides"
# Guides that only the demo's made-up activity uses (started by hand, never on page load).
ACTIVITY_GUIDES = Path(__file__).parent / "activity_guides"


def demo_origins(settings: Settings) -> list[str]:
    """The public URL, and its localhost twin: people open either."""
    parts = urlsplit(settings.public_url)
    origins = {f"{parts.scheme}://{parts.netloc}"}
    port = f":{parts.port}" if parts.port else ""
    if parts.hostname in ("127.0.0.1", "localhost", "0.0.0.0"):  # noqa: S104 (a name, not a bind)
        origins |= {f"{parts.scheme}://127.0.0.1{port}", f"{parts.scheme}://localhost{port}"}
    return sorted(origins)


def seed_demo(database: Database, settings: Settings) -> App:
    with database.write() as session:
        app = guide_store.app_by_name(session, DEMO_APP_NAME)
        if app is None:
            app = create_app(
                session=session, name=DEMO_APP_NAME, allowed_origins=demo_origins(settings)
            )
        else:
            app.allowed_origins = sorted(set(app.allowed_origins) | set(demo_origins(settings)))
            session.add(app)
        assert app.id is not None
        _, workspace, _ = accounts.ensure_owner(
            session=session,
            email=DEMO_ADMIN_EMAIL,
            password=DEMO_ADMIN_PASSWORD,
            workspace_name=DEMO_WORKSPACE,
        )
        assert workspace.id is not None
        accounts.add_app_to_workspace(session=session, app_id=app.id, workspace_id=workspace.id)
        documents = [
            file.document
            for folder in (DEMO_GUIDES, ACTIVITY_GUIDES)
            for file in read_guide_files(folder)
        ]
        import_guides(session=session, app_id=app.id, documents=documents, author="demo")
        session.refresh(app)
    seed_demo_activity(database, app, public_url=settings.public_url)
    return app
