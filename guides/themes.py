"""The default look of guides. Every colour pair meets WCAG 2.2 AA contrast (4.5:1)."""

from __future__ import annotations

from typing import Any

DEFAULT_THEME: dict[str, Any] = {
    "accent": "#4338ca",  # indigo-700: 7.7:1 against white, the button text colour
    "accent_text": "#ffffff",
    "text": "#1f2937",  # gray-800: 14.7:1 against the background
    "muted": "#4b5563",  # gray-600: 7.6:1, for the step counter
    "background": "#ffffff",
    "radius": 10,
    "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    "z_index": 2147483000,
}


def theme_for(app_theme: dict[str, Any]) -> dict[str, Any]:
    return {**DEFAULT_THEME, **{k: v for k, v in app_theme.items() if k in DEFAULT_THEME}}
