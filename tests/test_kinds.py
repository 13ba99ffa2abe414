"""Guide kinds: each kind's content schema, and the meta-test that keeps the registries on
both sides (guides/kinds.py, sdk/src/render/index.js), the tests and the docs in step."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from admin.guide_form import content_from_form, content_to_form
from guides import GuideDocument, publish_guide, save_guide
from guides.kinds import KINDS
from guides.models import GuideKind, GuideVersion
from server.db import Database
from tests.factories import guide_document, make_app

ROOT = Path(__file__).parent.parent


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.write() as write_session:
        yield write_session


def errors_of(kind: str, steps: list[dict[str, Any]]) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        guide_document(kind=kind, steps=steps)
    return [(error["loc"], error["msg"]) for error in caught.value.errors()]


def delivered_steps(session: Session, kind: str, steps: list[dict[str, Any]]) -> list[Any]:
    app = make_app(session)
    assert app.id is not None
    saved = save_guide(
        session=session, app_id=app.id, document=guide_document(kind=kind, steps=steps)
    )
    assert saved.guide.id is not None
    version: GuideVersion = publish_guide(session=session, guide_id=saved.guide.id)
    return [
        (step["target"], step["placement"], step["content"]) for step in version.snapshot["steps"]
    ]


class TestRegistry:
    def test_every_kind_of_the_model_is_registered(self) -> None:
        assert sorted(KINDS) == sorted(GuideKind)

    @pytest.mark.parametrize("kind", sorted(KINDS))
    def test_every_kind_has_a_content_schema(self, kind: str) -> None:
        assert issubclass(KINDS[kind].content, BaseModel)
        assert KINDS[kind].content.__doc__

    @pytest.mark.parametrize("kind", sorted(KINDS))
    def test_every_kind_has_a_renderer_in_the_sdk(self, kind: str) -> None:
        registry = (ROOT / "sdk" / "src" / "render" / "index.js").read_text()
        chunk = re.search(rf"^\s+{kind}: '([a-z_]+)',$", registry, re.MULTILINE)
        assert chunk, f"sdk/src/render/index.js does not map {kind}"
        entry = (ROOT / "sdk" / "src" / "chunks" / f"{chunk.group(1)}.js").read_text()
        assert re.search(rf"renderers: \{{[^}}]*\b{kind}\b", entry)
        assert (ROOT / "sdk" / "src" / "render" / f"{kind}.js").is_file()

    @pytest.mark.parametrize("kind", sorted(KINDS))
    def test_every_kind_has_a_test_class_here_and_an_e2e_test(self, kind: str) -> None:
        name = "Test" + "".join(part.title() for part in kind.split("_"))
        assert name in globals(), f"tests/test_kinds.py has no {name}"
        e2e = (ROOT / "e2e" / "test_kinds.py").read_text()
        assert f"def test_{kind}_" in e2e, f"e2e/test_kinds.py has no test_{kind}_..."

    @pytest.mark.parametrize("kind", sorted(KINDS))
    def test_every_kind_has_a_section_in_the_sdk_docs(self, kind: str) -> None:
        docs = (ROOT / "docs" / "sdk.md").read_text()
        assert f"\n### {kind}\n" in docs, f"docs/sdk.md has no '### {kind}' section"


class TestTooltip:
    def test_a_tooltip_may_name_its_button(self, session: Session) -> None:
        steps = [{"title": "Hi", "target": {"selector": "#a"}, "content": {"button": "OK!"}}]

        assert delivered_steps(session, "tooltip", steps) == [
            ({"selector": "#a"}, "auto", {"button": "OK!"})
        ]

    def test_a_tooltip_refuses_content_of_another_kind(self) -> None:
        steps = [{"title": "Hi", "target": {"selector": "#a"}, "content": {"scale": "nps"}}]

        assert errors_of("tooltip", steps) == [
            (("steps", 0, "content", "scale"), "Extra inputs are not permitted")
        ]


class TestWalkthrough:
    def test_a_walkthrough_step_may_only_name_its_button(self) -> None:
        steps = [
            {"title": "Hi", "content": {"button": "x"}},
            {"title": "Bye", "content": {"link_url": "/x"}},
            {"title": "Long", "content": {"button": "y" * 61}},
        ]

        assert errors_of("walkthrough", steps) == [
            (("steps", 1, "content", "link_url"), "Extra inputs are not permitted"),
            (("steps", 2, "content", "button"), "String should have at most 60 characters"),
        ]


class TestModal:
    def test_a_modal_with_a_call_to_action_is_delivered_cleaned(self, session: Session) -> None:
        steps = [
            {
                "title": "What's new",
                "content": {"button": "Start\x07", "link_label": "Read more", "link_url": "/news"},
            }
        ]

        assert delivered_steps(session, "modal", steps) == [
            (None, "auto", {"button": "Start", "link_label": "Read more", "link_url": "/news"})
        ]

    def test_a_modal_refuses_a_target_and_a_script_link(self) -> None:
        steps = [
            {
                "title": "x",
                "target": {"selector": "#a"},
                "content": {"link_label": "Go", "link_url": "javascript:alert(1)"},
            }
        ]

        assert errors_of("modal", steps) == [
            (("steps", 0, "target"), "a modal has no target element"),
            (
                ("steps", 0, "content", "link_url"),
                "Value error, links must be http, https, mailto or relative",
            ),
        ]

    def test_a_link_needs_its_label(self) -> None:
        assert errors_of("modal", [{"content": {"link_url": "https://a.test"}}]) == [
            (("steps", 0, "content"), "Value error, link_label and link_url go together")
        ]


class TestBanner:
    def test_a_banner_goes_at_the_bottom_and_may_not_be_dismissible(self, session: Session) -> None:
        steps = [{"title": "Maintenance", "placement": "bottom", "content": {"dismissible": False}}]

        assert delivered_steps(session, "banner", steps) == [
            (None, "bottom", {"dismissible": False})
        ]

    def test_a_banner_is_not_placed_at_the_side(self) -> None:
        assert errors_of("banner", [{"title": "x", "placement": "left"}]) == [
            (("steps", 0, "placement"), "a banner is placed auto, bottom, top")
        ]

    def test_a_banner_has_one_step(self) -> None:
        assert errors_of("banner", [{"title": "a"}, {"title": "b"}]) == [
            ((), "Value error, a banner has exactly one step")
        ]


class TestHotspot:
    def test_a_hotspot_needs_a_target(self) -> None:
        assert errors_of("hotspot", [{"title": "x"}]) == [
            ((), "Value error, a hotspot needs a target element")
        ]

    def test_a_hotspot_names_its_beacon(self, session: Session) -> None:
        steps = [
            {
                "title": "New",
                "target": {"test_id": "export"},
                "content": {"beacon_label": "What's new"},
            }
        ]

        assert delivered_steps(session, "hotspot", steps) == [
            ({"test_id": "export"}, "auto", {"beacon_label": "What's new"})
        ]


class TestSlideout:
    def test_a_slideout_slides_from_the_left_or_right(self) -> None:
        assert errors_of("slideout", [{"title": "x", "placement": "top"}]) == [
            (("steps", 0, "placement"), "a slideout is placed auto, left, right")
        ]


class TestChecklist:
    def test_checklist_items_launch_guides_or_complete_on_events(self, session: Session) -> None:
        steps = [
            {"title": "Take the tour", "content": {"id": "tour", "launch_guide": "welcome-tour"}},
            {"title": "Export a report", "content": {"id": "export", "complete_on": "Exported"}},
            {"title": "Read the docs", "content": {"id": "docs"}},
        ]

        assert delivered_steps(session, "checklist", steps) == [
            (None, "auto", {"id": "tour", "launch_guide": "welcome-tour"}),
            (None, "auto", {"id": "export", "complete_on": "Exported"}),
            (None, "auto", {"id": "docs"}),
        ]

    def test_item_ids_are_required_well_formed_and_unique(self) -> None:
        steps = [
            {"title": "a", "content": {}},
            {"title": "b", "content": {"id": "Bad Id"}},
            {"title": "c", "content": {"id": "x"}},
            {"title": "d", "content": {"id": "x"}},
        ]

        assert errors_of("checklist", steps) == [
            (("steps", 0, "content", "id"), "Field required"),
            (
                ("steps", 1, "content", "id"),
                "Value error, use 1 to 64 lowercase letters, digits, '-' or '_', e.g. 'q1'",
            ),
            (("steps", 3, "content", "id"), "'x' is used twice"),
        ]


class TestSurvey:
    def test_every_scale_of_question_is_accepted(self, session: Session) -> None:
        options = [{"id": "a", "label": "Alpha"}, {"id": "b", "label": "Beta"}]
        steps = [
            {
                "title": "How likely?",
                "content": {
                    "id": "nps",
                    "scale": "nps",
                    "low_label": "Not",
                    "high_label": "Very",
                    "follow_up": "Why?",
                },
            },
            {"title": "Happy?", "content": {"id": "csat", "scale": "csat"}},
            {"title": "Easy?", "content": {"id": "ces", "scale": "ces"}},
            {"title": "Pick one", "content": {"id": "one", "scale": "single", "options": options}},
            {
                "title": "Pick many",
                "content": {
                    "id": "many",
                    "scale": "multiple",
                    "options": options,
                    "required": False,
                },
            },
            {"title": "Anything else?", "content": {"id": "more", "scale": "text"}},
        ]

        contents = [content for _, _, content in delivered_steps(session, "survey", steps)]

        assert contents == [
            {
                "id": "nps",
                "scale": "nps",
                "options": [],
                "low_label": "Not",
                "high_label": "Very",
                "follow_up": "Why?",
                "required": True,
            },
            {"id": "csat", "scale": "csat", "options": [], "required": True},
            {"id": "ces", "scale": "ces", "options": [], "required": True},
            {"id": "one", "scale": "single", "options": options, "required": True},
            {"id": "many", "scale": "multiple", "options": options, "required": False},
            {"id": "more", "scale": "text", "options": [], "required": True},
        ]

    @pytest.mark.parametrize(
        ("content", "location", "message"),
        [
            (
                {"id": "q", "scale": "stars"},
                ("scale",),
                "Input should be 'nps', 'csat', 'ces', 'single', 'multiple' or 'text'",
            ),
            (
                {"id": "q", "scale": "single", "options": [{"id": "a", "label": "A"}]},
                (),
                "Value error, single questions need at least 2 options",
            ),
            (
                {"id": "q", "scale": "nps", "options": [{"id": "a", "label": "A"}]},
                (),
                "Value error, nps questions have no options",
            ),
            (
                {
                    "id": "q",
                    "scale": "multiple",
                    "options": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}],
                },
                (),
                "Value error, option ids must be unique",
            ),
            (
                {"id": "q", "scale": "text", "low_label": "x"},
                (),
                "Value error, low_label and high_label belong to nps, csat and ces questions",
            ),
            (
                {"id": "q", "scale": "text", "follow_up": "Why?"},
                (),
                "Value error, a text question is its own free text: follow_up belongs to the "
                "others",
            ),
        ],
    )
    def test_a_question_that_does_not_fit_its_scale_is_refused(
        self, content: dict[str, Any], location: tuple[str, ...], message: str
    ) -> None:
        assert errors_of("survey", [{"title": "Q", "content": content}]) == [
            (("steps", 0, "content", *location), message)
        ]

    def test_question_ids_are_unique(self) -> None:
        step = {"title": "Q", "content": {"id": "q", "scale": "csat"}}

        assert errors_of("survey", [step, step]) == [
            (("steps", 1, "content", "id"), "'q' is used twice")
        ]


class TestResourceCenter:
    def test_articles_with_links_and_keywords_are_delivered(self, session: Session) -> None:
        steps = [
            {
                "title": "Export to CSV",
                "body": "Open a report, then **Export**.",
                "content": {
                    "id": "csv",
                    "link_url": "https://docs.example.com/csv",
                    "keywords": ["download"],
                },
            },
            {"title": "Invite people", "content": {"id": "invite"}},
        ]

        assert delivered_steps(session, "resource_center", steps) == [
            (
                None,
                "auto",
                {"id": "csv", "link_url": "https://docs.example.com/csv", "keywords": ["download"]},
            ),
            (None, "auto", {"id": "invite", "keywords": []}),
        ]

    def test_an_article_link_must_be_safe_and_keywords_short(self) -> None:
        content = {"id": "a", "link_url": "data:text/html,x", "keywords": ["", "k" * 51]}

        assert errors_of("resource_center", [{"title": "A", "content": content}]) == [
            (
                ("steps", 0, "content", "link_url"),
                "Value error, links must be http, https, mailto or relative",
            ),
            (("steps", 0, "content", "keywords"), "Value error, keywords are 1 to 50 characters"),
        ]

    def test_the_admin_form_edits_keywords_one_a_line(self) -> None:
        content = {"id": "csv", "keywords": ["download", "spreadsheet"]}

        form = content_to_form(content)

        assert form == {"id": "csv", "keywords": "download\nspreadsheet"}
        assert content_from_form({**form, "link_url": " "}) == content


class TestTargets:
    def test_a_target_described_by_clues_other_than_a_selector_is_kept_as_given(
        self, session: Session
    ) -> None:
        target = {"test_id": "new", "role": "button", "text": "New report", "path": "main > button"}
        steps = [{"title": "Hi", "target": {**target, "timeout_ms": 2000}, "missing_target": "end"}]

        assert delivered_steps(session, "tooltip", steps) == [
            ({**target, "timeout_ms": 2000}, "auto", {})
        ]

    def test_a_target_needs_at_least_one_clue(self) -> None:
        assert errors_of("tooltip", [{"title": "Hi", "target": {"timeout_ms": 10}}]) == [
            (
                ("steps", 0, "target"),
                "Value error, describe the element with at least one of selector, test_id,"
                " id, name, role, label, text, path",
            )
        ]

    def test_a_document_round_trips_with_its_content(self) -> None:
        document = guide_document(
            kind="survey", steps=[{"title": "Q", "content": {"id": "q", "scale": "ces"}}]
        )

        assert GuideDocument.model_validate(document.to_plain()).to_plain() == document.to_plain()
