"""Targeting: page rules (the shared fixture cases and their properties) and audience rules on
traits, including the loose equality authors expect from JavaScript values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from guides.targeting import (
    TARGET_THRESHOLD,
    Audience,
    PageRule,
    PageRules,
    TraitCondition,
    audience_matches,
    page_matches,
    page_path,
    rule_matches,
    target_score,
)

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "page_rules.json").read_text())


def _case_id(case: dict[str, Any]) -> str:
    verdict = "matches" if case["matches"] else "misses"
    return f"{case['rule']['match']} {case['rule']['value']} {verdict} {case['url']}"


def rule(match: str, value: str) -> PageRule:
    return PageRule.model_validate({"match": match, "value": value})


class TestSharedPageRuleCases:
    def test_the_fixture_covers_every_kind_of_rule_both_ways(self) -> None:
        kinds = {(case["rule"]["match"], case["matches"]) for case in FIXTURE["cases"]}

        assert kinds == {
            (m, v) for m in ("exact", "prefix", "glob", "regex") for v in (True, False)
        }

    @pytest.mark.parametrize("case", FIXTURE["cases"], ids=_case_id)
    def test_rule_gives_the_shared_verdict(self, case: dict[str, Any]) -> None:
        assert rule_matches(PageRule.model_validate(case["rule"]), case["url"]) is case["matches"]


class TestPageRules:
    def test_no_include_rule_means_every_page(self) -> None:
        assert page_matches(PageRules(), "https://a.test/anything")

    def test_a_page_needs_one_matching_include_rule(self) -> None:
        rules = PageRules(include=[rule("exact", "/a"), rule("prefix", "/b")])

        assert [page_matches(rules, f"https://a.test{path}") for path in ("/a", "/b/1", "/c")] == [
            True,
            True,
            False,
        ]

    def test_an_exclude_rule_wins_over_an_include_rule(self) -> None:
        rules = PageRules(include=[rule("prefix", "/app")], exclude=[rule("glob", "/app/admin/**")])

        assert [
            page_matches(rules, f"https://a.test{path}")
            for path in ("/app", "/app/reports", "/app/admin/users/3", "/other")
        ] == [True, True, False, False]

    def test_exclude_rules_alone_show_everywhere_else(self) -> None:
        rules = PageRules(exclude=[rule("exact", "/login")])

        assert [
            page_matches(rules, f"https://a.test{path}") for path in ("/", "/login", "/login/")
        ] == [True, False, False]

    def test_a_prefix_value_with_a_trailing_slash_stays_at_a_path_boundary(self) -> None:
        assert not rule_matches(rule("prefix", "/app/"), "https://a.test/apple")

    @pytest.mark.parametrize(
        ("url", "path"),
        [
            ("https://a.test", "/"),
            ("https://a.test/", "/"),
            ("https://a.test/a/b/", "/a/b"),
            ("https://a.test/a?x=1#top", "/a"),
            ("https://a.test/app/#/billing/", "/app#/billing/"),
            ("https://a.test/app?tab=2#/billing", "/app#/billing"),
        ],
    )
    def test_the_page_path_drops_the_query_and_keeps_hash_routes(self, url: str, path: str) -> None:
        assert page_path(url) == path


class TestPageRuleValidation:
    @pytest.mark.parametrize(
        ("data", "errors"),
        [
            pytest.param(
                {"match": "regex", "value": "("},
                [
                    (
                        (),
                        "Value error, not a valid regular expression: missing ), unterminated"
                        " subpattern at position 0",
                    )
                ],
                id="bad-regex",
            ),
            pytest.param(
                {"match": "prefix", "value": "app"},
                [((), "Value error, a path rule starts with '/'")],
                id="prefix-without-slash",
            ),
            pytest.param(
                {"match": "exact", "value": "settings"},
                [((), "Value error, a path rule starts with '/'")],
                id="exact-without-slash",
            ),
            pytest.param(
                {"match": "glob", "value": "*/reports"},
                [((), "Value error, a path rule starts with '/'")],
                id="glob-without-slash",
            ),
            pytest.param(
                {"match": "exact", "value": ""},
                [(("value",), "String should have at least 1 character")],
                id="empty",
            ),
            pytest.param(
                {"match": "prefix", "value": "/" + "a" * 500},
                [(("value",), "String should have at most 500 characters")],
                id="too-long",
            ),
            pytest.param(
                {"match": "fuzzy", "value": "/x"},
                [(("match",), "Input should be 'exact', 'prefix', 'glob' or 'regex'")],
                id="unknown-match",
            ),
            pytest.param(
                {"match": "exact", "value": "/x", "case": "insensitive"},
                [(("case",), "Extra inputs are not permitted")],
                id="unknown-key",
            ),
        ],
    )
    def test_a_wrong_rule_is_refused_with_its_reason(
        self, data: dict[str, Any], errors: list[tuple[tuple[str, ...], str]]
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            PageRule.model_validate(data)

        assert [(e["loc"], e["msg"]) for e in caught.value.errors()] == errors

    @pytest.mark.parametrize(
        "data",
        [
            {"match": "regex", "value": "billing|invoices"},
            {"match": "glob", "value": "**"},
            {"match": "prefix", "value": "/"},
            {"match": "exact", "value": "/app#/billing"},
        ],
    )
    def test_a_valid_rule_is_accepted(self, data: dict[str, Any]) -> None:
        assert PageRule.model_validate(data).model_dump() == data

    def test_more_than_fifty_include_rules_are_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            PageRules.model_validate({"include": [{"match": "prefix", "value": "/"}] * 51})

        assert [e["loc"] for e in caught.value.errors()] == [("include",)]


SEGMENT = st.text(alphabet="abcdefgh-_.0123456789", min_size=1, max_size=6)
PATH = st.lists(SEGMENT, min_size=0, max_size=4).map(lambda parts: "/" + "/".join(parts))


@st.composite
def urls(draw: st.DrawFn) -> str:
    path = draw(PATH) + draw(st.sampled_from(["", "/"]))
    query = draw(st.sampled_from(["", "?tab=1", "?next=/x"]))
    fragment = draw(st.sampled_from(["", "#top", "#/billing", "#/a/b"]))
    return f"https://a.test{path}{query}{fragment}"


class TestPageRuleProperties:
    @given(
        value=PATH,
        trailing=st.booleans(),
        suffix=st.sampled_from(["", "/"]) | st.text(alphabet="ab/-#", max_size=4),
        url=urls(),
    )
    def test_a_prefix_rule_only_matches_paths_that_continue_it_at_a_boundary(
        self, value: str, trailing: bool, suffix: str, url: str
    ) -> None:
        written = value + "/" if trailing and value != "/" else value
        prefix = value.rstrip("/") or "/"
        # Half near misses built on the value itself, half unrelated pages.
        for candidate in (f"https://a.test{value}{suffix}", url):
            path = page_path(candidate)
            matched = rule_matches(rule("prefix", written), candidate)
            at_boundary = path == prefix or path.startswith((prefix + "/", prefix + "#"))
            assert matched is (prefix == "/" or at_boundary)

    @given(value=PATH, url=urls())
    def test_a_glob_without_wildcards_is_an_exact_rule(self, value: str, url: str) -> None:
        assert rule_matches(rule("glob", value), url) == rule_matches(rule("exact", value), url)

    @given(url=urls())
    def test_the_catch_all_rules_match_every_page(self, url: str) -> None:
        assert rule_matches(rule("prefix", "/"), url)
        assert rule_matches(rule("glob", "**"), url)
        assert rule_matches(rule("regex", "."), url)

    @given(value=PATH, url=urls())
    def test_the_query_string_never_changes_a_path_rule(self, value: str, url: str) -> None:
        base, _, fragment = url.partition("#")
        base = base.partition("?")[0]
        with_query = f"{base}?utm_source=mail&x=/y" + (f"#{fragment}" if fragment else "")
        for match in ("exact", "prefix", "glob"):
            assert rule_matches(rule(match, value), with_query) == rule_matches(
                rule(match, value), url
            )

    @given(segment=SEGMENT, rest=PATH)
    def test_a_single_star_never_crosses_a_slash(self, segment: str, rest: str) -> None:
        url = f"https://a.test/reports/{segment}{rest if rest != '/' else ''}"

        assert rule_matches(rule("glob", "/reports/*"), url) is (rest == "/")
        assert rule_matches(rule("glob", "/reports/**"), url)


def condition(trait: str, op: str = "eq", value: Any = None) -> TraitCondition:
    return TraitCondition.model_validate({"trait": trait, "op": op, "value": value})


def holds(cond: TraitCondition, traits: dict[str, Any]) -> bool:
    return audience_matches(Audience(conditions=[cond]), traits)


class TestTraitConditions:
    @pytest.mark.parametrize(
        ("op", "expected", "traits", "verdict"),
        [
            ("eq", "pro", {"plan": "pro"}, True),
            ("eq", "pro", {"plan": "free"}, False),
            ("eq", "pro", {}, False),
            ("eq", "pro", {"plan": None}, False),
            ("eq", 42, {"plan": "42"}, True),
            ("eq", "42", {"plan": 42}, True),
            ("eq", 42, {"plan": 43}, False),
            ("eq", True, {"plan": "true"}, True),
            ("eq", "true", {"plan": True}, True),
            ("eq", "TRUE", {"plan": True}, True),
            ("eq", False, {"plan": "false"}, True),
            ("eq", True, {"plan": False}, False),
            ("eq", True, {"plan": 1}, False),
            ("eq", "Pro", {"plan": "pro"}, False),
            ("neq", "pro", {"plan": "free"}, True),
            ("neq", "pro", {"plan": "pro"}, False),
            ("neq", "42", {"plan": 42}, False),
            ("neq", "pro", {}, True),
            ("in", ["pro", "team"], {"plan": "team"}, True),
            ("in", ["pro", "team"], {"plan": "free"}, False),
            ("in", [1, 2], {"plan": "2"}, True),
            ("in", "pro", {"plan": "pro"}, True),
            ("in", ["pro"], {}, False),
            ("not_in", ["pro", "team"], {"plan": "free"}, True),
            ("not_in", ["pro", "team"], {"plan": "pro"}, False),
            ("not_in", ["pro"], {}, True),
            ("contains", "acme", {"plan": "ACME Corp"}, True),
            ("contains", "acme", {"plan": "Initech"}, False),
            ("contains", "4", {"plan": 42}, False),
            ("contains", "acme", {}, False),
            ("exists", None, {"plan": "free"}, True),
            ("exists", None, {"plan": False}, True),
            ("exists", None, {"plan": None}, False),
            ("exists", None, {}, False),
            ("not_exists", None, {}, True),
            ("not_exists", None, {"plan": None}, True),
            ("not_exists", None, {"plan": ""}, False),
            ("gt", 10, {"plan": 11}, True),
            ("gt", 10, {"plan": 10}, False),
            ("gt", 10, {"plan": "11.5"}, True),
            ("gt", 10, {"plan": "many"}, False),
            ("gt", 10, {}, False),
            ("gte", 10, {"plan": 10}, True),
            ("gte", 10, {"plan": 9.99}, False),
            ("lt", "10", {"plan": 9}, True),
            ("lt", 10, {"plan": 10}, False),
            ("lte", 10, {"plan": 10}, True),
            ("lte", 10, {"plan": 10.01}, False),
        ],
    )
    def test_each_operator_gives_the_documented_verdict(
        self, op: str, expected: Any, traits: dict[str, Any], verdict: bool
    ) -> None:
        assert holds(condition("plan", op, expected), traits) is verdict

    @pytest.mark.parametrize(
        "value",
        [{"nested": 1}, [["a"]], [{"a": 1}]],
        ids=["object", "nested-list", "list-of-objects"],
    )
    def test_a_condition_value_must_be_a_scalar_or_a_list_of_them(self, value: Any) -> None:
        with pytest.raises(ValidationError):
            condition("plan", "eq", value)

    def test_an_unknown_operator_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            condition("plan", "matches", "x")

        assert [e["loc"] for e in caught.value.errors()] == [("op",)]


class TestAudience:
    def test_an_empty_audience_matches_everyone(self) -> None:
        assert audience_matches(Audience(), {})
        assert audience_matches(Audience(match="any"), {"plan": "free"})

    def test_match_all_needs_every_condition(self) -> None:
        audience = Audience(
            match="all", conditions=[condition("plan", "eq", "pro"), condition("seats", "gte", 5)]
        )

        assert [
            audience_matches(audience, traits)
            for traits in (
                {"plan": "pro", "seats": 5},
                {"plan": "pro", "seats": 4},
                {"plan": "free", "seats": 9},
            )
        ] == [True, False, False]

    def test_match_any_needs_one_condition(self) -> None:
        audience = Audience(
            match="any", conditions=[condition("plan", "eq", "pro"), condition("seats", "gte", 5)]
        )

        assert [
            audience_matches(audience, traits)
            for traits in ({"plan": "pro"}, {"seats": 5}, {"plan": "free", "seats": 1}, {})
        ] == [True, True, False, False]

    @given(traits=st.dictionaries(st.text(max_size=5), st.none() | st.booleans() | st.text()))
    def test_all_of_no_condition_and_any_of_one_condition_agree_with_the_condition(
        self, traits: dict[str, Any]
    ) -> None:
        cond = condition("plan", "exists")

        assert audience_matches(Audience(match="any", conditions=[cond]), traits) == (
            traits.get("plan") is not None
        )
        assert audience_matches(Audience(match="all", conditions=[cond]), traits) == (
            traits.get("plan") is not None
        )


TARGET_SCORES = json.loads((Path(__file__).parent / "fixtures" / "target_scores.json").read_text())[
    "cases"
]


@pytest.mark.parametrize("case", TARGET_SCORES, ids=[case["name"] for case in TARGET_SCORES])
def test_target_scoring_matches_the_shared_cases(case: dict[str, Any]) -> None:
    assert target_score(case["description"], case["facts"]) == pytest.approx(case["score"])


def test_a_half_matching_candidate_reaches_the_threshold() -> None:
    description = {"selector": "#new-report", "text": "New report", "role": "button"}
    facts = {"selector": False, "text": "New report", "role": "button"}

    assert target_score(description, facts) >= TARGET_THRESHOLD


FREQUENCY = json.loads((Path(__file__).parent / "fixtures" / "frequency.json").read_text())


@pytest.mark.parametrize("case", FREQUENCY["cases"])
def test_frequency_is_due_as_the_sdk_decides(case: dict[str, Any]) -> None:
    """The same cases as sdk/test/rules.test.js runs through `isDue`."""
    from guides.targeting import is_due

    assert is_due(case["frequency"], case["state"]) is case["due"]
