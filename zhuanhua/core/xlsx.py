"""The one guarded way to read an uploaded .xlsx, and to write text Excel can store.

An .xlsx is a zip of XML parts. Handed straight to openpyxl, a 2 KB file can declare a sheet of
A1:XFD1048576 (loops sized from it never end), and a few hundred KB can expand to gigabytes
(a zip bomb, or millions of shared strings that openpyxl keeps in memory). So before openpyxl
sees a file we check what the zip *declares*: the central directory's size and member count (from
the end record, before `zipfile` builds one object per member), each member's uncompressed size
(by what openpyxl will do with it, found as openpyxl finds it) and compression ratio; then, in one
streaming pass, the sheets' declared dimensions, the number of shared strings, of cells in all and
in one row, and any DTD. Python's `zipfile` never inflates a member past its declared size (it
stops and fails the CRC), so the declared sizes bound what openpyxl can be made to read. Then
openpyxl reads in read-only mode and every loop stops at fixed row and column caps, never at a
size taken from the file.

The caps and the memory and time they allow per worker: docs/deploy.md §11 (bench/xlsx_limits.py).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

# --- the caps ------------------------------------------------------------------------------
MAX_MEMBERS = 256  # parts in the zip; a real workbook has 10–40
MAX_CENTRAL_DIRECTORY_BYTES = 256 * 1024
MAX_SHEET_BYTES = 16 * 1024 * 1024  # one worksheet's XML, uncompressed (streamed by openpyxl)
MAX_STRINGS_BYTES = 16 * 1024 * 1024  # the shared-strings table, uncompressed (held in memory)
MAX_PART_BYTES = 2 * 1024 * 1024  # any other part (styles, workbook, rels, charts: parsed whole)
MAX_PARTS_TOTAL_BYTES = 3 * 1024 * 1024  # all of those together
MAX_BINARY_BYTES = 16 * 1024 * 1024  # a picture (openpyxl's read-only mode never decodes one)
MAX_TOTAL_BYTES = 48 * 1024 * 1024  # all members together, uncompressed
MAX_RATIO = 100  # uncompressed / compressed, for members above RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = MAX_PART_BYTES
MAX_SHARED_STRINGS = 100_000  # openpyxl holds them all; reading them is its slowest step
MAX_CELLS = 200_000  # <c> elements in all sheets together: what openpyxl could be made to parse
MAX_ROW_CELLS = 1_024  # <c> elements in one row: openpyxl parses a whole row at once
MAX_DECLARED_ROWS = 100_000  # a sheet's <dimension ref>; real imports are ≤ 10 000 rows
MAX_DECLARED_COLUMNS = 1_024
MAX_SHEETS = 64

ERR_NOT_WORKBOOK = (
    "无法读取该文件：它不是有效的 Excel 工作簿（.xlsx），请在 Excel 或 WPS 中另存为 .xlsx 后重试"
)
ERR_TOO_MANY_PARTS = "该 Excel 文件内部结构异常（包含的部件过多），已拒绝导入"
ERR_EXPANDS = (
    "该 Excel 文件解压后过大或压缩比异常（疑似压缩炸弹），已拒绝导入；"
    "请删除无关的工作表和内容后另存为 .xlsx 重试"
)
ERR_DIMENSION = (
    "工作表声明的数据范围 {ref} 过大（最多 {rows} 行、{cols} 列），已拒绝导入；"
    "请删除多余的行和列（或只复制需要的数据到新工作簿）后重试"
)
ERR_SHARED_STRINGS = "该 Excel 文件中的文字条目过多（超过 {n} 条），已拒绝导入"
ERR_TOO_MANY_CELLS = (
    "工作簿的单元格过多（超过 {n} 个），已拒绝导入；请只保留需要导入的工作表、行和列，"
    "或拆分为多个文件"
)
ERR_ROW_TOO_WIDE = (
    "工作表中有一行的单元格超过 {n} 个，已拒绝导入；请删除多余的列（或只复制需要的数据到新工作簿）"
)
ERR_TOO_MANY_SHEETS = "该 Excel 文件的工作表过多（最多 {n} 个），请只保留需要导入的工作表"
ERR_TOO_MANY_ROWS = (
    "工作表“{sheet}”超过 {n} 行，已拒绝导入；请删除多余的空行，或拆分为多个文件分批导入"
)

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_WORKBOOK_TYPES = {  # the workbook part's content types openpyxl looks for
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
_BINARY_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf")
# OOXML parts never carry a DTD; one here could only be an entity-expansion attack on the parser.
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_HEAD_BYTES = 64 * 1024  # a sheet's <dimension> comes before its data, in the first few hundred
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")
_REF = re.compile(r"^\$?([A-Za-z]{1,7})\$?(\d{1,12})$")


class WorkbookRefused(Exception):
    """The upload may not be read; `message` is the Chinese text for the person.

    `code`: unreadable | too_large | dimension | shared_strings | cells | sheets | rows — callers that
    already had their own wording for an unreadable file keep it by looking at the code.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _unreadable() -> WorkbookRefused:
    return WorkbookRefused(ERR_NOT_WORKBOOK, "unreadable")


