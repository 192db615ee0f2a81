"""Discovery: find each institution's partner-list announcements and track them as documents.

check_institution(site, deps) -> CheckResult      one check of one institution
DiscoverySettings                                 the `discover:` block of a site
HostGate, Budget, GatedCapturer                   politeness for any capturer
document_events(before, after)                    new announcement, removed, withdrawn …
"""

from archiver.discovery.institution import (
    InstitutionCheck,
    check_institution,
    document_site,
    is_institution,
    make_gate,
    run_institution,
    settings_of,
)
from archiver.discovery.politeness import (
    Budget,
    BudgetExhausted,
    GatedCapturer,
    HostBlocked,
    HostGate,
)
from archiver.discovery.registry import DocumentEvent, DocumentEventType, derive, document_events
from archiver.discovery.settings import DiscoverySettings
from archiver.discovery.urls import institution_of, is_document_chain

__all__ = [
    "Budget",
    "BudgetExhausted",
    "DiscoverySettings",
    "DocumentEvent",
    "DocumentEventType",
    "GatedCapturer",
    "HostBlocked",
    "HostGate",
    "InstitutionCheck",
    "check_institution",
    "derive",
    "document_events",
    "document_site",
    "institution_of",
    "is_document_chain",
    "is_institution",
    "make_gate",
    "run_institution",
    "settings_of",
]
