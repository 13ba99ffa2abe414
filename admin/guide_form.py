"""The guide editor's form: flat HTML fields to a `GuideDocument` and back, and pydantic's
error paths to the names of the fields they belong to, so each error shows next to its
field and everything the author typed is shown again."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from admin.reorder import MOVES, index_of, move_of
from guides.documents import GuideDocument
from guides.errors import fields_from_pydantic
from guides.kinds import KINDS
from guides.themes import THEME_FIELDS

STEP_FIELD = re.compile(r"^steps-(\d+)-([a-z_]+)$")
CONTENT_FIELD = re.compile(r"^steps-(\d+)-content\.([a-z_]+)$")
# A translation: `tr-0-locale`, `tr-0-name`, and per step `tr-0-2-title`, `tr-0-2-body`.
LOCALE_FIELD = re.compile(r"^tr-(\d+)-(locale|name)$")
LOCALE_STEP_FIELD = re.compile(r"^tr-(\d+)-(\d+)-(title|body)$")
MAX_FORM_LOCALES = 30
# `target` is a hidden field: the whole target description as JSON (the picker's clues, or a
# guide file's), so saving keeps what the visible `selector` field does not show.
STEP_KEYS = (
    "title",
    "body",
    "selector",
    "target",
    "placement",
    "missing_target",
    "advance",
    "advance_event",
    "advance_delay",
)
MATCHES = ("exact", "prefix", "glob", "regex")
LIST_OPERATORS = ("in", "not_in")
VALUELESS_OPERATORS = ("exists", "not_exists")
MAX_FORM_STEPS = 50
NOTHING_SAVED = "Nothing was saved. Please fix the fields marked below."


def kinds() -> list[str]:
    """Every guide kind the editor offers, from the registry (guides/kinds.py)."""
    return list(KINDS)


@dataclass
class GuideForm:
    """What the editor shows: the values as typed, and errors by field name."""

    values: dict[str, Any]
    steps: list[dict[str, Any]]
    # Each language as typed: {"locale", "name", "steps": [{"title", "body"}, ...]}.
    translations: list[dict[str, Any]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    form_error: str = ""

    @property
    def kind(self) -> str:
        return str(self.values.get("kind") or "walkthrough")


def blank_form(kind: str = "walkthrough") -> GuideForm:
    return GuideForm(
        values={
            "name": "",
            "slug": "",
            "kind": kind,
            "priority": "0",
            "frequency": "once",
            "trigger_type": "page_load",
            "trigger_delay_ms": "0",
            "trigger_signal": "",
            "trigger_selector": "",
            "trigger_guide": "",
            "trigger_step": "",
            "trigger_cooldown_seconds": "",
            "pages_include": "",
            "pages_exclude": "",
            "audience_match": "all",
            "audience": "",
            "audience_history": "",
            "audience_holdout_percent": "0",
            "schedule_starts_at": "",
            "schedule_ends_at": "",
            "picker_url": "",
            **{f"theme_{key}": "" for key in THEME_FIELDS},
        },
        steps=[blank_step()],
    )


def blank_step() -> dict[str, Any]:
    return {
        "title": "",
        "body": "",
        "selector": "",
        "placement": "auto",
        "missing_target": "skip",
        "advance": "button",
        "advance_event": "",
        "advance_delay": "",
        "target": "",
        "content": {},
    }


def form_from_document(document: GuideDocument) -> GuideForm:
    plain = document.to_plain()
    return GuideForm(
        values={
            "name": plain["name"],
            "slug": plain["slug"],
            "kind": plain["kind"],
            "priority": str(plain["priority"]),
            "frequency": plain["frequency"],
            "trigger_type": plain["trigger"]["type"],
            "trigger_delay_ms": str(plain["trigger"]["delay_ms"]),
            **struggle_trigger_values(plain["trigger"]),
            "pages_include": rules_to_text(plain["pages"]["include"]),
            "pages_exclude": rules_to_text(plain["pages"]["exclude"]),
            "audience_match": plain["audience"]["match"],
            "audience": conditions_to_text(plain["audience"]["conditions"]),
            "audience_history": history_to_text(plain["audience"].get("history", [])),
            "audience_holdout_percent": str(plain["audience"].get("holdout_percent", 0)),
            "schedule_starts_at": time_to_field((plain.get("schedule") or {}).get("starts_at")),
            "schedule_ends_at": time_to_field((plain.get("schedule") or {}).get("ends_at")),
            "picker_url": "",
            **{
                f"theme_{key}": str((plain.get("theme") or {}).get(key, "")) for key in THEME_FIELDS
            },
        },
        steps=[
            {
                "title": step["title"],
                "body": step["body"],
                "selector": (step.get("target") or {}).get("selector", ""),
                "target": json.dumps(step["target"]) if step.get("target") else "",
                "placement": step["placement"],
                "missing_target": step["missing_target"],
                "advance": step.get("advance", "button"),
                "advance_event": step.get("advance_event") or "",
                "advance_delay": str(step.get("advance_delay") or ""),
                "content": content_to_form(step.get("content") or {}),
            }
            for step in plain["steps"]
        ],
        translations=[
            {
                "locale": locale,
                "name": translation.get("name") or "",
                "steps": [
                    {"title": step.get("title") or "", "body": step.get("body") or ""}
                    for step in translation.get("steps", [])
                ],
            }
            for locale, translation in plain.get("translations", {}).items()
        ],
    )


def blank_translation() -> dict[str, Any]:
    return {"locale": "", "name": "", "steps": []}


def form_from_post(data: FormData) -> GuideForm:
    values = {key: _text(data, key) for key in blank_form().values}
    steps: dict[int, dict[str, Any]] = {}
    for key, value in data.multi_items():
        match = STEP_FIELD.match(key)
        if match and match.group(2) in STEP_KEYS and int(match.group(1)) < MAX_FORM_STEPS * 2:
            steps.setdefault(int(match.group(1)), blank_step())[match.group(2)] = str(value)
        match = CONTENT_FIELD.match(key)
        if match and int(match.group(1)) < MAX_FORM_STEPS * 2:
            step = steps.setdefault(int(match.group(1)), blank_step())
            step["content"][match.group(2)] = str(value)
    languages: dict[int, dict[str, Any]] = {}
    texts: dict[tuple[int, int], dict[str, str]] = {}
    for key, value in data.multi_items():
        match = LOCALE_FIELD.match(key)
        if match and int(match.group(1)) < MAX_FORM_LOCALES * 2:
            languages.setdefault(int(match.group(1)), blank_translation())[match.group(2)] = str(
                value
            )
        match = LOCALE_STEP_FIELD.match(key)
        if match and int(match.group(1)) < MAX_FORM_LOCALES * 2:
            step_index = int(match.group(2))
            if step_index < MAX_FORM_STEPS * 2:
                languages.setdefault(int(match.group(1)), blank_translation())
                text = texts.setdefault((int(match.group(1)), step_index), _blank_text())
                text[match.group(3)] = str(value)
    ordered_steps = [steps[index] for index in sorted(steps)]
    translations = []
    for number in sorted(languages):
        language = languages[number]
        language["steps"] = [
            texts.get((number, index), _blank_text()) for index in range(len(ordered_steps))
        ]
        translations.append(language)
    return GuideForm(values=values, steps=ordered_steps, translations=translations)


def _text(data: FormData, key: str) -> str:
    value = data.get(key, "")
    return value if isinstance(value, str) else ""


def apply_step_operation(form: GuideForm, operation: str) -> bool:
    """Add, delete or move a step (up, down, or to a position), or add or remove a language,
    without saving; False when `operation` is not one. A step's translations go with it."""
    name, _, raw = operation.partition(":")
    index = index_of(raw)
    if name == "add_locale":
        if len(form.translations) < MAX_FORM_LOCALES:
            form.translations.append(
                {**blank_translation(), "steps": [_blank_text() for _ in form.steps]}
            )
        return True
    if name == "delete_locale":
        if 0 <= index < len(form.translations):
            form.translations.pop(index)
        return True
    lists = [form.steps] + [_padded(t["steps"], len(form.steps)) for t in form.translations]
    steps = form.steps
    if name in MOVES:  # translations move with their step
        move = move_of(operation, len(steps))
        if move is not None:
            for items in lists:
                items.insert(move[1], items.pop(move[0]))
        return True
    if name == "add_step":
        if len(steps) < MAX_FORM_STEPS:
            steps.append(blank_step())
            for texts in lists[1:]:
                texts.append(_blank_text())
        return True
    if name != "delete_step":
        return False
    if 0 <= index < len(steps):
        for items in lists:
            items.pop(index)
    return True


