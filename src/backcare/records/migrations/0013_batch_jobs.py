import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0012_cds"),
    ]

    operations = [
        migrations.CreateModel(
            name="BatchJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "folder",
                    models.CharField(
                        help_text="Random; its files' folder.", max_length=64, unique=True
                    ),
                ),
                (
                    "source_name",
                    models.CharField(
                        help_text="The uploaded file's name, cleaned.", max_length=120
                    ),
                ),
                ("source_format", models.CharField(max_length=10)),
                ("result_format", models.CharField(max_length=10)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting to start"),
                            ("running", "Screening"),
                            ("done", "Done"),
                            ("failed", "Could not be screened"),
                            ("expired", "Files removed"),
                        ],
                        default="queued",
                        max_length=10,
                    ),
                ),
                (
                    "rows_total",
                    models.PositiveIntegerField(default=0, help_text="About how many rows."),
                ),
                ("rows_done", models.PositiveIntegerField(default=0)),
                ("screened", models.PositiveIntegerField(default=0)),
                ("refused", models.PositiveIntegerField(default=0)),
                (
                    "summary",
                    models.JSONField(
                        default=dict, help_text="Decisions and the top findings' counts."
                    ),
                ),
                ("message", models.TextField(blank=True, help_text="Why it failed, in words.")),
                (
                    "heartbeat",
                    models.DateTimeField(blank=True, help_text="Last sign of progress.", null=True),
                ),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="records.clinic",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        fields=["clinic", "-created_at"], name="records_bat_clinic__a84762_idx"
                    )
                ],
            },
        ),
    ]
