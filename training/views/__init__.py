"""P2 pages. Participants browse open sessions, enrol, cancel, rate and download their certificates;
organisers (agency staff, a partner's users) run courses, sessions and attendance. Thin: check who asks, bind a
form, call a service, render. Objects come through selectors scoped to the user: others' answer 404."""

from .organisers import (
    attendance,
    course_create,
    course_detail,
    course_edit,
    courses,
    organiser,
    organiser_session,
    ratings,
    session_announce,
    session_cancel,
    session_create,
    session_edit,
)
from .participants import cancel, certificate_pdf, certificate_verify, enrol, mine, rate, session_detail, sessions

__all__ = [
    "attendance",
    "cancel",
    "certificate_pdf",
    "certificate_verify",
    "course_create",
    "course_detail",
    "course_edit",
    "courses",
    "enrol",
    "mine",
    "organiser",
    "organiser_session",
    "rate",
    "ratings",
    "session_announce",
    "session_cancel",
    "session_create",
    "session_detail",
    "session_edit",
    "sessions",
]
