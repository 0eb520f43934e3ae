import logging

from django.db import migrations, models

import portal.markdown

logger = logging.getLogger(__name__)


def render_bodies(apps, schema_editor):
    """Render every version's text once, with the renderer of today
    (``portal.markdown.render_markdown_html``, which never raises and
    neutralises hostile constructs). A version left empty here is rendered
    the first time it is shown (``Version.rendered_body``)."""
    Version = apps.get_model("standards", "Version")
    rows = Version.objects.filter(body_html="").only("pk", "body").order_by("pk")
    for version in rows.iterator(chunk_size=200):
        try:
            html = portal.markdown.render_markdown_html(version.body)
        except Exception:  # noqa: BLE001 — one text must not stop the migration
            logger.warning("version %s: text not rendered", version.pk)
            continue
        Version.objects.filter(pk=version.pk).update(body_html=html)


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0007_pdf_claims"),
    ]

    operations = [
        migrations.AddField(
            model_name="version",
            name="body_html",
            field=models.TextField(
                blank=True, editable=False, verbose_name="text as HTML"
            ),
        ),
        migrations.AlterField(
            model_name="version",
            name="body",
            field=models.TextField(
                help_text="Markdown.",
                validators=[portal.markdown.validate_markdown_length],
                verbose_name="text",
            ),
        ),
        migrations.RunPython(render_bodies, migrations.RunPython.noop, elidable=True),
    ]
