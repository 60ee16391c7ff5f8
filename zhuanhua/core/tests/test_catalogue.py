"""The committed English catalogue: complete, compiled from the .po as it stands, in step with
the templates."""

from __future__ import annotations

import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from zhuanhua.core.catalogue import compiled_messages, read_po, write_mo

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def test_every_message_has_an_english_translation_with_the_same_placeholders():
    entries = [e for e in read_po(PO) if e.msgid]
    assert entries
    for entry in entries:
        assert entry.translated, f"untranslated: {entry.msgid!r}"
        assert not entry.fuzzy, f"fuzzy: {entry.msgid!r}"
        for text in entry.msgstr.values():
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)), (
                entry.msgid,
                text,
            )


def test_committed_mo_says_exactly_what_the_po_says():
    """Run `zhuanhua catalogue compile` after editing the .po."""
    with MO.open("rb") as handle:
        catalogue = dict(gettext.GNUTranslations(handle)._catalog)
    expected: dict[object, str] = {}
    for entry in read_po(PO):
        if not entry.msgid or not entry.translated or entry.fuzzy:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(key, index)] = text
    catalogue.pop("", None)  # the header
    assert catalogue == expected


def test_the_pure_python_compiler_agrees_with_gnu_gettext_reading(tmp_path):
    mo = tmp_path / "django.mo"
    write_mo(compiled_messages(read_po(PO)), mo)
    with mo.open("rb") as handle:
        ours = gettext.GNUTranslations(handle)
    assert ours.plural(1) == 0
    assert ours.plural(2) == 1
    assert ours.gettext("成果大厅") == "Achievement hall"
    assert ours.pgettext("label-value separator", "：") == ": "
    n_msgid = '共 <strong data-testid="hall-count">%(n)s</strong> 项成果'
    assert ours.ngettext(n_msgid, n_msgid, 1).endswith("</strong> achievement")
    assert ours.ngettext(n_msgid, n_msgid, 7).endswith("</strong> achievements")


def _sources_only(directory: str, names: list[str]) -> set[str]:
    """copytree filter: keep folders and the files makemessages reads."""
    return {
        n
        for n in names
        if not (Path(directory, n).is_dir() or n.endswith((".py", ".html", ".txt")))
    }


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="xgettext (Debian gettext) not installed"
)
def test_po_holds_every_string_the_sources_mark(tmp_path, settings, monkeypatch):
    """A new {% translate %} or gettext() needs `zhuanhua catalogue extract`, a translation and
    `zhuanhua catalogue compile`. makemessages writes into the ./locale it finds, so it runs over
    a copy of the sources, never over the committed catalogue."""
    for tree in ("zhuanhua", "config"):
        shutil.copytree(Path(settings.BASE_DIR) / tree, tmp_path / tree, ignore=_sources_only)
    (tmp_path / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("catalogue", "extract", verbosity=0)
    fresh = {
        (e.msgctxt, e.msgid, e.msgid_plural)
        for e in read_po(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")
    }
    committed = {(e.msgctxt, e.msgid, e.msgid_plural) for e in read_po(PO)}
    assert fresh - committed == set(), "strings marked in the sources but missing from the .po"
    assert committed - fresh == set(), "strings in the .po that no source marks any more"
