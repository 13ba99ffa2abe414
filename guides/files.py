"""Guides as files: one YAML (or JSON) document per guide, read, applied and written.

A document's `status` is the state it asks for: `published` publishes the content when it
differs from what is live, `draft` takes a live guide offline, `archived` archives it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlmodel import Session

from guides import store
from guides.authoring import guide_document, save_guide
from guides.documents import GuideDocument
from guides.errors import InvalidPayload, fields_from_pydantic
from guides.publishing import bring_to_status

SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class GuideFile:
    path: Path
    document: GuideDocument


SCHEMA_PATH = Path(__file__).parent / "guide.schema.json"


@dataclass(frozen=True)
class ImportOutcome:
    slug: str
    action: str  # "created", "updated", "published", "unpublished" or "unchanged"
    version: int | None
    changes: tuple[str, ...] = ()  # what differs from the draft before, as field paths


def guide_schema() -> dict[str, Any]:
    """The JSON Schema of a guide file, made from the model that validates every guide."""
    schema = GuideDocument.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Signpost guide",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def schema_text() -> str:
    """The schema as committed in guides/guide.schema.json and served by the API."""
    return json.dumps(guide_schema(), indent=2, ensure_ascii=False) + "\n"


def changed_fields(before: Any, after: Any, path: str = "") -> list[str]:
    """Where two plain documents differ: `name`, `steps[1].body`, `steps` (3 → 2)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in [*before, *(k for k in after if k not in before)]:
            where = f"{path}.{key}" if path else str(key)
            out.extend(changed_fields(before.get(key), after.get(key), where))
        return out
    if isinstance(before, list) and isinstance(after, list):
        out = [f"{path} ({len(before)} → {len(after)})"] if len(before) != len(after) else []
        for index, (old, new) in enumerate(zip(before, after, strict=False)):
            out.extend(changed_fields(old, new, f"{path}[{index}]"))
        return out
    return [] if before == after else [path]


def read_guide_files(path: Path) -> list[GuideFile]:
    """Every guide document in a file or a folder (not recursive), validated, in name order."""
    if path.is_dir():
        paths = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES)
    elif path.is_file():
        paths = [path]
    else:
        raise InvalidPayload(f"{path} is neither a file nor a folder")
    files = [GuideFile(p, _parse(p)) for p in paths]
    seen: dict[str, Path] = {}
    for file in files:
        if file.document.slug in seen:
            raise InvalidPayload(
                f"{file.path.name}: slug {file.document.slug!r} is also used by "
                f"{seen[file.document.slug].name}"
            )
        seen[file.document.slug] = file.path
    return files


def _parse(path: Path) -> GuideDocument:
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise InvalidPayload(f"{path.name}: cannot be read: {exc}") from None
    if not isinstance(raw, dict):
        raise InvalidPayload(f"{path.name}: a guide document is a mapping of keys to values")
    try:
        return GuideDocument.model_validate(raw)
    except ValidationError as exc:
        fields = fields_from_pydantic(exc.errors())
        details = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        raise InvalidPayload(f"{path.name}: {details}", fields=fields) from None


def import_guides(
    *, session: Session, app_id: int, documents: Iterable[GuideDocument], author: str | None
) -> list[ImportOutcome]:
    """Create or update each guide by slug and bring it to the status its document asks for."""
    outcomes = []
    for document in documents:
        existing = store.guide_by_slug(session, app_id, document.slug)
        before = (
            guide_document(session=session, guide=existing).model_dump(
                mode="json", exclude={"status"}
            )
            if existing is not None
            else None
        )
        saved = save_guide(session=session, app_id=app_id, document=document)
        guide = saved.guide
        assert guide.id is not None
        action = "created" if saved.created else "updated" if saved.changed else "unchanged"
        moved = bring_to_status(
            session=session, guide_id=guide.id, status=document.status, author=author
        )
        if moved is not None and moved != "archived":
            action = moved
        session.refresh(guide)
        after = guide_document(session=session, guide=guide).model_dump(
            mode="json", exclude={"status"}
        )
        changes = tuple(changed_fields(before, after)) if before is not None else ()
        outcomes.append(ImportOutcome(document.slug, action, guide.live_version, changes))
    return outcomes


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as `|` blocks, so Markdown bodies diff line by line."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def document_to_yaml(document: GuideDocument) -> str:
    return yaml.dump(
        _compact(document.to_plain()),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )


def _compact(value: Any) -> Any:
    """Drop empty lists and mappings and null values: shorter files, same meaning."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_compact(item) for item in value]
    return value


def export_guides(*, session: Session, app_id: int, directory: Path) -> list[Path]:
    """Write `<slug>.yaml` for every guide of the app; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for guide in store.guides_of_app(session, app_id):
        path = directory / f"{guide.slug}.yaml"
        path.write_text(document_to_yaml(guide_document(session=session, guide=guide)), "utf-8")
        written.append(path)
    return written
