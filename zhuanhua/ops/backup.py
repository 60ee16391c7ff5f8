"""Backup and restore of the whole platform: every row and every uploaded file, in one archive.

`zhuanhua backup FILE` writes a .tar.gz (or .zip, by the name) holding
- `data/<app_label>.<model>.jsonl` — one JSON object per row (Django's "python" serialisation:
  primary keys kept, foreign keys to content types, permissions and users as natural keys),
  encoded with full microsecond datetimes (Django's JSON encoder drops them, which would break the
  audit chain: each entry's hash covers `at.isoformat()`);
- `media/<path>` — every file under MEDIA_ROOT;
- `manifest.json` (written last) — sha256 and size of every member, row counts per model, the
  load order, the applied migrations, the time and the database vendor.

`zhuanhua restore FILE` refuses a tampered archive (a member missing, extra, or with another
sha256), an archive from a newer schema, and a database that already holds data (unless
--force, which empties it first); then loads every model in one transaction, resets the
PostgreSQL sequences, checks foreign keys, restores the files and verifies the audit chain.

Content types and permissions are not archived: `migrate` creates them, and rows refer to them
by natural key, so their ids may differ between the two databases. The sha256 manifest detects
corruption and casual edits; it is not a signature (whoever can rewrite the archive can rewrite
the manifest), so keep backups where only operators can write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from zhuanhua.audit.services import audit_verify

FORMAT = "zhuanhua-backup"
VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000
CHUNK = 1024 * 1024

# Created by `migrate` in every database; referred to by natural key instead.
EXCLUDED = {"contenttypes.contenttype", "auth.permission"}

ERR_NO_MANIFEST = "备份文件缺少清单 manifest.json，或不是本平台的备份文件"
ERR_BAD_MANIFEST = "备份清单无法读取或格式不符"
ERR_UNREADABLE = "无法读取备份文件：{reason}"
ERR_UNSAFE_NAME = "备份文件含有不安全的路径：{name}"
ERR_MISSING_MEMBER = "备份文件不完整：缺少 {name}"
ERR_EXTRA_MEMBER = "备份文件被改动：含有清单之外的文件 {name}"
ERR_CHECKSUM = "备份文件校验失败：{name} 的 SHA-256 与清单不符，文件可能被篡改或损坏，已拒绝恢复"
ERR_COUNT = "备份文件校验失败：{label} 的行数与清单不符"
ERR_NOT_EMPTY = "目标数据库不为空（已有 {total} 条数据，例如 {example}）。恢复只写入空数据库；确认要清空并覆盖时请加 --force"
ERR_SCHEMA_NEWER = (
    "备份来自更新的数据库结构（本库缺少迁移 {migration}），请先升级代码并运行 migrate 后再恢复"
)
ERR_UNMIGRATED = "数据库有未执行的迁移（例如 {migration}），请先运行 zhuanhua migrate 再备份"
ERR_FORMAT = "不支持的备份格式：请使用 .tar.gz 或 .zip 文件名"


class BackupError(Exception):
    """A refusal with a Chinese message for the operator."""


@dataclass
class BackupResult:
    path: Path
    counts: dict[str, int]
    files: int
    file_bytes: int
    archive_bytes: int = 0


@dataclass
class RestoreResult:
    counts: dict[str, int]
    files: int
    file_bytes: int
    flushed: bool = False
    audit_problem: Any = None
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- models


def backup_models() -> list[type[models.Model]]:
    """Every concrete, managed model of every installed app, in dependency order."""
    candidates: dict[Any, list[type[models.Model]]] = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped or meta.label_lower in EXCLUDED:
            continue
        candidates.setdefault(meta.app_config, []).append(model)
    ordered = serializers.sort_dependencies(candidates.items(), allow_cycles=True)
    return list(ordered)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _data_name(label: str) -> str:
    return f"data/{label}.jsonl"


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder but with full microsecond precision for datetimes and times."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        if isinstance(o, bytes | memoryview):
            import base64

            return base64.b64encode(bytes(o)).decode("ascii")
        return super().default(o)


def _batched(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _rows(model: type[models.Model]) -> Iterator[dict[str, Any]]:
    queryset = model._default_manager.order_by(model._meta.pk.name)
    for batch in _batched(queryset.iterator(chunk_size=2000), BATCH):
        yield from serializers.serialize(
            "python", batch, use_natural_foreign_keys=True, use_natural_primary_keys=False
        )


def applied_migrations() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        out.setdefault(app, []).append(name)
    return out


# --------------------------------------------------------------------------- archive I/O


def archive_kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz")):
        return "tar"
    if name.endswith(".zip"):
        return "zip"
    raise BackupError(ERR_FORMAT)


class _Writer:
    """Adds members to a tar.gz or zip, hashing exactly the bytes written."""

    def __init__(self, path: Path, kind: str) -> None:
        self.kind = kind
        self.members: dict[str, dict[str, Any]] = {}
        if kind == "tar":
            self.tar = tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT)
        else:
            self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)

    def add_file(self, name: str, source: Path) -> None:
        size = source.stat().st_size
        with source.open("rb") as handle:
            self.add_stream(name, handle, size, source.stat().st_mtime)

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add_stream(name, io.BytesIO(data), len(data), timezone.now().timestamp())

    def add_stream(self, name: str, handle: IO[bytes], size: int, mtime: float) -> None:
        sha = hashlib.sha256()
        reader = _HashingReader(handle, sha)
        if self.kind == "tar":
            info = tarfile.TarInfo(name)
            info.size = size
            info.mtime = int(mtime)
            info.mode = 0o640
            self.tar.addfile(info, reader)
        else:
            with self.zip.open(name, "w", force_zip64=size > 2**31) as out:
                shutil.copyfileobj(reader, out, CHUNK)
        self.members[name] = {"sha256": sha.hexdigest(), "size": reader.count}

    def close(self) -> None:
        if self.kind == "tar":
            self.tar.close()
        else:
            self.zip.close()


class _HashingReader(io.RawIOBase):
    def __init__(self, handle: IO[bytes], sha: Any) -> None:
        self.handle, self.sha, self.count = handle, sha, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha.update(data)
        self.count += len(data)
        return data


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or ".." in path.parts or "\\" in name:
        return False
    return name == MANIFEST or (path.parts[0] in ("data", "media") and len(path.parts) > 1)


def _extract(archive: Path, into: Path) -> dict[str, dict[str, Any]]:
    """Extract every regular member into `into`; return {name: {sha256, size}} computed here."""
    kind = archive_kind(archive)
    seen: dict[str, dict[str, Any]] = {}

    def take(name: str, handle: IO[bytes]) -> None:
        if not _safe_name(name):
            raise BackupError(ERR_UNSAFE_NAME.format(name=name))
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        sha, size = hashlib.sha256(), 0
        with target.open("wb") as out:
            while chunk := handle.read(CHUNK):
                sha.update(chunk)
                size += len(chunk)
                out.write(chunk)
        seen[name] = {"sha256": sha.hexdigest(), "size": size}

    try:
        if kind == "tar":
            with tarfile.open(archive, "r:gz") as tar:
                for member in tar:
                    if member.isdir():
                        continue
                    if not member.isfile():
                        raise BackupError(ERR_UNSAFE_NAME.format(name=member.name))
                    handle = tar.extractfile(member)
                    assert handle is not None
                    take(member.name, handle)
        else:
            with zipfile.ZipFile(archive) as zf:
                for info in zf.infolist():
                    if info.is_dir():
                        continue
                    with zf.open(info) as handle:
                        take(info.filename, handle)
    except (OSError, tarfile.TarError, zipfile.BadZipFile, EOFError) as exc:
        raise BackupError(ERR_UNREADABLE.format(reason=exc)) from None
    return seen


# --------------------------------------------------------------------------- backup


def backup(path: Path | str, *, log: Callable[[str], None] = lambda _m: None) -> BackupResult:
    """Write the archive to `path` (atomically: a temporary file renamed at the end)."""
    path = Path(path)
    kind = archive_kind(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    counts: dict[str, int] = {}
    files = file_bytes = 0
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        migration = plan[0][0]
        raise BackupError(
            ERR_UNMIGRATED.format(migration=f"{migration.app_label}.{migration.name}")
        )
    ordered = backup_models()
    writer = _Writer(partial, kind)
    try:
        with tempfile.TemporaryDirectory(prefix="zhuanhua-backup-") as tmp:
            # One transaction so the models are read as one consistent snapshot (on PostgreSQL
            # REPEATABLE READ; SQLite's read transaction is a snapshot already).
            outermost = not connection.in_atomic_block
            with transaction.atomic():
                if connection.vendor == "postgresql" and outermost:
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                for model in ordered:
                    label = _label(model)
                    scratch = Path(tmp) / f"{label}.jsonl"
                    n = 0
                    with scratch.open("w", encoding="utf-8") as out:
                        for row in _rows(model):
                            out.write(
                                json.dumps(
                                    row, cls=_Encoder, ensure_ascii=False, separators=(",", ":")
                                )
                            )
                            out.write("\n")
                            n += 1
                    counts[label] = n
                    writer.add_file(_data_name(label), scratch)
                    scratch.unlink()
                    if n:
                        log(f"  {label}: {n} 行")
                migrations = applied_migrations()
            media_root = Path(settings.MEDIA_ROOT)
            if media_root.is_dir():
                for dirpath, dirnames, filenames in os.walk(media_root):
                    dirnames.sort()
                    for filename in sorted(filenames):
                        source = Path(dirpath) / filename
                        if source.is_symlink() or not source.is_file():
                            continue
                        rel = source.relative_to(media_root).as_posix()
                        writer.add_file(f"media/{rel}", source)
                        files += 1
                        file_bytes += writer.members[f"media/{rel}"]["size"]
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "database_vendor": connection.vendor,
                "order": [_label(m) for m in ordered],
                "counts": counts,
                "migrations": migrations,
                "members": dict(writer.members),
            }
            writer.add_bytes(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    except BaseException:
        writer.close()
        partial.unlink(missing_ok=True)
        raise
    writer.close()
    os.replace(partial, path)
    return BackupResult(
        path=path,
        counts=counts,
        files=files,
        file_bytes=file_bytes,
        archive_bytes=path.stat().st_size,
    )


# --------------------------------------------------------------------------- restore


def read_verified(archive: Path, into: Path) -> dict[str, Any]:
    """Extract `archive` into `into` and check it against its manifest; return the manifest."""
    seen = _extract(archive, into)
    if MANIFEST not in seen:
        raise BackupError(ERR_NO_MANIFEST)
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        members = manifest["members"]
        if manifest.get("format") != FORMAT or not isinstance(members, dict):
            raise ValueError
        order, counts = list(manifest["order"]), dict(manifest["counts"])
    except (ValueError, KeyError, TypeError):
        raise BackupError(ERR_BAD_MANIFEST) from None
    for name, expected in members.items():
        if not isinstance(name, str) or not _safe_name(name) or name == MANIFEST:
            raise BackupError(ERR_UNSAFE_NAME.format(name=name))
        got = seen.get(name)
        if got is None:
            raise BackupError(ERR_MISSING_MEMBER.format(name=name))
        if got["sha256"] != expected.get("sha256") or got["size"] != expected.get("size"):
            raise BackupError(ERR_CHECKSUM.format(name=name))
    for name in seen:
        if name != MANIFEST and name not in members:
            raise BackupError(ERR_EXTRA_MEMBER.format(name=name))
    for label in order:
        if _data_name(label) not in members or label not in counts:
            raise BackupError(ERR_MISSING_MEMBER.format(name=_data_name(label)))
        with (into / _data_name(label)).open(encoding="utf-8") as handle:
            lines = sum(1 for line in handle if line.strip())
        if lines != counts[label]:
            raise BackupError(ERR_COUNT.format(label=label))
    return manifest


def existing_rows() -> tuple[int, str]:
    """(total rows, an example "label: n") over the models a backup holds."""
    total, example = 0, ""
    for model in backup_models():
        n = model._default_manager.count()
        if n and not example:
            example = f"{model._meta.verbose_name}（{_label(model)}）{n} 条"
        total += n
    return total, example


def wipe() -> None:
    """Delete every row of every archived model (content types and permissions stay)."""
    tables = [m._meta.db_table for m in backup_models()]
    tables += [
        through._meta.db_table
        for m in backup_models()
        for f in m._meta.local_many_to_many
        if (through := f.remote_field.through) is not None and through._meta.auto_created
    ]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=connection.vendor == "postgresql"
    )
    with transaction.atomic():
        # PostgreSQL refuses to TRUNCATE a table with pending deferred FK checks: fire them first.
        connection.check_constraints()
        connection.ops.execute_sql_flush(statements)


def _load_model(path: Path) -> tuple[int, list[Any]]:
    """Load one model's rows; return (count, objects with forward references left)."""
    n = 0
    deferred: list[Any] = []
    with path.open(encoding="utf-8") as handle:
        rows = (json.loads(line) for line in handle if line.strip())
        for batch in _batched(rows, BATCH):
            plain = []
            for obj in serializers.deserialize("python", batch, handle_forward_references=True):
                n += 1
                if obj.m2m_data or obj.deferred_fields or obj.object._meta.parents:
                    obj.save()
                    if obj.deferred_fields:
                        deferred.append(obj)
                else:
                    plain.append(obj.object)
            if plain:
                _insert_raw(plain)
    return n, deferred


