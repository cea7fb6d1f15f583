"""The messages of accounts and the context each needs (registered with the notifications app)."""

from typing import Final

MESSAGES: Final[dict[str, dict[str, type]]] = {
    "account_claim": {"full_name": str, "link": str},
    # a new account: the link that finishes signing up (the person then types the password they chose)
    "account_signup_confirm": {"full_name": str, "link": str},
    # someone signed up with a login that already has an account: its owner is told, the page says nothing
    "account_signup_existing": {"full_name": str, "link": str},
    # staff reset the person's second factor (a lost phone): if they did not ask for it, they call the program
    "account_second_factor_reset": {"full_name": str, "link": str},
}
# One-time links, wiped from the outbox row once sent.
SECRET: Final[dict[str, set[str]]] = {"account_claim": {"link"}, "account_signup_confirm": {"link"}}
