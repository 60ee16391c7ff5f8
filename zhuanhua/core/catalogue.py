"""The translation catalogue without GNU gettext: read a .po file, write the .mo Django loads.

`manage.py compilemessages` needs `msgfmt` (Debian's `gettext` package), which a fresh machine
may lack; the compiled `locale/*/LC_MESSAGES/django.mo` is therefore committed, `zhuanhua
catalogue compile` rebuilds it in pure Python, and a test checks that it says exactly what the
.po says (docs/i18n.md). Only what the catalogue uses is handled: msgctxt, plurals, flags
(fuzzy entries are left out, as msgfmt does) and obsolete `#~` entries (ignored).
"""

from __future__ import annotations

import ast
import struct
from dataclasses import dataclass, field
from pathlib import Path

# Separators of the .mo keys, as GNU gettext and Python's gettext module define them.
CONTEXT_GLUE = "\x04"
PLURAL_GLUE = "\x00"


class PoSyntaxError(ValueError):
    pass


@dataclass
class PoEntry:
    """One message: the Chinese source text (msgid) and its translation(s)."""

    msgid: str
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 only, unless plural
    msgctxt: str | None = None
    msgid_plural: str | None = None
    flags: set[str] = field(default_factory=set)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    def mo_key(self) -> str:
        key = (
            self.msgid
            if self.msgid_plural is None
            else self.msgid + PLURAL_GLUE + self.msgid_plural
        )
        return key if self.msgctxt is None else self.msgctxt + CONTEXT_GLUE + key

    def mo_value(self) -> str:
        return PLURAL_GLUE.join(self.msgstr[i] for i in sorted(self.msgstr))


def _unquote(text: str, path: Path, line_no: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise PoSyntaxError(f"{path}:{line_no}: expected a quoted string, got {text!r}")
    # PO strings use C escapes (\" \\ \n \t), which a Python string literal reads the same way.
    return str(ast.literal_eval(text))


def read_po(path: Path) -> list[PoEntry]:
    """Every entry of a .po file, the header (msgid "") first."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None  # which field a continuation line extends

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("#,")):
            if line.startswith("#~"):
                target = None
            continue
        if line.startswith("#,"):
            finish()
            flags = {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if current is None or target is None:
                raise PoSyntaxError(f"{path}:{line_no}: a continuation line outside an entry")
            name, index = target
            piece = _unquote(line, path, line_no)
            if name == "msgstr":
                current.msgstr[index] += piece
            else:
                setattr(current, name, (getattr(current, name) or "") + piece)
            continue
        if keyword == "msgctxt" or (keyword == "msgid" and (current is None or current.msgstr)):
            finish()
            current = PoEntry(msgid="", flags=flags)
            flags = set()
        if current is None:
            raise PoSyntaxError(f"{path}:{line_no}: {keyword} before msgid")
        value = _unquote(rest, path, line_no)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, value)
            target = (keyword, 0)
        elif keyword == "msgstr":
            current.msgstr[0] = value
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            current.msgstr[index] = value
            target = ("msgstr", index)
        else:
            raise PoSyntaxError(f"{path}:{line_no}: unknown keyword {keyword!r}")
    finish()
    return entries


def compiled_messages(entries: list[PoEntry]) -> dict[str, str]:
    """What msgfmt puts in the .mo: the header and every translated entry that is not fuzzy."""
    messages: dict[str, str] = {}
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            messages[""] = entry.mo_value()  # the header, even when marked fuzzy
        elif entry.translated and not entry.fuzzy:
            messages[entry.mo_key()] = entry.mo_value()
    return messages


def write_mo(messages: dict[str, str], path: Path) -> None:
    """GNU .mo format, revision 0, keys sorted by their bytes, no hash table."""
    keys = sorted(messages, key=lambda k: k.encode("utf-8"))
    ids = [k.encode("utf-8") for k in keys]
    strs = [messages[k].encode("utf-8") for k in keys]
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + 8 * len(keys)
    data_start = strs_table + 8 * len(keys)
    offsets: list[tuple[int, int]] = []
    blob = b""
    for b in ids + strs:
        offsets.append((len(b), data_start + len(blob)))
        blob += b + b"\x00"
    out = struct.pack("<7I", 0x950412DE, 0, len(keys), ids_table, strs_table, 0, 0)
    out += b"".join(struct.pack("<2I", n, o) for n, o in offsets)
    path.write_bytes(out + blob)


def compile_po(po_path: Path) -> Path:
    """Write the .mo beside the .po; return its path."""
    mo_path = po_path.with_suffix(".mo")
    write_mo(compiled_messages(read_po(po_path)), mo_path)
    return mo_path
