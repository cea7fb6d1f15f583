"""What the feedback forum offers in the navigation bar (core.navigation): the forum, to every member of the
program (participants and program staff; never the public nor partner organisations, feedback.permissions)."""

from django.utils.translation import gettext_lazy as _

from core import navigation

from . import permissions

navigation.link(label=_("Forum"), url_name="feedback:list", when=permissions.is_member, order=88)
