from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Holds no models: installed for its ``load_demo`` command."""

    name = "demo"
    default_auto_field = "django.db.models.BigAutoField"