def _blank_text() -> dict[str, str]:
    return {"title": "", "body": ""}


def _padded(texts: list[dict[str, str]], length: int) -> list[dict[str, str]]:
    while len(texts) < length:
        texts.append(_blank_text())
    return texts


def to_document(form: GuideForm, *, slug: str, status: str) -> GuideDocument | None:
    """The validated document, or None with `form.errors` filled in."""
    values = form.values
    payload: dict[str, Any] = {
        "slug": slug,
        "name": values["name"].strip(),
        "kind": values["kind"],
        "status": status,
        "priority": _number(values["priority"]),
        "frequency": values["frequency"],
        "trigger": {
            "type": values["trigger_type"],
            "delay_ms": _number(values["trigger_delay_ms"]),
            **(struggle_trigger(values) if values["trigger_type"] == "struggle" else {}),
        },
        "pages": {
            "include": text_to_rules(values["pages_include"]),
            "exclude": text_to_rules(values["pages_exclude"]),
        },
        "audience": {
            "match": values["audience_match"],
            "conditions": text_to_conditions(values["audience"]),
            "history": text_to_history(values["audience_history"]),
            "holdout_percent": _number(values["audience_holdout_percent"]),
        },
        "steps": [
            {
                "title": step["title"].strip(),
                "body": step["body"],
                "target": target_from_form(step["selector"], step.get("target", "")),
                "placement": step["placement"],
                "missing_target": step["missing_target"],
                "advance": step.get("advance") or "button",
                "advance_event": step.get("advance_event", "").strip() or None,
                "advance_delay": _optional_number(step.get("advance_delay", "")),
                "content": content_from_form(step["content"]),
            }
            for step in form.steps
        ],
        "theme": theme_from_form(values),
        "schedule": schedule_from_form(values),
        "translations": translations_from_form(form),
    }
    try:
        document = GuideDocument.model_validate(payload)
    except ValidationError as exc:
        for item in fields_from_pydantic(exc.errors()):
            message = item["message"].removeprefix("Value error, ")
            name = translation_field(form, item["field"], message) or field_name(item["field"])
            if name == "(form)":
                form.form_error = message
                form.errors.setdefault("steps", message)
            else:
                form.errors.setdefault(name, message)
        if not form.form_error:
            form.form_error = NOTHING_SAVED
        return None
    if form.errors:
        form.form_error = form.form_error or NOTHING_SAVED
        return None
    return document


