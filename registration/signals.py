"""Signals other apps listen to, so that registration needs to know none of them."""

from django.dispatch import Signal

# Sent inside the approving transaction, after the registration is approved: a receiver's writes commit or
# roll back with the approval. Arguments: registration, acting_user.
registration_approved = Signal()
