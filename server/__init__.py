"""The Starlette application, settings, storage, CLI and the thin `/sdk/v1` HTTP layer."""

from server import convertors as _convertors  # noqa: F401  (bounded `{id:int}` paths, first)
