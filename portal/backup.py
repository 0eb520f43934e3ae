"""Backups that restore: the database (pg_dump, custom format) and every
media object (file system or S3), in one tar archive with a manifest of
SHA-256 digests; and the way back into a fresh database and store.

``manage.py backup`` / ``manage.py restore`` (``make backup`` /
``make restore ARCHIVE=...``) call these.
"""

import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files.base import File
from django.core.files.storage import storages
from django.db import connections

MANIFEST = "manifest.json"
DATABASE = "database.dump"
FORMAT = 1


class BackupError(Exception):
    pass


def _sha256(handle) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def database_params(url: str | None = None) -> dict:
    """libpq's connection parameters of the default database, or of a
    ``postgres://`` URL."""
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise BackupError(f"not a PostgreSQL URL: {parts.scheme}://")
        return {
            "host": parts.hostname or "",
            "port": str(parts.port or 5432),
            "user": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "dbname": parts.path.lstrip("/"),
        }
    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backups need PostgreSQL (DATABASE_URL=postgres://...)")
    return {
        "host": settings_dict["HOST"] or "",
        "port": str(settings_dict["PORT"] or 5432),
        "user": settings_dict["USER"] or "",
        "password": settings_dict["PASSWORD"] or "",
        "dbname": settings_dict["NAME"],
    }


def _pg(command: list[str], params: dict, *extra: str) -> None:
    env = {**os.environ}
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    arguments = [
        *command,
        *(["--host", params["host"]] if params["host"] else []),
        "--port",
        params["port"],
        *(["--username", params["user"]] if params["user"] else []),
        "--dbname",
        params["dbname"],
        *extra,
    ]
    result = subprocess.run(arguments, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def media_names(storage, folder: str = "") -> list[str]:
    """Every object of the media storage, walked folder by folder."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += media_names(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def backup(output: Path) -> Path:
    """Writes ``portal-backup-<UTC time>.tar`` into the folder ``output``
    (or to the file ``output`` when it ends in .tar) and returns its path."""
    now = datetime.now(UTC)
    if output.suffix == ".tar":
        archive = output
    else:
        output.mkdir(parents=True, exist_ok=True)
        archive = output / f"portal-backup-{now:%Y%m%dT%H%M%SZ}.tar"
    storage = storages["default"]
    params = database_params()
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DATABASE
        # One consistent snapshot of the whole database.
        _pg(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"],
            params,
            "--file",
            str(dump),
        )
        with dump.open("rb") as handle:
            dump_sha, dump_size = _sha256(handle)
        media = []
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=DATABASE)
            # Files are listed after the dump: every file a row of the dump
            # names is there (uploads are never overwritten).
            for name in media_names(storage):
                with storage.open(name, "rb") as handle:
                    sha, size = _sha256(handle)
                    handle.seek(0)
                    info = tarfile.TarInfo(f"media/{name}")
                    info.size = size
                    info.mtime = int(now.timestamp())
                    tar.addfile(info, handle)
                media.append({"name": name, "size": size, "sha256": sha})
            manifest = {
                "format": FORMAT,
                "created": now.isoformat(),
                "database": {"file": DATABASE, "size": dump_size, "sha256": dump_sha},
                "media": media,
            }
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
        partial.replace(archive)
    return archive


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except KeyError:
        raise BackupError("not a portal backup: no manifest.json") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def _member_sha(tar: tarfile.TarFile, name: str) -> str:
    member = tar.extractfile(name)
    if member is None:
        raise BackupError(f"{name} is missing from the archive")
    return _sha256(member)[0]


def verify(archive: Path) -> dict:
    """Checks every member against the manifest; returns the manifest."""
    with tarfile.open(archive, "r") as tar:
        manifest = read_manifest(tar)
        if _member_sha(tar, DATABASE) != manifest["database"]["sha256"]:
            raise BackupError("the database dump does not match its digest")
        for item in manifest["media"]:
            if _member_sha(tar, f"media/{item['name']}") != item["sha256"]:
                raise BackupError(f"{item['name']} does not match its digest")
    return manifest


def restore(archive: Path, *, database_url: str | None = None) -> dict:
    """Restores the archive into an empty database (the default one, or
    ``database_url``) and the media storage, after checking every digest."""
    manifest = verify(archive)
    params = database_params(database_url)
    storage = storages["default"]
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, "r") as tar:
        dump = Path(work) / DATABASE
        with dump.open("wb") as target:
            source = tar.extractfile(DATABASE)
            for chunk in iter(lambda: source.read(1 << 20), b""):
                target.write(chunk)
        _pg(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
            ],
            params,
            str(dump),
        )
        for item in manifest["media"]:
            name = item["name"]
            if storage.exists(name):
                with storage.open(name, "rb") as handle:
                    if _sha256(handle)[0] == item["sha256"]:
                        continue
                raise BackupError(f"{name} exists in the store with other content")
            saved = storage.save(name, File(tar.extractfile(f"media/{name}"), name))
            if saved != name:
                raise BackupError(f"{name} was stored as {saved}")
    return manifest
