"""Who may do what on the feedback forum. The `can_<action>` predicates check role AND state and return a
`core.decisions.Decision` with the reason a person reads; the services enforce them, the views and templates
ask them. Which posts a user reaches at all is the selectors' business (a hidden post is a 404 to a reader).

The forum's choices, as a government forum should make them:
- it is for logged-in members of the program (participants and program staff), never public: a post tells of
  someone's business and needs in a named kecamatan, and with a first name that can be enough to know who it is;
  partner organisations read participants only under their consent, so not here;
- every participant reads, registered or not yet; only *verified* participants post and support (one verified
  person, one voice: support counts the program acts on cannot be inflated with sign-ups);
- the program answers, and sets where a post stands, through the kecamatan secretariat (its kecamatan's posts)
  and agency staff (all): an answer such as "planned" is the office's commitment. Mentors read the forum but do
  not answer there (they answer their own participants in the mentoring questions); the same two moderate."""

from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import Role, User
from accounts.permissions import AnyUser
from core.decisions import ALLOWED, Decision, deny
from registration.models import Participant
from registration.selectors import is_verified

from .choices import Status
from .models import Post

NOT_MEMBER = _("The forum is for the program's participants and staff.")
NOT_PARTICIPANT = _("Only the program's participants post and support on the forum.")
NOT_VERIFIED = _("You can post and support once your registration is verified. Until then you can read the forum.")
OWN_POST = _("This is your own post: others support it.")
IS_HIDDEN = _("This post is hidden by a moderator.")
IS_DONE = _("This post is done: supporting it changes nothing now.")
NOT_ANSWERER = _("Only the secretariat of the post's kecamatan and agency staff answer and moderate it.")
MENTOR_READS = _(
    "Mentors read the forum; the program's answer comes from the kecamatan secretariat or agency staff. Answer "
    "your own participants in their questions to you."
)
SHOW_FIRST = _("Show the post again before answering it.")


# --- roles (plain answers, no query: menus, lists) --------------------------------------------------------------


def is_member(user: AnyUser) -> bool:
    """Reads the forum: an entrepreneur (registered or not), a mentor, the secretariat, agency staff."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return permissions.is_entrepreneur(user) or permissions.is_office_staff(user) or permissions.is_program_wide(user)


def is_answerer(user: AnyUser) -> bool:
    """Answers and moderates some posts: agency staff (all), a kecamatan secretariat (its kecamatan's)."""
    return permissions.is_program_wide(user) or permissions.is_secretariat(user)


def answers_in(user: AnyUser, kecamatan_id: int) -> bool:
    """Answers and moderates the posts of this kecamatan."""
    return permissions.is_program_wide(user) or (
        permissions.is_secretariat(user) and permissions.works_in(user, kecamatan_id)
    )


def own_participant(user: AnyUser, participant: Participant | None) -> bool:
    return isinstance(user, User) and participant is not None and participant.user_id == user.pk


# --- decisions ------------------------------------------------------------------------------------------------


def can_post(user: AnyUser, participant: Participant | None) -> Decision:
    """A verified participant posts in their own name. `participant` is the user's own record (loaded with its
    registration: registration.selectors.participant_of), or None."""
    if not is_member(user):
        return deny("not_member", NOT_MEMBER)
    if not permissions.is_entrepreneur(user):
        return deny("not_participant", NOT_PARTICIPANT)
    if not own_participant(user, participant) or not is_verified(participant):
        return deny("not_verified", NOT_VERIFIED)
    return ALLOWED


def can_support(user: AnyUser, participant: Participant | None, post: Post) -> Decision:
    """Another verified participant supports a shown post that is not done yet."""
    decided = can_post(user, participant)
    if not decided:
        return decided
    assert participant is not None
    if post.author_id == participant.pk:
        return deny("own_post", OWN_POST)
    if post.hidden:
        return deny("hidden", IS_HIDDEN)
    if post.status == Status.DONE:
        return deny("done", IS_DONE)
    return ALLOWED


def can_answer(user: AnyUser, post: Post) -> Decision:
    """The secretariat of the post's kecamatan or agency staff answer a shown post, and set its status."""
    if isinstance(user, User) and user.role == Role.MENTOR:
        return deny("mentor", MENTOR_READS)
    if not answers_in(user, post.kecamatan_id):
        return deny("not_allowed", NOT_ANSWERER)
    if post.hidden:
        return deny("hidden", SHOW_FIRST)
    return ALLOWED


def can_moderate(user: AnyUser, post: Post) -> Decision:
    """The secretariat of the post's kecamatan or agency staff hide a post, or show it again."""
    if isinstance(user, User) and user.role == Role.MENTOR:
        return deny("mentor", MENTOR_READS)
    if not answers_in(user, post.kecamatan_id):
        return deny("not_allowed", NOT_ANSWERER)
    return ALLOWED
