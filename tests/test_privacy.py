"""Privacy requests (reliability.md C10): one end user's data exported whole, or deleted
whole with the rollups corrected, found by inspecting the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, func
from sqlalchemy import select as select_columns
from sqlmodel import SQLModel, select
from starlette.testclient import TestClient

from analytics.privacy import delete_end_user, export_end_user, user_tables
from analytics.rollups import rebuild_rollups
from analytics.webhooks import WebhookDelivery, create_endpoint
from guides import EndUser
from guides.errors import EndUserNotFound
from server.addresses import anonymize_ip
from server.app import create_app
from server.audit import AuditEntry
from server.cli import main
from server.db import Database
from server.settings import Settings
from tests.admin_client import sign_in
from tests.event_streams import Guides, forget_events, ingest, make_guides, streams
from tests.factories import make_admin
from tests.test_rollups import snapshot


@pytest.fixture
def guides(db: Database) -> Guides:
    with db.write() as session:
        return make_guides(session)


def rows_naming(db: Database, end_user_id: int) -> dict[str, int]:
    with db.read() as session:
        return {
            table.name: session.execute(
                select_columns(func.count()).select_from(table).where(column == end_user_id)
            ).scalar_one()
            for table, column in user_tables()
        }


def test_user_tables_are_found_by_their_foreign_key_to_end_user() -> None:
    names = {table.name for table, _ in user_tables()}
    assert {"event", "guide_state", "rollup_first_seen", "target_session_day"} <= names
    assert "guide" not in names and "end_user" not in names
    # A table added later is covered without a change to the privacy code.
    metadata = MetaData()
    Table("end_user", metadata, Column("id", Integer, primary_key=True))
    Table(
        "future_notes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("person", ForeignKey("end_user.id")),
    )
    assert [(t.name, c.name) for t, c in user_tables(metadata)] == [("future_notes", "person")]
    assert SQLModel.metadata.tables.get("future_notes") is None


class TestDeleteEndUser:
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def test_the_rollups_afterwards_equal_a_rebuild_without_the_user(
        self, db: Database, guides: Guides, data: st.DataObject
    ) -> None:
        batches = data.draw(streams(guides))
        with db.write() as session:
            forget_events(session)
        for batch in batches:
            with db.write() as session:
                ingest(session, guides, [batch])
        with db.read() as session:
            users = sorted(session.exec(select(EndUser.external_id)).all())
        gone = data.draw(st.sampled_from(users))
        with db.read() as session:
            victim = session.exec(select(EndUser).where(EndUser.external_id == gone)).one()
        assert victim.id is not None and guides.app.id is not None

        with db.write() as session:
            deleted = delete_end_user(session=session, app_id=guides.app.id, user_id=gone)
        with db.read() as session:
            corrected = snapshot(session)
        with db.write() as session:
            rebuild_rollups(session, guides.app.id)
        with db.read() as session:
            rebuilt = snapshot(session)
            remaining = sorted(session.exec(select(EndUser.external_id)).all())

        assert corrected == rebuilt
        assert remaining == [u for u in users if u != gone]
        assert set(rows_naming(db, victim.id).values()) == {0}
        assert deleted["end_user"] == 1

    def test_an_unknown_user_is_not_found(self, db: Database, guides: Guides) -> None:
        assert guides.app.id is not None
        with db.write() as session, pytest.raises(EndUserNotFound):
            delete_end_user(session=session, app_id=guides.app.id, user_id="nobody")


class TestWebhookPayloads:
    def test_deliveries_of_the_users_events_are_exported_then_deleted_with_them(
        self, db: Database, guides: Guides
    ) -> None:
        assert guides.app.id is not None
        with db.write() as session:
            create_endpoint(
                session=session,
                app_id=guides.app.id,
                url="https://hooks.example.com/signpost",
                events=["guide_completed"],
                server_key="test-secret-key-that-is-long-enough-0123456789",
            )
        completed = {
            "event_id": "0192f5a8-7c1e-7b3a-9f00-1234567890ad",
            "type": "guide_completed",
            "timestamp": "2026-11-03T10:00:00+00:00",
            "guide_id": guides.tip.id,
            "guide_version": 1,
        }
        mine = {"app_key": guides.app.public_key, "user_id": "user-1", "events": [completed]}
        theirs = {
            "app_key": guides.app.public_key,
            "user_id": "user-3",
            "events": [{**completed, "event_id": "0192f5a8-7c1e-7b3a-9f00-1234567890ae"}],
        }
        with db.write() as session:
            ingest(session, guides, [mine, theirs])

        with db.read() as session:
            exported = export_end_user(session=session, app_id=guides.app.id, user_id="user-1")
        with db.write() as session:
            deleted = delete_end_user(session=session, app_id=guides.app.id, user_id="user-1")

        assert [d["payload"]["user"]["id"] for d in exported["tables"]["webhook_delivery"]] == [
            "user-1"
        ]
        assert deleted["webhook_delivery"] == 1
        with db.read() as session:
            left = session.exec(select(WebhookDelivery.event_id)).all()
        assert left == ["0192f5a8-7c1e-7b3a-9f00-1234567890ae"]


class TestExportEndUser:
    def test_the_export_holds_every_row_naming_the_user_and_nothing_of_others(
        self, db: Database, guides: Guides
    ) -> None:
        batch = {
            "app_key": guides.app.public_key,
            "user_id": "user-1",
            "anonymous_id": "anon-1",
            "events": [
                {
                    "event_id": "0192f5a8-7c1e-7b3a-9f00-1234567890ab",
                    "type": "guide_shown",
                    "timestamp": "2026-11-03T10:00:00+00:00",
                    "guide_id": guides.tip.id,
                    "guide_version": 1,
                }
            ],
        }
        other = {**batch, "user_id": "user-3", "anonymous_id": "anon-3"}
        other["events"] = [
            {**batch["events"][0], "event_id": "0192f5a8-7c1e-7b3a-9f00-1234567890ac"}
        ]
        with db.write() as session:
            ingest(session, guides, [batch, other])
        assert guides.app.id is not None
        with db.read() as session:
            exported = export_end_user(session=session, app_id=guides.app.id, user_id="user-1")
        json.dumps(exported)  # plain JSON, whatever the column types
        assert exported["format"] == 1
        assert exported["user"]["external_id"] == "user-1"
        assert [e["event_id"] for e in exported["tables"]["event"]] == [
            "0192f5a8-7c1e-7b3a-9f00-1234567890ab"
        ]
        assert [s["guide_id"] for s in exported["tables"]["guide_state"]] == [guides.tip.id]
        assert {r["metric"] for r in exported["tables"]["rollup_first_seen"]} == {"shown"}
        assert set(exported["tables"]) == {t.name for t, _ in user_tables()} | {"webhook_delivery"}


class TestSessions:
    def test_the_sessions_a_user_was_in_are_exported_then_erased_with_them(
        self, db: Database, guides: Guides
    ) -> None:
        def batch(user: str, session_id: str, ids: tuple[str, str]) -> dict[str, Any]:
            common = {
                "timestamp": "2026-11-03T10:00:00+00:00",
                "guide_id": guides.tour.id,
                "guide_version": 1,
                "step_index": 0,
                "session_id": session_id,
            }
            return {
                "app_key": guides.app.public_key,
                "user_id": user,
                "events": [
                    {"event_id": ids[0], "type": "target_missing", **common},
                    {
                        "event_id": ids[1],
                        "type": "struggle_detected",
                        **common,
                        "properties": {"signal": "rage_click", "selector": "#save"},
                    },
                ],
            }

        mine = "0192f5a0-0000-7000-8000-000000000001"
        theirs = "0192f5a0-0000-7000-8000-000000000002"
        with db.write() as session:
            ingest(
                session,
                guides,
                [
                    batch(
                        "user-1",
                        mine,
                        (
                            "0192f5a8-0000-7000-8000-00000000000a",
                            "0192f5a8-0000-7000-8000-00000000000b",
                        ),
                    ),
                    batch(
                        "user-2",
                        theirs,
                        (
                            "0192f5a8-0000-7000-8000-00000000000c",
                            "0192f5a8-0000-7000-8000-00000000000d",
                        ),
                    ),
                ],
            )
        assert guides.app.id is not None
        with db.read() as session:
            exported = export_end_user(session=session, app_id=guides.app.id, user_id="user-1")
        tables = exported["tables"]
        assert [(r["session_id"], r["missing"]) for r in tables["target_session_day"]] == [
            (mine, True)
        ]
        assert [r["session_id"] for r in tables["active_session_day"]] == [mine]
        assert [r["session_id"] for r in tables["struggle_session_day"]] == [mine]

        with db.write() as session:
            deleted = delete_end_user(session=session, app_id=guides.app.id, user_id="user-1")

        assert {name: deleted[name] for name in tables if name.endswith("session_day")} == {
            "target_session_day": 1,
            "active_session_day": 1,
            "struggle_session_day": 1,
        }
        with db.read() as session:
            left = {
                name: sorted(str(r.session_id) for r in session.execute(select_columns(table)))
                for table, _ in user_tables()
                if (name := table.name).endswith("session_day")
            }
        assert left == {
            "target_session_day": [theirs],
            "active_session_day": [theirs],
            "struggle_session_day": [theirs],
        }


class TestCli:
    def test_export_then_delete_from_the_command_line(
        self,
        db: Database,
        guides: Guides,
        database_url: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setenv("SIGNPOST_DATABASE_URL", database_url)
        batch: dict[str, Any] = {
            "app_key": guides.app.public_key,
            "anonymous_id": "anon-7",
            "events": [
                {
                    "event_id": "0192f5a8-7c1e-7b3a-9f00-1234567890ad",
                    "type": "track",
                    "timestamp": "2026-11-03T10:00:00+00:00",
                    "properties": {"name": "x"},
                }
            ],
        }
        with db.write() as session:
            ingest(session, guides, [batch])
        out = tmp_path / "user.json"
        app = str(guides.app.id)
        data_dir = str(tmp_path / "data")

        assert (
            main(
                [
                    "users",
                    "export",
                    "anon:anon-7",
                    "--app",
                    app,
                    "--out",
                    str(out),
                    "--data-dir",
                    data_dir,
                ]
            )
            == 0
        )
        assert json.loads(out.read_text())["tables"]["event"][0]["type"] == "track"
        assert main(["users", "delete", "anon:anon-7", "--app", app, "--data-dir", data_dir]) == 1
        assert "--yes" in capsys.readouterr().err
        assert (
            main(["users", "delete", "anon:anon-7", "--app", app, "--yes", "--data-dir", data_dir])
            == 0
        )
        assert "event: 1" in capsys.readouterr().out
        assert main(["users", "export", "anon:anon-7", "--app", app, "--data-dir", data_dir]) == 1
        assert "no end user 'anon:anon-7'" in capsys.readouterr().err


class TestAddresses:
    @pytest.mark.parametrize(
        ("address", "stored"),
        [
            ("203.0.113.77", "203.0.113.0"),
            ("2001:db8:1:2:3:4:5:6", "2001:db8:1::"),
            ("::ffff:198.51.100.9", "198.51.100.0"),
            ("testclient", "testclient"),
            ("", ""),
        ],
    )
    def test_an_address_keeps_only_its_network(self, address: str, stored: str) -> None:
        assert anonymize_ip(address) == stored

    def test_a_sign_in_from_an_address_stores_only_its_network(
        self, settings: Settings, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        app = create_app(settings)
        with TestClient(app, client=("203.0.113.77", 40000)) as client:
            form = client.get("/admin/login")
            client.post(
                "/admin/login",
                data={
                    "email": "owner@example.com",
                    "password": "wrong password",
                    "login_token": form.context["login_token"],  # type: ignore[attr-defined]
                },
            )
            sign_in(client, "owner@example.com")
        with db.read() as session:
            ips = set(session.exec(select(AuditEntry.ip)).all())
        assert ips == {"203.0.113.0"}
