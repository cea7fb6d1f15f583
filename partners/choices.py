"""The choices of partners: what kind an organisation is, what an agreement is and where it stands, and the
purposes a participant consents to. Each purpose belongs to one program step (an agreement covering the step
may use it), and says which of a participant's data it needs (`PURPOSE_DATA`): the API shows nothing else."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("Ministry or agency")
    COMPANY = "company", _("Company")
    MARKETPLACE = "marketplace", _("Marketplace or start-up")
    BANK = "bank", _("Bank")
    FINTECH = "fintech", _("Fintech")
    COOPERATIVE = "cooperative", _("Cooperative")
    UNIVERSITY = "university", _("University")
    COMMUNITY = "community", _("Community group")


# the kinds of organisation that lend (P7 capital): banks, fintech lenders and savings-and-loan cooperatives
LENDER_KINDS = (OrganisationKind.BANK, OrganisationKind.FINTECH, OrganisationKind.COOPERATIVE)


class AgreementKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding (MoU)")
    PKS = "pks", _("Cooperation agreement (PKS)")


class AgreementState(models.TextChoices):
    """Where an agreement stands on a day: computed from its dates (`Agreement.state`), never stored."""

    IN_TALKS = "in_talks", _("In talks")
    SIGNED = "signed", _("Signed, not started")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    ENDED = "ended", _("Ended early")


class Step(models.TextChoices):
    P1 = "P1", _("P1 Registration")
    P2 = "P2", _("P2 Training")
    P3 = "P3", _("P3 Mentoring")
    P4 = "P4", _("P4 Licensing")
    P5 = "P5", _("P5 Marketing")
    P6 = "P6", _("P6 Financial reporting")
    P7 = "P7", _("P7 Capital")


class Purpose(models.TextChoices):
    APP_JOURNEY = "app_journey", _("Showing my program journey in the JAKI app")
    TRAINING = "training", _("Training")
    MENTORING = "mentoring", _("Mentoring")
    LICENSING = "licensing", _("Help with licences")
    MARKETING = "marketing", _("Selling my products")
    BOOKKEEPING = "bookkeeping", _("Bookkeeping and financial reports")
    LOAN_ASSESSMENT = "loan_assessment", _("Loan assessment")


# The purposes of the city app (JAKI) alone: no partner is offered them, and the app is offered nothing else.
APP_PURPOSES = frozenset({Purpose.APP_JOURNEY})


class KeyKind(models.TextChoices):
    PARTNER = "partner", _("Partner organisation")
    JAKI = "jaki", _("JAKI city app")


class ConsentChannel(models.TextChoices):
    WEB = "web", _("Website")
    JAKI = "jaki", _("JAKI app")
    OFFICE = "office", _("Kecamatan office")
    PROGRAM = "program", _("The program, as a loan referral closed")


@dataclass(frozen=True)
class PurposeData:
    """What a purpose lets a partner read about a participant who consented to it."""

    step: str
    contact: bool = False  # name is always shown; phone and email
    business: bool = False  # the business: name, sector, kecamatan, size
    trainings: bool = False  # their enrolments in the partner's own trainings
    reports: bool = False  # the business's monthly indicators (and later its statements)
    nik: bool = False  # the NIK, masked (whole only in a lender's referral that shares identity: capital/api.py)
    # read only through its step's own endpoints (a lender's loan referrals): the generic ones (participants,
    # businesses, indicators) and the partner's page of consenting participants never list it
    own_endpoints: bool = False


PURPOSE_DATA: dict[str, PurposeData] = {
    Purpose.APP_JOURNEY: PurposeData(step=Step.P1),
    Purpose.TRAINING: PurposeData(step=Step.P2, contact=True, trainings=True),
    Purpose.MENTORING: PurposeData(step=Step.P3, contact=True, business=True),
    Purpose.LICENSING: PurposeData(step=Step.P4, contact=True, business=True, nik=True),
    Purpose.MARKETING: PurposeData(step=Step.P5, contact=True, business=True),
    Purpose.BOOKKEEPING: PurposeData(step=Step.P6, business=True, reports=True),
    # A lender reads what the participant named in each loan referral the program sent it, through the referral
    # (capital/api.py), and nothing through the generic endpoints: what a referral names holds everywhere.
    Purpose.LOAN_ASSESSMENT: PurposeData(step=Step.P7, own_endpoints=True),
}


def listed_purposes(purposes: list[str]) -> list[str]:
    """Those of `purposes` the generic endpoints and pages may list a participant for (not `own_endpoints`)."""
    return [purpose for purpose in purposes if purpose in PURPOSE_DATA and not PURPOSE_DATA[purpose].own_endpoints]


def purposes_of_steps(steps: list[str]) -> list[str]:
    """The purposes an agreement covering these steps may ask consent for."""
    return [purpose for purpose, data in PURPOSE_DATA.items() if data.step in steps]
