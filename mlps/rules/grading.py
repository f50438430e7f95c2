"""Grading (定级) by GB/T 22240-2020: two judgements, one matrix, the higher level wins.

Each judgement names the object harmed (侵害客体) and the degree of harm (侵害程度) if the system is
attacked: once for business information security (业务信息安全: the information leaks, is altered or lost)
and once for system service security (系统服务安全: the service stops or degrades). The matrix of
GB/T 22240-2020 (the same in the 2008 edition) turns each pair into a level; the system's level is the
higher of the two. The rationale texts are our own words, written so a grading report can quote them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mlps.rules.domain import GradingRecord, HarmDegree, HarmObject, Judgement
from mlps.rules.levels import LEVEL_NAMES

STANDARD = "GB/T 22240-2020"

# GB/T 22240-2020 §6 (level determination), the matrix of object harmed × degree of harm. [S]
MATRIX: dict[tuple[HarmObject, HarmDegree], int] = {
    (HarmObject.CITIZENS, HarmDegree.GENERAL): 1,
    (HarmObject.CITIZENS, HarmDegree.SERIOUS): 2,
    (HarmObject.CITIZENS, HarmDegree.ESPECIALLY_SERIOUS): 2,
    (HarmObject.SOCIETY, HarmDegree.GENERAL): 2,
    (HarmObject.SOCIETY, HarmDegree.SERIOUS): 3,
    (HarmObject.SOCIETY, HarmDegree.ESPECIALLY_SERIOUS): 4,
    (HarmObject.NATION, HarmDegree.GENERAL): 3,
    (HarmObject.NATION, HarmDegree.SERIOUS): 4,
    (HarmObject.NATION, HarmDegree.ESPECIALLY_SERIOUS): 5,
}

# The 2018 draft Regulation on MLPS (and filing tools built on it) put this one cell a level higher. [S]
# We follow the standard and show the difference wherever the cell is used.
DRAFT_2018_CELLS: dict[tuple[HarmObject, HarmDegree], int] = {
    (HarmObject.CITIZENS, HarmDegree.ESPECIALLY_SERIOUS): 3,
}

OBJECTS = (HarmObject.CITIZENS, HarmObject.SOCIETY, HarmObject.NATION)
DEGREES = (HarmDegree.GENERAL, HarmDegree.SERIOUS, HarmDegree.ESPECIALLY_SERIOUS)

OBJECT_NAMES: dict[HarmObject, dict[str, str]] = {
    HarmObject.CITIZENS: {
        "zh": "公民、法人和其他组织的合法权益",
        "en": "the lawful rights and interests of citizens, legal persons and other organisations",
        "short_zh": "公民、法人和其他组织",
        "short_en": "citizens and organisations",
    },
    HarmObject.SOCIETY: {
        "zh": "社会秩序、公共利益",
        "en": "social order and the public interest",
        "short_zh": "社会秩序、公共利益",
        "short_en": "social order, public interest",
    },
    HarmObject.NATION: {
        "zh": "国家安全",
        "en": "national security",
        "short_zh": "国家安全",
        "short_en": "national security",
    },
}

DEGREE_NAMES: dict[HarmDegree, dict[str, str]] = {
    HarmDegree.GENERAL: {"zh": "一般损害", "en": "general harm", "short_en": "general"},
    HarmDegree.SERIOUS: {"zh": "严重损害", "en": "serious harm", "short_en": "serious"},
    HarmDegree.ESPECIALLY_SERIOUS: {
        "zh": "特别严重损害",
        "en": "especially serious harm",
        "short_en": "especially serious",
    },
}


ASPECTS: dict[str, dict[str, str]] = {
    "business": {
        "zh": "业务信息安全",
        "en": "business information security",
        "what_zh": "系统处理的业务信息遭到破坏（泄露、篡改、丢失）时",
        "what_en": "if the business information the system handles is leaked, altered or lost",
    },
    "service": {
        "zh": "系统服务安全",
        "en": "system service security",
        "what_zh": "系统提供的服务遭到破坏（中断、降级）时",
        "what_en": "if the service the system provides is stopped or degraded",
    },
}

# Words accepted for objects and degrees (English codes, Chinese terms and their short forms).
OBJECT_WORDS: dict[str, HarmObject] = {
    "citizens": HarmObject.CITIZENS,
    "citizen": HarmObject.CITIZENS,
    "公民": HarmObject.CITIZENS,
    "公民、法人和其他组织": HarmObject.CITIZENS,
    "公民、法人和其他组织的合法权益": HarmObject.CITIZENS,
    "society": HarmObject.SOCIETY,
    "社会": HarmObject.SOCIETY,
    "社会秩序": HarmObject.SOCIETY,
    "公共利益": HarmObject.SOCIETY,
    "社会秩序、公共利益": HarmObject.SOCIETY,
    "nation": HarmObject.NATION,
    "national": HarmObject.NATION,
    "国家": HarmObject.NATION,
    "国家安全": HarmObject.NATION,
}
DEGREE_WORDS: dict[str, HarmDegree] = {
    "general": HarmDegree.GENERAL,
    "一般": HarmDegree.GENERAL,
    "一般损害": HarmDegree.GENERAL,
    "serious": HarmDegree.SERIOUS,
    "严重": HarmDegree.SERIOUS,
    "严重损害": HarmDegree.SERIOUS,
    "especially_serious": HarmDegree.ESPECIALLY_SERIOUS,
    "especially-serious": HarmDegree.ESPECIALLY_SERIOUS,
    "特别严重": HarmDegree.ESPECIALLY_SERIOUS,
    "特别严重损害": HarmDegree.ESPECIALLY_SERIOUS,
}


def parse_object(word: str) -> HarmObject:
    key = (word or "").strip().lower()
    if key not in OBJECT_WORDS:
        raise ValueError(f"'{word}' is not an object harmed (use citizens, society or nation)")
    return OBJECT_WORDS[key]


def parse_degree(word: str) -> HarmDegree:
    key = (word or "").strip().lower()
    if key not in DEGREE_WORDS:
        raise ValueError(f"'{word}' is not a degree of harm (use general, serious or especially_serious)")
    return DEGREE_WORDS[key]


def parse_judgement(text: str, description: str = "") -> Judgement:
    """A judgement from `OBJECT:DEGREE`, e.g. `citizens:serious` or `社会秩序、公共利益:严重`."""
    raw = (text or "").replace("：", ":")
    if raw.count(":") != 1:
        raise ValueError(f"'{text}' is not OBJECT:DEGREE (e.g. citizens:serious)")
    obj, degree = raw.split(":")
    return Judgement(parse_object(obj), parse_degree(degree), description)


def level_of(harm_object: HarmObject | str, degree: HarmDegree | str) -> int:
    """The level of one matrix cell (GB/T 22240-2020)."""
    return MATRIX[(HarmObject(harm_object), HarmDegree(degree))]


def draft_2018_level(harm_object: HarmObject | str, degree: HarmDegree | str) -> int | None:
    """The level the 2018 draft Regulation gives this cell when it differs from the standard; else None."""
    return DRAFT_2018_CELLS.get((HarmObject(harm_object), HarmDegree(degree)))


def cell_text(judgement: Judgement, lang: str) -> str:
    """'公民、法人和其他组织的合法权益 × 严重损害' / 'citizens and organisations × serious harm'."""
    obj = OBJECT_NAMES[judgement.harm_object]
    degree = DEGREE_NAMES[judgement.degree]
    if lang == "zh":
        return f"{obj['zh']} × {degree['zh']}"
    return f"{obj['short_en']} × {degree['en']}"


def draft_note(judgement: Judgement, aspect: str | None = None) -> tuple[str, str]:
    """The (zh, en) note about the 2018 draft's different cell, or ('', '') when the cell is not concerned."""
    draft = draft_2018_level(judgement.harm_object, judgement.degree)
    if draft is None:
        return "", ""
    std = level_of(judgement.harm_object, judgement.degree)
    where_zh = f"{ASPECTS[aspect]['zh']}：" if aspect else ""
    where_en = f"{ASPECTS[aspect]['en'].capitalize()}: " if aspect else ""
    zh = (
        f"{where_zh}“公民、法人和其他组织的合法权益 × 特别严重损害”在 {STANDARD} 中为第{_cn(std)}级；"
        f"2018 年《网络安全等级保护条例（征求意见稿）》及部分备案工具将此格定为第{_cn(draft)}级。"
        f"本工作台按国家标准取第{_cn(std)}级；如主管部门或公安机关要求按征求意见稿执行，请在定级报告中说明。"
    )
    en = (
        f"{where_en}the cell 'citizens and organisations × especially serious harm' is level {std} in "
        f"{STANDARD}; the 2018 draft MLPS Regulation and some filing tools make it level {draft}. The workbench "
        f"follows the standard (level {std}); if the competent authority or the public security bureau asks for "
        "the draft's reading, say so in the grading report."
    )
    return zh, en


