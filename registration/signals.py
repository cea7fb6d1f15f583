"""Signals other apps listen to, so that registration needs to know none of them.

A signal, not an explicit call, on purpose: registration sits below mentoring (and every later step) in the
layers (docs/ARCHITECTURE.md), so it must not import them. Mentoring assigns a mentor when a registration is
approved by connecting to `registration_approved` in its AppConfig.ready(); registration stays unaware of it. So,
when a participant moves (`participant_moved`), licensing moves their requests and mentoring ends their
assignment to a mentor of the kecamatan they left."""

from django.dispatch import Signal

# Sent inside the approving transaction, after the registration is approved: a receiver's writes commit or
# roll back with the approval (and are recorded in the audit trail as the approver's). Arguments: registration,
# acting_user.
registration_approved = Signal()

# Sent inside the correcting transaction when a participant's kecamatan changed (a correction: registration.services
# .participant_correct_identity), after the participant is saved: the apps that keep the participant's kecamatan
# beside their own rows (registration.models.InParticipantKecamatan) keep them true in the same transaction.
# Arguments: participant (in its new kecamatan), acting_user.
participant_moved = Signal()