def add_errors(form: GuideForm, fields: list[dict[str, str]]) -> None:
    """Field errors found after validation (by saving) shown next to their fields."""
    for item in fields:
        form.errors.setdefault(field_name(item["field"]), item["message"])
    form.form_error = NOTHING_SAVED


def translations_from_form(form: GuideForm) -> dict[str, Any]:
    """The typed languages as the document's `translations`; an empty text falls back to the
    default language, and a language with nothing typed at all is left out. A tag given
    twice is marked at its second field."""
    out: dict[str, Any] = {}
    for number, language in enumerate(form.translations):
        locale = language["locale"].strip()
        texts = _padded(language["steps"], len(form.steps))[: len(form.steps)]
        typed = [
            {
                key: (text[key] if key == "body" else text[key].strip()) or None
                for key in ("title", "body")
            }
            for text in texts
        ]
        while typed and typed[-1] == {"title": None, "body": None}:
            typed.pop()
        name = language["name"].strip()
        if not locale and not name and not typed:
            continue
        if locale in out:
            form.errors.setdefault(f"tr-{number}-locale", "this language is given twice")
            continue
        out[locale] = {"name": name or None, "steps": typed}
    return out


def translation_field(form: GuideForm, path: str, message: str = "") -> str | None:
    """`translations.fr.steps[1].title` → `tr-0-1-title`; an error on the language itself
    (a bad tag) → `tr-0-locale`."""
    if not path.startswith("translations"):
        return None
    rest = path.removeprefix("translations").removeprefix(".")
    numbers = {t["locale"].strip(): n for n, t in enumerate(form.translations)}
    for locale, number in sorted(numbers.items(), key=lambda item: -len(item[0])):
        if locale and (rest == locale or rest.startswith(locale + ".")):
            detail = rest[len(locale) :]
            step = re.match(r"^\.steps\[(\d+)\]\.(title|body)", detail)
            if step:
                return f"tr-{number}-{step.group(1)}-{step.group(2)}"
            if detail.startswith(".name"):
                return f"tr-{number}-name"
            return f"tr-{number}-locale"
    bad = re.search(r"'([^']*)' is not a language tag", message)
    for locale, number in numbers.items():
        if bad and locale == bad.group(1):
            return f"tr-{number}-locale"
    return "translations"


