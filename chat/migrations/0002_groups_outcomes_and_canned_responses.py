"""The chat groups, and a starting set of wrap-up outcomes and canned responses (editable in the admin)."""

from django.db import migrations

GROUPS = ["Chat supporters", "Chat supervisors"]

OUTCOMES = [
    "Listened and gave emotional support",
    "Gave information",
    "Signposted to a partner organisation",
    "Referred to a caseworker",
    "Safety concern: gave emergency numbers",
    "Visitor left before we could help",
    "Abusive or not a genuine chat",
]

CANNED = [
    (
        "Greeting",
        "Hello, thank you for getting in touch. I am one of the trained supporters. Take your time: "
        "what would you like to talk about today?",
    ),
    (
        "Checking in after silence",
        "I am still here. Take all the time you need. If it is not a good moment, you can leave the chat "
        "and come back whenever you like.",
    ),
    (
        "In danger: call 999",
        "If you are in danger now, please call 999. If you cannot speak, call 999 from a mobile and press 55 "
        "when asked. You can use the Exit this page button at any time.",
    ),
    (
        "Confidentiality",
        "What you tell me is confidential. We would only share it if we were seriously worried about your "
        "safety or someone else's, and we would try to talk to you about it first.",
    ),
    (
        "Signposting",
        "There are specialist organisations that may be able to help with this. Would you like me to share "
        "the details of one?",
    ),
    (
        "Samaritans",
        "If you are struggling to cope, you can call Samaritans free on 116 123, any time, day or night.",
    ),
    (
        "Closing",
        "Thank you for talking with me today. You can come back to chat whenever you need to, day or night.",
    ),
]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    WrapUpOutcome = apps.get_model("chat", "WrapUpOutcome")
    for order, name in enumerate(OUTCOMES):
        WrapUpOutcome.objects.get_or_create(name=name, defaults={"order": order})
    CannedResponse = apps.get_model("chat", "CannedResponse")
    for order, (title, text) in enumerate(CANNED):
        if not CannedResponse.objects.filter(title=title).exists():
            CannedResponse.objects.create(title=title, text=text, order=order)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, remove)]