def _too_large() -> WorkbookRefused:
    return WorkbookRefused(ERR_EXPANDS, "too_large")


# --- the zip, before anything is inflated --------------------------------------------------


def _read_tail(stream: IO[bytes]) -> tuple[bytes, int]:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    start = max(0, size - (22 + 65535 + 20))
    stream.seek(start)
    return stream.read(), start


def _check_directory(stream: IO[bytes]) -> None:
    """Member count and central-directory size from the end record, before ZipFile reads it."""
    tail, _ = _read_tail(stream)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise _unreadable()
    _sig, _disk, _cd_disk, _n_disk, members, cd_size, _cd_at, _comment = struct.unpack(
        "<4s4H2LH", tail[at : at + 22]
    )
    locator = at - 20
    if locator >= 0 and tail[locator : locator + 4] == _EOCD64_LOCATOR:
        (record_at,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
        stream.seek(record_at)
        record = stream.read(56)
        if len(record) < 56 or record[:4] != _EOCD64:
            raise _unreadable()
        members, cd_size = struct.unpack("<2Q", record[32:48])
    if members > MAX_MEMBERS:
        raise WorkbookRefused(ERR_TOO_MANY_PARTS, "too_large")
    if cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise WorkbookRefused(ERR_TOO_MANY_PARTS, "too_large")


def _small_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """A small part parsed whole, refused if over MAX_PART_BYTES or carrying a DTD."""
    with archive.open(name) as src:
        data = src.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise _too_large()
    if _DTD.search(data):
        raise _unreadable()
    return ElementTree.fromstring(data)


@dataclass(frozen=True)
class _Package:
    """Which parts openpyxl will read, and how: found the way openpyxl finds them."""

    strings: frozenset[str]  # the shared-strings table (held in memory)
    sheets: frozenset[str]  # worksheets (streamed)
    chartsheets: frozenset[str]  # chart sheets (parsed whole, even in read-only mode)


def _package(archive: zipfile.ZipFile) -> _Package:
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        raise _unreadable()
    types = _small_xml(archive, "[Content_Types].xml")
    overrides = {
        (el.get("PartName") or "").lstrip("/"): el.get("ContentType") or ""
        for el in types.iter(f"{_CT_NS}Override")
    }
    strings = {name for name, kind in overrides.items() if kind == _STRINGS_TYPE}
    strings |= {n for n in names if n.lower().endswith("sharedstrings.xml")}
    workbook = next(
        (name for name, kind in overrides.items() if kind in _WORKBOOK_TYPES), "xl/workbook.xml"
    )
    folder, base = posixpath.split(workbook)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    sheets = {n for n in names if n.lower().startswith("xl/worksheets/")}
    chartsheets: set[str] = set()
    if rels_name in names:
        for rel in _small_xml(archive, rels_name).iter(f"{_REL_NS}Relationship"):
            target = rel.get("Target") or ""
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            kind = rel.get("Type") or ""
            if kind.endswith("/worksheet"):
                sheets.add(path)
            elif kind.endswith("/chartsheet"):
                chartsheets.add(path)
    return _Package(frozenset(strings), frozenset(sheets - chartsheets), frozenset(chartsheets))


def _cap_for(name: str, package: _Package) -> int:
    if name in package.chartsheets:
        return MAX_PART_BYTES
    if name in package.strings:
        return MAX_STRINGS_BYTES
    if name in package.sheets:
        return MAX_SHEET_BYTES
    if name.lower().endswith(_BINARY_EXTENSIONS):
        return MAX_BINARY_BYTES
    return MAX_PART_BYTES


def _check_members(archive: zipfile.ZipFile) -> _Package:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise WorkbookRefused(ERR_TOO_MANY_PARTS, "too_large")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_BINARY_BYTES:  # the largest cap: refuse before reading anything
            raise _too_large()
        if info.file_size > RATIO_FLOOR_BYTES and (
            info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise _too_large()
    if total > MAX_TOTAL_BYTES:
        raise _too_large()
    package = _package(archive)
    if len(package.sheets) + len(package.chartsheets) > MAX_SHEETS:
        raise WorkbookRefused(ERR_TOO_MANY_SHEETS.format(n=MAX_SHEETS), "sheets")
    parts_total = 0
    streamed = package.strings | package.sheets
    for info in infos:
        if info.file_size > _cap_for(info.filename, package):
            raise _too_large()
        if info.filename not in streamed and not _is_picture(info.filename, package):
            parts_total += info.file_size
    if parts_total > MAX_PARTS_TOTAL_BYTES:
        raise _too_large()
    return package


def _declared_size(ref: str) -> tuple[int, int] | None:
    """(rows, columns) an A1:XFD1048576-style reference spans; None if it is not one."""
    corners = []
    for part in ref.strip().split(":"):
        match = _REF.match(part)
        if match is None:
            return None
        try:
            corners.append((int(match.group(2)), column_index_from_string(match.group(1).upper())))
        except ValueError:
            return None
    if not corners or len(corners) > 2:
        return None
    rows = [r for r, _ in corners]
    cols = [c for _, c in corners]
    return max(rows) - min(rows) + 1, max(cols) - min(cols) + 1


def _is_picture(name: str, package: _Package) -> bool:
    """A picture by its name that openpyxl will not read as anything else."""
    read_as_xml = package.strings | package.sheets | package.chartsheets
    return name.lower().endswith(_BINARY_EXTENSIONS) and name not in read_as_xml


def _check_dimensions(archive: zipfile.ZipFile, package: _Package) -> None:
    """Refuse a sheet whose <dimension ref> declares an absurd range (read from its first 64 KB)."""
    for info in archive.infolist():
        if _is_picture(info.filename, package):
            continue
        with archive.open(info) as src:
            head = src.read(_HEAD_BYTES)
        match = _DIMENSION.search(head)
        if match is None:
            continue
        ref = match.group(1).decode("ascii", "replace")
        size = _declared_size(ref)
        if size is None:
            continue  # openpyxl ignores a dimension it cannot read, and so do the caps below
        rows, cols = size
        if rows > MAX_DECLARED_ROWS or cols > MAX_DECLARED_COLUMNS:
            raise WorkbookRefused(
                ERR_DIMENSION.format(
                    ref=ref[:40], rows=MAX_DECLARED_ROWS, cols=MAX_DECLARED_COLUMNS
                ),
                "dimension",
            )


def _tags(src: IO[bytes], pattern: re.Pattern[bytes]) -> Iterator[re.Match[bytes]]:
    """Each match of `pattern` (which starts at a "<"), reading 1 MB at a time; a DTD anywhere
    in the part is refused."""
    carry = b""
    while True:
        chunk = src.read(1024 * 1024)
        buffer = carry + chunk
        if _DTD.search(buffer):
            raise _unreadable()
        # A tag starting in the last 64 bytes may be cut; it is matched in the next round.
        cut = len(buffer) - 64 if chunk else len(buffer)
        for match in pattern.finditer(buffer):
            if match.start() < cut:
                yield match
        if not chunk:
            return
        carry = buffer[max(cut, 0) :]


def _check_strings(src: IO[bytes]) -> None:
    for count, _ in enumerate(_tags(src, _SI), start=1):
        if count > MAX_SHARED_STRINGS:
            raise WorkbookRefused(
                ERR_SHARED_STRINGS.format(n=f"{MAX_SHARED_STRINGS:,}"), "shared_strings"
            )


def _check_cells(src: IO[bytes], cells: int) -> int:
    """Add the part's cells to `cells` (the workbook's count so far) and return the sum."""
    in_row = 0
    for match in _tags(src, _ROW_OR_CELL):
        if match.group(1) == b"row":
            in_row = 0
            continue
        cells += 1
        in_row += 1
        if in_row > MAX_ROW_CELLS:
            raise WorkbookRefused(ERR_ROW_TOO_WIDE.format(n=f"{MAX_ROW_CELLS:,}"), "cells")
        if cells > MAX_CELLS:
            raise WorkbookRefused(ERR_TOO_MANY_CELLS.format(n=f"{MAX_CELLS:,}"), "cells")
    return cells


def _check_counts(archive: zipfile.ZipFile, package: _Package) -> None:
    """Shared strings (<si>) and cells (<c>, in all and per row) in one streaming pass over
    every part but the pictures (whatever its name, a part may be read as a sheet)."""
    cells = 0
    for info in archive.infolist():
        if info.filename in package.strings:
            with archive.open(info) as src:
                _check_strings(src)
        elif not _is_picture(info.filename, package):
            with archive.open(info) as src:
                cells = _check_cells(src, cells)


def check_workbook(upload: Any) -> None:
    """Raise WorkbookRefused unless the upload is a zip within every cap. Reads, never writes."""
    upload.seek(0)
    try:
        _check_directory(upload)
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            package = _check_members(archive)
            _check_dimensions(archive, package)
            _check_counts(archive, package)
    except WorkbookRefused:
        raise
    except Exception:  # noqa: BLE001 – BadZipFile (incl. a member inflating past its declared
        # size: the CRC check), zlib.error, an encrypted member, a bad header: all unreadable
        raise _unreadable() from None
    finally:
        upload.seek(0)


# --- reading -------------------------------------------------------------------------------


class GuardedWorkbook:
    """An openpyxl read-only workbook whose rows come out under fixed caps."""

    def __init__(self, workbook: Any) -> None:
        self._wb = workbook

    @property
    def sheetnames(self) -> list[str]:
        return list(self._wb.sheetnames)[:MAX_SHEETS]

    def declared_rows(self, sheet: str | None = None) -> int | None:
        """The last row the sheet's <dimension> declares (a progress total; None if absent)."""
        ws = self._wb[sheet if sheet is not None else self.sheetnames[0]]
        return ws.max_row if isinstance(ws, ReadOnlyWorksheet) else None

    def rows(
        self, sheet: str | None = None, *, max_rows: int, max_cols: int
    ) -> Iterator[tuple[Any, ...]]:
        """The values of rows 1..max_rows, each padded to exactly max_cols values.

        A sheet that declares more than max_rows rows is refused up front, and so is one whose
        row max_rows + 1 holds a value, so a long sheet is not cut silently; beyond that one
        row nothing is read (a sheet without a <dimension> could hide rows there: its loss).
        """
        name = sheet if sheet is not None else self.sheetnames[0]
        ws = self._wb[name]
        if not isinstance(ws, ReadOnlyWorksheet):
            return  # a chart sheet holds no rows
        declared_last = ws.max_row  # from <dimension>, already checked against the caps
        if declared_last is not None and declared_last > max_rows:
            raise WorkbookRefused(ERR_TOO_MANY_ROWS.format(sheet=name, n=max_rows), "rows")
        rows = ws.iter_rows(min_row=1, max_row=max_rows + 1, max_col=max_cols, values_only=True)
        try:
            for number, values in enumerate(islice(rows, max_rows + 1), start=1):
                if number > max_rows:
                    if any(v is not None and str(v).strip() for v in values):
                        raise WorkbookRefused(
                            ERR_TOO_MANY_ROWS.format(sheet=name, n=max_rows), "rows"
                        )
                    return
                yield tuple(values)[:max_cols]
        except WorkbookRefused:
            raise
        except Exception:  # a corrupt sheet part fails in many ways inside openpyxl
            raise _unreadable() from None


@contextmanager
def open_workbook(upload: Any) -> Iterator[GuardedWorkbook]:
    """Check the upload (check_workbook), then open it read-only; raise WorkbookRefused."""
    check_workbook(upload)
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # a zip that isn't a workbook fails in many ways inside openpyxl
        raise _unreadable() from None
    try:
        if not wb.sheetnames:
            raise _unreadable()
        yield GuardedWorkbook(wb)
    finally:
        wb.close()


# --- writing -------------------------------------------------------------------------------


def xlsx_safe(value: Any) -> Any:
    """A cell value Excel can store: control characters (other than tab and newlines) dropped.

    openpyxl raises IllegalCharacterError for them, so one pasted form-feed in a record would
    otherwise break every export that contains it. Non-text values pass through unchanged.
    """
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_safe_row(values: Any) -> list[Any]:
    return [xlsx_safe(v) for v in values]
