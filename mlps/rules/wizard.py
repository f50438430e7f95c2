"""The grading wizard (定级向导): plain questions whose answers suggest the two judgements of GB/T 22240-2020.

The questions, their options and the school presets are data (controls/grading_presets.yaml). The rule is
here: each option points at one matrix cell for one judgement; for each judgement the suggestion is the
answered cell with the highest level (ties: the wider object harmed, then the heavier degree), and the reason
of the answer that decided it is quoted. The user may choose other judgements, but then must say why
(`override_reason`, kept on the GradingRecord).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mlps.rules.domain import HarmDegree, HarmObject, Judgement
from mlps.rules.grading import (
    ASPECTS,
    DEGREE_NAMES,
    DEGREES,
    OBJECT_NAMES,
    OBJECTS,
    GradingResult,
    draft_note,
    grade,
    level_of,
)
from mlps.rules.rulefiles import RuleFileError, read_yaml, rule_file

PRESETS_FILE = "grading_presets.yaml"
ASPECT_ORDER = ("business", "service")


@dataclass(frozen=True)
class Option:
    id: str
    label_zh: str
    label_en: str
    harm_object: HarmObject
    degree: HarmDegree
    reason_zh: str
    reason_en: str

    @property
    def level(self) -> int:
        return level_of(self.harm_object, self.degree)


@dataclass(frozen=True)
class Question:
    id: str
    aspect: str  # "business" | "service"
    text_zh: str
    text_en: str
    options: tuple[Option, ...]
    help_zh: str = ""
    help_en: str = ""

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        known = ", ".join(o.id for o in self.options)
        raise ValueError(f"question '{self.id}': '{option_id}' is not one of its options ({known})")


@dataclass(frozen=True)
class Preset:
    """A typical school system with preset answers and a suggested level: a suggestion, never a ruling."""

    id: str
    name_zh: str
    name_en: str
    answers: dict[str, str]
    suggested_level: int
    note_zh: str
    note_en: str
    source_mark: str  # "R": recalled from the Ministry of Education guide, not yet confirmed
    source_zh: str
    source_en: str
    is_suggestion: bool = True


@dataclass(frozen=True)
class AnswerReason:
    """What one answer says about a judgement, and whether it decided the suggestion."""

    question_id: str
    option_id: str
    aspect: str
    harm_object: HarmObject
    degree: HarmDegree
    level: int
    reason_zh: str
    reason_en: str
    decisive: bool = False


@dataclass(frozen=True)
class Suggestion:
    """The wizard's suggestion: both judgements, their levels, the final level and the reasons."""

    business: Judgement
    service: Judgement
    business_level: int
    service_level: int
    level: int
    reasons: tuple[AnswerReason, ...]
    business_reason_zh: str
    business_reason_en: str
    service_reason_zh: str
    service_reason_en: str
    unanswered: tuple[str, ...] = ()  # question ids not answered yet
    draft_note_zh: str = ""
    draft_note_en: str = ""

    @property
    def complete(self) -> bool:
        return not self.unanswered

    def grading(self) -> GradingResult:
        """Accept the suggestion as it is."""
        return grade(self.business, self.service)


@dataclass(frozen=True)
class Wizard:
    questions: tuple[Question, ...]
    presets: tuple[Preset, ...]
    version: str
    source_zh: str
    source_en: str

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise ValueError(f"'{question_id}' is not a wizard question ({', '.join(q.id for q in self.questions)})")

    def preset(self, preset_id: str) -> Preset:
        for p in self.presets:
            if p.id == preset_id:
                return p
        raise ValueError(f"'{preset_id}' is not a preset ({', '.join(p.id for p in self.presets)})")

    def suggest(self, answers: Mapping[str, str]) -> Suggestion:
        return suggest(answers, self)

    def question_list(self) -> list[dict[str, Any]]:
        """The questions as plain data for a page to render."""
        return [
            {
                "id": q.id,
                "aspect": q.aspect,
                "aspect_zh": ASPECTS[q.aspect]["zh"],
                "aspect_en": ASPECTS[q.aspect]["en"],
                "text_zh": q.text_zh,
                "text_en": q.text_en,
                "help_zh": q.help_zh,
                "help_en": q.help_en,
                "options": [
                    {
                        "id": o.id,
                        "label_zh": o.label_zh,
                        "label_en": o.label_en,
                        "object": o.harm_object.value,
                        "degree": o.degree.value,
                        "level": o.level,
                    }
                    for o in q.options
                ],
            }
            for q in self.questions
        ]


