from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "backcare.web"
    label = "web"
