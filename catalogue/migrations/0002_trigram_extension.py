from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm, for "did you mean" (``catalogue.selectors.search_suggestion``).
    Creating an extension needs a superuser or the database's owner (with
    PostgreSQL 13+, pg_trgm is a trusted extension); nothing on SQLite."""

    dependencies = [
        ("catalogue", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
    ]
