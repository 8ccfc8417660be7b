"""Pages of words made from text, for tests that need no OCR."""

from __future__ import annotations

from pipeline.models import Page, Word


def page_from_text(text: str, source: str = "packet.pdf", page_no: int = 1, conf: float = 0.95,
                   method: str = "ocr") -> Page:
    words = []
    for n, line in enumerate(text.strip().splitlines()):
        x = 100.0
        for token in line.split():
            width = 18.0 * len(token)
            words.append(Word(token, x, 100.0 + 40 * n, width, 30.0, conf, n))
            x += width + 18
    return Page(source, page_no, 2480, 3508, words, method)  # type: ignore[arg-type]
