"""P3 pages. Thin: check who asks, get objects through scoped selectors, bind a form, call a service, render."""

from .help import help_close, help_list, help_new, help_thread, my_mentor
from .participants import (
    assign,
    caseload,
    follow_up_done,
    log_visit,
    participant,
    unassigned,
    visit_photo,
)
from .reports import incentive_export, incentive_report, mentors

__all__ = [
    "assign",
    "caseload",
    "follow_up_done",
    "help_close",
    "help_list",
    "help_new",
    "help_thread",
    "incentive_export",
    "incentive_report",
    "log_visit",
    "mentors",
    "my_mentor",
    "participant",
    "unassigned",
    "visit_photo",
]
