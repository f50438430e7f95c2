"""PDF documents: the grading report, the filing form, the expert review form and the assessment report.

Every builder takes plain domain objects (no database) and returns PDF bytes; each document has a
`missing_*_fields` check listing the required fields it lacks, in Chinese and English. Chinese by default
(lang='zh'), English with lang='en'. See layout.py for what the documents share.
"""

from mlps.adapters.reports.assessment_report import (
    ApplicabilityRow,
    AssessmentReportData,
    ControlPointScore,
    HazardLine,
    ItemResultRow,
    ProblemRow,
    RemediationRow,
    build_assessment_report,
    missing_assessment_report_fields,
)
from mlps.adapters.reports.expert_review import build_expert_review_form, missing_expert_review_fields
from mlps.adapters.reports.filing_form import (
    DataSurveyRow,
    FilingEntry,
    ScenarioInfo,
    build_filing_form,
    missing_filing_fields,
)
from mlps.adapters.reports.fonts import FontInfo, cjk_font
from mlps.adapters.reports.grading_report import build_grading_report, missing_grading_report_fields
from mlps.adapters.reports.missing import MissingField

__all__ = [
    "ApplicabilityRow",
    "AssessmentReportData",
    "HazardLine",
    "ControlPointScore",
    "DataSurveyRow",
    "FilingEntry",
    "FontInfo",
    "ItemResultRow",
    "MissingField",
    "ProblemRow",
    "RemediationRow",
    "ScenarioInfo",
    "build_assessment_report",
    "build_expert_review_form",
    "build_filing_form",
    "build_grading_report",
    "cjk_font",
    "missing_assessment_report_fields",
    "missing_expert_review_fields",
    "missing_filing_fields",
    "missing_grading_report_fields",
]
