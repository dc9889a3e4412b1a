"""The app's theme and server settings: one place for ``journeymap app`` and config.toml.

Colours are Okabe–Ito (colour-blind safe) like every journeymap drawing; the base font is a
step larger than Streamlit's default so tables stay readable on a workshop projector.
``.streamlit/config.toml`` at the top of the repository repeats these values for
``streamlit run app.py`` (a test checks they agree).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

THEME: dict[str, str | int] = {
    "base": "light",
    "primaryColor": "#0072B2",
    "textColor": "#1B1B1B",
    "backgroundColor": "#FFFFFF",
    "secondaryBackgroundColor": "#F2F5F8",
    "baseFontSize": 17,
    "baseRadius": "small",
}

SERVER: dict[str, dict[str, str | int | bool]] = {
    "browser": {"gatherUsageStats": False},
    # localhost: customer data stays on this machine, and Streamlit does not look up the
    # machine's public address on the internet when it prints the URL
    "server": {"address": "localhost", "maxUploadSize": 200, "showEmailPrompt": False},
    "client": {"toolbarMode": "minimal"},
}


def streamlit_flags(*, headless: bool = False, port: int | None = None) -> list[str]:
    """Command-line flags for ``streamlit run`` that apply the theme and settings."""
    flags = [f"--theme.{key}={_value(value)}" for key, value in THEME.items()]
    for section, options in SERVER.items():
        flags += [f"--{section}.{key}={_value(value)}" for key, value in options.items()]
    flags.append(f"--server.headless={_value(headless)}")
    if port is not None:
        flags.append(f"--server.port={port}")
    return flags


def _value(value: str | int | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


@lru_cache(maxsize=1)
def icon() -> Any:
    """The browser-tab icon, drawn here: a Material icon as page icon is fetched from the
    internet by the browser, and the app must work offline."""
    from PIL import Image, ImageDraw

    size = 64
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=14, fill=str(THEME["primaryColor"]))
    points = [(16, 46), (32, 22), (48, 40)]
    draw.line(points, fill="white", width=6, joint="curve")
    for x, y in points:
        draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill="#E69F00", outline="white", width=3)
    return image
