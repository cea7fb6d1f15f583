"""The registry's columns: a coded value is shown by its label in the reader's language, translated once per
language (not once per row), and an unknown code stays as it is."""

from django.utils import translation

from accounts.tests.factories import UserFactory
from exports.registry import ChoiceColumn
from registration.choices import Status

STATUS = ChoiceColumn("Status", lambda code: code, Status)


def test_a_code_is_shown_by_its_label_in_the_readers_language(db: None) -> None:
    user = UserFactory()
    with translation.override("en"):
        assert STATUS.cell(Status.APPROVED, user) == "Approved"
    with translation.override("id"):
        assert STATUS.cell(Status.APPROVED, user) == str(Status.APPROVED.label)
        assert STATUS.cell(Status.APPROVED, user) != "Approved"
    with translation.override("en"):
        assert STATUS.cell(Status.APPROVED, user) == "Approved"  # each language's labels kept apart


def test_no_code_is_an_empty_cell_and_an_unknown_one_stays(db: None) -> None:
    user = UserFactory()
    with translation.override("en"):
        assert STATUS.cell(None, user) == ""
        assert STATUS.cell("", user) == ""
        assert STATUS.cell("retired", user) == "retired"
