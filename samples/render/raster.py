"""The PIL backend: draw a `Page` of ops into an RGB image at any dpi."""

from __future__ import annotations

import math

from PIL import Image, ImageChops, ImageDraw

from samples.render.fonts import arc_angles, pil_font
from samples.render.ops import (
    PT,
    ArcText,
    Backend,
    Ellipse,
    Layer,
    Line,
    Page,
    Poly,
    Rect,
    Text,
)

_ANCHORS = {"l": "ls", "r": "rs", "c": "ms"}


class Rasterizer(Backend):
    """Draws ops onto `img`; `origin` (mm) is the page point at the image's top-left corner."""

    def __init__(self, img: Image.Image, dpi: float, origin: tuple[float, float] = (0.0, 0.0)):
        self.img = img
        self.draw = ImageDraw.Draw(img)
        self.k = dpi / 25.4
        self.dpi = dpi
        self.origin = origin

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.origin[0]) * self.k, (y - self.origin[1]) * self.k

    def w(self, width: float) -> int:
        return max(1, round(width * self.k))

    def ellipse(self, op: Ellipse) -> None:
        x0, y0 = self.xy(op.cx - op.rx, op.cy - op.ry)
        x1, y1 = self.xy(op.cx + op.rx, op.cy + op.ry)
        self.draw.ellipse((x0, y0, x1, y1), fill=op.fill, outline=op.stroke,
                          width=self.w(op.width) if op.stroke else 0)

    def text(self, op: Text) -> None:
        font = pil_font(op.font, op.size * PT * self.k)
        self.draw.text(self.xy(op.x, op.y), op.text, font=font, fill=op.color,
                       anchor=_ANCHORS[op.align])

    def line(self, op: Line) -> None:
        p1, p2 = self.xy(op.x1, op.y1), self.xy(op.x2, op.y2)
        if not op.dash:
            self.draw.line((p1, p2), fill=op.color, width=self.w(op.width))
            return
        length = math.dist(p1, p2)
        step = op.dash * self.k
        n = max(1, int(length / step))
        for i in range(0, n, 2):
            a, b = i / n, min(1.0, (i + 1) / n)
            q1 = (p1[0] + (p2[0] - p1[0]) * a, p1[1] + (p2[1] - p1[1]) * a)
            q2 = (p1[0] + (p2[0] - p1[0]) * b, p1[1] + (p2[1] - p1[1]) * b)
            self.draw.line((q1, q2), fill=op.color, width=self.w(op.width))

    def rect(self, op: Rect) -> None:
        x0, y0 = self.xy(op.x, op.y)
        x1, y1 = self.xy(op.x + op.w, op.y + op.h)
        width = self.w(op.width) if op.stroke else 0
        if op.radius:
            self.draw.rounded_rectangle((x0, y0, x1, y1), radius=op.radius * self.k,
                                        fill=op.fill, outline=op.stroke, width=width)
        else:
            self.draw.rectangle((x0, y0, x1, y1), fill=op.fill, outline=op.stroke, width=width)

    def poly(self, op: Poly) -> None:
        pts = [self.xy(x, y) for x, y in op.points]
        if op.fill is not None:
            self.draw.polygon(pts, fill=op.fill)
        if op.stroke is not None:
            if op.closed:
                pts = [*pts, pts[0]]
            self.draw.line(pts, fill=op.stroke, width=self.w(op.width), joint="curve")

    def arc_text(self, op: ArcText) -> None:
        size_px = op.size * PT * self.k
        font = pil_font(op.font, size_px)
        box = round(size_px * 1.6)
        for ch, angle in zip(op.text, arc_angles(op), strict=True):
            rad = math.radians(angle)
            cx, cy = self.xy(op.cx + op.r * math.sin(rad), op.cy - op.r * math.cos(rad))
            glyph = Image.new("L", (box, box), 0)
            ImageDraw.Draw(glyph).text((box / 2, box / 2), ch, font=font, fill=255, anchor="mm")
            glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
            ink = Image.new("RGB", (box, box), op.color)
            self.img.paste(ink, (round(cx - box / 2), round(cy - box / 2)), glyph)

    def layer(self, op: Layer) -> None:
        x0, y0 = (round(v) for v in self.xy(op.x, op.y))
        size = (self.w(op.w), self.w(op.h))
        stamp = Image.new("RGB", size, (255, 255, 255))
        Rasterizer(stamp, self.dpi, (op.x, op.y)).run(op.ops)
        box = (x0, y0, x0 + size[0], y0 + size[1])
        region = self.img.crop(box)
        inked = Image.blend(region, ImageChops.multiply(region, stamp), op.opacity)
        self.img.paste(inked, box[:2])


def rasterize(page: Page, dpi: float = 300) -> Image.Image:
    size = (round(page.width / 25.4 * dpi), round(page.height / 25.4 * dpi))
    img = Image.new("RGB", size, page.background)
    Rasterizer(img, dpi).run(page.ops)
    return img


def stamp_image(op: Layer, dpi: float = 200) -> Image.Image:
    """A stamp layer as an RGBA image: ink where the stamp is, transparent elsewhere."""
    size = (max(1, round(op.w / 25.4 * dpi)), max(1, round(op.h / 25.4 * dpi)))
    rgb = Image.new("RGB", size, (255, 255, 255))
    Rasterizer(rgb, dpi, (op.x, op.y)).run(op.ops)
    ink = ImageChops.invert(rgb.convert("L")).point(lambda v: min(255, int(v * 1.6 * op.opacity)))
    stamp = rgb.copy()
    stamp.putalpha(ink)
    return stamp
