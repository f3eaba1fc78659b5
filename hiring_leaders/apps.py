from django.apps import AppConfig


class HiringLeadersConfig(AppConfig):
    name = "hiring_leaders"
    verbose_name = "Hiring leaders"
