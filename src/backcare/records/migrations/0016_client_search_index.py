"""The index of the clients in the client list's order also holds the other columns a search
looks in (email and phone), so counting the clients a search matches reads the index alone,
never the clients' rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("records", "0015_client_name_order")]

    operations = [
        migrations.RemoveIndex(model_name="client", name="client_clinic_name"),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(
                fields=["clinic", "last_name", "first_name", "email", "phone"],
                name="client_clinic_search",
            ),
        ),
    ]
