"""The look of guides: the default, an app's theme over it, and a guide's own theme over
the app's. Every colour pair meets WCAG 2.2 AA contrast (4.5:1)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from guides import json_codec

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


THEME_COLOURS = ("accent", "accent_text", "text", "muted", "background")
# What an author may set, in a theme form's order (an app's, or a guide's over it).
THEME_FIELDS = (*THEME_COLOURS, "radius", "font")
MIN_CONTRAST = 4.5  # WCAG 2.2 AA for body text
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
# A CSS font-family list: family names, quoted or not, and generic families, comma separated.
# Nothing else (no `url(`, no `;`, no braces) can reach the SDK's stylesheet through it. A
# family the app's page loads with @font-face is usable: font faces reach into shadow roots.
_FAMILY = r"""(?:"[\w .-]+"|'[\w .-]+'|-?[A-Za-z][\w .-]*)"""
FONT_FAMILY = re.compile(rf"^\s*{_FAMILY}(?:\s*,\s*{_FAMILY})*\s*$")
MAX_FONT_LENGTH = 200
FONT_MESSAGE = "a font list like Inter, system-ui, sans-serif (names, quotes, commas only)"
# What button text falls back to when the app's own is unreadable: the darker is gray-900.
BUTTON_TEXT_CHOICES = ("#ffffff", "#111827")


def theme_for(app_theme: dict[str, Any]) -> dict[str, Any]:
    """The theme the SDK gets. Its `accent_text` (button text on the accent) is always
    readable: `validate_theme` refuses an unreadable pair, and a theme stored any other way
    gets white or near-black, whichever contrasts more. The SDK uses it as sent."""
    theme = {**DEFAULT_THEME, **{k: v for k, v in app_theme.items() if k in DEFAULT_THEME}}
    accent, accent_text = str(theme["accent"]), str(theme["accent_text"])
    if not HEX_COLOUR.fullmatch(accent):
        theme["accent"] = accent = DEFAULT_THEME["accent"]
    if not HEX_COLOUR.fullmatch(accent_text) or contrast(accent_text, accent) < MIN_CONTRAST:
        theme["accent_text"] = max(BUTTON_TEXT_CHOICES, key=lambda text: contrast(text, accent))
    if not valid_font(str(theme["font"])):
        theme["font"] = DEFAULT_THEME["font"]
    return theme


def valid_font(value: str) -> bool:
    """Whether `value` is a font-family list the SDK may put in its stylesheet as it is."""
    return len(value) <= MAX_FONT_LENGTH and FONT_FAMILY.fullmatch(value) is not None


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two `#rgb`/`#rrggbb` colours, 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def readable_on(colour: str) -> str:
    """White or near-black, whichever contrasts more with `colour`: the text on a button."""
    return max(("#ffffff", "#111827"), key=lambda text: contrast(text, colour))


def _mix(first: str, second: str, share: float) -> str:
    """`share` of `first` and the rest of `second`, channel by channel (CSS color-mix in srgb)."""
    pairs = zip(_channels(first), _channels(second), strict=True)
    return "#" + "".join(f"{round(x * share + y * (1 - share)):02x}" for x, y in pairs)


def _channels(colour: str) -> list[int]:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return [int(digits[i : i + 2], 16) for i in (0, 2, 4)]


def merged_theme(app_theme: dict[str, Any], guide_theme: dict[str, Any]) -> dict[str, Any]:
    """A guide's own theme over its app's: the colours that derive from others (text on the
    accent, muted text) are worked out again from the merged colours unless the guide sets
    them itself, so a guide that only changes its accent still has readable buttons."""
    own = {k: v for k, v in guide_theme.items() if k in DEFAULT_THEME}
    merged = {**theme_for(app_theme), **own}
    if "accent" in own and "accent_text" not in own:
        merged["accent_text"] = readable_on(merged["accent"])
    if ("text" in own or "background" in own) and "muted" not in own:
        muted = _mix(merged["text"], merged["background"], 0.76)
        ok = contrast(muted, merged["background"]) >= MIN_CONTRAST
        merged["muted"] = muted if ok else merged["text"]
    return merged


def sdk_theme(
    app_theme: dict[str, Any], guide_theme: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`theme_for(app_theme)`, or `merged_theme` with a guide's own theme, remembered by the
    themes' JSON: every session answer carries them, and working out contrasts on each would
    undo what bench/delivery.py gained. The dict returned is shared: never change it."""
    guide_json = json_codec.dumps_bytes(guide_theme) if guide_theme else b""
    return _sdk_theme(json_codec.dumps_bytes(app_theme), guide_json)


