"""Scoring methods and the 优/良/中/差 conclusion: named, versioned rules whose numbers are data.

The numbers live in `controls/scoring_methods.yaml`; this module holds the rules that use them:

- `category_mean` (method `mlps2019`): the 2019 assessment report template. For every category j with
  applicable items, d_j = Σ w_i (1 − s_i) / Σ w_i; M = scale × (1 − mean_j d_j). (docs/domain.md, S)
- `tier_deduction` (method `deduction2021`): the 2021 template's deduction method as we read it: failed
  key / important / general items deduct 3 / 2 / 1 × a base, a factor y splits technical and management.
  (docs/domain.md, R: every number is a parameter and is reported as our reading.)

The rules work on dense count grids (assessments × items) so that one call scores one assessment, a
thousand assessments, or a set of what-if variants alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, Field, field_validator, model_validator

from mlps.rules.domain import Risk
from mlps.rules.rulefiles import At, RuleFileError, RuleModel, Words, load, rule_file

METHODS_FILE = "scoring_methods.yaml"

# GB/T 22239-2019 x.1.1–x.1.5 are technical requirements, x.1.6–x.1.10 management (controls/taxonomy.yaml
# says the same as `kind`; a test keeps the two in step).
CATEGORY_ORDER: tuple[str, ...] = ("PES", "CNS", "ABS", "CES", "SMC", "PSS", "ORS", "HRS", "CMS", "MMS")
TECHNICAL_CATEGORIES: frozenset[str] = frozenset({"PES", "CNS", "ABS", "CES", "SMC"})

RISK_RANK: dict[Risk | None, int] = {None: 0, Risk.LOW: 1, Risk.MEDIUM: 2, Risk.HIGH: 3}
RANK_RISK: dict[int, Risk | None] = {v: k for k, v in RISK_RANK.items()}
RISK_WORDS_EN = {Risk.HIGH: "high", Risk.MEDIUM: "medium", Risk.LOW: "low"}
RISK_WORDS_ZH = {Risk.HIGH: "高", Risk.MEDIUM: "中", Risk.LOW: "低"}


class ScoringConfigError(ValueError):
    """controls/scoring_methods.yaml is malformed. The message names the file and the entry."""

    def __init__(self, file: str, where: str, message: str):
        self.file, self.where = file, where
        super().__init__(f"{file}, {where}: {message}")


# ---------------------------------------------------------------- what the rules compute on


@dataclass(frozen=True)
class ItemArrays:
    """The items of one selection (level + extensions) as arrays, in catalogue order."""

    ids: tuple[str, ...]
    weights: np.ndarray  # float, the item weight (1.0 / 0.7 / 0.4)
    tiers: tuple[str, ...]  # key / important / general
    category_codes: np.ndarray  # int index into `categories`
    categories: tuple[str, ...]  # category codes present, in taxonomy order
    technical: np.ndarray  # bool, True for technical categories

    @property
    def category_matrix(self) -> np.ndarray:
        """items × categories indicator."""
        m = np.zeros((len(self.ids), len(self.categories)))
        m[np.arange(len(self.ids)), self.category_codes] = 1.0
        return m


@dataclass(frozen=True)
class ResultGrid:
    """Counts of results per (assessment, item): arrays of shape assessments × items."""

    conform: np.ndarray
    partial: np.ndarray
    nonconform: np.ndarray

    @property
    def assessed(self) -> np.ndarray:
        return self.conform + self.partial + self.nonconform

    @property
    def scored(self) -> np.ndarray:
        """True where the item has at least one conform / partial / nonconform result."""
        return self.assessed > 0

    def item_scores(self, partial_credit: float = 0.5) -> np.ndarray:
        """Mean over assessed objects of conform 1 / partial 0.5 / nonconform 0; NaN where nothing scored."""
        n = self.assessed
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, (self.conform + partial_credit * self.partial) / n, np.nan)


# ---------------------------------------------------------------- the rules


def _check_scale(params: Mapping[str, Any]) -> float:
    scale = params.get("scale", 100)
    if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
        raise ValueError(f"parameter 'scale' must be a positive number, not {scale!r}")
    return float(scale)


def _validate_category_mean(params: Mapping[str, Any]) -> dict[str, Any]:
    return {"scale": _check_scale(params)}


def _category_mean(grid: ResultGrid, items: ItemArrays, params: Mapping[str, Any]) -> np.ndarray:
    """2019 template: scale × (1 − mean over categories with applicable items of d_j)."""
    scored = grid.scored
    loss = np.where(scored, 1.0 - np.nan_to_num(grid.item_scores()), 0.0)
    cat = items.category_matrix
    num = (loss * items.weights) @ cat  # Σ w_i (1 − s_i) per category
    den = (scored * items.weights) @ cat  # Σ w_i per category, applicable assessed items only
    present = den > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(present, num / np.where(present, den, 1.0), 0.0)
    n_cat = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = params["scale"] * (1.0 - d.sum(axis=1) / n_cat)
    return np.where(n_cat > 0, np.clip(score, 0.0, params["scale"]), np.nan)


def _validate_tier_deduction(params: Mapping[str, Any]) -> dict[str, Any]:
    units = params.get("deduction_units")
    if not isinstance(units, Mapping) or not units:
        raise ValueError("parameter 'deduction_units' must map each tier (key, important, general) to a number")
    for tier, value in units.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ValueError(f"deduction_units.{tier} must be a number ≥ 0, not {value!r}")
    base = params.get("base", "auto")
    if base != "auto" and (not isinstance(base, int | float) or isinstance(base, bool) or base <= 0):
        raise ValueError(f"parameter 'base' must be 'auto' or a positive number, not {base!r}")
    y = params.get("technical_share")
    if not isinstance(y, int | float) or isinstance(y, bool) or not 0 < y < 1:
        raise ValueError(f"parameter 'technical_share' (y) must be strictly between 0 and 1, not {y!r}")
    pd_ = params.get("partial_deduction", 0.5)
    if not isinstance(pd_, int | float) or isinstance(pd_, bool) or not 0 <= pd_ <= 1:
        raise ValueError(f"parameter 'partial_deduction' must be between 0 and 1, not {pd_!r}")
    return {
        "scale": _check_scale(params),
        "deduction_units": {str(k): float(v) for k, v in units.items()},
        "base": base if base == "auto" else float(base),
        "technical_share": float(y),
        "partial_deduction": float(pd_),
    }


def _tier_deduction(grid: ResultGrid, items: ItemArrays, params: Mapping[str, Any]) -> np.ndarray:
    """2021 template as we read it: per side, V = scale × share − Σ units × failed fraction × base, ≥ 0."""
    units_by_tier = params["deduction_units"]
    missing = sorted({t for t in items.tiers if t not in units_by_tier})
    if missing:
        raise ValueError(f"deduction_units has no value for tier(s) {', '.join(missing)}")
    units = np.array([units_by_tier[t] for t in items.tiers], dtype=float)
    scored = grid.scored
    n = grid.assessed
    with np.errstate(invalid="ignore", divide="ignore"):
        failed = np.where(scored, (params["partial_deduction"] * grid.partial + grid.nonconform) / np.maximum(n, 1), 0)
    scale, y = params["scale"], params["technical_share"]
    total = np.zeros(n.shape[0])
    shares = np.zeros(n.shape[0])
    for mask, share in ((items.technical, y), (~items.technical, 1.0 - y)):
        side_units = (scored[:, mask] * units[mask]).sum(axis=1)  # Σ units of applicable assessed items
        lost_units = (failed[:, mask] * units[mask]).sum(axis=1)
        present = (scored[:, mask]).any(axis=1)
        if params["base"] == "auto":
            with np.errstate(invalid="ignore", divide="ignore"):
                frac = np.where(side_units > 0, lost_units / np.where(side_units > 0, side_units, 1.0), 0.0)
            value = scale * share * (1.0 - frac)
        else:
            value = scale * share - lost_units * params["base"]
        value = np.clip(value, 0.0, scale * share)
        total += np.where(present, value, 0.0)
        shares += np.where(present, share, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = total / shares
    return np.where(shares > 0, np.clip(score, 0.0, scale), np.nan)


def _validate_conformity_rate(params: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"scale": _check_scale(params)}
    for key, default in (("conform", 1.0), ("partial", 0.5), ("nonconform", 0.0)):
        v = params.get(key, default)
        if not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v <= 1:
            raise ValueError(f"parameter '{key}' must be a credit between 0 and 1, not {v!r}")
        out[key] = float(v)
    if not out["conform"] >= out["partial"] >= out["nonconform"]:
        raise ValueError("credits must not rise from conform to partial to nonconform")
    return out


def _conformity_rate(grid: ResultGrid, items: ItemArrays, params: Mapping[str, Any]) -> np.ndarray:
    """2025 template as we read it: scale × mean, over items with at least one applicable result, of the item
    score (the mean over its objects of the conform / partial / nonconform credits). Weights play no part."""
    n = grid.assessed
    scored = n > 0
    credit = (
        params["conform"] * grid.conform + params["partial"] * grid.partial + params["nonconform"] * grid.nonconform
    )
    count = scored.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(scored, credit / np.where(scored, n, 1.0), 0.0).sum(axis=1)
        return np.where(count > 0, params["scale"] * total / np.where(count > 0, count, 1), np.nan)


Rule = Callable[[ResultGrid, ItemArrays, Mapping[str, Any]], np.ndarray]
RULES: dict[str, tuple[Callable[[Mapping[str, Any]], dict[str, Any]], Rule]] = {
    "category_mean": (_validate_category_mean, _category_mean),
    "tier_deduction": (_validate_tier_deduction, _tier_deduction),
    "conformity_rate": (_validate_conformity_rate, _conformity_rate),
}
CONCLUSION_SCHEMES = ("grades", "rate2025")  # 优/良/中/差 (2019/2021 templates) or 符合/基本符合/不符合 (2025)


# ---------------------------------------------------------------- methods and the conclusion table


@dataclass(frozen=True)
class Reading:
    """A parameter whose value is our reading of a template we could not confirm (docs/domain.md [R])."""

    parameter: str
    confidence: str
    note_zh: str
    note_en: str


@dataclass(frozen=True)
class ScoringMethod:
    """A named, versioned scoring method: a rule from RULES plus its parameters (data)."""

    name: str
    rule: str
    version: str
    confidence: str  # S or R (docs/domain.md)
    label_zh: str
    label_en: str
    source: str
    formula_zh: str
    formula_en: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    readings: tuple[Reading, ...] = ()
    conclusion: str = "grades"  # which conclusion the method's reports give: one of CONCLUSION_SCHEMES

    def overall(self, grid: ResultGrid, items: ItemArrays) -> np.ndarray:
        """The overall score of every assessment in `grid` (NaN where nothing is scored)."""
        return RULES[self.rule][1](grid, items, self.parameters)

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def with_parameters(self, version: str, **changes: Any) -> ScoringMethod:
        """A variant with some parameters changed (checked like the file's), e.g. for a 'what if y = 0.6' view.
        It needs a version of its own so that a score made with it never passes for the configured method."""
        if not version or version == self.version:
            raise ValueError("a variant needs a version different from the method's own")
        unknown = sorted(set(changes) - set(self.parameters))
        if unknown:
            raise ValueError(f"method '{self.name}' has no parameter(s) {', '.join(unknown)}")
        checked = RULES[self.rule][0]({**self.parameters, **changes})
        return replace(self, version=version, parameters=checked)

    def describe(self) -> dict[str, Any]:
        """What produced a score: plain JSON-ready values, stored with the score and printed by the CLI."""
        return {
            "name": self.name,
            "version": self.version,
            "rule": self.rule,
            "confidence": self.confidence,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "source": self.source,
            "formula_zh": self.formula_zh,
            "formula_en": self.formula_en,
            "parameters": _plain(self.parameters),
            "conclusion": self.conclusion,
            "our_reading": {
                r.parameter: {"confidence": r.confidence, "note_zh": r.note_zh, "note_en": r.note_en}
                for r in self.readings
            },
        }


@dataclass(frozen=True)
class Grade:
    code: str  # excellent / good / fair / poor
    zh: str  # 优 / 良 / 中 / 差
    en: str
    min_score: float
    max_risk: Risk | None  # the highest open risk this grade allows; None = no risk at all


@dataclass(frozen=True)
class ConclusionRules:
    grades: tuple[Grade, ...]  # best first
    score_decimals: int
    source: str


@dataclass(frozen=True)
class ScoringConfig:
    version: str
    default_method: str
    methods: Mapping[str, ScoringMethod]
    conclusion: ConclusionRules
    path: str

    def method(self, name: str | None = None) -> ScoringMethod:
        name = name or self.default_method
        if name not in self.methods:
            raise ValueError(f"unknown scoring method '{name}'; known: {', '.join(self.methods)}")
        return self.methods[name]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# ---------------------------------------------------------------- the file


RISK_NAMES: dict[str, Risk | None] = {"none": None, "low": Risk.LOW, "medium": Risk.MEDIUM, "high": Risk.HIGH}


class _ReadingEntry(RuleModel):
    confidence: Words
    note_zh: Words
    note_en: Words


class _MethodEntry(RuleModel):
    rule: Literal["category_mean", "tier_deduction", "conformity_rate"]
    version: Annotated[Words, BeforeValidator(lambda v: str(v) if v is not None else "")]
    confidence: Literal["S", "D", "R"]
    label_zh: Words
    label_en: Words
    source: Words
    formula_zh: Words
    formula_en: Words
    parameters: dict[str, Any] = {}
    readings: dict[str, _ReadingEntry] = {}
    conclusion: Literal["grades", "rate2025"] = "grades"

    @field_validator("parameters", "readings", mode="before")
    @classmethod
    def _absent(cls, v: Any) -> Any:
        return v or {}

    @model_validator(mode="after")
    def _parameters(self) -> _MethodEntry:
        try:
            checked = RULES[self.rule][0](self.parameters)
        except ValueError as exc:
            raise At("parameters", message=str(exc)) from None
        for name in self.readings:
            if name not in checked:
                raise At("readings", message=f"reading '{name}' names no parameter of the method")
        if self.confidence == "R" and not self.readings:
            raise ValueError("a method marked R must say which parameters are our reading")
        object.__setattr__(self, "parameters", checked)
        return self

    def method(self, name: str) -> ScoringMethod:
        return ScoringMethod(
            name=name,
            rule=self.rule,
            version=self.version,
            confidence=self.confidence,
            label_zh=self.label_zh,
            label_en=self.label_en,
            source=self.source,
            formula_zh=self.formula_zh,
            formula_en=self.formula_en,
            parameters=self.parameters,
            readings=tuple(Reading(k, r.confidence, r.note_zh, r.note_en) for k, r in self.readings.items()),
            conclusion=self.conclusion,
        )


class _GradeEntry(RuleModel):
    code: Words
    zh: Words
    en: Words
    min_score: Annotated[float, Field(ge=0, strict=True)] | Annotated[int, Field(ge=0, strict=True)]
    max_risk: Literal["none", "low", "medium", "high"]

    @field_validator("max_risk", mode="before")
    @classmethod
    def _risk(cls, v: Any) -> str:
        return str(v)


class _ConclusionEntry(RuleModel):
    source: Words
    score_decimals: Annotated[int, Field(ge=0, le=6, strict=True)] = 2
    grades: Annotated[list[_GradeEntry], Field(min_length=1)]

    @field_validator("grades")
    @classmethod
    def _best_to_worst(cls, v: list[_GradeEntry]) -> list[_GradeEntry]:
        for n, g in enumerate(v[1:], start=1):
            before = v[n - 1]
            riskier = RISK_RANK[RISK_NAMES[g.max_risk]] < RISK_RANK[RISK_NAMES[before.max_risk]]
            if g.min_score > before.min_score or riskier:
                raise At(n, message="grades must go from best to worst (min_score and max_risk)")
            if any(x.code == g.code for x in v[:n]):
                raise At(n, message="code appears twice")
        if v[-1].min_score != 0 or v[-1].max_risk != "high":
            raise At(len(v) - 1, message="the last grade must take every score and risk")
        return v

    def rules(self) -> ConclusionRules:
        grades = tuple(Grade(g.code, g.zh, g.en, float(g.min_score), RISK_NAMES[g.max_risk]) for g in self.grades)
        return ConclusionRules(grades, self.score_decimals, self.source)


class ScoringFile(RuleModel):
    """scoring_methods.yaml as written (methods and the 优/良/中/差 table); the 2025 parts are read by
    mlps.rules.verdict2025 with a model of their own."""

    version: str = ""
    default_method: str = ""
    methods: Annotated[dict[str, _MethodEntry], Field(min_length=1)]
    conclusion: _ConclusionEntry

    @field_validator("version", "default_method", mode="before")
    @classmethod
    def _str(cls, v: Any) -> str:
        return str(v or "")

    @model_validator(mode="after")
    def _default_known(self) -> ScoringFile:
        if self.default_method not in self.methods:
            known = ", ".join(self.methods)
            raise At("default_method", message=f"'{self.default_method}' is not one of {known}")
        return self

    def config(self, path: str) -> ScoringConfig:
        return ScoringConfig(
            version=self.version,
            default_method=self.default_method,
            methods={str(k): m.method(str(k)) for k, m in self.methods.items()},
            conclusion=self.conclusion.rules(),
            path=path,
        )


def default_methods_path() -> Path:
    """$MLPS_CONTROLS_DIR/scoring_methods.yaml when that folder has one, else the bundled controls/ file."""
    return rule_file(METHODS_FILE)


def load_scoring_config(path: Path | str | None = None) -> ScoringConfig:
    """Load and check the scoring methods and conclusion table. Cached per file and modification time.
    A malformed file raises ScoringConfigError naming the file and the entry."""
    p = Path(path) if path else default_methods_path()
    try:
        return load(p, ScoringFile, into=functools.partial(ScoringFile.config, path=str(p)))
    except RuleFileError as exc:
        raise ScoringConfigError(exc.file, exc.entry or "file", exc.reason) from None


def get_method(name: str | None = None, path: Path | str | None = None) -> ScoringMethod:
    """A scoring method by name (None: the default, mlps2019)."""
    return load_scoring_config(path).method(name)


# ---------------------------------------------------------------- the conclusion


@dataclass(frozen=True)
class Conclusion:
    """优/良/中/差 with the reason in both languages."""

    grade: str  # 优 / 良 / 中 / 差
    code: str  # excellent / good / fair / poor
    grade_en: str
    score: float  # the score the grade was decided on (rounded to the table's decimals)
    worst_risk: Risk | None  # the highest open risk
    risk_counts: Mapping[str, int]  # high / medium / low -> number of open problems
    reason_zh: str
    reason_en: str
    provisional: bool  # items not yet assessed, or problems without a risk level: the grade may still change
    scheme: str = "grades"  # grades (优/良/中/差) or rate2025 (符合/基本符合/不符合, mlps.rules.verdict2025)
    rate_range: tuple[float, float] | None = None  # 2025: the rate with 部分符合 counted 0 and 1
    boundary: bool = False  # 2025: the rate is exactly on a band's edge (our reading decides the side)
    depends_on_partial: bool = False  # 2025: the conclusion differs across rate_range
    hazards: Any = None  # 2025: mlps.rules.hazards.HazardTally

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "grade": self.grade,
            "code": self.code,
            "grade_en": self.grade_en,
            "score": self.score,
            "worst_risk": self.worst_risk.value if self.worst_risk else None,
            "risk_counts": dict(self.risk_counts),
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
            "provisional": self.provisional,
            "scheme": self.scheme,
            "rate_range": list(self.rate_range) if self.rate_range else None,
            "boundary": self.boundary,
            "depends_on_partial": self.depends_on_partial,
            "hazards": self.hazards.to_dict() if self.hazards is not None else None,
        }


def grade_indices(scores: np.ndarray, worst_ranks: np.ndarray, rules: ConclusionRules) -> np.ndarray:
    """Vectorised: for each (score, highest open risk rank 0-3) the index in rules.grades of the best grade
    that fits. Scores are rounded to the table's decimals first (the report shows them so)."""
    rounded = np.round(np.asarray(scores, dtype=float), rules.score_decimals)
    worst = np.asarray(worst_ranks)
    out = np.full(rounded.shape, len(rules.grades) - 1)
    for n in range(len(rules.grades) - 1, -1, -1):  # later (better) fits overwrite earlier ones
        g = rules.grades[n]
        out = np.where((rounded >= g.min_score) & (worst <= RISK_RANK[g.max_risk]), n, out)
    return out


def grade_for(score: float, worst_risk: Risk | None, rules: ConclusionRules) -> Grade:
    """The best grade whose score and risk limits the assessment meets."""
    n = grade_indices(np.array([score]), np.array([RISK_RANK[worst_risk]]), rules)[0]
    return rules.grades[int(n)]


def _listing(ids: Sequence[str], labels: Mapping[str, tuple[str, str]], lang: str, limit: int = 5) -> str:
    """'L3-PES1-03 (Physical access control a), …' with at most `limit` shown."""
    parts = []
    for i in ids[:limit]:
        if i in labels:
            parts.append(f"{i}（{labels[i][0]}）" if lang == "zh" else f"{i} ({labels[i][1]})")
        else:
            parts.append(i)
    text = ("、" if lang == "zh" else ", ").join(parts)
    if len(ids) > limit:
        text += f" 等 {len(ids)} 项" if lang == "zh" else f" and {len(ids) - limit} more"
    return text


def _above(rank: int) -> list[Risk]:
    """Risk levels worse than `rank`, worst first."""
    return [r for r in (Risk.HIGH, Risk.MEDIUM, Risk.LOW) if RISK_RANK[r] > rank]


def conclude(
    score: float | None,
    risks: Mapping[str, Risk | None] | None = None,
    *,
    rules: ConclusionRules | None = None,
    labels: Mapping[str, tuple[str, str]] | None = None,
    gaps: int = 0,
) -> Conclusion | None:
    """The conclusion from a score and the open problems (2021 report template, docs/domain.md).

    `risks` maps each open problem (an item id, or any label) to its risk level (None = not yet rated).
    `labels` gives problems a (zh, en) name for the reason. `gaps` is the number of items not yet assessed.
    Returns None when there is no score (nothing assessed yet).
    """
    if score is None or np.isnan(float(score)):
        return None
    rules = rules or load_scoring_config().conclusion
    risks = dict(risks or {})
    labels = labels or {}
    by_level = {r: sorted(k for k, v in risks.items() if v is r) for r in Risk}
    unrated = sorted(k for k, v in risks.items() if v is None)
    worst = max((v for v in risks.values() if v is not None), key=RISK_RANK.__getitem__, default=None)
    g = grade_for(score, worst, rules)
    shown = float(np.round(float(score), rules.score_decimals))
    s = f"{shown:.{rules.score_decimals}f}"
    score_only = next(x for x in rules.grades if shown >= x.min_score)  # the grade the score alone earns
    pos = rules.grades.index(g)
    catch_all = pos == len(rules.grades) - 1
    zh: list[str] = []
    en: list[str] = []
    # the risks that keep a better grade out of reach come first: they decide
    if score_only is not g:
        ref: Grade | None = score_only
    elif catch_all and pos > 0:
        ref = rules.grades[pos - 1]
    else:
        ref = None
    if ref is not None:
        for r in _above(RISK_RANK[ref.max_risk]):
            ids = by_level[r]
            if ids:
                zh.append(f"存在 {len(ids)} 个{RISK_WORDS_ZH[r]}风险问题：{_listing(ids, labels, 'zh')}")
                word = "problem" if len(ids) == 1 else "problems"
                en.append(f"{len(ids)} {RISK_WORDS_EN[r]}-risk {word}: {_listing(ids, labels, 'en')}")
    if score_only is not g:
        zh.append(f"仅按得分 {s} 可评为{score_only.zh}")
        en.append(f"score {s} alone would give {score_only.zh}")
    elif catch_all and pos > 0:
        nxt = rules.grades[pos - 1].min_score
        zh.append(f"得分 {s} 低于 {nxt:g}")
        en.append(f"score {s} is below {nxt:g}")
    else:
        zh.append(f"得分 {s} ≥ {g.min_score:g}")
        en.append(f"score {s} ≥ {g.min_score:g}")
        absent = [r for r in _above(RISK_RANK[g.max_risk]) if r is not Risk.LOW]
        if absent:
            zh.append("无" + "、".join(RISK_WORDS_ZH[r] for r in reversed(absent)) + "风险问题")
            en.append("no " + " or ".join(f"{RISK_WORDS_EN[r]}-" for r in reversed(absent))[:-1] + "-risk problem")
    if gaps:
        zh.append(f"尚有 {gaps} 个测评项未测评，结论可能变化")
        en.append(f"{gaps} item{'s' if gaps != 1 else ''} not yet assessed, so the conclusion may change")
    if unrated:
        zh.append(f"{len(unrated)} 个问题尚未判定风险等级")
        en.append(f"{len(unrated)} problem{'s' if len(unrated) != 1 else ''} without a risk level yet")
    return Conclusion(
        grade=g.zh,
        code=g.code,
        grade_en=g.en,
        score=shown,
        worst_risk=worst,
        risk_counts={r.value: len(by_level[r]) for r in Risk},
        reason_zh=f"{g.zh}：" + "；".join(zh),
        reason_en=f"{g.zh}: " + "; ".join(en),
        provisional=bool(gaps or unrated),
    )
