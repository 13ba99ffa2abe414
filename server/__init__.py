"""The Starlette application, settings, storage, CLI and the thin `/sdk/v1` HTTP layer."""
