# The kind of a meeting's action-item reminder (committees, issue 17).

from django.db import migrations, models

KINDS = [
    ("draft_changed", "A change to a draft you author"),
    ("draft_returned", "A draft you author came back for changes"),
    ("comment_received", "An expert comment on a draft you author"),
    ("review_needed", "A draft of your field submitted or answered"),
    ("expert_assigned", "You are assigned as an expert"),
    ("new_version", "A new version of a draft you review"),
    ("audit_needed", "A draft reached audit"),
    ("certified", "A draft was certified"),
    ("published", "A standard you watch was published"),
    ("abolished", "A standard you watch was abolished"),
    ("review_due", "A standard's systematic review is due"),
    ("action_due", "An action item of yours from a meeting is due"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_digest_and_categories"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=32, verbose_name="kind"),
        ),
        migrations.AlterField(
            model_name="notificationpreference",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=32, verbose_name="kind"),
        ),
    ]
