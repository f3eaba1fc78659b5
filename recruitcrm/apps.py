from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class RecruitCRMConfig(AppConfig):
    """Project-wide pieces: the user model with its role, and the worker heartbeat."""

    name = "recruitcrm"
    verbose_name = "RecruitCRM"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from recruitcrm.auth import forget_user

        user_model = self.get_model("User")
        post_save.connect(forget_user, sender=user_model, dispatch_uid="forget-signed-in-user")
        post_delete.connect(forget_user, sender=user_model, dispatch_uid="forget-signed-in-user")


class RecruitCRMAdminConfig(AdminConfig):
    default_site = "recruitcrm.admin_site.RecruitCRMAdminSite"
