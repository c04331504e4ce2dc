import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("handbook", "0002_revision_approval"),
    ]

    operations = [
        migrations.RenameField(model_name="handbooktransition", old_name="note", new_name="reason"),
        migrations.RenameField(model_name="boardtransition", old_name="note", new_name="reason"),
        migrations.AlterField(
            model_name="boardtransition",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="boardtransition",
            name="at",
            field=models.DateTimeField(db_index=True, verbose_name="at"),
        ),
        migrations.AlterField(
            model_name="boardtransition",
            name="from_state",
            field=models.CharField(
                blank=True,
                choices=[("open", "open"), ("accepted", "accepted"), ("declined", "not accepted")],
                max_length=20,
                verbose_name="from",
            ),
        ),
        migrations.AlterField(
            model_name="boardtransition",
            name="reason",
            field=models.TextField(blank=True, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="boardtransition",
            name="to_state",
            field=models.CharField(
                choices=[("open", "open"), ("accepted", "accepted"), ("declined", "not accepted")],
                max_length=20,
                verbose_name="to",
            ),
        ),
        migrations.AlterField(
            model_name="handbooktransition",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="handbooktransition",
            name="at",
            field=models.DateTimeField(db_index=True, verbose_name="at"),
        ),
        migrations.AlterField(
            model_name="handbooktransition",
            name="from_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("proposed", "proposed"),
                    ("published", "published"),
                    ("returned", "sent back"),
                ],
                max_length=20,
                verbose_name="from",
            ),
        ),
        migrations.AlterField(
            model_name="handbooktransition",
            name="reason",
            field=models.TextField(blank=True, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="handbooktransition",
            name="to_state",
            field=models.CharField(
                choices=[
                    ("proposed", "proposed"),
                    ("published", "published"),
                    ("returned", "sent back"),
                ],
                max_length=20,
                verbose_name="to",
            ),
        ),
    ]
