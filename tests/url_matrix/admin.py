"""Django's admin as one family. Every admin URL wants a staff account before anything else (the admin site's
own check, then its second factor), so the rule goes by prefix: anonymous and every non-staff role are sent to
the admin's login from every admin URL, whatever its object; the administrator (a superuser) opens every
changelist; agency staff open the changelists of their role's permissions and are refused the others (403),
those listed here, so a change of their permissions shows. Past the changelists, what staff may do inside the
admin is the admin's own tests' (core.admin.ProgramAdmin and each app's tests/test_admin.py)."""

import re

from django.contrib import admin

from .urls import Pattern

NOT_STAFF = ("anonymous", "entrepreneur", "mentor", "secretariat", "partner")
ADMIN_LOGIN = "->admin:login"
# the two admin URLs open to anyone: its login page, and its log-out (which leads back to the index)
OPEN = {"admin:login": 200, "admin:logout": "->admin:index"}


def admin_url(pattern: Pattern) -> str:
    """The pattern's address with a made-up object: the admin refuses a non-staff account before it looks."""
    route = pattern.route.removeprefix("^")
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    values = {"app_label": app_labels[0], "object_id": "1", "pk": "1", "content_type_id": "1", "url": "x"}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return values.get(name, "1")

    path = re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", fill, route)
    return "/" + path.replace("^", "").replace("$", "")


def changelists() -> list[str]:
    return sorted(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist" for model in admin.site._registry
    )


# Agency staff are refused the accounts' groups, the login throttle's records, the schedules, the outbox and the
# deletion requests; they open every other changelist.
AGENCY_REFUSED: frozenset[str] = frozenset(
    {
        "admin:auth_group_changelist",
        "admin:axes_accessattempt_changelist",
        "admin:axes_accessfailurelog_changelist",
        "admin:axes_accesslog_changelist",
        "admin:django_celery_beat_clockedschedule_changelist",
        "admin:django_celery_beat_crontabschedule_changelist",
        "admin:django_celery_beat_intervalschedule_changelist",
        "admin:django_celery_beat_periodictask_changelist",
        "admin:django_celery_beat_solarschedule_changelist",
        "admin:notifications_message_changelist",
    }
)
