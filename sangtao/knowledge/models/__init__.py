"""The knowledge context's models, one module per concept: cases and lessons (cases.py), the
similarity index behind "reuse before reinvention" (index.py)."""

from sangtao.knowledge.models.cases import (  # noqa: F401
    PUBLISHED_STATES,
    SECTION_KEYS,
    SECTIONS,
    Adoption,
    AdoptionForm,
    AdoptionStatus,
    AdoptionTransition,
    Case,
    CaseStatus,
    CaseTransition,
    Lesson,
    LessonStatus,
    ProblemKind,
    Resource,
    ResourceKind,
    ResourceVersion,
    SectionRule,
    SourceKind,
    Stage,
    SubjectKind,
)
from sangtao.knowledge.models.index import (  # noqa: F401
    Audience,
    DocumentKind,
    IndexedDocument,
    IndexTotals,
    Posting,
    Term,
)
