"""`{% load marketing_rules %}`: marketing's predicates as the templates ask them (no query)."""

from django import template

from accounts.permissions import AnyUser
from registration.models import Participant

from .. import permissions

register = template.Library()


@register.filter
def sees_participant(user: AnyUser, participant: Participant) -> bool:
    """`{% if request.user|sees_participant:business.participant %}`: whether the page may show who is behind the
    business (the participant's name and kecamatan, the registered business name, the staff who handled its
    submissions): permissions.can_view_marketing. A curator who is not program staff (a partner organisation's
    user) sees the product and the listing's public name only."""
    return bool(permissions.can_view_marketing(user, participant))
