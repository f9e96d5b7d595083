"""Bar charts drawn with Pillow for the Word reports (no browser, no matplotlib).

``bar_chart(bars, title=…)`` returns PNG bytes: one horizontal bar per item (its label on
the left, its value at the end of the bar) and, when given, a marker for each item's target.
Labels are Vietnamese, so the font is Liberation Serif (the metrics of Times New Roman, the
font of the document); a system without it falls back to DejaVu and then to Pillow's own.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation",
    "/usr/share/fonts/truetype/dejavu",
)
REGULAR = ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf", "DejaVuSans.ttf")
BOLD = ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSans-Bold.ttf")
BAR = (155, 28, 28)  # the house red (Excel headers use the same)
TARGET = (30, 30, 30)
GRID = (210, 210, 210)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | float | None
    target: Decimal | float | None = None
    text: str = ""  # the value as printed ("62,5%"); default: the number


@cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in BOLD if bold else REGULAR:
        for folder in FONT_DIRS:
            path = Path(folder) / name
            if path.exists():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def _number(value) -> str:
    text = f"{float(value):,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.removesuffix(",0")


def _fit(draw: ImageDraw.ImageDraw, text: str, face, width: int) -> str:
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def bar_chart(
    bars: list[Bar],
    *,
    title: str = "",
    maximum: float | None = None,
    width: int = 1600,
    legend: str = "",
) -> bytes:
    """A horizontal bar chart as PNG bytes (drawn at 2x for print; place it ~16 cm wide)."""
    scale = width / 800
    title_face = font(round(18 * scale), bold=True)
    label_face = font(round(14 * scale))
    row = round(34 * scale)
    top = round((44 if title else 12) * scale)
    bottom = round((34 if legend else 12) * scale)
    height = top + row * max(1, len(bars)) + bottom
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    if title:
        draw.text((width / 2, round(20 * scale)), title, fill="black", font=title_face, anchor="mm")
    label_w = round(300 * scale)
    value_w = round(90 * scale)
    x0 = label_w + round(10 * scale)
    x1 = width - value_w
    values = [float(b.value) for b in bars if b.value is not None]
    values += [float(b.target) for b in bars if b.target is not None]
    top_value = maximum or max([*values, 1.0])
    for step in range(5):
        x = x0 + (x1 - x0) * step / 4
        draw.line([(x, top), (x, top + row * len(bars))], fill=GRID, width=1)
    for index, bar in enumerate(bars):
        y = top + index * row
        middle = y + row / 2
        label = _fit(draw, bar.label, label_face, label_w - round(8 * scale))
        draw.text((label_w, middle), label, fill="black", font=label_face, anchor="rm")
        if bar.value is not None:
            length = (x1 - x0) * min(float(bar.value), top_value) / top_value
            draw.rectangle(
                [x0, y + row * 0.2, x0 + max(length, 1), y + row * 0.8], fill=BAR, outline=None
            )
            text = bar.text or _number(bar.value)
            draw.text(
                (x0 + length + 6 * scale, middle), text, fill="black", font=label_face, anchor="lm"
            )
        else:
            draw.text((x0 + 6 * scale, middle), "—", fill="gray", font=label_face, anchor="lm")
        if bar.target is not None:
            x = x0 + (x1 - x0) * min(float(bar.target), top_value) / top_value
            draw.line(
                [(x, y + row * 0.08), (x, y + row * 0.92)], fill=TARGET, width=round(3 * scale)
            )
    if legend:
        draw.text(
            (width / 2, height - bottom / 2), legend, fill="black", font=label_face, anchor="mm"
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
