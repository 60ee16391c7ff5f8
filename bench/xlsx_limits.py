"""What the Excel-import caps (zhuanhua/core/xlsx.py) allow: time and memory per worker.

Each case runs in a fresh interpreter and prints the wall time of check + read and the peak
RSS (VmHWM) above the interpreter's RSS after importing openpyxl and the module:

- the two hostile workbooks (huge declared dimension; 3 million shared strings) — refused;
- the largest allowed shared-strings table (100,000 distinct CJK/ASCII strings, ~16 MiB);
- the largest allowed worksheets (200,000 cells: in rows of 1,024 — openpyxl parses a whole
  row at once — and in 6,666 rows × 30);
- the largest allowed styles part (2 MiB of cell formats, parsed whole by openpyxl);
- all of these at once in one workbook, with workbook.xml filling what the parts parsed whole may
  still take (3 MiB together);
- a real import: 5,000 achievement rows of 14 columns.

    .venv/bin/python bench/xlsx_limits.py
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import zipfile
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

CHILD = r"""
import io, json, sys, time
from zhuanhua.core import xlsx
def hwm():  # VmHWM: this process's peak RSS in KiB (ru_maxrss would carry the parent's over exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
base = hwm()
data = open(sys.argv[1], "rb").read()
t = time.perf_counter()
cpu = time.process_time()
outcome = "read"
rows = 0
try:
    with xlsx.open_workbook(io.BytesIO(data)) as wb:
        for _ in wb.rows(max_rows=10001, max_cols=60):
            rows += 1
except xlsx.WorkbookRefused as exc:
    outcome = "refused: " + exc.code
elapsed = time.perf_counter() - t
cpu = time.process_time() - cpu
peak = hwm()
print(json.dumps({"outcome": outcome, "rows": rows, "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
                  "peak_mib": round(peak / 1024, 1), "above_base_mib": round((peak - base) / 1024, 1),
                  "file_kib": round(len(data) / 1024, 1)}))
"""


def _with_sheet(h: Any, rows: str) -> bytes:
    def sheet(body: bytes) -> bytes:
        head, _, tail = body.partition(b"<sheetData>")
        _, _, tail = tail.partition(b"</sheetData>")
        return head + b"<sheetData>" + rows.encode() + b"</sheetData>" + tail

    return h.rewrite(h.workbook([["a"]]), {"xl/worksheets/sheet1.xml": sheet})


def _cases() -> dict[str, bytes]:
    from zhuanhua.core import xlsx
    from zhuanhua.core.tests import hostile_xlsx as h

    rng = random.Random(17)
    cjk = [chr(c) for c in range(0x4E00, 0x9FA5)]
    cases: dict[str, bytes] = {}
    cases["hostile: dimension A1:XFD1048576"] = h.huge_dimension([["a", "b"]])
    cases["hostile: 3,000,000 shared strings"] = h.shared_strings_bomb([["a", "b"]])

    n = xlsx.MAX_SHARED_STRINGS
    per = (xlsx.MAX_STRINGS_BYTES - 200) // n - len("<si><t></t></si>") - 1
    table = h.strings_table(n, lambda i: "".join(rng.choices(cjk, k=per // 3)))
    cases["max shared strings (100,000 CJK)"] = h.with_shared_strings(h.workbook([["a"]]), table)
    table = h.strings_table(n, lambda i: "".join(rng.choices("abcdefghijklmnop", k=per)))
    cases["max shared strings (100,000 ASCII)"] = h.with_shared_strings(h.workbook([["a"]]), table)

    per_row = xlsx.MAX_ROW_CELLS
    long_rows = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="A{r}"><v>{rng.randint(0, 10**9)}</v></c>' for _ in range(per_row))
        + "</row>"
        for r in range(1, (xlsx.MAX_CELLS - 10) // per_row + 1)
    )
    cases["max sheet (195 rows × 1,024 cells)"] = _with_sheet(h, long_rows)
    wide = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="A{r}"><v>{rng.randint(0, 10**9)}</v></c>' for _ in range(30))
        + "</row>"
        for r in range(1, (xlsx.MAX_CELLS - 10) // 30 + 1)
    )
    cases["max sheet (6,666 rows × 30 cells)"] = _with_sheet(h, wide)

    def styles(body: bytes) -> bytes:
        xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        count = (xlsx.MAX_PART_BYTES - len(body) - 100) // len(xf)
        return re.sub(
            rb"<cellXfs[^>]*>.*?</cellXfs>",
            b'<cellXfs count="%d">' % count + xf * count + b"</cellXfs>",
            body,
            flags=re.S,
        )

    cases["max styles (2 MiB of cell formats)"] = h.rewrite(
        h.workbook([["a"]]), {"xl/styles.xml": styles}
    )

    cjk_table = h.strings_table(n, lambda i: "".join(rng.choices(cjk, k=per // 3)))

    def sheet(body: bytes) -> bytes:
        head, _, tail = body.partition(b"<sheetData>")
        _, _, tail = tail.partition(b"</sheetData>")
        return head + b"<sheetData>" + long_rows.encode() + b"</sheetData>" + tail

    combined = h.rewrite(
        h.with_shared_strings(h.workbook([["a"]]), cjk_table),
        {"xl/styles.xml": styles, "xl/worksheets/sheet1.xml": sheet},
    )
    # Fill what the parts parsed whole may still take with defined names in workbook.xml.
    archive = zipfile.ZipFile(io.BytesIO(combined))
    whole = sum(
        i.file_size
        for i in archive.infolist()
        if i.filename not in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml")
    )
    room = xlsx.MAX_PARTS_TOTAL_BYTES - whole - 512
    name = '<definedName name="N{i:07d}">Sheet!$A$1</definedName>'
    names = "".join(name.format(i=i) for i in range(room // len(name.format(i=0))))

    def workbook(body: bytes) -> bytes:
        return body.replace(b"<definedNames />", f"<definedNames>{names}</definedNames>".encode())

    cases["every cap at once (strings + parts + cells)"] = h.rewrite(
        combined, {"xl/workbook.xml": workbook}
    )

    header = [f"列{i}" for i in range(14)]
    body = [
        ["".join(rng.choices(cjk, k=40)) if c % 3 else rng.randint(1, 9) for c in range(14)]
        for _ in range(5000)
    ]
    cases["real: 5,000 rows × 14 columns"] = h.workbook([header, *body])
    return cases


def main() -> None:
    for name, data in _cases().items():
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
            f.write(data)
            f.flush()
            out = subprocess.run(
                [sys.executable, "-c", CHILD, f.name],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            )
        figures = json.loads(out.stdout)
        print(f"{name:48} {json.dumps(figures, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