@lru_cache(maxsize=1024)
def _sdk_theme(app_json: bytes, guide_json: bytes) -> dict[str, Any]:
    app_theme = json_codec.loads(app_json)
    if not guide_json:
        return theme_for(app_theme)
    return merged_theme(app_theme, json_codec.loads(guide_json))


CONTRAST_PAIRS = (
    ("text", "background"),
    ("muted", "background"),
    ("accent_text", "accent"),
)


def guide_theme_problems(
    app_theme: dict[str, Any], guide_theme: dict[str, Any]
) -> list[dict[str, str]]:
    """What makes a guide's theme hard to read once merged over its app's theme, as field
    errors on the guide's own colours (`theme.text`, ...)."""
    merged = merged_theme(app_theme, guide_theme)
    problems: list[dict[str, str]] = []
    for fore, back in CONTRAST_PAIRS:
        ratio = contrast(merged[fore], merged[back])
        if ratio >= MIN_CONTRAST or (fore not in guide_theme and back not in guide_theme):
            # Neither is the guide's: a derived colour failing with the one it follows
            # (marked there), or the app's own theme.
            continue
        field = fore if fore in guide_theme else back
        other = back if field == fore else fore
        if any(problem["field"] == f"theme.{field}" for problem in problems):
            continue  # one message a field: the first pair it fails
        problems.append(
            {
                "field": f"theme.{field}",
                "message": f"contrast with {other.replace('_', ' ')} is {ratio:.1f}:1; "
                f"it needs at least {MIN_CONTRAST}:1 to be readable",
            }
        )
    return problems


def validate_theme(values: dict[str, str]) -> dict[str, Any]:
    """An app's theme from form values: colours as hex, a radius of 0 to 32 px, a font
    list (`valid_font`), and text
    that stays readable (4.5:1) on its background and on buttons. Empty values fall back to
    the default."""
    theme: dict[str, Any] = {}
    fields = []
    for key in THEME_COLOURS:
        value = values.get(key, "").strip()
        if not value:
            continue
        if not HEX_COLOUR.fullmatch(value):
            fields.append({"field": f"theme.{key}", "message": "use a colour like #4338ca"})
        else:
            theme[key] = value.lower()
    font = values.get("font", "").strip()
    if font:
        if not valid_font(font):
            fields.append({"field": "theme.font", "message": FONT_MESSAGE})
        else:
            theme["font"] = font
    radius = values.get("radius", "").strip()
    if radius:
        if not radius.isdigit() or not 0 <= int(radius) <= 32:
            fields.append({"field": "theme.radius", "message": "a number of pixels, 0 to 32"})
        else:
            theme["radius"] = int(radius)
    if not fields:
        full = {**DEFAULT_THEME, **theme}
        for fore, back, field in (
            ("text", "background", "theme.text"),
            ("muted", "background", "theme.muted"),
            ("accent_text", "accent", "theme.accent_text"),
        ):
            ratio = contrast(full[fore], full[back])
            if ratio < MIN_CONTRAST:
                fields.append(
                    {
                        "field": field,
                        "message": f"contrast with {back.replace('_', ' ')} is {ratio:.1f}:1; "
                        f"it needs at least {MIN_CONTRAST}:1 to be readable",
                    }
                )
    if fields:
        from guides.errors import InvalidPayload

        raise InvalidPayload("the theme has invalid values", fields=fields)
    return theme
