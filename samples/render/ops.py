"""Draw operations in page millimetres (origin top-left, y down), executed by two backends:
`raster.py` (PIL, any dpi) and `pdf.py` (reportlab, with a text layer)."""

from __future__ import annotations

from dataclasses import dataclass, field

RGB = tuple[int, int, int]
INK: RGB = (25, 25, 30)
GREY: RGB = (110, 110, 115)
LIGHT: RGB = (232, 232, 232)
WHITE: RGB = (255, 255, 255)
SEAL_RED: RGB = (214, 40, 40)
PT = 25.4 / 72  # one typographic point in mm


@dataclass(frozen=True, slots=True)
class Font:
    family: str  # a key of `fonts.FAMILIES`
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True, slots=True)
class Text:
    """One line of text; (x, y) is the baseline point at the left, right or centre (`align`)."""

    x: float
    y: float
    text: str
    font: Font
    size: float  # points
    align: str = "l"  # l | r | c
    color: RGB = INK


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.25
    color: RGB = INK
    dash: float = 0.0  # dash length in mm, 0 = solid


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    stroke: RGB | None = INK
    fill: RGB | None = None
    width: float = 0.25
    radius: float = 0.0


@dataclass(frozen=True, slots=True)
class Ellipse:
    cx: float
    cy: float
    rx: float
    ry: float
    stroke: RGB | None = INK
    fill: RGB | None = None
    width: float = 0.25


@dataclass(frozen=True, slots=True)
class Poly:
    points: tuple[tuple[float, float], ...]
    stroke: RGB | None = INK
    fill: RGB | None = None
    width: float = 0.3
    closed: bool = False


@dataclass(frozen=True, slots=True)
class ArcText:
    """Text set along the upper arc of a circle (a seal): characters spread evenly over `span`
    degrees centred on the top, each turned to face outwards."""

    cx: float
    cy: float
    r: float
    text: str
    font: Font
    size: float
    span: float = 240.0
    color: RGB = SEAL_RED
    tilt: float = 0.0  # degrees the whole arc is turned clockwise


@dataclass(frozen=True, slots=True)
class Layer:
    """Ops inked over what is already on the page (multiply), like a stamp, inside a box."""

    x: float
    y: float
    w: float
    h: float
    ops: tuple[Op, ...]
    opacity: float = 0.85


Op = Text | Line | Rect | Ellipse | Poly | ArcText | Layer

# the method of a drawing backend that draws each kind of op
_METHODS: dict[type, str] = {Text: "text", Line: "line", Rect: "rect", Ellipse: "ellipse",
                             Poly: "poly", ArcText: "arc_text", Layer: "layer"}


class Backend:
    """Draws ops by calling the backend's method named after each op's kind."""

    def run(self, ops: list[Op] | tuple[Op, ...]) -> None:
        for op in ops:
            getattr(self, _METHODS[type(op)])(op)


@dataclass
class Page:
    width: float  # mm
    height: float  # mm
    ops: list[Op] = field(default_factory=list)
    background: RGB = WHITE
