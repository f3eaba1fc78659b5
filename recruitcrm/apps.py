from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class RecruitCRMConfig(AppConfig):
    """Project-wide pieces: the user model with its role, and the worker heartbeat."""

    name = "recruitcrm"
    verbose_name = "RecruitCRM"


class RecruitCRMAdminConfig(AdminConfig):
    default_site = "recruitcrm.admin_site.RecruitCRMAdminSite"
