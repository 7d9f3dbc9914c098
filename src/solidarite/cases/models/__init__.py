"""The case-management models, one module per family, re-exported for `cases.models`."""

from solidarite.cases.models.files import (
    CaseFile,
    ExitReason,
    ExitSituation,
    FileStatus,
    FileTransition,
)
from solidarite.cases.models.people import Household, Person, Relationship
from solidarite.cases.models.referrals import (
    Referral,
    ReferralNote,
    ReferralStatus,
    ReferralTransition,
    Transition,
)
from solidarite.cases.models.support import (
    Action,
    ActionStatus,
    Appointment,
    AppointmentStatus,
    Attendance,
    Diagnostic,
    DiagnosticEntry,
    Domain,
    FileNote,
    NeedLevel,
    Objective,
    Workshop,
    WorkshopRegistration,
)

__all__ = [
    "Action",
    "ActionStatus",
    "Appointment",
    "AppointmentStatus",
    "Attendance",
    "CaseFile",
    "Diagnostic",
    "DiagnosticEntry",
    "Domain",
    "ExitReason",
    "ExitSituation",
    "FileNote",
    "FileStatus",
    "FileTransition",
    "Household",
    "NeedLevel",
    "Objective",
    "Person",
    "Referral",
    "ReferralNote",
    "ReferralStatus",
    "ReferralTransition",
    "Relationship",
    "Transition",
    "Workshop",
    "WorkshopRegistration",
]
