"""The protection levels (安全保护等级) in one place: which levels exist, which have requirements, their names.

GB/T 22240-2020 grades a system at one of five levels (docs/domain.md). GB/T 22239-2019 publishes requirements
for levels 1-4 only: level 5 follows special national rules, so it can be graded (and filed) but has no catalogue,
no assessment and no assessment report. Every check of a level and every level name in the code, the PDFs and the
Excel export comes from here.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)  # every level a system can be graded and filed at
ASSESSED_LEVELS: tuple[int, ...] = (1, 2, 3, 4)  # levels with public requirements (catalogue, assessment, report)

NUMERALS_ZH: dict[int, str] = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}
PROTECTION_NAMES: dict[int, dict[str, str]] = {  # GB/T 22240-2020 §4.2 (and the 2007 Measures)
    1: {"zh": "自主保护级", "en": "self-protection"},
    2: {"zh": "指导保护级", "en": "guided protection"},
    3: {"zh": "监督保护级", "en": "supervised protection"},
    4: {"zh": "强制保护级", "en": "mandatory protection"},
    5: {"zh": "专控保护级", "en": "specially controlled protection"},
}


def is_level(value: Any, *, assessed: bool = False) -> bool:
    """True for a whole number (not a bool) that is a level: 1-5, or 1-4 when `assessed`."""
    allowed = ASSESSED_LEVELS if assessed else LEVELS
    return isinstance(value, int) and not isinstance(value, bool) and value in allowed


def short_name(level: int, lang: str) -> str:
    """第三级 / Level 3."""
    return f"第{NUMERALS_ZH[level]}级" if lang == "zh" else f"Level {level}"


def protection_name(level: int, lang: str) -> str:
    """监督保护级 / supervised protection."""
    return PROTECTION_NAMES[level]["zh" if lang == "zh" else "en"]


def full_name(level: int, lang: str) -> str:
    """第三级（监督保护级） / level 3 (supervised protection): the form grading rationales and duties use."""
    if lang == "zh":
        return f"{short_name(level, 'zh')}（{protection_name(level, 'zh')}）"
    return f"level {level} ({protection_name(level, 'en')})"


LEVEL_NAMES: dict[int, dict[str, str]] = {n: {"zh": full_name(n, "zh"), "en": full_name(n, "en")} for n in LEVELS}


def _field_check(assessed: bool):
    def check(value: Any) -> int:
        if not is_level(value, assessed=assessed):
            raise ValueError(f"must be {'1, 2, 3 or 4' if assessed else '1, 2, 3, 4 or 5'}, not {value!r}")
        return value

    return check


# pydantic field types for rule files and records: a level 1-5, or a level with requirements (1-4)
Level = Annotated[int, BeforeValidator(_field_check(assessed=False))]
AssessedLevel = Annotated[int, BeforeValidator(_field_check(assessed=True))]
