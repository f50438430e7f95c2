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
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

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
from mlps.rules.rulefiles import At, RuleModel, Text, load, validate

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


# ---------------------------------------------------------------- the file


class _OptionEntry(RuleModel):
    id: Text
    label_zh: Text
    label_en: Text
    object: str | None = None
    degree: str | None = None
    reason_zh: Text
    reason_en: Text

    @model_validator(mode="after")
    def _cell(self) -> _OptionEntry:
        try:
            HarmObject(self.object), HarmDegree(self.degree)
        except ValueError:
            raise ValueError(
                "object/degree must be citizens|society|nation and general|serious|"
                f"especially_serious, not {self.object}/{self.degree}"
            ) from None
        return self

    def option(self) -> Option:
        return Option(self.id, self.label_zh, self.label_en, HarmObject(self.object), HarmDegree(self.degree),
                      self.reason_zh, self.reason_en)  # fmt: skip


class _QuestionEntry(RuleModel):
    id: Text
    aspect: Literal["business", "service"]
    text_zh: Text
    text_en: Text
    options: Annotated[list[_OptionEntry], Field(min_length=1)]
    help_zh: str = ""
    help_en: str = ""

    @field_validator("help_zh", "help_en", mode="before")
    @classmethod
    def _help(cls, v: Any) -> str:
        return str(v or "")

    @field_validator("options")
    @classmethod
    def _unique(cls, v: list[_OptionEntry]) -> list[_OptionEntry]:
        ids = [o.id for o in v]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate option ids")
        return v

    def question(self) -> Question:
        return Question(self.id, self.aspect, self.text_zh, self.text_en, tuple(o.option() for o in self.options),
                        self.help_zh, self.help_en)  # fmt: skip


class _PresetEntry(RuleModel):
    id: Text
    name_zh: Text
    name_en: Text
    answers: dict[str, str] = {}
    suggested_level: int | None = None
    note_zh: Text
    note_en: Text

    @field_validator("answers", mode="before")
    @classmethod
    def _answers(cls, v: Any) -> Any:
        if v is None:
            return {}
        if not isinstance(v, dict):
            raise ValueError("must be a mapping of question id to option id")
        return {str(k): str(x) for k, x in v.items()}


class _Source(RuleModel):
    mark: str = "R"
    zh: str = ""
    en: str = ""


class WizardFile(RuleModel):
    """grading_presets.yaml as written; `wizard()` gives the Wizard the rules use."""

    version: str = ""
    source_zh: str = ""
    source_en: str = ""
    questions: list[_QuestionEntry] = []
    presets: list[_PresetEntry] = []
    preset_source: _Source = _Source()

    @field_validator("version", "source_zh", "source_en", mode="before")
    @classmethod
    def _str(cls, v: Any) -> str:
        return str(v if v is not None else "")

    @field_validator("questions", "presets", "preset_source", mode="before")
    @classmethod
    def _absent(cls, v: Any, info: ValidationInfo) -> Any:
        return v if v is not None else ({} if info.field_name == "preset_source" else [])

    @model_validator(mode="after")
    def _consistent(self) -> WizardFile:
        seen: set[str] = set()
        for n, q in enumerate(self.questions):
            if q.id in seen:
                raise At("questions", n, message="duplicate question id")
            seen.add(q.id)
        for aspect in ASPECT_ORDER:
            if not any(q.aspect == aspect for q in self.questions):
                raise At("questions", message=f"no question for {aspect}")
        bare = self._questions_only()
        for n, p in enumerate(self.presets):
            try:
                got = suggest(p.answers, bare)
            except ValueError as exc:
                raise At("presets", n, message=str(exc)) from None
            if got.unanswered:
                raise At("presets", n, message=f"unanswered questions {', '.join(got.unanswered)}")
            if p.suggested_level != got.level:
                message = f"suggested_level {p.suggested_level} but its answers give level {got.level}"
                raise At("presets", n, message=message)
        return self

    def _questions_only(self) -> Wizard:
        return Wizard(tuple(q.question() for q in self.questions), (), self.version, self.source_zh, self.source_en)

    def wizard(self) -> Wizard:
        src = self.preset_source
        presets = tuple(
            Preset(p.id, p.name_zh, p.name_en, dict(p.answers), p.suggested_level, p.note_zh, p.note_en,
                   str(src.mark), src.zh.strip(), src.en.strip())  # fmt: skip
            for p in self.presets
        )
        bare = self._questions_only()
        return Wizard(bare.questions, presets, bare.version, bare.source_zh, bare.source_en)


def parse_wizard(data: Any, file: str = PRESETS_FILE) -> Wizard:
    """Validate the wizard data; an error names the file and the question, option or preset."""
    return validate(data, WizardFile, file).wizard()


def load_wizard(path: Path | str | None = None) -> Wizard:
    """The wizard's questions and presets (default: the bundled controls/grading_presets.yaml)."""
    return load(Path(path) if path else PRESETS_FILE, WizardFile, into=WizardFile.wizard)


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
