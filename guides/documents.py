"""The guide document: the one shape a guide has in files (import/export), in the REST API
and in the admin's forms. Validation here is the only validation of authored guides."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from guides.anticipation import StruggleSignal
from guides.kinds import KINDS
from guides.models import GuideKind, GuideStatus
from guides.targeting import Audience, PageRules
from guides.themes import FONT_MESSAGE, HEX_COLOUR, MAX_FONT_LENGTH, valid_font

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
MAX_STEPS = 50

Frequency = Literal["once", "until_completed", "every_session"]
Placement = Literal["auto", "top", "bottom", "left", "right"]
MissingTarget = Literal["wait", "skip", "center", "end"]
Advance = Literal["button", "target_click"]
TARGET_CLUES = ("selector", "test_id", "id", "name", "role", "label", "text", "path")


class Target(BaseModel):
    """A description of the element a step points at, not one selector: the SDK scores
    every candidate against all the clues given and takes the best one above a threshold,
    so a renamed class or a moved button is still found (docs/sdk.md, "Targets")."""

    model_config = ConfigDict(extra="forbid")

    selector: str | None = Field(None, min_length=1, max_length=1000)
    test_id: str | None = Field(None, min_length=1, max_length=200)
    id: str | None = Field(None, min_length=1, max_length=200)
    name: str | None = Field(None, min_length=1, max_length=200)
    role: str | None = Field(None, min_length=1, max_length=40)
    label: str | None = Field(None, min_length=1, max_length=200)
    text: str | None = Field(None, min_length=1, max_length=200)
    path: str | None = Field(
        None,
        min_length=1,
        max_length=1000,
        description="Tag names from the body, 'main > form > button'.",
    )
    timeout_ms: int | None = Field(
        None,
        ge=0,
        le=600_000,
        description="How long to wait for it; the SDK's default when absent.",
    )

    @model_serializer(mode="wrap")
    def _only_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}

    @model_validator(mode="after")
    def _some_clue(self) -> Target:
        if all(getattr(self, clue) is None for clue in TARGET_CLUES):
            raise ValueError(f"describe the element with at least one of {', '.join(TARGET_CLUES)}")
        return self


DEFAULT_COOLDOWN_SECONDS = 300

STRUGGLE_FIELDS = ("signal", "selector", "guide", "step_index", "cooldown_seconds")


class Trigger(BaseModel):
    """When a guide starts: on page load (after `delay_ms`), only from `Signpost.show()`, or
    when the SDK sees a user struggle (`signal`, on an element matching `selector`, or on
    step `step_index` of the guide `guide` for a stall), at most once per `cooldown_seconds`."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["page_load", "manual", "struggle"] = "page_load"
    delay_ms: int = Field(0, ge=0, le=600_000)
    signal: StruggleSignal | None = None
    selector: str | None = Field(None, min_length=1, max_length=1000)
    guide: str | None = Field(None, min_length=1, max_length=100)
    step_index: int | None = Field(None, ge=0, le=1000)
    cooldown_seconds: int | None = Field(None, ge=0, le=30 * 86_400)

    @model_serializer(mode="wrap")
    def _only_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}

    @model_validator(mode="after")
    def _struggle_fields(self) -> Trigger:
        given = [name for name in STRUGGLE_FIELDS if getattr(self, name) is not None]
        if self.type != "struggle" and given:
            raise ValueError(f"{', '.join(given)} only go with a struggle trigger")
        if self.type == "struggle" and self.signal is None:
            raise PydanticCustomError("missing", "a struggle trigger needs a signal")
        if self.step_index is not None and self.guide is None:
            raise ValueError("step_index needs the guide whose step it is")
        return self


class Schedule(BaseModel):
    """When a guide may show: from `starts_at`, until `ends_at` (either may be left out). The
    server leaves a guide out of the session answer outside its window; times carry their
    UTC offset."""

    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _in_order(self) -> Schedule:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("the end must come after the start")
        return self


MAX_ADVANCE_DELAY = 3600


class GuideTheme(BaseModel):
    """A guide's own look over its app's theme (guides/themes.py): only what is given
    changes; the server merges it and checks its contrast when the guide is saved."""

    model_config = ConfigDict(extra="forbid")

    accent: str | None = Field(None, description="Buttons and links.")
    accent_text: str | None = Field(None, description="Text on buttons.")
    text: str | None = Field(None)
    muted: str | None = Field(None, description="The step counter.")
    background: str | None = Field(None)
    radius: int | None = Field(None, ge=0, le=32, description="Corner radius in pixels.")
    font: str | None = Field(
        None,
        max_length=MAX_FONT_LENGTH,
        description="A CSS font-family list, e.g. Inter, system-ui, sans-serif.",
    )

    @field_validator("font")
    @classmethod
    def _font(cls, value: str | None) -> str | None:
        if value is not None and not valid_font(value):
            raise ValueError(FONT_MESSAGE)
        return value.strip() if value else value

    @field_validator("accent", "accent_text", "text", "muted", "background")
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        if value is not None and not HEX_COLOUR.fullmatch(value):
            raise ValueError("use a colour like #4338ca")
        return value.lower() if value else value

    @model_serializer(mode="wrap")
    def _only_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}


class StepDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field("", max_length=200)
    body: str = Field("", max_length=20_000, description="Markdown.")
    target: Target | None = None
    placement: Placement = "auto"
    missing_target: MissingTarget = "skip"
    advance: Advance = Field(
        "button",
        description="What moves the user on: the step's buttons only, or also a click on "
        "the target element (`target_click`, which needs a target).",
    )
    advance_event: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Also move on when this event happens: a name given to "
        "`Signpost.track()`, or a struggle signal such as `rage_click`.",
    )
    advance_delay: int | None = Field(
        None,
        ge=1,
        le=MAX_ADVANCE_DELAY,
        description="Also move on by itself this many seconds after the step shows.",
    )
    content: dict[str, Any] = Field(
        default_factory=dict, description="Kind-specific; its schema is in guides/kinds.py."
    )

    @field_validator("advance_event")
    @classmethod
    def _event_name(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("name the event, or leave it out")
        return value.strip() if value is not None else None


LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
MAX_LOCALES = 30


class StepTranslation(BaseModel):
    """A step's text in another language; what is left out falls back to the default."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=20_000, description="Markdown.")


class GuideTranslation(BaseModel):
    """A guide's text in one language: its name and its steps' texts, by position."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    steps: list[StepTranslation] = Field(default_factory=list, max_length=MAX_STEPS)


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
    schedule: Schedule | None = Field(
        None, description="When the guide may show; always, when left out."
    )
    steps: list[StepDocument] = Field(min_length=1, max_length=MAX_STEPS)
    theme: GuideTheme | None = Field(
        None, description="Colours and corners of this guide only; the app's theme otherwise."
    )
    translations: dict[str, GuideTranslation] = Field(
        default_factory=dict,
        description="By BCP 47 language tag (`fr`, `pt-BR`); the SDK's locale picks one, "
        "falling back from `fr-CA` to `fr`, then to the default text.",
    )

    @field_validator("translations")
    @classmethod
    def _locales(cls, value: dict[str, GuideTranslation]) -> dict[str, GuideTranslation]:
        if len(value) > MAX_LOCALES:
            raise ValueError(f"at most {MAX_LOCALES} languages")
        for locale in value:
            if not LOCALE_PATTERN.fullmatch(locale):
                raise ValueError(f"{locale[:40]!r} is not a language tag like 'fr' or 'pt-BR'")
        return value

    @field_validator("theme")
    @classmethod
    def _some_theme(cls, value: GuideTheme | None) -> GuideTheme | None:
        return value if value is not None and value.model_dump() else None

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG_PATTERN.fullmatch(value):
            raise ValueError("use lowercase letters, digits and dashes, e.g. 'welcome-tour'")
        return value

    @model_validator(mode="after")
    def _kind_rules(self) -> GuideDocument:
        kind = KINDS[self.kind]
        if len(self.steps) > kind.max_steps:
            raise ValueError(
                f"a {kind.name} has exactly one step"
                if kind.max_steps == 1
                else f"a {kind.name} has at most {kind.max_steps} steps"
            )
        errors: list[InitErrorDetails] = []
        ids: set[str] = set()
        for index, step in enumerate(self.steps):
            where = ("steps", index)
            if kind.target == "required" and step.target is None:
                raise ValueError(f"a {kind.name} needs a target element")
            if kind.target == "none" and step.target is not None:
                errors.append(_error((*where, "target"), f"a {kind.name} has no target element"))
            if step.advance == "target_click" and step.target is None:
                message = "clicking the element can only move on when the step has one"
                errors.append(_error((*where, "advance"), message))
            if not kind.advances:
                for rule in ("advance_event", "advance_delay"):
                    if getattr(step, rule) is not None:
                        message = f"a {kind.name}'s items do not move on by themselves"
                        errors.append(_error((*where, rule), message))
            if step.placement not in kind.placements:
                allowed = ", ".join(sorted(kind.placements))
                errors.append(_error((*where, "placement"), f"a {kind.name} is placed {allowed}"))
            try:
                content = kind.content.model_validate(step.content)
            except ValidationError as invalid:
                errors.extend(
                    _error((*where, "content", *e["loc"]), e["msg"]) for e in invalid.errors()
                )
                continue
            step.content = content.model_dump(mode="json", exclude_none=True)
            item_id = step.content.get("id")
            if kind.unique_ids and item_id in ids:
                errors.append(_error((*where, "content", "id"), f"{item_id!r} is used twice"))
            ids.add(str(item_id))
        for locale, translation in self.translations.items():
            if len(translation.steps) > len(self.steps):
                message = f"{len(translation.steps)} translated steps for {len(self.steps)} steps"
                errors.append(_error(("translations", locale, "steps"), message))
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    def to_plain(self) -> dict[str, Any]:
        """A stable, diff-friendly dict: defaults included, keys in schema order."""
        return self.model_dump(mode="json")


def _error(loc: tuple[str | int, ...], message: str) -> InitErrorDetails:
    # Braces would be read as template fields by pydantic: authors' ids may contain none,
    # but pydantic's own messages might.
    template = message.replace("{", "(").replace("}", ")")
    return {"type": PydanticCustomError("invalid_content", template), "loc": loc, "input": None}
