"""Evidence also belongs to an agency directly (an OIT workspace row's evidence has no measure)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_agency(apps, schema_editor):
    Evidence = apps.get_model("measures", "Evidence")
    Measure = apps.get_model("measures", "Measure")
    Evidence.objects.filter(agency__isnull=True).update(
        agency=models.Subquery(Measure.objects.filter(pk=models.OuterRef("measure_id")).values("agency_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("measures", "0004_measure_start_date_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="agency",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="evidence",
                to="agencies.agency",
                verbose_name="หน่วยงาน",
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="measure",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="evidence",
                to="measures.measure",
                verbose_name="มาตรการ",
            ),
        ),
        migrations.RunPython(fill_agency, migrations.RunPython.noop),
    ]
