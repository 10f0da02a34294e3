from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "backcare.web"
    label = "web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from backcare.web.idle import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="backcare.idle.sign_in")
