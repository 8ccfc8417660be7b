"""A cursor that fills pages top to bottom and breaks to a new page when a block does not fit,
and the page footers ("Page 2 of 3") added once the page count is known."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from samples.render.ops import GREY, RGB, Font, Op, Page, Text

A4 = (210.0, 297.0)
A5 = (148.0, 210.0)
BILL = (241.0, 140.0)


@dataclass(frozen=True)
class Footer:
    fmt: str  # e.g. "Page {i} of {n}"
    font: Font
    size: float = 8.5
    align: str = "c"  # l | c | r
    note: str = ""  # printed at the opposite side, e.g. the hospital name
    single: bool = True  # also on a one-page document


class Flow:
    def __init__(self, size: tuple[float, float], margins: tuple[float, float, float, float]):
        self.width, self.height = size
        self.left, self.top, self.right_margin, self.bottom_margin = margins
        self.pages: list[list[Op]] = [[]]
        self.y = self.top
        self.on_new_page: Callable[[Flow], None] | None = None
        self.background: RGB = (255, 255, 255)

    @property
    def right(self) -> float:
        return self.width - self.right_margin

    @property
    def bottom(self) -> float:
        return self.height - self.bottom_margin

    @property
    def content_width(self) -> float:
        return self.right - self.left

    @property
    def page_no(self) -> int:
        return len(self.pages)

    def add(self, *ops: Op) -> None:
        self.pages[-1].extend(ops)

    def fits(self, h: float) -> bool:
        return self.y + h <= self.bottom

    def ensure(self, h: float) -> None:
        if not self.fits(h) and self.y > self.top + 1:
            self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.top
        if self.on_new_page is not None:
            self.on_new_page(self)

    def space(self, h: float) -> None:
        self.y += h

    def finish(self, footer: Footer | None = None) -> list[Page]:
        n = len(self.pages)
        pages = [Page(self.width, self.height, ops, self.background) for ops in self.pages]
        if footer is not None and (n > 1 or footer.single):
            for i, page in enumerate(pages, 1):
                page.ops.extend(footer_ops(footer, i, n, self))
        return pages


def footer_ops(footer: Footer, i: int, n: int, flow: Flow) -> list[Op]:
    y = flow.height - min(flow.bottom_margin * 0.5, 10.0)
    x = {"l": flow.left, "c": flow.width / 2, "r": flow.right}[footer.align]
    ops: list[Op] = [Text(x, y, footer.fmt.format(i=i, n=n), footer.font, footer.size,
                          footer.align, GREY)]
    if footer.note:
        note_align = "l" if footer.align == "r" else "r"
        nx = flow.left if note_align == "l" else flow.right
        ops.append(Text(nx, y, footer.note, footer.font, footer.size, note_align, GREY))
    return ops
