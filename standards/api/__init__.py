"""The standards API: thin views over ``standards.services`` and
``standards.selectors``.

The rooms:

- ``public``: standards (list, detail, opening and editing a draft),
  editions and history, the public record everyone reads;
- ``working``: the working material of a draft cycle (versions, experts,
  comments, recommendations, audits), for the draft's audience only;
- ``transitions``: the transitions the caller may take, and taking one;
- ``serializers`` and ``inputs``: what the API answers and accepts (their
  class names are the OpenAPI schema's component names);
- ``filters``: the filters of the lists;
- ``files``: downloading attachments, edition PDFs and certificates;
- ``importing``: bringing existing standards in (``standards.importing``).

``portal/api_urls.py`` routes to the views re-exported here.
"""

from .files import AttachmentDownload, CertificateDownload, EditionPdfDownload
from .importing import StandardImport
from .public import (
    EditionDetail,
    EditionList,
    StandardDetail,
    StandardEditions,
    StandardHistory,
    StandardList,
)
from .transitions import Lifecycle, TransitionList, TransitionTake
from .working import (
    AssignableExperts,
    AssignmentList,
    AuditList,
    CommentList,
    CommentReply,
    CommentResolve,
    RecommendationConfirm,
    RecommendationList,
    VersionList,
)

__all__ = [
    "AssignableExperts",
    "AssignmentList",
    "AttachmentDownload",
    "AuditList",
    "CertificateDownload",
    "CommentList",
    "CommentReply",
    "CommentResolve",
    "EditionDetail",
    "EditionList",
    "Lifecycle",
    "EditionPdfDownload",
    "RecommendationConfirm",
    "RecommendationList",
    "StandardDetail",
    "StandardEditions",
    "StandardHistory",
    "StandardImport",
    "StandardList",
    "TransitionList",
    "TransitionTake",
    "VersionList",
]
