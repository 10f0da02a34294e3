from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "backcare.records"
    label = "records"
    verbose_name = "backcare records"