def field_name(path: str) -> str:
    """`steps[2].target.selector` → `steps-2-selector`; `pages.include[0].value` →
    `pages_include`; a whole-document rule → `(form)`."""
    content = re.match(r"^steps\[(\d+)\]\.content(?:\.([a-z_]+))?", path)
    if content:
        key = f".{content.group(2)}" if content.group(2) else ""
        return f"steps-{content.group(1)}-content{key}"
    theme = re.match(r"^theme\.([a-z_]+)", path)
    if theme:
        return f"theme_{theme.group(1)}"
    step = re.match(r"^steps\[(\d+)\]\.([a-z_]+)", path)
    if step:
        key = "selector" if step.group(2) == "target" else step.group(2)
        return f"steps-{step.group(1)}-{key}"
    for prefix, name in (
        ("pages.include", "pages_include"),
        ("pages.exclude", "pages_exclude"),
        ("audience.match", "audience_match"),
        ("audience.history", "audience_history"),
        ("audience.holdout_percent", "audience_holdout_percent"),
        ("audience", "audience"),
        ("trigger.delay_ms", "trigger_delay_ms"),
        ("trigger.signal", "trigger_signal"),
        ("trigger.selector", "trigger_selector"),
        ("trigger.guide", "trigger_guide"),
        ("trigger.step_index", "trigger_step"),
        ("trigger.cooldown_seconds", "trigger_cooldown_seconds"),
        ("trigger.type", "trigger_type"),
        ("schedule.starts_at", "schedule_starts_at"),
        ("schedule", "schedule_ends_at"),
        ("trigger", "trigger_type"),
    ):
        if path.startswith(prefix):
            return name
    if path in ("(body)", ""):
        return "(form)"
    return path.split(".")[0].split("[")[0]


def time_to_field(value: str | None) -> str:
    """A stored time as a `datetime-local` field shows it: UTC, to the minute."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")


def schedule_from_form(values: dict[str, str]) -> dict[str, Any] | None:
    """The schedule from its two fields, read as UTC; None when both are empty. A value that
    is not a time is passed on for validation to name."""
    out: dict[str, Any] = {}
    for key in ("starts_at", "ends_at"):
        raw = values[f"schedule_{key}"].strip()
        if not raw:
            continue
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            out[key] = raw
            continue
        out[key] = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
    return out or None


def history_to_text(history: list[dict[str, Any]]) -> str:
    """Rules from a user's past, one JSON object a line (guides/history.py)."""
    return "\n".join(json.dumps(rule, separators=(", ", ": ")) for rule in history)


def text_to_history(text: str) -> Any:
    """One JSON object a line; a line that is not JSON is passed on for validation to name."""
    rules: list[Any] = []
    for line in text.splitlines():
        if line.strip():
            try:
                rules.append(json.loads(line))
            except ValueError:
                rules.append(line.strip())
    return rules


def struggle_trigger_values(trigger: dict[str, Any]) -> dict[str, str]:
    """A struggle trigger's fields as the editor shows them (steps counted from 1)."""
    step = trigger.get("step_index")
    cooldown = trigger.get("cooldown_seconds")
    return {
        "trigger_signal": trigger.get("signal", ""),
        "trigger_selector": trigger.get("selector", ""),
        "trigger_guide": trigger.get("guide", ""),
        "trigger_step": "" if step is None else str(step + 1),
        "trigger_cooldown_seconds": "" if cooldown is None else str(cooldown),
    }


def struggle_trigger(values: dict[str, str]) -> dict[str, Any]:
    """The struggle part of a trigger from the editor's fields; empty ones are left out."""
    trigger: dict[str, Any] = {"signal": values["trigger_signal"] or None}
    for key in ("selector", "guide"):
        if values[f"trigger_{key}"].strip():
            trigger[key] = values[f"trigger_{key}"].strip()
    step = values["trigger_step"].strip()
    if step:
        trigger["step_index"] = int(step) - 1 if step.isdigit() and len(step) < 6 else step
    cooldown = values["trigger_cooldown_seconds"].strip()
    if cooldown:
        trigger["cooldown_seconds"] = _number(cooldown)
    return trigger


def theme_from_form(values: dict[str, str]) -> dict[str, Any] | None:
    """The guide's own theme from its fields; None when all are empty (the app's theme)."""
    theme: dict[str, Any] = {}
    for key in THEME_FIELDS:
        raw = values.get(f"theme_{key}", "").strip()
        if raw:
            theme[key] = _number(raw) if key == "radius" else raw
    return theme or None


