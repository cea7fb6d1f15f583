"""What P7 capital offers in the navigation bar (core.navigation): the participant's "Capital" (the loans on offer and
what they lack for each), the program's queue of referrals to send (mentors and agency staff) and the figures
(agency staff)."""

from django.utils.translation import gettext_lazy as _

from core import navigation

from . import permissions

navigation.link(label=_("Capital"), url_name="capital:readiness", when=permissions.asks_for_loans, order=38)
navigation.link(label=_("Loan referrals"), url_name="capital:queue", when=permissions.follows_participants, order=78)
navigation.link(label=_("Capital figures"), url_name="capital:figures", when=permissions.sees_figures, order=108)
