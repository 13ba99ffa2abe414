"""Draft → publish → immutable version → rollback, the publish stamp, and saving drafts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlmodel import func, select

from guides import (
    App,
    DeliveryCache,
    Guide,
    GuideVersion,
    SessionRequest,
    guide_document,
    publish_guide,
    rollback_guide,
    save_guide,
    start_session,
    unpublish_guide,
)
from guides.errors import GuideNotFound, NotFound
from server.db import Database
from tests.factories import guide_document as document_of
from tests.factories import make_app, make_guide


def snapshot(guide_id: int, version: int, titles: tuple[str, ...] = ("Step 1", "Step 2")) -> dict:
    return {
        "id": guide_id,
        "slug": "welcome",
        "version": version,
        "kind": "walkthrough",
        "name": "Welcome",
        "priority": 0,
        "pages": {"include": [], "exclude": []},
        "audience": {"match": "all", "conditions": []},
        "trigger": {"type": "page_load", "delay_ms": 0},
        "frequency": "once",
        "steps": [
            {
                "title": title,
                "body_html": f"<p>Body <strong>{i + 1}</strong></p>",
                "target": {"selector": f"#s{i}"},
                "placement": "auto",
                "missing_target": "skip",
                "content": {},
            }
            for i, title in enumerate(titles)
        ],
        "translations": {},
    }


def two_steps(first_title: str = "Step 1") -> list[dict[str, Any]]:
    return [
        {"title": first_title, "body": "Body **1**", "target": {"selector": "#s0"}},
        {"title": "Step 2", "body": "Body **2**", "target": {"selector": "#s1"}},
    ]


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        return make_app(session)


@pytest.fixture
def guide(db: Database, app: App) -> Guide:
    with db.write() as session:
        return make_guide(session, app, "welcome", steps=2)


def publish(db: Database, guide_id: int) -> GuideVersion:
    with db.write() as session:
        return publish_guide(session=session, guide_id=guide_id, author="ada@example.com")


def edit_first_title(db: Database, app: App, title: str) -> None:
    assert app.id is not None
    with db.write() as session:
        save_guide(
            session=session, app_id=app.id, document=document_of("welcome", two_steps(title))
        )


def stamp_of(db: Database, app: App) -> int:
    with db.read() as session:
        stored = session.get(App, app.id)
        assert stored is not None
        return stored.publish_stamp


def versions_of(db: Database, guide: Guide) -> list[tuple[int, dict]]:
    with db.read() as session:
        rows = session.exec(
            select(GuideVersion)
            .where(GuideVersion.guide_id == guide.id)
            .order_by(GuideVersion.number)  # type: ignore[arg-type]
        ).all()
        return [(row.number, row.snapshot) for row in rows]


def live(db: Database, guide: Guide) -> tuple[str, int | None]:
    with db.read() as session:
        stored = session.get(Guide, guide.id)
        assert stored is not None
        return stored.status, stored.live_version


def delivered(db: Database, app: App, cache: DeliveryCache | None = None) -> list[dict]:
    request = SessionRequest(app_key=app.public_key, anonymous_id="visitor")
    body = start_session(sessions=db, cache=cache or DeliveryCache(), request=request, origin=None)
    return body["guides"]


class TestPublishGuide:
    def test_an_unknown_guide_is_not_found(self, db: Database) -> None:
        with db.write() as session, pytest.raises(GuideNotFound) as caught:
            publish_guide(session=session, guide_id=999)

        assert caught.value.to_json() == {
            "error": "no guide with id 999",
            "code": "guide_not_found",
            "status": 404,
        }

    def test_the_first_publish_makes_version_one_with_the_exact_snapshot(
        self, db: Database, guide: Guide
    ) -> None:
        assert guide.id is not None

        version = publish(db, guide.id)

        assert (version.number, version.published_by) == (1, "ada@example.com")
        assert versions_of(db, guide) == [(1, snapshot(guide.id, 1))]
        assert live(db, guide) == ("published", 1)

    def test_publishing_an_unchanged_draft_reuses_the_live_version(
        self, db: Database, guide: Guide
    ) -> None:
        assert guide.id is not None
        first = publish(db, guide.id)

        again = publish(db, guide.id)

        assert (again.id, again.number) == (first.id, 1)
        assert versions_of(db, guide) == [(1, snapshot(guide.id, 1))]

    def test_a_changed_draft_becomes_version_two_and_version_one_is_untouched(
        self, db: Database, app: App, guide: Guide
    ) -> None:
        assert guide.id is not None
        publish(db, guide.id)
        edit_first_title(db, app, "Start here")

        version = publish(db, guide.id)

        assert version.number == 2
        assert versions_of(db, guide) == [
            (1, snapshot(guide.id, 1)),
            (2, snapshot(guide.id, 2, ("Start here", "Step 2"))),
        ]
        assert live(db, guide) == ("published", 2)

    def test_editing_a_draft_changes_nothing_live_until_it_is_published(
        self, db: Database, app: App, guide: Guide
    ) -> None:
        assert guide.id is not None
        publish(db, guide.id)

        edit_first_title(db, app, "Start here")

        assert delivered(db, app) == [
            {
                k: v
                for k, v in snapshot(guide.id, 1).items()
                if k not in ("audience", "translations")
            }
        ]

    def test_each_publish_gives_the_app_a_new_stamp(
        self, db: Database, app: App, guide: Guide
    ) -> None:
        assert guide.id is not None
        before = stamp_of(db, app)

        publish(db, guide.id)
        after_first = stamp_of(db, app)
        publish(db, guide.id)
        after_second = stamp_of(db, app)

        assert len({before, after_first, after_second}) == 3

    def test_publishes_at_once_each_get_their_own_stamp(self, db: Database, app: App) -> None:
        with db.write() as session:
            ids = [make_guide(session, app, f"guide-{i}").id for i in range(4)]
        before = stamp_of(db, app)

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda guide_id: publish(db, guide_id), ids))

        assert stamp_of(db, app) == before + 4


class TestRollbackGuide:
    def test_rollback_makes_version_one_live_and_delivered_again(
        self, db: Database, app: App, guide: Guide
    ) -> None:
        assert guide.id is not None
        publish(db, guide.id)
        edit_first_title(db, app, "Start here")
        publish(db, guide.id)
        cache = DeliveryCache()
        assert [g["version"] for g in delivered(db, app, cache)] == [2]

        with db.write() as session:
            version = rollback_guide(session=session, guide_id=guide.id, number=1)

        assert version.number == 1
        assert live(db, guide) == ("published", 1)
        assert delivered(db, app, cache) == [
            {
                k: v
                for k, v in snapshot(guide.id, 1).items()
                if k not in ("audience", "translations")
            }
        ]
        assert versions_of(db, guide) == [
            (1, snapshot(guide.id, 1)),
            (2, snapshot(guide.id, 2, ("Start here", "Step 2"))),
        ]

    def test_rollback_gives_the_app_a_new_stamp(self, db: Database, app: App, guide: Guide) -> None:
        assert guide.id is not None
        publish(db, guide.id)
        before = stamp_of(db, app)

        with db.write() as session:
            rollback_guide(session=session, guide_id=guide.id, number=1)

        assert stamp_of(db, app) != before

    def test_rollback_to_a_version_that_does_not_exist_is_not_found(
        self, db: Database, guide: Guide
    ) -> None:
        assert guide.id is not None
        publish(db, guide.id)
        before = live(db, guide)

        with db.write() as session, pytest.raises(NotFound) as caught:
            rollback_guide(session=session, guide_id=guide.id, number=9)

        assert caught.value.to_json() == {
            "error": f"guide {guide.id} has no version 9",
            "code": "not_found",
            "status": 404,
        }
        assert live(db, guide) == before

    def test_publishing_after_a_rollback_brings_the_newest_draft_back(
        self, db: Database, app: App, guide: Guide
    ) -> None:
        assert guide.id is not None
        publish(db, guide.id)
        edit_first_title(db, app, "Start here")
        publish(db, guide.id)
        with db.write() as session:
            rollback_guide(session=session, guide_id=guide.id, number=1)

        version = publish(db, guide.id)

        assert version.number == 2
        assert [number for number, _ in versions_of(db, guide)] == [1, 2]


class TestUnpublishGuide:
    def test_unpublish_removes_the_guide_from_delivery(
        self, db: Database, app: App, guide: Guide
    ) -> None:
        assert guide.id is not None
        publish(db, guide.id)
        cache = DeliveryCache()
        assert len(delivered(db, app, cache)) == 1
        before = stamp_of(db, app)

        with db.write() as session:
            unpublish_guide(session=session, guide_id=guide.id)

        assert live(db, guide) == ("draft", None)
        assert delivered(db, app, cache) == []
        assert stamp_of(db, app) != before
        assert [number for number, _ in versions_of(db, guide)] == [1]

    def test_republishing_an_unpublished_guide_reuses_its_version(
        self, db: Database, guide: Guide
    ) -> None:
        assert guide.id is not None
        publish(db, guide.id)
        with db.write() as session:
            unpublish_guide(session=session, guide_id=guide.id)

        assert publish(db, guide.id).number == 1
        assert live(db, guide) == ("published", 1)

    def test_an_unknown_guide_is_not_found(self, db: Database) -> None:
        with db.write() as session, pytest.raises(GuideNotFound):
            unpublish_guide(session=session, guide_id=404)


class TestSaveGuide:
    def test_a_new_slug_is_created_as_a_draft(self, db: Database, app: App) -> None:
        assert app.id is not None
        with db.write() as session:
            saved = save_guide(session=session, app_id=app.id, document=document_of("welcome"))

        assert (saved.created, saved.changed) == (True, True)
        assert (saved.guide.status, saved.guide.live_version) == ("draft", None)
        assert delivered(db, app) == []

    def test_saving_the_same_document_again_changes_nothing(self, db: Database, app: App) -> None:
        assert app.id is not None
        with db.write() as session:
            first = save_guide(session=session, app_id=app.id, document=document_of("welcome"))
        with db.write() as session:
            again = save_guide(session=session, app_id=app.id, document=document_of("welcome"))

        assert (again.created, again.changed) == (False, False)
        assert again.guide.id == first.guide.id
        assert again.guide.updated_at == first.guide.updated_at

    def test_saving_an_edited_document_reports_a_change(self, db: Database, app: App) -> None:
        assert app.id is not None
        with db.write() as session:
            save_guide(session=session, app_id=app.id, document=document_of("welcome", 2))
        with db.write() as session:
            saved = save_guide(session=session, app_id=app.id, document=document_of("welcome", 1))

        assert (saved.created, saved.changed) == (False, True)
        with db.read() as session:
            count = session.exec(select(func.count()).select_from(GuideVersion)).one()
            stored = session.get(Guide, saved.guide.id)
            assert stored is not None
            assert guide_document(session=session, guide=stored) == document_of("welcome", 1)
        assert count == 0

    def test_a_saved_draft_reads_back_as_the_same_document(self, db: Database, app: App) -> None:
        assert app.id is not None
        doc = document_of(
            "tour",
            two_steps(),
            priority=7,
            pages={"include": [{"match": "glob", "value": "/reports/*"}], "exclude": []},
            audience={
                "match": "any",
                "conditions": [{"trait": "plan", "op": "eq", "value": "pro"}],
            },
            trigger={"type": "manual", "delay_ms": 0},
            frequency="until_completed",
        )
        with db.write() as session:
            saved = save_guide(session=session, app_id=app.id, document=doc)
            assert guide_document(session=session, guide=saved.guide) == doc

    def test_titles_and_names_are_stored_as_clean_text(self, db: Database, app: App) -> None:
        assert app.id is not None
        doc = document_of(
            "welcome",
            [{"title": " Hi\x00 there\x07 ", "target": {"selector": "#a"}}],
            name="Wel\x1bcome ",
        )
        with db.write() as session:
            saved = save_guide(session=session, app_id=app.id, document=doc)
            stored = guide_document(session=session, guide=saved.guide)

        assert (stored.name, stored.steps[0].title) == ("Welcome", "Hi there")

    def test_archiving_a_live_guide_stops_its_delivery(
        self, db: Database, app: App, guide: Guide
    ) -> None:
        assert guide.id is not None and app.id is not None
        publish(db, guide.id)
        cache = DeliveryCache()
        assert len(delivered(db, app, cache)) == 1
        before = stamp_of(db, app)

        with db.write() as session:
            save_guide(
                session=session,
                app_id=app.id,
                document=document_of("welcome", two_steps(), status="archived"),
            )

        assert live(db, guide) == ("archived", 1)
        assert stamp_of(db, app) != before
        assert delivered(db, app, cache) == []
