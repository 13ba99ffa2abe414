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


@dataclass(frozen=True)
class ImportOutcome:
    slug: str
    action: str  # "created", "updated", "published", "unpublished" or "unchanged"
    version: int | None


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
        outcomes.append(ImportOutcome(document.slug, action, guide.live_version))
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
