import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0010_uploads"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(help_text="What the token is for.", max_length=100)),
                (
                    "scope",
                    models.CharField(
                        choices=[("read", "Read"), ("write", "Read and write")],
                        default="read",
                        max_length=10,
                    ),
                ),
                (
                    "prefix",
                    models.CharField(
                        help_text="Public part, for lookup.", max_length=16, unique=True
                    ),
                ),
                (
                    "secret_hash",
                    models.CharField(help_text="sha256 of the secret part.", max_length=64),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
