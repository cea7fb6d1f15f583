"""Signals other apps listen to, so that registration needs to know none of them.

A signal, not an explicit call, on purpose: registration sits below mentoring (and every later step) in the
layers (docs/ARCHITECTURE.md), so it must not import them. Mentoring assigns a mentor when a registration is
approved by connecting to `registration_approved` in its AppConfig.ready(); registration stays unaware of it."""

from django.dispatch import Signal

# Sent inside the approving transaction, after the registration is approved: a receiver's writes commit or
# roll back with the approval (and are recorded in the audit trail as the approver's). Arguments: registration,
# acting_user.
registration_approved = Signal()
