"""The browser SDK as the server ships it: one built file, committed, so no Node at runtime."""

from pathlib import Path

BUNDLE_PATH = Path(__file__).parent / "dist" / "signpost.js"

__all__ = ["BUNDLE_PATH"]