class OverrideReasonRequired(ValueError):
    """The user chose judgements other than the wizard's suggestion without saying why."""

    message_zh = "所选的侵害客体或侵害程度与定级向导的建议不同，请填写理由。"
    message_en = "The chosen object or degree differs from the wizard's suggestion: give a reason."

    def __init__(self, aspects: list[str]):
        self.aspects = aspects
        super().__init__(f"override_reason: {', '.join(aspects)} differ from the wizard's suggestion; give a reason")


def _text(raw: dict, key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: '{key}' is missing or empty")
    return value.strip()


def _parse_option(raw: Any, where: str) -> Option:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: an option must be a mapping")
    oid = _text(raw, "id", where)
    where = f"{where}, option {oid}"
    try:
        obj, degree = HarmObject(raw.get("object")), HarmDegree(raw.get("degree"))
    except ValueError:
        raise ValueError(
            f"{where}: object/degree must be citizens|society|nation and general|serious|"
            f"especially_serious, not {raw.get('object')}/{raw.get('degree')}"
        ) from None
    return Option(
        oid,
        _text(raw, "label_zh", where),
        _text(raw, "label_en", where),
        obj,
        degree,
        _text(raw, "reason_zh", where),
        _text(raw, "reason_en", where),
    )


def parse_wizard(data: Any, file: str = "grading_presets.yaml") -> Wizard:
    """Validate the wizard data; every error names the file, question, option or preset."""
    if not isinstance(data, dict):
        raise ValueError(f"{file}: expected a mapping at the top")
    questions: list[Question] = []
    for raw in data.get("questions") or []:
        qid = _text(raw, "id", f"{file}, a question")
        where = f"{file}, question {qid}"
        if raw.get("aspect") not in ASPECT_ORDER:
            raise ValueError(f"{where}: aspect must be business or service")
        options = tuple(_parse_option(o, where) for o in raw.get("options") or [])
        if not options:
            raise ValueError(f"{where}: no options")
        if len({o.id for o in options}) != len(options):
            raise ValueError(f"{where}: duplicate option ids")
        if any(q.id == qid for q in questions):
            raise ValueError(f"{where}: duplicate question id")
        questions.append(
            Question(
                qid,
                raw["aspect"],
                _text(raw, "text_zh", where),
                _text(raw, "text_en", where),
                options,
                str(raw.get("help_zh") or ""),
                str(raw.get("help_en") or ""),
            )
        )
    for aspect in ASPECT_ORDER:
        if not any(q.aspect == aspect for q in questions):
            raise ValueError(f"{file}: no question for {aspect}")
    source = data.get("preset_source") or {}
    wizard = Wizard(
        tuple(questions),
        (),
        str(data.get("version", "")),
        str(data.get("source_zh", "")),
        str(data.get("source_en", "")),
    )
    presets: list[Preset] = []
    for raw in data.get("presets") or []:
        pid = _text(raw, "id", f"{file}, a preset")
        where = f"{file}, preset {pid}"
        answers = raw.get("answers") or {}
        if not isinstance(answers, dict):
            raise ValueError(f"{where}: answers must be a mapping of question id to option id")
        answers = {str(k): str(v) for k, v in answers.items()}
        try:
            got = suggest(answers, wizard)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        if got.unanswered:
            raise ValueError(f"{where}: unanswered questions {', '.join(got.unanswered)}")
        level = raw.get("suggested_level")
        if level != got.level:
            raise ValueError(f"{where}: suggested_level {level} but its answers give level {got.level}")
        presets.append(
            Preset(
                pid,
                _text(raw, "name_zh", where),
                _text(raw, "name_en", where),
                answers,
                level,
                _text(raw, "note_zh", where),
                _text(raw, "note_en", where),
                str(source.get("mark", "R")),
                str(source.get("zh", "")).strip(),
                str(source.get("en", "")).strip(),
            )
        )
    return Wizard(wizard.questions, tuple(presets), wizard.version, wizard.source_zh, wizard.source_en)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Wizard:
    try:
        data = read_yaml(path)
    except RuleFileError as exc:
        raise ValueError(str(exc)) from None
    return parse_wizard(data, Path(path).name)


def load_wizard(path: Path | str | None = None) -> Wizard:
    """The wizard's questions and presets (default: the bundled controls/grading_presets.yaml)."""
    target = Path(path) if path else rule_file(PRESETS_FILE)
    return _load(str(target), target.stat().st_mtime)


def _rank(reason: AnswerReason) -> tuple[int, int, int]:
    return (reason.level, OBJECTS.index(reason.harm_object), DEGREES.index(reason.degree))


def _summary(aspect: str, decisive: AnswerReason | None, judgement: Judgement, level: int) -> tuple[str, str]:
    obj, degree = OBJECT_NAMES[judgement.harm_object], DEGREE_NAMES[judgement.degree]
    name = ASPECTS[aspect]
    if decisive is None:
        return (
            f"{name['zh']}：尚未回答相关问题，暂按最低一格（{obj['zh']} × {degree['zh']}，第{level}级）。",
            f"{name['en'].capitalize()}: no question answered yet, so the lowest cell for now "
            f"({obj['short_en']} × {degree['en']}, level {level}).",
        )
    return (
        f"{name['zh']}：建议侵害客体为{obj['zh']}，侵害程度为{degree['zh']}（第{level}级）。理由：{decisive.reason_zh}",
        f"{name['en'].capitalize()}: suggested object {obj['en']}, degree {degree['en']} (level {level}). "
        f"Reason: {decisive.reason_en}",
    )


def suggest(answers: Mapping[str, str], wizard: Wizard | None = None) -> Suggestion:
    """Answers (question id -> option id) -> the suggested judgements, levels and reasons.

    Unknown questions or options raise ValueError naming them. Unanswered questions are listed; a judgement
    with no answer at all is suggested at the lowest cell and says so.
    """
    wizard = wizard or load_wizard()
    reasons: list[AnswerReason] = []
    for qid, oid in answers.items():
        if oid is None or oid == "":
            continue
        question = wizard.question(qid)
        option = question.option(oid)
        reasons.append(
            AnswerReason(
                qid,
                oid,
                question.aspect,
                option.harm_object,
                option.degree,
                option.level,
                option.reason_zh,
                option.reason_en,
            )
        )
    unanswered = tuple(q.id for q in wizard.questions if not answers.get(q.id))
    chosen: dict[str, tuple[Judgement, int, AnswerReason | None]] = {}
    for aspect in ASPECT_ORDER:
        mine = [r for r in reasons if r.aspect == aspect]
        top = max(mine, key=_rank) if mine else None
        judgement = (
            Judgement(top.harm_object, top.degree) if top else Judgement(HarmObject.CITIZENS, HarmDegree.GENERAL)
        )
        chosen[aspect] = (judgement, level_of(judgement.harm_object, judgement.degree), top)
    marked = tuple(AnswerReason(**{**r.__dict__, "decisive": any(r is c[2] for c in chosen.values())}) for r in reasons)
    (b, b_level, b_top), (s, s_level, s_top) = chosen["business"], chosen["service"]
    b_zh, b_en = _summary("business", b_top, b, b_level)
    s_zh, s_en = _summary("service", s_top, s, s_level)
    notes = [draft_note(b, "business"), draft_note(s, "service")]
    return Suggestion(
        business=b,
        service=s,
        business_level=b_level,
        service_level=s_level,
        level=max(b_level, s_level),
        reasons=marked,
        business_reason_zh=b_zh,
        business_reason_en=b_en,
        service_reason_zh=s_zh,
        service_reason_en=s_en,
        unanswered=unanswered,
        draft_note_zh="".join(n[0] for n in notes),
        draft_note_en=" ".join(n[1] for n in notes if n[1]),
    )


def suggest_preset(preset_id: str, wizard: Wizard | None = None) -> tuple[Preset, Suggestion]:
    """A school preset and the suggestion its answers give (its answers can be changed before grading)."""
    wizard = wizard or load_wizard()
    preset = wizard.preset(preset_id)
    return preset, suggest(preset.answers, wizard)


def _same(a: Judgement, b: Judgement) -> bool:
    return (HarmObject(a.harm_object), HarmDegree(a.degree)) == (HarmObject(b.harm_object), HarmDegree(b.degree))


def overridden_aspects(suggestion: Suggestion, business: Judgement, service: Judgement) -> list[str]:
    """Which judgements differ from the suggestion ([] when the user accepts it)."""
    out = []
    if not _same(suggestion.business, business):
        out.append("business")
    if not _same(suggestion.service, service):
        out.append("service")
    return out


def choose(
    suggestion: Suggestion,
    business: Judgement | None = None,
    service: Judgement | None = None,
    override_reason: str = "",
) -> GradingResult:
    """The grading the user settles on: the suggestion, or their own judgements with a reason.

    Raises OverrideReasonRequired when a judgement differs from the suggestion and no reason is given. A
    reason given while accepting the suggestion is dropped (there is nothing to override).
    """
    business = business or suggestion.business
    service = service or suggestion.service
    differs = overridden_aspects(suggestion, business, service)
    reason = (override_reason or "").strip()
    if differs and not reason:
        raise OverrideReasonRequired(differs)
    return grade(business, service, override_reason=reason if differs else "")
