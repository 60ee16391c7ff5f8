"""`zhuanhua catalogue extract|compile`: keep the English catalogue in step with the sources.

extract — Django's makemessages over the project (needs xgettext, Debian's `gettext`), with the
          folders that hold no page text left out; new strings arrive with an empty msgstr.
compile — locale/*/LC_MESSAGES/django.po → django.mo in pure Python (zhuanhua.core.catalogue),
          so no msgfmt is needed. The .mo is committed; docs/i18n.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhuanhua.core.catalogue import PoSyntaxError, compile_po, compiled_messages, read_po

# Folders makemessages must not walk: virtualenv, front-end packages, runtime data, benchmarks,
# browser/security tests (their Chinese assertions are not page text).
EXTRACT_IGNORE = [".venv", "node_modules", "var", "bench", "test-artifacts", "tests", "*.egg-info"]
# Every language but the source one has a catalogue.
CATALOGUE_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def extract(verbosity: int = 1) -> None:
    call_command(
        "makemessages",
        locale=CATALOGUE_LANGUAGES,
        add_location="file",
        ignore_patterns=EXTRACT_IGNORE,
        verbosity=verbosity,
    )


class Command(BaseCommand):
    help = "翻译目录：extract 提取待翻译文字到 .po；compile 将 .po 编译为 .mo（无需 msgfmt）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["extract", "compile"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "extract":
            extract(options["verbosity"])
            return
        for base in settings.LOCALE_PATHS:
            for po in sorted(base.glob("*/LC_MESSAGES/django.po")):
                try:
                    entries = read_po(po)
                except PoSyntaxError as exc:
                    raise CommandError(str(exc)) from None
                mo = compile_po(po)
                untranslated = [e.msgid for e in entries if e.msgid and not e.translated]
                self.stdout.write(
                    f"{mo}: {len(compiled_messages(entries)) - 1} 条译文"
                    + (f"，{len(untranslated)} 条未翻译" if untranslated else "")
                )
