"""A backup restores: pg_dump plus every media object from the S3 server
(moto, started by the test), into a new database and a new bucket, with the
same row count in every table and the same SHA-256 for every file."""

import io
import tarfile
import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from portal.backup import database_params
from standards import services
from standards.models import Edition
from tests.standards.conftest import markdown_file

from .ops_fixtures import (  # noqa: F401
    S3,
    s3_endpoint_fixture,
    s3_fixture,
    s3_storage_settings,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _connect(dbname: str):
    params = database_params()
    return psycopg.connect(
        host=params["host"] or None,
        port=params["port"],
        user=params["user"] or None,
        password=params["password"] or None,
        dbname=dbname,
        autocommit=True,
    )


def _row_counts(dbname: str) -> dict[str, int]:
    with _connect(dbname) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        return {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


@pytest.fixture
def fresh_database():
    source = connection.settings_dict["NAME"]
    name = f"{source}_restore_{uuid.uuid4().hex[:8]}"
    with _connect("postgres") as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with _connect("postgres") as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


def _url(dbname: str) -> str:
    params = database_params()
    auth = params["user"] + (f":{params['password']}" if params["password"] else "")
    return (
        f"postgres://{auth}@{params['host'] or '127.0.0.1'}:{params['port']}/{dbname}"
    )


def test_backup_and_restore_round_trip(
    s3, lifecycle, world, settings, tmp_path, fresh_database
):
    standard = lifecycle.draft(with_version=False)
    services.version_create(
        standard_id=standard.pk,
        actor=world.member,
        body="# Scope\n\nEvaluating medical LLMs.\n",
        change_summary="First version",
        files=[markdown_file("notes.md", "# Notes\n\n评测\n")],
    )
    lifecycle.go(standard, "submit", world.member)
    services.experts_assign(
        standard_id=standard.pk,
        actor=world.deputy,
        experts=[world.expert1, world.expert2],
    )
    for expert in (world.expert1, world.expert2):
        services.recommendation_give(
            standard_id=standard.pk, actor=expert, decision="approve"
        )
    lifecycle.go(standard, "advance_to_audit", world.deputy)
    lifecycle.go(standard, "certify", world.auditor)
    lifecycle.go(standard, "publish", world.leader)
    edition = Edition.objects.get(standard=standard)
    assert edition.pdf_state == Edition.PdfState.READY, edition.pdf_error
    source_keys = s3.keys
    assert len(source_keys) >= 3  # the attachment, the certificate, the edition
    source_files = {key: s3.read(key) for key in source_keys}

    call_command("backup", "--output", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("portal-backup-*.tar")
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "database.dump"} <= names
    assert {f"media/{key}" for key in source_keys} <= names

    # Into a new database and a new, empty bucket.
    target = S3(s3.endpoint, f"restore-{uuid.uuid4().hex[:12]}")
    target.client.create_bucket(Bucket=target.bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_settings(s3.endpoint, target.bucket),
    }
    call_command("restore", str(archive), "--database-url", _url(fresh_database))

    source_counts = _row_counts(connection.settings_dict["NAME"])
    restored_counts = _row_counts(fresh_database)
    assert restored_counts == source_counts
    assert source_counts["standards_standard"] == 1
    assert source_counts["standards_edition"] == 1
    assert target.keys == source_keys
    for key in source_keys:
        assert target.read(key) == source_files[key]
    with _connect(fresh_database) as conn:
        title, pdf = conn.execute(
            "SELECT s.title, e.pdf FROM standards_standard s "
            "JOIN standards_edition e ON e.standard_id = s.id"
        ).fetchone()
    assert title == standard.title
    assert pdf == edition.pdf.name


def test_a_damaged_archive_is_refused(s3, tmp_path, db):
    s3.client.put_object(Bucket=s3.bucket, Key="attachments/1/a.md", Body=b"text")
    call_command("backup", "--output", str(tmp_path / "a.tar"))
    call_command("restore", str(tmp_path / "a.tar"), "--verify-only")
    # The same archive with one file's bytes changed.
    with (
        tarfile.open(tmp_path / "a.tar") as source,
        tarfile.open(tmp_path / "b.tar", "w") as damaged,
    ):
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/attachments/1/a.md":
                data = b"TEXT"
            member.size = len(data)
            damaged.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="attachments/1/a.md does not match"):
        call_command("restore", str(tmp_path / "b.tar"), "--verify-only")
    with pytest.raises(CommandError, match="no such archive"):
        call_command("restore", str(tmp_path / "missing.tar"))
