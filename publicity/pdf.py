"""The PDF toolkit of the documents (证书, 初定申报表, 评审申报表): an embedded CJK font subset, pages drawn with
ReportLab, a QR code, text that wraps and flows over pages. No rule and no model lives here: publicity.certificates
writes the documents with it."""

from __future__ import annotations

import functools
import hashlib
import io
import unicodedata
from pathlib import Path

from django.conf import settings

from zhicheng.errors import DomainError

# TrueType-outline fonts load directly into ReportLab; CFF-outline fonts (Debian's fonts-noto-cjk) are subset to
# the document's characters and converted to TrueType outlines with fontTools first (ReportLab embeds only glyf).
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]


def cjk_font_path() -> Path:
    configured = settings.ZHICHENG.get("CJK_FONT")
    for candidate in [configured, *FONT_CANDIDATES]:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise DomainError("no_cjk_font", "服务器未安装中文字体（Debian：apt-get install fonts-noto-cjk），无法生成 PDF")


@functools.lru_cache(maxsize=4)
def sc_index(path: str) -> int:
    """Index of the Simplified Chinese face in a collection (Noto CJK: "… CJK SC"), else 0."""
    if not path.lower().endswith(".ttc"):
        return 0
    from fontTools.ttLib import TTCollection

    coll = TTCollection(path, lazy=True)
    for i, font in enumerate(coll.fonts):
        if " SC" in (font["name"].getDebugName(1) or ""):
            return i
    return 0


def truetype_subset(path: Path, text: str, ps_name: str) -> io.BytesIO:
    """A TrueType-outline subset of the font holding `text` (fontTools: subset, then cubic → quadratic), named
    `ps_name`: ReportLab keeps faces by their PostScript name, so two subsets of one font must not share it."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(path), fontNumber=sc_index(str(path)), lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.desubroutinize = True
    sub = subset.Subsetter(options)
    sub.populate(text=text)
    sub.subset(font)
    if "glyf" not in font:
        order = font.getGlyphOrder()
        glyphs = font.getGlyphSet()
        glyf = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = {}
        for name in order:
            pen = TTGlyphPen(glyphs)
            glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyf.glyphs[name] = pen.glyph()
        for tag in ("CFF ", "VORG"):
            if tag in font:
                del font[tag]
        font["glyf"], font["loca"] = glyf, newTable("loca")
        maxp = font["maxp"]
        maxp.tableVersion = 0x00010000
        for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                     "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):  # fmt: skip
            setattr(maxp, attr, 0)
        maxp.maxZones = 1
        font["head"].indexToLocFormat = 0
        font["head"].glyphDataFormat = 0
        post = font["post"]
        post.formatType, post.extraNames, post.mapping = 2.0, [], {}
        font.sfntVersion = "\x00\x01\x00\x00"
    names = font["name"]
    names.names = []
    for name_id, value in ((1, ps_name), (2, "Regular"), (4, ps_name), (6, ps_name)):
        names.setName(value, name_id, 3, 1, 0x409)
    out = io.BytesIO()
    font.save(out)
    out.seek(0)
    return out


def register_cjk_font(text: str) -> str:
    """Register (once per character set) a CJK font covering `text` with ReportLab and return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    path = cjk_font_path()
    chars = "".join(sorted(set(text + " 0123456789")))
    name = "ZC-" + hashlib.sha1(f"{path}|{chars}".encode()).hexdigest()[:12]
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        font = TTFont(name, str(path), subfontIndex=sc_index(str(path)))
    except TTFError:  # CFF outlines
        font = TTFont(name, truetype_subset(path, chars, name))
    pdfmetrics.registerFont(font)
    return name


class Page:
    """Collects the text lines of a page first (the font subset needs them), then draws."""

    def __init__(self):
        self.items: list[tuple[str, float, float, float, str]] = []  # (kind, x, y, size, text)
        self.lines: list[tuple[float, float, float, float]] = []
        self.rects: list[tuple[float, float, float, float]] = []
        self.qrs: list[tuple[float, float, float, str]] = []  # (x, y, size, data)
        self.stamps: list[tuple[float, float, float, str]] = []  # (x, y, size, text): red and framed

    def qr(self, x, y, size, data):
        self.qrs.append((x, y, size, data))

    def stamp(self, x, y, value, size=48):
        self.stamps.append((x, y, size, value))

    def text(self, x, y, value, size=12, align="left"):
        self.items.append((align, x, y, size, str(value)))

    def line(self, x1, y1, x2, y2):
        self.lines.append((x1, y1, x2, y2))

    def rect(self, x, y, w, h):
        self.rects.append((x, y, w, h))


