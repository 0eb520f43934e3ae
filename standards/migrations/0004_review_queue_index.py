from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0003_latest_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="standard",
            index=models.Index(
                fields=["field", "status", "status_changed", "id"],
                name="standard_queue_idx",
            ),
        ),
    ]
