"""The reportlab backend: write pages of ops into a PDF with a real text layer."""

from __future__ import annotations

import io
import math
from functools import cache

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from samples.render.fonts import arc_angles, face_name, font_path
from samples.render.ops import RGB, ArcText, Backend, Ellipse, Font, Layer, Line, Page, Poly, Rect, Text
from samples.render.raster import stamp_image


@cache
def _face(font: Font) -> str:
    name = face_name(font)
    pdfmetrics.registerFont(TTFont(name, str(font_path(font))))
    return name


def _rgb(color: RGB) -> tuple[float, float, float]:
    return color[0] / 255, color[1] / 255, color[2] / 255


class PdfPainter(Backend):
    def __init__(self, canvas: Canvas, page: Page):
        self.c = canvas
        self.h = page.height

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return x * mm, (self.h - y) * mm

    def ellipse(self, op: Ellipse) -> None:
        self.paint(op.stroke, op.fill, op.width)
        x0, y0 = self.xy(op.cx - op.rx, op.cy - op.ry)
        x1, y1 = self.xy(op.cx + op.rx, op.cy + op.ry)
        self.c.ellipse(x0, y0, x1, y1, stroke=int(op.stroke is not None),
                       fill=int(op.fill is not None))

    def paint(self, stroke: RGB | None, fill: RGB | None, width: float) -> None:
        if stroke is not None:
            self.c.setStrokeColorRGB(*_rgb(stroke))
            self.c.setLineWidth(width * mm)
        if fill is not None:
            self.c.setFillColorRGB(*_rgb(fill))

    def text(self, op: Text) -> None:
        self.c.setFont(_face(op.font), op.size)
        self.c.setFillColorRGB(*_rgb(op.color))
        x, y = self.xy(op.x, op.y)
        draw = {"l": self.c.drawString, "r": self.c.drawRightString,
                "c": self.c.drawCentredString}[op.align]
        draw(x, y, op.text)

    def line(self, op: Line) -> None:
        self.paint(op.color, None, op.width)
        self.c.setDash([op.dash * mm, op.dash * mm] if op.dash else [])
        self.c.line(*self.xy(op.x1, op.y1), *self.xy(op.x2, op.y2))
        self.c.setDash([])

    def rect(self, op: Rect) -> None:
        self.paint(op.stroke, op.fill, op.width)
        x, y = self.xy(op.x, op.y + op.h)
        args = (x, y, op.w * mm, op.h * mm)
        flags = {"stroke": int(op.stroke is not None), "fill": int(op.fill is not None)}
        if op.radius:
            self.c.roundRect(*args, op.radius * mm, **flags)
        else:
            self.c.rect(*args, **flags)

    def poly(self, op: Poly) -> None:
        self.paint(op.stroke, op.fill, op.width)
        path = self.c.beginPath()
        path.moveTo(*self.xy(*op.points[0]))
        for p in op.points[1:]:
            path.lineTo(*self.xy(*p))
        if op.closed or op.fill is not None:
            path.close()
        self.c.setLineJoin(1)
        self.c.drawPath(path, stroke=int(op.stroke is not None), fill=int(op.fill is not None))

    def layer(self, op: Layer) -> None:
        """A stamp goes in as an image (as on real e-invoices), so its letters stay out of the
        text layer."""
        x, y = self.xy(op.x, op.y + op.h)
        self.c.drawImage(ImageReader(stamp_image(op)), x, y, op.w * mm, op.h * mm, mask="auto")

    def arc_text(self, op: ArcText) -> None:
        self.c.setFont(_face(op.font), op.size)
        self.c.setFillColorRGB(*_rgb(op.color))
        for ch, angle in zip(op.text, arc_angles(op), strict=True):
            rad = math.radians(angle)
            self.c.saveState()
            self.c.translate(*self.xy(op.cx + op.r * math.sin(rad), op.cy - op.r * math.cos(rad)))
            self.c.rotate(-angle)
            self.c.drawCentredString(0, -op.size * 0.36, ch)
            self.c.restoreState()


def write_pdf(pages: list[Page]) -> bytes:
    buf = io.BytesIO()
    canvas = Canvas(buf, invariant=1, pageCompression=1)
    canvas.setAuthor("claims sample generator")
    for page in pages:
        canvas.setPageSize((page.width * mm, page.height * mm))
        if page.background != (255, 255, 255):
            canvas.setFillColorRGB(*_rgb(page.background))
            canvas.rect(0, 0, page.width * mm, page.height * mm, stroke=0, fill=1)
        PdfPainter(canvas, page).run(page.ops)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()
