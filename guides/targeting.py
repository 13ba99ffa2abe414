"""Who and where a guide shows: page rules (evaluated by the SDK on every route change, and
here for previews and checks) and audience rules on traits (evaluated here at session start).

Page-rule semantics are specified in `docs/sdk-protocol.md`; `sdk/src/rules.js` implements
the same, and both are tested against `tests/fixtures/page_rules.json`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from guides.history import HistoryCondition

MAX_RULE_LENGTH = 500


class PageRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match: Literal["exact", "prefix", "glob", "regex"]
    value: str = Field(min_length=1, max_length=MAX_RULE_LENGTH)

    @model_validator(mode="after")
    def _valid_pattern(self) -> PageRule:
        if self.match == "regex":
            try:
                re.compile(self.value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        elif not self.value.startswith("/") and self.value != "**":
            raise ValueError("a path rule starts with '/'")
        return self


class PageRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    include: list[PageRule] = Field(default_factory=list, max_length=50)
    exclude: list[PageRule] = Field(default_factory=list, max_length=50)


TraitOperator = Literal[
    "eq", "neq", "in", "not_in", "contains", "exists", "not_exists", "gt", "gte", "lt", "lte"
]


class TraitCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trait: str = Field(min_length=1, max_length=100)
    op: TraitOperator = "eq"
    value: Any = None

    @field_validator("value")
    @classmethod
    def _scalar_or_list(cls, value: Any) -> Any:
        allowed = (str, int, float, bool, type(None))
        if isinstance(value, list):
            if not all(isinstance(item, allowed) for item in value):
                raise ValueError("list items must be strings, numbers or booleans")
        elif not isinstance(value, allowed):
            raise ValueError("must be a string, number, boolean or a list of them")
        return value


class Audience(BaseModel):
    """Trait conditions (`match`: all or any of them), and conditions on the user's past
    (`history`, guides/history.py), which must all hold as well. `holdout_percent` of the
    users who match are held back as a control group (guides/decision.py)."""

    model_config = ConfigDict(extra="forbid")

    match: Literal["all", "any"] = "all"
    conditions: list[TraitCondition] = Field(default_factory=list, max_length=50)
    history: list[HistoryCondition] = Field(default_factory=list, max_length=20)
    holdout_percent: int = Field(
        0,
        ge=0,
        le=90,
        description="The share of matching users kept from the guide as a control group, "
        "the same users every time.",
    )

    @model_serializer(mode="wrap")
    def _history_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        plain: dict[str, Any] = handler(self)
        if not plain.get("history"):
            plain.pop("history", None)
        if not plain.get("holdout_percent"):
            plain.pop("holdout_percent", None)
        return plain


def page_path(url: str) -> str:
    """The subject of exact, prefix and glob rules: normalized path plus a `#/` hash route."""
    parts = urlsplit(url)
    path = _normalize_path(parts.path or "/")
    if parts.fragment.startswith("/"):
        path += "#" + parts.fragment
    return path


def _normalize_path(path: str) -> str:
    return path.rstrip("/") or "/"


def _split_value(value: str) -> str:
    path, hash_mark, fragment = value.partition("#")
    return _normalize_path(path or "/") + (hash_mark + fragment if hash_mark else "")


@lru_cache(maxsize=1024)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*|\*)", pattern)
    body = "".join(
        ".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part) for part in parts
    )
    return re.compile(body)


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def rule_matches(rule: PageRule, url: str) -> bool:
    if rule.match == "regex":
        return _compiled(rule.value).search(url) is not None
    path = page_path(url)
    if rule.match == "glob":
        return _glob_regex(rule.value).fullmatch(path) is not None
    value = _split_value(rule.value)
    if rule.match == "exact":
        return path == value
    if value == "/":
        return True
    return path == value or path.startswith((value + "/", value + "#"))


def page_matches(rules: PageRules, url: str) -> bool:
    included = not rules.include or any(rule_matches(rule, url) for rule in rules.include)
    return included and not any(rule_matches(rule, url) for rule in rules.exclude)


def is_due(frequency: str, state: dict[str, Any]) -> bool:
    """Whether a guide's frequency still lets it show, given the user's state in it: the
    server's twin of `isDue` in sdk/src/rules.js, both tested on tests/fixtures/frequency.json.
    A started walkthrough (neither finished nor abandoned) resumes whatever its frequency."""
    if frequency == "every_session":
        return True
    if frequency == "until_completed":
        return not state.get("completed") and not state.get("dismissed")
    in_progress = (
        not state.get("completed")
        and not state.get("dismissed")
        and (state.get("current_step") or 0) > 0
    )
    return not state.get("seen") or in_progress


def _condition_holds(condition: TraitCondition, traits: dict[str, Any]) -> bool:
    present = condition.trait in traits and traits[condition.trait] is not None
    actual = traits.get(condition.trait)
    expected = condition.value
    match condition.op:
        case "exists":
            return present
        case "not_exists":
            return not present
        case "eq":
            return present and _loose_equal(actual, expected)
        case "neq":
            return not (present and _loose_equal(actual, expected))
        case "in":
            return present and any(_loose_equal(actual, item) for item in _as_list(expected))
        case "not_in":
            return not (present and any(_loose_equal(actual, i) for i in _as_list(expected)))
        case "contains":
            if isinstance(actual, str) and expected is not None:
                return str(expected).lower() in actual.lower()
            return False
        case _:
            return present and _compare(condition.op, actual, expected)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _loose_equal(actual: Any, expected: Any) -> bool:
    # Traits arrive from JavaScript: "42" and 42, "true" and True are the same to an author.
    if isinstance(actual, bool) or isinstance(expected, bool):
        return str(actual).lower() == str(expected).lower()
    return str(actual) == str(expected)


def _compare(op: str, actual: Any, expected: Any) -> bool:
    try:
        left, right = float(actual), float(expected)
    except (TypeError, ValueError):
        return False
    return {"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[op]


def audience_matches(audience: Audience, traits: dict[str, Any]) -> bool:
    if not audience.conditions:
        return True
    results = (_condition_holds(condition, traits) for condition in audience.conditions)
    return all(results) if audience.match == "all" else any(results)


# How well an element fits a step's target description: the SDK scores candidates with
# `sdk/src/score.js`; this is the same rule for the server's side (previews, checks), and
# both are tested against tests/fixtures/target_scores.json.
TARGET_WEIGHTS = {
    "selector": 3,
    "test_id": 4,
    "id": 3,
    "name": 2,
    "role": 1,
    "label": 2,
    "text": 2,
    "path": 1,
}
TARGET_THRESHOLD = 0.5


def _norm(value: Any) -> str:
    return " ".join(str(value or "").split()).lower()


def target_score(description: dict[str, Any], facts: dict[str, Any]) -> float:
    """The matched clue weights over the given clue weights, from 0 to 1.

    `facts` are read off one candidate element: `selector` (whether it matches the
    description's selector), `test_id`, `id`, `name`, `role`, `label`, `text`, `path`.
    """
    total = got = 0.0
    for clue, weight in TARGET_WEIGHTS.items():
        wanted = description.get(clue)
        if wanted is None or wanted == "":
            continue
        total += weight
        if clue == "selector":
            got += weight if facts.get("selector") else 0
            continue
        want, have = _norm(wanted), _norm(facts.get(clue))
        if not have:
            continue
        if clue == "path":
            got += weight if have == want or have.endswith(" > " + want) else 0
        elif have == want:
            got += weight
        elif clue in ("text", "label") and want in have and len(have) <= 2 * len(want):
            got += weight / 2
    return got / total if total else 0.0
