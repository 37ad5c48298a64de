"""The Caseworkers group (staff in it can open the requests queue) and the directory's needs."""

from django.db import migrations

NEEDS = [
    ("domestic-abuse", "Domestic abuse"),
    ("stalking", "Stalking and harassment"),
    ("hate-crime", "Hate crime"),
    ("fraud-and-scams", "Fraud and scams"),
    ("sexual-violence", "Sexual violence and abuse"),
    ("online-harm", "Online harm"),
    ("mental-health", "Mental health"),
    ("bereavement", "Bereavement"),
    ("young-people", "Young people"),
    ("older-people", "Older people"),
    ("disability", "Disability"),
    ("lgbtq", "LGBTQ+ people"),
    ("money-and-debt", "Money and debt"),
    ("housing", "Housing"),
    ("legal-advice", "Legal advice"),
]


def create(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Caseworkers")
    Need = apps.get_model("referrals", "Need")
    for order, (slug, name) in enumerate(NEEDS):
        Need.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Caseworkers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, remove)]
