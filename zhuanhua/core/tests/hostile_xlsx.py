"""Hostile workbooks, built in the test (no committed binaries), for every import path's tests.

- `huge_dimension`: ~2 KB on disk, its sheet declares A1:XFD1048576 and has a cell there;
- `shared_strings_bomb`: a few hundred KB that expand to millions of shared strings.
Both start from a real workbook with the caller's rows, so a parser that ignored the guard
would find its header and go on reading.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def workbook(rows: Sequence[Sequence[Any]], title: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.title = title
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rewrite(
    data: bytes,
    changes: dict[str, Callable[[bytes], bytes]],
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """The same zip with some members' bodies changed and some added (deflated, level 9)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename in changes:
                body = changes[info.filename](body)
            target.writestr(info.filename, body)
        for name, body in (extra or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def huge_dimension(rows: Sequence[Sequence[Any]] = (), title: str | None = None) -> bytes:
    """A sheet declaring A1:XFD1048576 (and holding a cell at XFD1048576)."""

    def sheet(body: bytes) -> bytes:
        body = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', body)
        last = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
        if b"</sheetData>" in body:
            return body.replace(b"</sheetData>", last + b"</sheetData>")
        return body.replace(b"<sheetData />", b"<sheetData>" + last + b"</sheetData>")

    return rewrite(workbook(rows, title), {"xl/worksheets/sheet1.xml": sheet})


def with_shared_strings(data: bytes, table: bytes) -> bytes:
    """Add `table` as the workbook's shared-strings part (content type and relationship too)."""

    def types(body: bytes) -> bytes:
        override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_TYPE}"/>'
        return body.replace(b"</Types>", override.encode() + b"</Types>")

    def rels(body: bytes) -> bytes:
        rel = f'<Relationship Type="{STRINGS_REL}" Target="sharedStrings.xml" Id="rIdSst"/>'
        return body.replace(b"</Relationships>", rel.encode() + b"</Relationships>")

    return rewrite(
        data,
        {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels},
        {"xl/sharedStrings.xml": table},
    )


def strings_table(entries: int, text: Callable[[int], str] = lambda i: "x") -> bytes:
    parts = [f'<sst xmlns="{MAIN_NS}" count="{entries}" uniqueCount="{entries}">'.encode()]
    parts.extend(f"<si><t>{text(i)}</t></si>".encode() for i in range(entries))
    parts.append(b"</sst>")
    return b"".join(parts)


def shared_strings_bomb(
    rows: Sequence[Sequence[Any]] = (), title: str | None = None, entries: int = 3_000_000
) -> bytes:
    """Millions of shared strings (51 MB of XML) in a file of a few tens of KB."""
    return with_shared_strings(workbook(rows, title), strings_table(entries))
