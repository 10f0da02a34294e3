"""Tamper evidence: the audit events of each clinic become a hash chain (the events written
so far are chained oldest first), and database triggers refuse to change or delete audit
events, intakes, assessments and the other records written once (records/guards.py).

The triggers come from records/guards.py, not from SQL written here, so that the one definition
is also what puts them back after a later migration rebuilds a table (SQLite drops a table's
triggers when it rebuilds it)."""

from typing import Any

import django.utils.timezone
from django.db import migrations, models

from backcare.records import chain, guards

BATCH = 500


def chain_existing(apps: Any, _schema_editor: Any) -> None:
    events = apps.get_model("records", "AuditEvent")
    for clinic in events.objects.values_list("clinic", flat=True).distinct().order_by():
        rows = events.objects.filter(clinic=clinic).order_by("at", "pk")
        contents = (
            {
                "at": e["at"],
                "user": e["user__username"] or "",
                "action": e["action"],
                "target": e["target"],
                "detail": e["detail"],
            }
            for e in rows.values("at", "user__username", "action", "target", "detail").iterator()
        )
        batch = []
        actors = rows.values_list("pk", "user__username").iterator()
        fields = ["actor", "seq", "prev_hash", "hash"]
        for (pk, actor), link in zip(actors, chain.chained(contents), strict=True):
            seq, prev_hash, value = link
            batch.append(events(pk=pk, actor=actor or "", seq=seq, prev_hash=prev_hash, hash=value))
            if len(batch) == BATCH:
                events.objects.bulk_update(batch, fields)
                batch = []
        events.objects.bulk_update(batch, fields)


def install_guards(_apps: Any, schema_editor: Any) -> None:
    guards.install(schema_editor.connection)


def remove_guards(_apps: Any, schema_editor: Any) -> None:
    guards.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0004_clinic_settings"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, help_text="Set once, as hashed; kept on copy."
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="actor",
            field=models.CharField(
                blank=True,
                help_text="The user's name when it was written; hashed.",
                max_length=150,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(
                null=True, help_text="Its number in the clinic's chain, from 1."
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                default="", help_text="The hash of the event before.", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(
                default="", help_text="sha256 over its content and prev_hash.", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(
                help_text="Its number in the clinic's chain, from 1."
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("clinic", "seq"), name="one_audit_event_per_link"
            ),
        ),
        migrations.RunPython(install_guards, remove_guards),
    ]
