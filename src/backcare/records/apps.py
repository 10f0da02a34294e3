from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class RecordsConfig(AppConfig):
    name = "backcare.records"
    label = "records"
    verbose_name = "backcare records"

    def ready(self) -> None:
        from backcare.records import guards

        connection_created.connect(guards.register_switch, dispatch_uid="backcare-erase-switch")
        post_migrate.connect(guards.reinstall, sender=self, dispatch_uid="backcare-guards")
