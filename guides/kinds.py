"""The registry of guide kinds: what each kind's steps hold and how that content is cleaned.

Every step of a guide has the common fields (`title`, `body`, `target`, `placement`,
`missing_target`) and a `content` object whose shape depends on the guide's kind. Each kind
here names that shape (a pydantic model, the one validation of it), how many steps it takes,
whether its steps point at an element, which placements it understands, and the sanitizer
that turns validated content into what the SDK receives. `sdk/src/render/index.js` is the
other half: kind to renderer. `tests/test_kinds.py` checks that every kind has a schema, a
renderer, a test and a section in docs/sdk.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from guides.sanitize import ALLOWED_URL_SCHEMES, clean_text

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
ID_HINT = "use 1 to 64 lowercase letters, digits, '-' or '_', e.g. 'q1'"

TargetUse = Literal["required", "optional", "none"]


def _label(max_length: int = 60) -> Any:
    return Field(None, min_length=1, max_length=max_length)


def _check_url(value: str | None) -> str | None:
    if value is None:
        return None
    scheme, colon, _ = value.partition(":")
    if colon and "/" not in scheme and scheme.lower() not in ALLOWED_URL_SCHEMES:
        raise ValueError("links must be http, https, mailto or relative")
    if any(ch.isspace() for ch in value):
        raise ValueError("a link cannot contain spaces")
    return value


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TooltipContent(_Content):
    """A tooltip: one step pointing at an element."""

    button: str | None = _label()


class WalkthroughContent(_Content):
    """A walkthrough step: the common step fields, and the label of its Next (on the last
    step, Done) button."""

    button: str | None = _label()


class CallToAction(_Content):
    button: str | None = _label()
    link_label: str | None = _label()
    link_url: str | None = Field(None, max_length=2000)

    @field_validator("link_url")
    @classmethod
    def _safe_link(cls, value: str | None) -> str | None:
        return _check_url(value)

    @model_validator(mode="after")
    def _link_pair(self) -> CallToAction:
        if (self.link_label is None) != (self.link_url is None):
            raise ValueError("link_label and link_url go together")
        return self


class ModalContent(CallToAction):
    """A modal: a centred dialog over a dimmed page; focus stays inside until it closes."""


class BannerContent(CallToAction):
    """A banner across the top or bottom of the page (`placement` top or bottom)."""

    dismissible: bool = True


class SlideoutContent(CallToAction):
    """A panel that slides in from the right or left edge (`placement` right or left)."""


class HotspotContent(_Content):
    """A pulsing beacon on an element; activating it opens the step as a tip."""

    beacon_label: str | None = _label(100)
    button: str | None = _label()


class ChecklistItemContent(_Content):
    """One checklist item (one step). It launches a guide, completes when a tracked event
    with this name happens, or both; with neither, the user ticks it off."""

    id: str = Field(max_length=64)
    launch_guide: str | None = Field(None, min_length=1, max_length=100)
    complete_on: str | None = Field(None, min_length=1, max_length=200)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_PATTERN.fullmatch(value):
            raise ValueError(ID_HINT)
        return value


class SurveyOption(_Content):
    id: str = Field(max_length=64)
    label: str = Field(min_length=1, max_length=200)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_PATTERN.fullmatch(value):
            raise ValueError(ID_HINT)
        return value


SurveyScaleName = Literal["nps", "csat", "ces", "single", "multiple", "text"]
SCALE_BOUNDS = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


class SurveyQuestionContent(_Content):
    """One survey question (one step; the step's title is the question)."""

    id: str = Field(max_length=64)
    scale: SurveyScaleName
    options: list[SurveyOption] = Field(default_factory=list, max_length=20)
    low_label: str | None = _label(100)
    high_label: str | None = _label(100)
    follow_up: str | None = Field(
        None, min_length=1, max_length=200, description="Prompt of a free-text follow-up."
    )
    required: bool = True

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_PATTERN.fullmatch(value):
            raise ValueError(ID_HINT)
        return value

    @model_validator(mode="after")
    def _options_fit_scale(self) -> SurveyQuestionContent:
        choice = self.scale in ("single", "multiple")
        if choice and len(self.options) < 2:
            raise ValueError(f"{self.scale} questions need at least 2 options")
        if not choice and self.options:
            raise ValueError(f"{self.scale} questions have no options")
        if len({option.id for option in self.options}) != len(self.options):
            raise ValueError("option ids must be unique")
        if self.scale not in SCALE_BOUNDS and (self.low_label or self.high_label):
            raise ValueError("low_label and high_label belong to nps, csat and ces questions")
        if self.scale == "text" and self.follow_up:
            # The answer is free text already: a second box would be all the SDK records.
            raise ValueError(
                "a text question is its own free text: follow_up belongs to the others"
            )
        return self


class ResourceArticleContent(_Content):
    """A help article of a resource center (one step): the step's title and body, found by
    search; `link_url` opens the full article, `keywords` help people find it."""

    id: str = Field(max_length=64)
    link_url: str | None = Field(None, max_length=2000)
    keywords: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_PATTERN.fullmatch(value):
            raise ValueError(ID_HINT)
        return value

    @field_validator("link_url")
    @classmethod
    def _safe_link(cls, value: str | None) -> str | None:
        return _check_url(value)

    @field_validator("keywords")
    @classmethod
    def _short_keywords(cls, value: list[str]) -> list[str]:
        if any(not word.strip() or len(word) > 50 for word in value):
            raise ValueError("keywords are 1 to 50 characters")
        return value


def _clean_strings(value: Any) -> Any:
    """Every string of validated content through `clean_text`: plain text, never HTML."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: _clean_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean_strings(item) for item in value]
    return value


def sanitize_content(content: BaseModel) -> dict[str, Any]:
    """Validated content as the SDK receives it: defaults filled, text cleaned."""
    cleaned: dict[str, Any] = _clean_strings(content.model_dump(mode="json", exclude_none=True))
    return cleaned


@dataclass(frozen=True)
class Kind:
    name: str
    content: type[BaseModel]
    summary: str
    min_steps: int = 1
    max_steps: int = 50
    target: TargetUse = "optional"
    placements: frozenset[str] = frozenset({"auto", "top", "bottom", "left", "right"})
    unique_ids: bool = False
    # Whether its steps are shown one after another, so may move on by themselves (an
    # event, a delay); a checklist's items and a resource center's articles are not.
    advances: bool = True
    sanitize: Callable[[BaseModel], dict[str, Any]] = sanitize_content


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("tooltip", TooltipContent, "one tip on an element", max_steps=1, target="required"),
        Kind("walkthrough", WalkthroughContent, "steps with Back, Next and Done"),
        Kind("modal", ModalContent, "a centred dialog; focus trapped", max_steps=10, target="none"),
        Kind(
            "banner",
            BannerContent,
            "a bar across the top or bottom",
            max_steps=1,
            target="none",
            placements=frozenset({"auto", "top", "bottom"}),
        ),
        Kind(
            "hotspot", HotspotContent, "a beacon that opens a tip", max_steps=1, target="required"
        ),
        Kind(
            "slideout",
            SlideoutContent,
            "a panel from the page's edge",
            max_steps=10,
            target="none",
            placements=frozenset({"auto", "left", "right"}),
        ),
        Kind(
            "checklist",
            ChecklistItemContent,
            "items that launch guides or complete on events",
            max_steps=20,
            target="none",
            unique_ids=True,
            advances=False,
        ),
        Kind(
            "resource_center",
            ResourceArticleContent,
            "a launcher opening a searchable panel of guides and articles",
            target="none",
            unique_ids=True,
            advances=False,
        ),
        Kind(
            "survey",
            SurveyQuestionContent,
            "questions: NPS, CSAT, CES, choices, free text",
            max_steps=10,
            unique_ids=True,
        ),
    )
}


def kind_of(name: str) -> Kind:
    return KINDS[name]
