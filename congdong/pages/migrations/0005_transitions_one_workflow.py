import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("pages", "0004_comment_policy"),
    ]

    operations = [
        migrations.RenameField(
            model_name="pagetransition", old_name="from_status", new_name="from_state"
        ),
        migrations.RenameField(
            model_name="pagetransition", old_name="to_status", new_name="to_state"
        ),
        migrations.AlterField(
            model_name="pagetransition",
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
            model_name="pagetransition",
            name="at",
            field=models.DateTimeField(db_index=True, verbose_name="at"),
        ),
        migrations.AlterField(
            model_name="pagetransition",
            name="from_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("not_established", "not established"),
                    ("active", "active"),
                    ("suspended", "suspended"),
                ],
                max_length=20,
                verbose_name="from",
            ),
        ),
        migrations.AlterField(
            model_name="pagetransition",
            name="reason",
            field=models.TextField(blank=True, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="pagetransition",
            name="to_state",
            field=models.CharField(
                choices=[
                    ("not_established", "not established"),
                    ("active", "active"),
                    ("suspended", "suspended"),
                ],
                max_length=20,
                verbose_name="to",
            ),
        ),
    ]
