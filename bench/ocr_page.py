"""Print the text `ocr_image` reads from one image file, as `claims ocr` prints a page.

Usage: python bench/ocr_page.py IMAGE
Words are joined by spaces within a line (left to right), lines by newlines.
"""

from __future__ import annotations

import sys

from PIL import Image

from pipeline.models import Word
from pipeline.reading.ocr import ocr_image


def page_text(words: list[Word]) -> str:
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    return "\n".join(" ".join(w.text for w in sorted(ws, key=lambda w: w.left))
                     for _, ws in sorted(lines.items()))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with Image.open(argv[0]) as im:
        dpi = im.info.get("dpi")
        hint = round(float(dpi[0])) if isinstance(dpi, tuple) and dpi and dpi[0] else None
        image = im.convert("RGB")
    result = ocr_image(image, dpi=hint if hint and 50 <= hint <= 1200 else None)
    sys.stdout.write(page_text(result.words) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
