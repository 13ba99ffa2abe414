"""The guide document: the one shape a guide has in files (import/export), in the REST API
and in the admin's forms. Validation here is the only validation of authored guides."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from guides.models import GuideKind, GuideStatus
from guides.targeting import Audience, PageRules

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
MAX_STEPS = 50

Frequency = Literal["once", "until_completed", "every_session"]
Placement = Literal["auto", "top", "bottom", "left", "right"]
MissingTarget = Literal["skip", "center"]


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")

    selector: str = Field(min_length=1, max_length=1000)


class Trigger(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["page_load", "manual"] = "page_load"
    delay_ms: int = Field(0, ge=0, le=600_000)


class StepDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field("", max_length=200)
    body: str = Field("", max_length=20_000, description="Markdown.")
    target: Target | None = None
    placement: Placement = "auto"
    missing_target: MissingTarget = "skip"


class GuideDocument(BaseModel):
    """A whole guide as authors write it in YAML or JSON."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(max_length=100)
    name: str = Field(min_length=1, max_length=200)
    kind: GuideKind
    status: GuideStatus = GuideStatus.draft
    priority: int = Field(0, ge=-1000, le=1000)
    pages: PageRules = Field(default_factory=PageRules)
    audience: Audience = Field(default_factory=Audience)
    trigger: Trigger = Field(default_factory=Trigger)
    frequency: Frequency = "once"
    steps: list[StepDocument] = Field(min_length=1, max_length=MAX_STEPS)

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG_PATTERN.fullmatch(value):
            raise ValueError("use lowercase letters, digits and dashes, e.g. 'welcome-tour'")
        return value

    @model_validator(mode="after")
    def _kind_rules(self) -> GuideDocument:
        if self.kind == GuideKind.tooltip:
            if len(self.steps) != 1:
                raise ValueError("a tooltip has exactly one step")
            if self.steps[0].target is None:
                raise ValueError("a tooltip needs a target element")
        return self

    def to_plain(self) -> dict[str, Any]:
        """A stable, diff-friendly dict: defaults included, keys in schema order."""
        return self.model_dump(mode="json")
