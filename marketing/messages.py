"""The messages of P5 marketing and the context each needs (registered with the notifications app). Each carries
a `link` to the page where the business sees the result."""

from typing import Final

MESSAGES: Final[dict[str, dict[str, type]]] = {
    # a mentor or the kecamatan returned a submission: what to change
    "marketing_submission_returned": {"full_name": str, "product": str, "call": str, "reason": str, "link": str},
    # a curator graded a submission: the grade, and the comments are on the page
    "marketing_submission_graded": {"full_name": str, "product": str, "call": str, "grade": str, "link": str},
    # the mentor checked an online store
    "marketing_store_checked": {"full_name": str, "platform": str, "link": str},
    # staff accepted an application for a selling space, with the booth and days
    "marketing_space_accepted": {
        "full_name": str,
        "space": str,
        "booth": str,
        "days": str,
        "venue": str,
        "link": str,
    },
    "marketing_space_declined": {"full_name": str, "space": str, "reason": str, "link": str},
    # staff took a booth back
    "marketing_booth_cancelled": {"full_name": str, "space": str, "booth": str, "days": str, "link": str},
}
