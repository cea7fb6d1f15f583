"""Every model that holds something about a participant or their account is either in the download or left out
with a reason (privacy.inventory): a new model with a foreign key path to either fails here until it is placed."""

from django.apps import apps

from privacy.inventory import (
    ERASURE,
    EXCLUDED,
    PARTICIPANT,
    SECTIONS,
    USER,
    Anonymise,
    Untouched,
    covered_labels,
    erasure_owners,
    is_trail,
    paths_to,
)


def _concrete_models() -> list[type]:
    return [m for m in apps.get_models() if not m._meta.abstract and not m._meta.proxy and m._meta.managed]


def test_every_model_reaching_a_participant_or_an_account_is_placed() -> None:
    covered = covered_labels()
    forgotten = []
    for model in _concrete_models():
        if is_trail(model):  # the audit trail: the "who processed my data" page
            continue
        label = model._meta.label
        reaches = label in (PARTICIPANT, USER) or paths_to(model, PARTICIPANT) or paths_to(model, USER)
        if reaches and label not in covered:
            forgotten.append(label)
    assert not forgotten, f"place these in privacy.inventory SECTIONS or EXCLUDED: {forgotten}"


def test_the_lists_name_real_models_once_and_no_model_is_in_both() -> None:
    labels = [section.label for section in SECTIONS]
    assert len(labels) == len(set(labels))
    assert not set(labels) & set(EXCLUDED)
    for label in [*labels, *EXCLUDED]:
        assert apps.get_model(label) is not None


def test_each_section_reaches_its_owner_and_names_real_fields() -> None:
    for section in SECTIONS:
        model = section.model
        names = {f.name for f in model._meta.get_fields()}
        for name in (*section.exclude, *section.named, *section.decrypted):
            assert name in names, (section.label, name)
        if section.owner != "pk":
            assert section.owner in paths_to(model, section.of), (section.label, section.owner)


def test_no_password_hash_or_secret_is_shown() -> None:
    for section in SECTIONS:
        shown = {f.name for f in section.fields()}
        assert "password" not in shown
        assert not any(name.endswith("_hash") for name in shown), section.label


def test_the_walk_finds_indirect_paths() -> None:
    """A product photo reaches the participant through its product and business; a booth reaches an account
    only through the staff member who made its space (so it is placed, as staff-side)."""
    assert "product__business__participant" in paths_to(apps.get_model("marketing.ProductPhoto"), PARTICIPANT)
    assert paths_to(apps.get_model("marketing.Booth"), USER) == ["space__created_by"]
    assert not paths_to(apps.get_model("marketing.Booth"), PARTICIPANT)


def test_every_placed_model_has_an_erasure_policy() -> None:
    """A model placed in the download (or left out of it) has a policy for a participant's erasure too: a new model
    reaching a participant fails the test above until placed, then this one until its erasure is decided."""
    assert set(ERASURE) == covered_labels(), set(ERASURE) ^ covered_labels()


def test_each_erasure_policy_names_real_fields_and_reaches_its_owner() -> None:
    for label, policy in ERASURE.items():
        if isinstance(policy, Untouched):
            continue
        model = apps.get_model(label)
        names = {f.name for f in model._meta.concrete_fields}
        assert set(policy.files) <= names, label
        if isinstance(policy, Anonymise):
            assert set(policy.fields) <= names, (label, set(policy.fields) - names)
            assert set(policy.files) <= set(policy.fields), label  # the column goes with the file
            if policy.generic:
                continue
        for lookup, of in erasure_owners(label):
            assert lookup == "pk" or lookup in paths_to(model, of), (label, lookup)