def render(pages: list[Page], title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = register_cjk_font(
        "".join(t[4] for p in pages for t in p.items) + "".join(t[3] for p in pages for t in p.stamps) + title
    )
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("镇江市职称评审管理系统")
    for page in pages:
        c.setLineWidth(1)
        for x, y, w, h in page.rects:
            c.rect(x, y, w, h)
        for x1, y1, x2, y2 in page.lines:
            c.line(x1, y1, x2, y2)
        for align, x, y, size, value in page.items:
            c.setFont(font, size)
            if align == "center":
                c.drawCentredString(x, y, value)
            elif align == "right":
                c.drawRightString(x, y, value)
            else:
                c.drawString(x, y, value)
        for x, y, size, data in page.qrs:
            draw_qr(c, x, y, size, data)
        for x, y, size, value in page.stamps:
            c.saveState()
            c.setStrokeColorRGB(0.75, 0.1, 0.1)
            c.setFillColorRGB(0.75, 0.1, 0.1)
            c.translate(x, y)
            c.setFont(font, size)
            c.drawCentredString(0, -size * 0.35, value)
            c.setLineWidth(3)
            width = text_width(value, size) + size * 0.6
            c.rect(-width / 2, -size * 0.75, width, size * 1.3)
            c.restoreState()
        c.showPage()
    c.save()
    return buf.getvalue()


def draw_qr(c, x: float, y: float, size: float, data: str) -> None:
    """A QR code (ReportLab's own encoder, error correction M) of `size` points with its lower left at (x, y)."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(data, barLevel="M", barBorder=2)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def text_width(value: str, size: float) -> float:
    """Estimated width in points: CJK and full-width characters one em, the rest a little over half."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.56 for ch in value)


def wrap(value: str, width: float, size: float) -> list[str]:
    lines: list[str] = []
    for paragraph in str(value).splitlines() or [""]:
        line = ""
        for ch in paragraph:
            if line and text_width(line + ch, size) > width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


def fitted(value: str, width: float, size: float, smallest: float = 7) -> tuple[str, float]:
    """The value at the largest size up to `size` that fits `width`; cut with an ellipsis if even `smallest` fails."""
    value = str(value)
    while size > smallest and text_width(value, size) > width:
        size -= 0.5
    while len(value) > 1 and text_width(value, size) > width:
        value = value[:-2] + "…"
    return value, size


class Flow:
    """Lays blocks out top to bottom, starting a new page (with a continuation heading) when one is full."""

    LEFT, RIGHT, TOP, BOTTOM = 50, 545, 790, 72

    def __init__(self, title: str, number: str):
        self.title, self.number = title, number
        self.pages: list[Page] = []
        self._new_page(first=True)

    def _new_page(self, first: bool = False):
        self.page = Page()
        self.pages.append(self.page)
        if first:
            self.y = self.TOP
        else:
            self.page.text(297, self.TOP, f"{self.title}（续）　申报编号 {self.number}", size=11, align="center")
            self.y = self.TOP - 24

    def need(self, height: float):
        if self.y - height < self.BOTTOM:
            self._new_page()

    def space(self, height: float):
        self.y -= height

    def text(self, value: str, *, size: float = 11, x: float | None = None, align: str = "left", gap: float = 6):
        self.need(size + gap)
        self.y -= size + gap
        self.page.text(self.LEFT if x is None else x, self.y, value, size=size, align=align)

    def paragraph(self, value: str, *, size: float = 10.5, indent: float = 8):
        for line in wrap(value, self.RIGHT - self.LEFT - 2 * indent, size):
            self.text(line, size=size, x=self.LEFT + indent, gap=5)

    def heading(self, value: str):
        self.need(60)  # keep a heading with the first rows under it
        self.space(6)
        self.text(value, size=12.5, gap=8)
        self.space(4)

    def grid(self, rows: list[list[str]], widths: list[float], *, height: float = 26, size: float = 10.5,
             header: list[str] | None = None):  # fmt: skip
        """A ruled table; `widths` are fractions of the line. A row with fewer cells spans its last cell."""
        total = self.RIGHT - self.LEFT
        edges = [self.LEFT]
        for w in widths:
            edges.append(edges[-1] + w * total)
        edges[-1] = self.RIGHT
        body = ([header] if header else []) + rows
        for i, cells in enumerate(body):
            if self.y - height < self.BOTTOM:
                self._new_page()
                if header and i > 0:
                    self._grid_row(header, edges, height, size)
            self._grid_row(cells, edges, height, size)

    def _grid_row(self, cells: list[str], edges: list[float], height: float, size: float):
        top, bottom = self.y, self.y - height
        self.page.rect(self.LEFT, bottom, self.RIGHT - self.LEFT, height)
        for j, value in enumerate(cells):
            left = edges[j]
            right = self.RIGHT if j == len(cells) - 1 else edges[j + 1]
            if j:
                self.page.line(left, bottom, left, top)
            shown, fitted_size = fitted(value if value not in (None, "") else "—", right - left - 10, size)
            self.page.text(left + 5, bottom + (height - fitted_size) / 2 + 1.5, shown, size=fitted_size)
        self.y = bottom
