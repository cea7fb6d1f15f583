"""The messages of the targets app and the context each needs (registered with the notifications app from
TargetsConfig.ready()): the weekly target report is ready, to every active agency staff member, with the link to
the reports page (behind the login)."""

from typing import Final

MESSAGES: Final[dict[str, dict[str, type]]] = {
    "targets_weekly_report_ready": {"full_name": str, "week_start": str, "week_end": str, "link": str},
}
