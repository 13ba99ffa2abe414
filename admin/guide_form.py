"""The guide editor's form: flat HTML fields to a `GuideDocument` and back, and pydantic's
error paths to the names of the fields they belong to, so each error shows next to its
field and everything the author typed is shown again."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from guides.documents import GuideDocument
from guides.errors import fields_from_pydantic
from guides.kinds import KINDS

STEP_FIELD = re.compile(r"^steps-(\d+)-([a-z_]+)$")
CONTENT_FIELD = re.compile(r"^steps-(\d+)-content\.([a-z_]+)$")
# `target` is a hidden field: the whole target description as JSON (the picker's clues, or a
# guide file's), so saving keeps what the visible `selector` field does not show.
STEP_KEYS = ("title", "body", "selector", "target", "placement", "missing_target")
MATCHES = ("exact", "prefix", "glob", "regex")
LIST_OPERATORS = ("in", "not_in")
VALUELESS_OPERATORS = ("exists", "not_exists")
MAX_FORM_STEPS = 50


def kinds() -> list[str]:
    """Every guide kind the editor offers, from the registry (guides/kinds.py)."""
    return list(KINDS)


@dataclass
class GuideForm:
    """What the editor shows: the values as typed, and errors by field name."""

    values: dict[str, Any]
    steps: list[dict[str, Any]]
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
            "picker_url": "",
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
            "picker_url": "",
        },
        steps=[
            {
                "title": step["title"],
                "body": step["body"],
                "selector": (step.get("target") or {}).get("selector", ""),
                "target": json.dumps(step["target"]) if step.get("target") else "",
                "placement": step["placement"],
                "missing_target": step["missing_target"],
                "content": content_to_form(step.get("content") or {}),
            }
            for step in plain["steps"]
        ],
    )


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
    return GuideForm(values=values, steps=[steps[index] for index in sorted(steps)])


def _text(data: FormData, key: str) -> str:
    value = data.get(key, "")
    return value if isinstance(value, str) else ""


def apply_step_operation(form: GuideForm, operation: str) -> bool:
    """Add, delete or move a step without saving; False when `operation` is not one."""
    name, _, raw = operation.partition(":")
    index = int(raw) if raw.isdigit() else -1
    steps = form.steps
    if name == "add_step":
        if len(steps) < MAX_FORM_STEPS:
            steps.append(blank_step())
        return True
    if not 0 <= index < len(steps):
        return name in ("delete_step", "move_up", "move_down")
    if name == "delete_step":
        steps.pop(index)
    elif name == "move_up" and index > 0:
        steps[index - 1], steps[index] = steps[index], steps[index - 1]
    elif name == "move_down" and index < len(steps) - 1:
        steps[index + 1], steps[index] = steps[index], steps[index + 1]
    elif name not in ("move_up", "move_down"):
        return False
    return True


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
                "content": content_from_form(step["content"]),
            }
            for step in form.steps
        ],
    }
    try:
        return GuideDocument.model_validate(payload)
    except ValidationError as exc:
        for item in fields_from_pydantic(exc.errors()):
            name, message = field_name(item["field"]), item["message"].removeprefix("Value error, ")
            if name == "(form)":
                form.form_error = message
                form.errors.setdefault("steps", message)
            else:
                form.errors.setdefault(name, message)
        if not form.form_error:
            form.form_error = "Nothing was saved. Please fix the fields marked below."
        return None


def field_name(path: str) -> str:
    """`steps[2].target.selector` → `steps-2-selector`; `pages.include[0].value` →
    `pages_include`; a whole-document rule → `(form)`."""
    content = re.match(r"^steps\[(\d+)\]\.content(?:\.([a-z_]+))?", path)
    if content:
        key = f".{content.group(2)}" if content.group(2) else ""
        return f"steps-{content.group(1)}-content{key}"
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
        ("trigger", "trigger_type"),
    ):
        if path.startswith(prefix):
            return name
    if path in ("(body)", ""):
        return "(form)"
    return path.split(".")[0].split("[")[0]


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
