"""The filing rules since 2025: the Ministry of Public Security Cybersecurity Bureau's letter of 2025-04-27
answering 24 questions on 公网安〔2025〕1001号 (Q = question number; docs/domain.md, "The rules since 2025").

- Q1: every filed system of level >= 2 files again on the 2025 grading report and filing form templates;
- Q2: a new expert review when the level changes or the system changes significantly;
- Q6: the filing certificate is valid 3 years (from 2025-01-01 for earlier filings), +1 year per completed level
  assessment, renewal asked within the 3 months before it expires;
- Q9-Q11: level 5 files with the provincial bureau and is assessed yearly on the level-4 requirements plus
  GA/T 2182-2024;
- Q23-Q24: level-3+ operators submit a protection work plan (保护工作方案) centred on the year's major hazards.

Every number is a setting in controls/obligations.yaml (`filing_2025`), with its question number and mark.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mlps.rules.workdays import add_months


@dataclass(frozen=True)
class Filing2025Settings:
    templates_from: date  # Q1: a filing before this day was made on the older templates [R]
    refiling_min_level: int  # Q1
    refiling_due: date  # the letter sets no date: a working date, marked R
    certificate_years: int  # Q6
    certificate_counted_from: date  # Q6
    certificate_extension_years: int  # Q6
    certificate_renew_months: int  # Q6
    level5_office_zh: str  # Q9
    level5_office_en: str
    level5_basis_zh: str  # Q10
    level5_basis_en: str
    plan_min_level: int  # Q23
    plan_first_due: date  # Q24
    plan_after_assessment_days: int  # chosen, marked R
    marks: dict[str, str]  # duty -> S | R


@dataclass(frozen=True)
class Certificate:
    """The filing certificate's validity (Q6): valid from, valid until (inclusive), renewal asked from."""

    valid_from: date
    valid_until: date
    renew_from: date
    extensions: int = 0  # completed level assessments that each added a year

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "renew_from": self.renew_from.isoformat(),
            "extensions": self.extensions,
        }


def certificate_validity(
    filed_on: date,
    completed_assessments: Iterable[date] = (),
    *,
    years: int = 3,
    counted_from: date = date(2025, 1, 1),
    extension_years: int = 1,
    renew_months: int = 3,
) -> Certificate:
    """Q6: valid `years` years from the filing (from `counted_from` for an earlier filing); each level assessment
    completed while the certificate is valid extends it by `extension_years`; renewal is asked within the
    `renew_months` before it expires. Filed 2024-06-01, no assessment: 2025-01-01 … 2027-12-31, renew from
    2027-10-01."""
    start = max(filed_on, counted_from)
    end = add_months(start, 12 * years)  # the first day it is no longer valid
    used = 0
    for on in sorted(set(completed_assessments)):
        if start <= on < end:
            end = add_months(end, 12 * extension_years)
            used += 1
    return Certificate(start, end - timedelta(days=1), add_months(end, -renew_months), used)