def _optional_number(value: str) -> Any:
    return _number(value) if value.strip() else None


def _number(value: str) -> Any:
    value = value.strip()
    try:
        return int(value)
    except ValueError:
        return value or 0


def rules_to_text(rules: list[dict[str, str]]) -> str:
    return "\n".join(
        rule["value"] if rule["match"] == "exact" else f"{rule['match']} {rule['value']}"
        for rule in rules
    )


def text_to_rules(text: str) -> list[dict[str, str]]:
    """One rule a line: `/path` (exact), or `prefix /reports`, `glob /a/*`, `regex ^/x$`."""
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        word, _, rest = line.partition(" ")
        if word in MATCHES and rest.strip():
            rules.append({"match": word, "value": rest.strip()})
        else:
            rules.append({"match": "exact", "value": line})
    return rules


def conditions_to_text(conditions: list[dict[str, Any]]) -> str:
    lines = []
    for condition in conditions:
        value = condition.get("value")
        if condition["op"] in VALUELESS_OPERATORS:
            shown = ""
        elif isinstance(value, list):
            shown = ", ".join(str(item) for item in value)
        elif isinstance(value, str):
            shown = value
        else:
            shown = json.dumps(value)
        lines.append(f"{condition['trait']} {condition['op']} {shown}".rstrip())
    return "\n".join(lines)


def text_to_conditions(text: str) -> list[dict[str, Any]]:
    """One condition a line: `plan eq pro`, `role in admin, owner`, `seats gte 5`,
    `beta exists`."""
    conditions = []
    for line in text.splitlines():
        parts = line.strip().split(None, 2)
        if not parts:
            continue
        trait = parts[0]
        op = parts[1] if len(parts) > 1 else "exists"
        raw = parts[2].strip() if len(parts) > 2 else ""
        value: Any
        if op in VALUELESS_OPERATORS:
            value = None
        elif op in LIST_OPERATORS:
            value = [_scalar(item.strip()) for item in raw.split(",") if item.strip()]
        else:
            value = _scalar(raw)
        conditions.append({"trait": trait, "op": op, "value": value})
    return conditions


def _scalar(raw: str) -> Any:
    if raw in ("true", "false"):
        return raw == "true"
    try:
        number = json.loads(raw)
    except ValueError:
        return raw
    return number if isinstance(number, int | float) and not isinstance(number, bool) else raw


def content_to_form(content: dict[str, Any]) -> dict[str, str]:
    """A step's kind-specific content as form text: options one `id: label` a line,
    keywords one a line, booleans `true`/`false`."""
    values: dict[str, str] = {}
    for key, value in content.items():
        if key == "options" and isinstance(value, list):
            values[key] = "\n".join(
                f"{item.get('id', '')}: {item.get('label', '')}" for item in value
            )
        elif key == "keywords" and isinstance(value, list):
            values[key] = "\n".join(str(word) for word in value)
        elif isinstance(value, bool):
            values[key] = "true" if value else "false"
        elif value is not None:
            values[key] = str(value)
    return values


def content_from_form(values: dict[str, str]) -> dict[str, Any]:
    """Form text back to content; empty fields are left out so their defaults apply. The
    kind's schema (guides/kinds.py) validates and converts the rest."""
    content: dict[str, Any] = {}
    for key, raw in values.items():
        value = raw.strip()
        if not value:
            continue
        if key == "options":
            options = []
            for line in value.splitlines():
                option_id, _, label = line.partition(":")
                if line.strip():
                    options.append({"id": option_id.strip(), "label": label.strip()})
            content[key] = options
        elif key == "keywords":
            content[key] = [line.strip() for line in value.splitlines() if line.strip()]
        else:
            content[key] = value
    return content


def target_from_form(selector: str, described: str) -> dict[str, Any] | None:
    """The step's target from the visible selector and the hidden description. The clues are
    kept while the selector is the one they came with; a selector typed by hand replaces them,
    and clearing the selector removes the target."""
    try:
        clues = json.loads(described) if described else {}
    except ValueError:
        clues = {}
    if not isinstance(clues, dict):
        clues = {}
    clues = {key: value for key, value in clues.items() if value not in (None, "")}
    selector = selector.strip()
    if selector:
        return (
            {**clues, "selector": selector}
            if clues.get("selector") == selector
            else {"selector": selector}
        )
    if clues.get("selector"):
        return None
    return clues or None
