from django.db import migrations

# The review queue ranks the drafts of a deputy leader's fields by state,
# oldest first, and counts each state (standards.selectors.review_queue).
# With every column it reads in one index, that is an index-only scan
# instead of a visit to every row of the fields.
#
# Raw SQL rather than AddIndex because the index is not declared in
# Standard.Meta (models.py is out of this change's reach); declaring it there
# later needs a SeparateDatabaseAndState migration with state_operations only.
CREATE = (
    "CREATE INDEX IF NOT EXISTS standard_queue_idx ON standards_standard "
    "(field_id, status, status_changed, id)"
)
DROP = "DROP INDEX IF EXISTS standard_queue_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0003_latest_indexes"),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP, elidable=False),
    ]
