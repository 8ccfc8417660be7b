"""Font families that Debian ships (fonts-dejavu-core, fonts-liberation, fonts-freefont-ttf),
their PIL and reportlab faces, and text measurement in millimetres."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import ImageFont

from samples.render.ops import PT, ArcText, Font

FONT_DIR = Path("/usr/share/fonts/truetype")

# family -> (regular, bold, italic), relative to FONT_DIR
FAMILIES: dict[str, tuple[str, str, str]] = {
    "dejavu-sans": ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf",
                    "dejavu/DejaVuSans-Oblique.ttf"),
    "dejavu-condensed": ("dejavu/DejaVuSansCondensed.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf",
                         "dejavu/DejaVuSansCondensed-Oblique.ttf"),
    "dejavu-serif": ("dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf",
                     "dejavu/DejaVuSerif-Italic.ttf"),
    "dejavu-mono": ("dejavu/DejaVuSansMono.ttf", "dejavu/DejaVuSansMono-Bold.ttf",
                    "dejavu/DejaVuSansMono-Oblique.ttf"),
    "liberation-sans": ("liberation/LiberationSans-Regular.ttf",
                        "liberation/LiberationSans-Bold.ttf",
                        "liberation/LiberationSans-Italic.ttf"),
    "liberation-narrow": ("liberation/LiberationSansNarrow-Regular.ttf",
                          "liberation/LiberationSansNarrow-Bold.ttf",
                          "liberation/LiberationSansNarrow-Italic.ttf"),
    "liberation-serif": ("liberation/LiberationSerif-Regular.ttf",
                         "liberation/LiberationSerif-Bold.ttf",
                         "liberation/LiberationSerif-Italic.ttf"),
    "liberation-mono": ("liberation/LiberationMono-Regular.ttf",
                        "liberation/LiberationMono-Bold.ttf",
                        "liberation/LiberationMono-Italic.ttf"),
    "free-sans": ("freefont/FreeSans.ttf", "freefont/FreeSansBold.ttf",
                  "freefont/FreeSansOblique.ttf"),
    "free-serif": ("freefont/FreeSerif.ttf", "freefont/FreeSerifBold.ttf",
                   "freefont/FreeSerifItalic.ttf"),
}
SANS = ("dejavu-sans", "liberation-sans", "free-sans", "dejavu-condensed", "liberation-narrow")
SERIF = ("dejavu-serif", "liberation-serif", "free-serif")
MONO = ("dejavu-mono", "liberation-mono")
_MEASURE_PX = 200


def font_path(font: Font) -> Path:
    regular, bold, italic = FAMILIES[font.family]
    return FONT_DIR / (bold if font.bold else italic if font.italic else regular)


def face_name(font: Font) -> str:
    """The reportlab name a face is registered under."""
    return f"{font.family}-{'b' if font.bold else 'i' if font.italic else 'r'}"


@cache
def pil_font(font: Font, size_px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(font)), max(1, round(size_px)),
                              layout_engine=ImageFont.Layout.BASIC)


def text_width(text: str, font: Font, size: float) -> float:
    """Width in mm of `text` set in `font` at `size` points."""
    return pil_font(font, _MEASURE_PX).getlength(text) / _MEASURE_PX * size * PT


def wrap(text: str, font: Font, size: float, width: float) -> list[str]:
    """Greedy word wrap into lines no wider than `width` mm (a longer single word stays whole)."""
    lines: list[str] = []
    for para in text.split("\n"):
        current = ""
        for word in para.split():
            trial = f"{current} {word}" if current else word
            if current and text_width(trial, font, size) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return lines


def fit_size(text: str, font: Font, size: float, width: float, smallest: float = 6.5) -> float:
    """The largest size <= `size` (in half points) at which `text` fits into `width` mm."""
    while size > smallest and text_width(text, font, size) > width:
        size -= 0.5
    return size


def arc_angles(op: ArcText) -> list[float]:
    """Clockwise angle from the top (degrees) of each character's centre along the arc, spaced
    by the characters' widths."""
    widths = [text_width(ch, op.font, op.size) + op.size * PT * 0.12 for ch in op.text]
    total = sum(widths) or 1.0
    angles, run = [], 0.0
    for w in widths:
        angles.append(op.tilt - op.span / 2 + op.span * (run + w / 2) / total)
        run += w
    return angles
