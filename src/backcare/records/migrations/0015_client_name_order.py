"""The clients of a clinic indexed in the client list's order (last name, then first name), so a
page of the list is read without sorting every client of the clinic."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("records", "0014_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="client", name="records_cli_clinic__8e5c79_idx"),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(
                fields=["clinic", "last_name", "first_name"], name="client_clinic_name"
            ),
        ),
    ]
