"""The "Content editors" group: staff in it may edit topics, guides, steps, rights pages and the
partner directory in the admin, and nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITABLE = {
    "guides": ["topic", "guide", "step", "rightspage"],
    "referrals": ["organisation", "need"],
}


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the group can have them.
    for label in ("guides", "referrals"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Content editors")
    for app_label, models in EDITABLE.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=models)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Content editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0001_initial"),
        ("referrals", "0002_caseworkers_group_and_needs"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
