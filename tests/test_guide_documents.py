"""The guide document: the one validation of authored guides (files, REST API, admin forms)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from guides.documents import MAX_STEPS, GuideDocument

SLUG_MESSAGE = "Value error, use lowercase letters, digits and dashes, e.g. 'welcome-tour'"


def document(**overrides: Any) -> dict[str, Any]:
    return {
        "slug": "welcome",
        "name": "Welcome",
        "kind": "tooltip",
        "steps": [{"title": "Hi", "target": {"selector": "#new-report"}}],
        **overrides,
    }


def errors_of(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        GuideDocument.model_validate(data)
    return [(error["loc"], error["msg"]) for error in caught.value.errors()]


class TestValidDocument:
    def test_a_minimal_document_gets_every_default_in_schema_order(self) -> None:
        plain = GuideDocument.model_validate(document()).to_plain()

        assert plain == {
            "slug": "welcome",
            "name": "Welcome",
            "kind": "tooltip",
            "status": "draft",
            "priority": 0,
            "pages": {"include": [], "exclude": []},
            "audience": {"match": "all", "conditions": []},
            "trigger": {"type": "page_load", "delay_ms": 0},
            "frequency": "once",
            "schedule": None,
            "steps": [
                {
                    "title": "Hi",
                    "body": "",
                    "target": {"selector": "#new-report"},
                    "placement": "auto",
                    "missing_target": "skip",
                    "advance": "button",
                    "advance_event": None,
                    "advance_delay": None,
                    "content": {},
                }
            ],
            "theme": None,
            "translations": {},
        }
        assert list(plain) == list(GuideDocument.model_fields)

    def test_a_plain_document_validates_back_to_itself(self) -> None:
        full = document(
            kind="walkthrough",
            status="published",
            priority=-5,
            pages={"include": [{"match": "prefix", "value": "/app"}], "exclude": []},
            audience={"match": "any", "conditions": [{"trait": "plan", "op": "in", "value": [1]}]},
            trigger={"type": "manual", "delay_ms": 0},
            frequency="every_session",
            steps=[
                {"title": "One", "body": "**b**", "placement": "top", "missing_target": "center"},
                {"title": "Two", "target": {"selector": ".x"}},
            ],
        )
        plain = GuideDocument.model_validate(full).to_plain()

        assert GuideDocument.model_validate(plain).to_plain() == plain

    def test_a_walkthrough_step_may_have_no_target(self) -> None:
        doc = GuideDocument.model_validate(document(kind="walkthrough", steps=[{"title": "x"}]))

        assert doc.steps[0].target is None

    def test_a_walkthrough_may_have_the_maximum_number_of_steps(self) -> None:
        doc = GuideDocument.model_validate(document(kind="walkthrough", steps=[{}] * MAX_STEPS))

        assert len(doc.steps) == 50


class TestSlug:
    @pytest.mark.parametrize(
        "slug", ["welcome", "a", "7", "welcome-tour", "v2-export-tip", "a" * 100]
    )
    def test_a_lowercase_dashed_slug_is_accepted(self, slug: str) -> None:
        assert GuideDocument.model_validate(document(slug=slug)).slug == slug

    @pytest.mark.parametrize(
        "slug",
        [
            "Welcome",
            "welcome tour",
            "welcome_tour",
            "-welcome",
            "welcome-",
            "welcome\n",
            "wélcome",
            "../etc",
            "",
        ],
        ids=repr,
    )
    def test_anything_else_is_refused_with_a_hint(self, slug: str) -> None:
        assert errors_of(document(slug=slug)) == [(("slug",), SLUG_MESSAGE)]

    def test_a_slug_over_one_hundred_characters_is_refused(self) -> None:
        assert errors_of(document(slug="a" * 101)) == [
            (("slug",), "String should have at most 100 characters")
        ]

    @given(st.text(max_size=12))
    def test_an_accepted_slug_is_always_safe_as_a_file_name(self, slug: str) -> None:
        try:
            accepted = GuideDocument.model_validate(document(slug=slug)).slug
        except ValidationError:
            return
        assert set(accepted) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
        assert not accepted.startswith("-")
        assert not accepted.endswith("-")


class TestKindRules:
    def test_a_tooltip_with_two_steps_is_refused(self) -> None:
        step = {"title": "Hi", "target": {"selector": "#a"}}

        assert errors_of(document(steps=[step, step])) == [
            ((), "Value error, a tooltip has exactly one step")
        ]

    def test_a_tooltip_without_a_target_is_refused(self) -> None:
        assert errors_of(document(steps=[{"title": "Hi"}])) == [
            ((), "Value error, a tooltip needs a target element")
        ]

    def test_an_unknown_kind_is_refused(self) -> None:
        assert errors_of(document(kind="carousel")) == [
            (
                ("kind",),
                "Input should be 'tooltip', 'walkthrough', 'modal', 'banner', 'hotspot',"
                " 'slideout', 'checklist', 'survey' or 'resource_center'",
            )
        ]


class TestUnknownKeys:
    @pytest.mark.parametrize(
        ("data", "location"),
        [
            (document(colour="red"), ("colour",)),
            (document(steps=[{"target": {"selector": "#a"}, "html": "<b>"}]), ("steps", 0, "html")),
            (
                document(steps=[{"target": {"selector": "#a", "xpath": "//a"}}]),
                ("steps", 0, "target", "xpath"),
            ),
            (document(trigger={"type": "manual", "every": 3}), ("trigger", "every")),
            (document(pages={"include": [], "only": []}), ("pages", "only")),
            (document(audience={"conditions": [], "segment": "x"}), ("audience", "segment")),
        ],
        ids=["guide", "step", "target", "trigger", "pages", "audience"],
    )
    def test_an_unknown_key_is_refused_where_it_is(
        self, data: dict[str, Any], location: tuple[str | int, ...]
    ) -> None:
        assert errors_of(data) == [(location, "Extra inputs are not permitted")]


class TestLimits:
    @pytest.mark.parametrize(
        ("overrides", "location", "message"),
        [
            ({"name": ""}, ("name",), "String should have at least 1 character"),
            ({"name": "n" * 201}, ("name",), "String should have at most 200 characters"),
            ({"priority": 1001}, ("priority",), "Input should be less than or equal to 1000"),
            ({"priority": -1001}, ("priority",), "Input should be greater than or equal to -1000"),
            (
                {"trigger": {"delay_ms": 600_001}},
                ("trigger", "delay_ms"),
                "Input should be less than or equal to 600000",
            ),
            (
                {"trigger": {"delay_ms": -1}},
                ("trigger", "delay_ms"),
                "Input should be greater than or equal to 0",
            ),
            (
                {"frequency": "always"},
                ("frequency",),
                "Input should be 'once', 'until_completed' or 'every_session'",
            ),
            (
                {"status": "deleted"},
                ("status",),
                "Input should be 'draft', 'published' or 'archived'",
            ),
            (
                {"steps": []},
                ("steps",),
                "List should have at least 1 item after validation, not 0",
            ),
            (
                {"kind": "walkthrough", "steps": [{}] * 51},
                ("steps",),
                "List should have at most 50 items after validation, not 51",
            ),
            (
                {"steps": [{"title": "t" * 201, "target": {"selector": "#a"}}]},
                ("steps", 0, "title"),
                "String should have at most 200 characters",
            ),
            (
                {"steps": [{"body": "b" * 20_001, "target": {"selector": "#a"}}]},
                ("steps", 0, "body"),
                "String should have at most 20000 characters",
            ),
            (
                {"steps": [{"target": {"selector": ""}}]},
                ("steps", 0, "target", "selector"),
                "String should have at least 1 character",
            ),
            (
                {"steps": [{"target": {"selector": "#a"}, "placement": "middle"}]},
                ("steps", 0, "placement"),
                "Input should be 'auto', 'top', 'bottom', 'left' or 'right'",
            ),
            (
                {"steps": [{"target": {"selector": "#a"}, "missing_target": "later"}]},
                ("steps", 0, "missing_target"),
                "Input should be 'wait', 'skip', 'center' or 'end'",
            ),
            (
                {"pages": {"include": [{"match": "prefix", "value": "app"}]}},
                ("pages", "include", 0),
                "Value error, a path rule starts with '/'",
            ),
        ],
        ids=lambda value: value if isinstance(value, str) and len(value) < 30 else None,
    )
    def test_a_value_outside_its_limits_is_refused(
        self, overrides: dict[str, Any], location: tuple[str | int, ...], message: str
    ) -> None:
        assert errors_of(document(**overrides)) == [(location, message)]

    def test_values_at_the_limits_are_accepted(self) -> None:
        doc = GuideDocument.model_validate(
            document(
                name="n" * 200,
                priority=-1000,
                trigger={"delay_ms": 600_000},
                steps=[{"title": "t" * 200, "body": "b" * 20_000, "target": {"selector": "#a"}}],
            )
        )

        assert (doc.priority, doc.trigger.delay_ms, len(doc.steps[0].body)) == (
            -1000,
            600_000,
            20_000,
        )


class TestAdvanceRules:
    def test_an_event_name_is_trimmed_and_a_delay_kept(self) -> None:
        steps = [{"title": "A", "advance_event": " Saved ", "advance_delay": 3600}]
        plain = GuideDocument.model_validate(document(kind="modal", steps=steps)).to_plain()

        assert (plain["steps"][0]["advance_event"], plain["steps"][0]["advance_delay"]) == (
            "Saved",
            3600,
        )

    @pytest.mark.parametrize(
        ("rule", "value", "message"),
        [
            ("advance_event", "  ", "Value error, name the event, or leave it out"),
            ("advance_delay", 0, "Input should be greater than or equal to 1"),
            ("advance_delay", 3601, "Input should be less than or equal to 3600"),
        ],
    )
    def test_bad_rules_are_named_at_their_step(
        self, rule: str, value: object, message: str
    ) -> None:
        steps = [{"title": "A"}, {"title": "B", rule: value}]

        assert errors_of(document(kind="modal", steps=steps)) == [(("steps", 1, rule), message)]

    def test_a_checklists_items_do_not_move_on_by_themselves(self) -> None:
        steps = [{"content": {"id": "a"}, "advance_delay": 5}]

        assert errors_of(document(kind="checklist", steps=steps)) == [
            (
                ("steps", 0, "advance_delay"),
                "a checklist's items do not move on by themselves",
            )
        ]