def _insert_raw(objs: list[models.Model]) -> None:
    """INSERT rows exactly as given: raw=True keeps auto_now / auto_now_add values (a plain
    bulk_create would stamp them with the current time), the way Model.save_base(raw=True) does."""
    model = type(objs[0])
    fields = [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]
    size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
    for start in range(0, len(objs), size):
        # Manager._insert (proxied from QuerySet) is private Django API, absent from django-stubs.
        model._base_manager._insert(  # type: ignore[attr-defined]
            objs[start : start + size], fields=fields, raw=True
        )


def restore(
    archive: Path | str, *, force: bool = False, log: Callable[[str], None] = lambda _m: None
) -> RestoreResult:
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(ERR_UNREADABLE.format(reason=f"{archive} 不存在"))
    with tempfile.TemporaryDirectory(prefix="zhuanhua-restore-") as tmp:
        root = Path(tmp)
        manifest = read_verified(archive, root)
        log("备份文件校验通过（全部成员的 SHA-256 与清单一致）。")
        applied = applied_migrations()
        for app, names in manifest.get("migrations", {}).items():
            for name in names:
                if name not in applied.get(app, []):
                    raise BackupError(ERR_SCHEMA_NEWER.format(migration=f"{app}.{name}"))
        known = {_label(m): m for m in backup_models()}
        order = [label for label in manifest["order"] if label in known]
        notes = [
            f"本库没有模型 {label}，其数据未恢复"
            for label in manifest["order"]
            if label not in known and manifest["counts"].get(label)
        ]
        total, example = existing_rows()
        flushed = False
        counts: dict[str, int] = {}
        with transaction.atomic():
            if total:
                if not force:
                    raise BackupError(ERR_NOT_EMPTY.format(total=total, example=example))
                wipe()
                flushed = True
                log(f"已清空目标数据库原有的 {total} 条数据（--force）。")
            deferred: list[Any] = []
            with connection.constraint_checks_disabled():
                for label in order:
                    n, left = _load_model(root / _data_name(label))
                    counts[label] = n
                    deferred += left
                for obj in deferred:
                    obj.save_deferred_fields()
            loaded_models = [known[label] for label in order]
            sequences = connection.ops.sequence_reset_sql(no_style(), loaded_models)
            if sequences:
                with connection.cursor() as cursor:
                    for sql in sequences:
                        cursor.execute(sql)
            connection.check_constraints(table_names=[m._meta.db_table for m in loaded_models])
            for label in order:
                if known[label]._default_manager.count() != manifest["counts"][label]:
                    raise BackupError(ERR_COUNT.format(label=label))
        files = file_bytes = 0
        media_root = Path(settings.MEDIA_ROOT)
        for name, meta in sorted(manifest["members"].items()):
            if not name.startswith("media/"):
                continue
            target = media_root / name.removeprefix("media/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / name, target)
            files += 1
            file_bytes += int(meta["size"])
    return RestoreResult(
        counts=counts,
        files=files,
        file_bytes=file_bytes,
        flushed=flushed,
        audit_problem=audit_verify(),
        notes=notes,
    )
