"""Small PDFs made on the fly for upload tests."""

import io

from pypdf import PdfWriter


def simple_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def raw_pdf(*objects: bytes, trailer: bytes = b"") -> bytes:
    """A hand-written PDF: object 1 is the catalogue. Offsets and xref are computed, so pypdf reads it cleanly."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref))
    return out.getvalue()


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def with_catalog(extra: bytes, *more: bytes, page: bytes = PAGE) -> bytes:
    return raw_pdf(b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>", PAGES, page, *more)


def stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), dictionary) + data + b"\nendstream"


def page_tree_pdf(pages: int, fanout: int = 100) -> bytes:
    """A PDF with `pages` pages in a proper page tree (every leaf the same blank page object, as a reader sees it)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None, PAGE]  # 1 catalogue, 2 root of the tree, 3 the page

    def node(count: int, parent: int) -> int:
        number = len(objects) + 1
        objects.append(None)
        if count <= fanout:
            kids = b" ".join(b"3 0 R" for _ in range(count))
        else:
            step = -(-count // fanout)
            kids = b" ".join(b"%d 0 R" % node(min(step, count - i), number) for i in range(0, count, step))
        objects[number - 1] = b"<< /Type /Pages /Parent %d 0 R /Kids [%s] /Count %d >>" % (parent, kids, count)
        return number

    step = -(-pages // fanout)
    kids = b" ".join(b"%d 0 R" % node(min(step, pages - i), 2) for i in range(0, pages, step))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)
    return raw_pdf(*objects)


def hostile_corpus() -> dict[str, tuple[bytes, str]]:
    """Each hostile upload of issue 16 and the error code it must get. Generated, never stored in the repository."""
    import zipfile
    import zlib

    bomb = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    bomb_data = b"".join(bomb.compress(chunk) for _ in range(300)) + bomb.flush()  # 300 MB inflated, ~300 KB
    many = 150_000
    kids = b" ".join(b"3 0 R" for _ in range(many))
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("payload.exe", b"MZ" + b"\0" * 1000)
    return {
        "decompression_bomb": (
            with_catalog(b"", stream(bomb_data, b"/Filter /FlateDecode "), page=PAGE[:-2] + b" /Contents 4 0 R >>"),
            "pdf_inflated_too_large",
        ),
        "150000_pages": (page_tree_pdf(many), "too_many_pages"),
        "150000_pages_flat_array": (
            raw_pdf(
                b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, many), PAGE
            ),
            "pdf_too_complex",
        ),
        "javascript": (with_catalog(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "pdf_active_content"),
        "javascript_hex_name": (with_catalog(b"/OpenAction << /S /J#61vaScript /J#53 (x) >>"), "pdf_active_content"),
        "launch": (with_catalog(b"/OpenAction << /S /Launch /F (cmd.exe) >>"), "pdf_active_content"),
        "uri": (with_catalog(b"/OpenAction << /S /URI /URI (http://example.invalid/) >>"), "pdf_active_content"),
        "embedded_file": (
            with_catalog(
                b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
                b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
                stream(b"MZ" + b"\0" * 64, b"/Type /EmbeddedFile "),
            ),
            "pdf_active_content",
        ),
        "html_inside": (with_catalog(b"", stream(b"<html><script>alert(1)</script></html>")), "pdf_active_content"),
        "pdf_zip_polyglot": (simple_pdf() + zipped.getvalue(), "pdf_active_content"),
        "truncated": (simple_pdf(3)[:-40], "unreadable_pdf"),
        "garbage_structure": (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF\n", "unreadable_pdf"),
    }
