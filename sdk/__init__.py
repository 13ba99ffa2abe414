"""The browser SDK as the server ships it: built files, committed, so no Node at runtime.

`signpost.js` is the core the snippet loads; every other file in `dist/` is a chunk it
loads when a guide needs it (docs/sdk.md, "Size").
"""

from pathlib import Path

DIST_PATH = Path(__file__).parent / "dist"
BUNDLE_PATH = DIST_PATH / "signpost.js"

__all__ = ["BUNDLE_PATH", "DIST_PATH"]