@dataclass(frozen=True)
class AspectResult:
    """One judgement and the cell of the matrix it falls in."""

    aspect: str  # "business" | "service"
    judgement: Judgement
    level: int
    draft_2018_level: int | None
    rationale_zh: str
    rationale_en: str


@dataclass(frozen=True)
class GradingResult:
    """The outcome of grading, ready to become a GradingRecord and to be quoted in a grading report."""

    business: AspectResult
    service: AspectResult
    level: int
    level_name_zh: str
    level_name_en: str
    rationale_zh: str
    rationale_en: str
    draft_note_zh: str = ""  # empty when neither judgement falls in the cell the 2018 draft reads differently
    draft_note_en: str = ""
    draft_2018_level: int | None = None  # the final level the 2018 draft would give, when it differs
    override_reason: str = ""

    @property
    def business_level(self) -> int:
        return self.business.level

    @property
    def service_level(self) -> int:
        return self.service.level

    def to_record(
        self, system_id: int | None, graded_on: date | None = None, graded_by: str = "", **lifecycle: Any
    ) -> GradingRecord:
        """A new GradingRecord (re-grading makes a new one; the store keeps the old). `lifecycle` may set the
        other GradingRecord fields (expert_review_on, filed_on, ...)."""
        return GradingRecord(
            system_id=system_id,
            business=self.business.judgement,
            service=self.service.judgement,
            business_level=self.business.level,
            service_level=self.service.level,
            level=self.level,
            rationale_zh=self.rationale_zh,
            rationale_en=self.rationale_en,
            override_reason=self.override_reason,
            graded_on=graded_on,
            graded_by=graded_by,
            **lifecycle,
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (the CLI prints this)."""

        def aspect(a: AspectResult) -> dict[str, Any]:
            return {
                "object": a.judgement.harm_object.value,
                "degree": a.judgement.degree.value,
                "description": a.judgement.description,
                "level": a.level,
                "draft_2018_level": a.draft_2018_level,
                "rationale_zh": a.rationale_zh,
                "rationale_en": a.rationale_en,
            }

        return {
            "business_level": self.business.level,
            "service_level": self.service.level,
            "level": self.level,
            "level_name_zh": self.level_name_zh,
            "level_name_en": self.level_name_en,
            "business": aspect(self.business),
            "service": aspect(self.service),
            "rationale_zh": self.rationale_zh,
            "rationale_en": self.rationale_en,
            "draft_2018_note_zh": self.draft_note_zh,
            "draft_2018_note_en": self.draft_note_en,
            "draft_2018_level": self.draft_2018_level,
            "override_reason": self.override_reason,
            "standard": STANDARD,
        }


_CN_DIGITS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}


def _cn(level: int) -> str:
    return _CN_DIGITS.get(level, str(level))


def judge(aspect: str, judgement: Judgement) -> AspectResult:
    """One judgement through the matrix, with a rationale sentence in zh and en."""
    if aspect not in ASPECTS:
        raise ValueError(f"aspect must be business or service, not '{aspect}'")
    if not isinstance(judgement.harm_object, HarmObject) or not isinstance(judgement.degree, HarmDegree):
        judgement = Judgement(HarmObject(judgement.harm_object), HarmDegree(judgement.degree), judgement.description)
    level = level_of(judgement.harm_object, judgement.degree)
    names = ASPECTS[aspect]
    obj, degree = OBJECT_NAMES[judgement.harm_object], DEGREE_NAMES[judgement.degree]
    said = judgement.description.strip().rstrip("。.")
    what_zh = f"（{said}）" if said else ""
    what_en = f" ({said})" if said else ""
    zh = (
        f"{names['zh']}{what_zh}：{names['what_zh']}，侵害的客体是{obj['zh']}，侵害程度为{degree['zh']}。"
        f"在 {STANDARD} 定级矩阵中对应“{obj['zh']} × {degree['zh']}”一格，{names['zh']}保护等级为第{_cn(level)}级。"
    )
    en = (
        f"{names['en'].capitalize()}{what_en}: {names['what_en']}, the object harmed is {obj['en']} and the "
        f"degree of harm is {degree['short_en']}. In the {STANDARD} matrix this is the cell '{obj['short_en']} × "
        f"{degree['en']}', so the {names['en']} level is {level}."
    )
    return AspectResult(aspect, judgement, level, draft_2018_level(judgement.harm_object, judgement.degree), zh, en)


def grade(business: Judgement, service: Judgement, override_reason: str = "") -> GradingResult:
    """Grade a system from its two judgements: the final level is the higher one (GB/T 22240-2020)."""
    b, s = judge("business", business), judge("service", service)
    level = max(b.level, s.level)
    name = LEVEL_NAMES[level]
    higher_zh = "两者相同" if b.level == s.level else ("业务信息安全较高" if b.level > s.level else "系统服务安全较高")
    higher_en = (
        "both are the same"
        if b.level == s.level
        else ("business information security is higher" if b.level > s.level else "system service security is higher")
    )
    zh_parts = [
        b.rationale_zh,
        s.rationale_zh,
        f"系统的安全保护等级由业务信息安全保护等级（第{_cn(b.level)}级）和系统服务安全保护等级（第{_cn(s.level)}级）"
        f"中的较高者确定（{higher_zh}），定为{name['zh']}。",
    ]
    en_parts = [
        b.rationale_en,
        s.rationale_en,
        f"The system's protection level is the higher of the business information security level ({b.level}) "
        f"and the system service security level ({s.level}) ({higher_en}): {name['en']}.",
    ]
    notes = [draft_note(b.judgement, "business"), draft_note(s.judgement, "service")]
    note_zh = "".join(n[0] for n in notes if n[0])
    note_en = " ".join(n[1] for n in notes if n[1])
    draft_final = max(b.draft_2018_level or b.level, s.draft_2018_level or s.level)
    reason = override_reason.strip()
    if reason:
        zh_parts.append(f"定级结果与定级向导的建议不同，定级人员说明的理由：{reason}")
        en_parts.append(f"The grading differs from the wizard's suggestion; the reason given: {reason}")
    return GradingResult(
        business=b,
        service=s,
        level=level,
        level_name_zh=name["zh"],
        level_name_en=name["en"],
        rationale_zh="".join(zh_parts),
        rationale_en=" ".join(en_parts),
        draft_note_zh=note_zh,
        draft_note_en=note_en,
        draft_2018_level=draft_final if draft_final != level else None,
        override_reason=reason,
    )


@dataclass(frozen=True)
class MatrixCell:
    harm_object: HarmObject
    degree: HarmDegree
    level: int
    draft_2018_level: int | None
    chosen: bool


@dataclass(frozen=True)
class MatrixTable:
    """The matrix as data for a report or a page: rows are objects, columns degrees."""

    aspect: str | None
    title_zh: str
    title_en: str
    columns: list[dict[str, str]]  # {"degree", "zh", "en"}
    rows: list[dict[str, Any]]  # {"object", "zh", "en", "cells": [MatrixCell ...]}
    chosen: MatrixCell | None
    note_zh: str = ""
    note_en: str = ""
    source: str = STANDARD

    def levels(self) -> list[list[int]]:
        """The levels, row by row (citizens, society, nation × general, serious, especially serious)."""
        return [[c.level for c in row["cells"]] for row in self.rows]


def matrix_table(judgement: Judgement | None = None, aspect: str | None = None) -> MatrixTable:
    """The GB/T 22240-2020 matrix with the chosen cell (if any) marked, for the grading report's table."""
    chosen: MatrixCell | None = None
    rows = []
    for obj in OBJECTS:
        cells = []
        for degree in DEGREES:
            is_chosen = judgement is not None and (judgement.harm_object, judgement.degree) == (obj, degree)
            cell = MatrixCell(obj, degree, MATRIX[(obj, degree)], DRAFT_2018_CELLS.get((obj, degree)), is_chosen)
            cells.append(cell)
            if is_chosen:
                chosen = cell
        rows.append({"object": obj.value, "zh": OBJECT_NAMES[obj]["zh"], "en": OBJECT_NAMES[obj]["en"], "cells": cells})
    columns = [{"degree": d.value, "zh": DEGREE_NAMES[d]["zh"], "en": DEGREE_NAMES[d]["en"]} for d in DEGREES]
    prefix_zh = f"{ASPECTS[aspect]['zh']}保护等级矩阵" if aspect else "定级矩阵"
    prefix_en = f"{ASPECTS[aspect]['en'].capitalize()} level matrix" if aspect else "Grading matrix"
    note_zh, note_en = draft_note(judgement) if judgement is not None else ("", "")
    if judgement is None:  # a bare matrix still tells the reader about the one disputed cell
        note_zh, note_en = draft_note(Judgement(HarmObject.CITIZENS, HarmDegree.ESPECIALLY_SERIOUS))
    return MatrixTable(
        aspect=aspect,
        title_zh=f"{prefix_zh}（{STANDARD}）",
        title_en=f"{prefix_en} ({STANDARD})",
        columns=columns,
        rows=rows,
        chosen=chosen,
        note_zh=note_zh,
        note_en=note_en,
    )
