"""The words of the Excel round-trip, loaded from controls/exchange.yaml: header synonyms, value words, labels and
the bilingual messages of an import plan, with the normalisation every comparison goes through.

$MLPS_CONTROLS_DIR/exchange.yaml replaces the bundled file when that folder has one (as for the catalogue)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, ValidationInfo, field_validator, model_validator

from mlps.rules.catalogue import Taxonomy
from mlps.rules.domain import RESULT_WORDS, Result, Risk
from mlps.rules.levels import short_name
from mlps.rules.rulefiles import At, RuleModel, Text, load, rule_file
from mlps.rules.text_match import norm_name

VOCABULARY_FILE = "exchange.yaml"
LANGS = ("zh", "en")
FIELDS = (
    "id",
    "item",
    "control_point",
    "category",
    "scope",
    "result",
    "record",
    "risk",
    "risk_reason",
    "methods",
    "evidence_date",
    "assessed_object",
    "weight",
    "ignore",
)
PROBLEM_FIELDS = ("number", "category", "control_point", "item", "object", "problem", "risk", "suggestion", "trigger")
_SPACE = re.compile(r"[\s*]+")
# A header may carry a hint after the name: "符合情况（符合/不符合）", "Result (conform…)", "安全类/层面".
_HINT_START = re.compile(r"[^\w]")


def norm(text: Any) -> str:
    """The comparison form of a cell: NFKC (full-width to half-width), no whitespace or '*', casefolded."""
    return norm_name(text)


def vocabulary_path() -> Path:
    return rule_file(VOCABULARY_FILE)


def vocabulary() -> dict[str, Any]:
    return _load(str(vocabulary_path()))


class _Bilingual(RuleModel):
    zh: Text
    en: Text

    @field_validator("zh", "en", mode="before")
    @classmethod
    def _text(cls, v: Any) -> str:
        return str(v) if v is not None else ""


class VocabularyFile(RuleModel):
    """exchange.yaml: the sections checked here; every other section is kept as written (`extra="allow"`)."""

    model_config = ConfigDict(extra="allow")

    messages: dict[str, _Bilingual]
    header_synonyms: dict[str, Any]
    problem_headers: dict[str, Any]
    suggestions: dict[str, _Bilingual]

    @field_validator("header_synonyms", "problem_headers")
    @classmethod
    def _known_fields(cls, v: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        known = FIELDS if info.field_name == "header_synonyms" else PROBLEM_FIELDS
        unknown = sorted(set(v) - set(known))
        if unknown:
            raise ValueError(f"has unknown field(s) {unknown}")
        return v

    @model_validator(mode="after")
    def _suggestions_have_messages(self) -> VocabularyFile:
        for key in self.suggestions:
            if key not in self.messages:
                raise At("suggestions", key, message="needs a message of that name")
        return self

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()


def _load(path: str) -> dict[str, Any]:
    return load(Path(path), VocabularyFile, into=VocabularyFile.as_dict)


def _header_index() -> tuple[dict[str, str], list[tuple[str, str]]]:
    return _header_index_of(str(vocabulary_path()), "header_synonyms")


@lru_cache(maxsize=8)
def _header_index_of(path: str, section: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    exact: dict[str, str] = {}
    for name, words in _load(path)[section].items():
        for word in words:
            exact.setdefault(norm(word), name)
    by_length = sorted(exact.items(), key=lambda kv: -len(kv[0]))
    return exact, by_length


def _match(text: Any, index: tuple[dict[str, str], list[tuple[str, str]]]) -> str | None:
    key = norm(text)
    if not key:
        return None
    exact, by_length = index
    if key in exact:
        return exact[key]
    for word, name in by_length:
        if key.startswith(word) and _HINT_START.match(key[len(word)]):
            return name
    return None


def match_header(text: Any) -> str | None:
    """The field a header cell names (one of FIELDS), or None. Exact synonyms first, then the longest synonym
    the header starts with when what follows is a hint in brackets or after a separator."""
    return _match(text, _header_index())


def problem_header(text: Any) -> str | None:
    """The field a header cell of a problem list names (one of PROBLEM_FIELDS), or None; matched as the headers
    of a results sheet are."""
    return _match(text, _header_index_of(str(vocabulary_path()), "problem_headers"))


def scope_keywords() -> list[tuple[str, str]]:
    """(word, scope) pairs, longest first: a scope cell containing the word names the scope (云计算拓展要求)."""
    pairs = [(norm(w), code) for code, words in vocabulary()["scope_keywords"].items() for w in words]
    return sorted(pairs, key=lambda p: -len(p[0]))


def text_match_parameters() -> tuple[float, float]:
    """(minimum similarity, margin over the runner-up) for deciding an item by its requirement text."""
    entry = vocabulary()["text_match"]
    return float(entry["minimum"]), float(entry["margin"])


def weight_values() -> tuple[float, ...]:
    """The weights an unlabelled column may hold to be read as the weight column."""
    return tuple(float(w) for w in vocabulary()["weight_values"])


def _result_index() -> dict[str, Result]:
    return _result_index_of(str(vocabulary_path()))


@lru_cache(maxsize=4)
def _result_index_of(path: str) -> dict[str, Result]:
    index = {norm(word): result for word, result in RESULT_WORDS.items() if word}
    for code, words in _load(path)["result_words"].items():
        for word in words:
            index[norm(word)] = Result(code)
    return index


def parse_result_word(value: Any) -> Result | None:
    """A result from a cell (Chinese or English words; blank = not assessed); None when it is no result word."""
    key = norm(value)
    if not key:
        return Result.NOT_ASSESSED
    return _result_index().get(key)


def result_label(result: Result, lang: str) -> str:
    """The word our export writes for a result: Chinese (符合 …) or English (Conforms …)."""
    words = vocabulary()["result_words"][result.value]
    return words[1] if lang == "zh" else words[0]


def _risk_index() -> dict[str, Risk]:
    return {norm(word): Risk(code) for code, words in vocabulary()["risk_words"].items() for word in words}


def parse_risk_word(value: Any) -> tuple[bool, Risk | None]:
    """(ok, risk): blank is (True, None); an unknown word is (False, None)."""
    key = norm(value)
    if not key:
        return True, None
    risk = _risk_index().get(key)
    return risk is not None, risk


def risk_label(risk: Risk | None, lang: str) -> str:
    if risk is None:
        return ""
    words = vocabulary()["risk_words"][risk.value]
    return words[1] if lang == "zh" else words[0]


def _names_index(codes: dict[str, dict[str, Any]], aliases: dict[str, list[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, names in codes.items():
        for word in (code, names.get("zh", ""), names.get("en", ""), *aliases.get(code, [])):
            if word:
                index.setdefault(norm(word), code)
    return index


def category_index(taxonomy: Taxonomy) -> dict[str, str]:
    """Normalised category words (code, zh, en and the aliases agencies write) -> category code."""
    return _names_index(taxonomy.categories, vocabulary()["category_aliases"])


def scope_index(taxonomy: Taxonomy) -> dict[str, str]:
    """Normalised extension words -> scope code ('general', 'cloud' …)."""
    return _names_index(taxonomy.scopes, vocabulary()["scope_aliases"])


def method_index(taxonomy: Taxonomy) -> dict[str, str]:
    return _names_index(taxonomy.methods, {})


def control_point_aliases() -> list[dict[str, str]]:
    return list(vocabulary()["control_point_aliases"])


def sheet_is_skipped(title: str) -> bool:
    """A sheet that holds no results by its name: 说明, 汇总表, 填写说明…, Cover, Summary (2024) … Chinese words
    count as a prefix; English ones must be the whole name or be followed by a non-letter ("Info" but not
    "Infoblox DNS", which may well be an assessed object)."""
    key = norm(title)
    for word in map(norm, vocabulary()["skip_sheets"]):
        if key == word:
            return True
        if key.startswith(word) and (not word.isascii() or not key[len(word)].isalpha()):
            return True
    return False


def sheet_is_generic(title: str) -> bool:
    """A sheet name that names no assessed object (Sheet1, 测评结果 …): its results belong to the whole system."""
    key = norm(title)
    if re.fullmatch(r"sheet\d*", key):
        return True
    return key in {norm(w) for w in vocabulary()["generic_sheets"]}


def export_text(key: str, lang: str) -> str:
    """A label of our export: 'info_sheet', 'results_sheet', 'title' or a key under export.labels."""
    export = vocabulary()["export"]
    entry = export.get(key) or export["labels"][key]
    return entry["zh" if lang == "zh" else "en"]


def level_name(level: int, lang: str) -> str:
    """第三级 / Level 3 (mlps.rules.levels)."""
    return short_name(level, "zh" if lang == "zh" else "en")


def kind_name(kind: str, lang: str) -> str:
    entry = vocabulary()["export"]["kinds"].get(str(kind))
    return entry["zh" if lang == "zh" else "en"] if entry else str(kind)


def export_marker() -> str:
    return vocabulary()["export"]["marker"]


def export_columns() -> list[dict[str, Any]]:
    return list(vocabulary()["export_columns"])


def field_label(name: str, lang: str) -> str:
    """How a message names a column the file lacks: our export header, e.g. 符合情况 / Result."""
    for col in vocabulary()["export_columns"]:
        if col["field"] == name:
            return col["zh" if lang == "zh" else "en"]
    return name


# ---------------------------------------------------------------- messages


@dataclass(frozen=True)
class Issue:
    """One problem in an imported workbook: where it is (sheet, 1-based row, column letter and the header text
    there) and what is wrong, in Chinese and English. File-level problems have no sheet; sheet-level no row."""

    code: str
    message_zh: str
    message_en: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # column letter, e.g. "F"
    header: str = ""  # the header text of that column in the file, e.g. "符合情况"
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    suggestion_zh: str = ""  # what to do about it, for rows left out of an import
    suggestion_en: str = ""

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def suggestion(self, lang: str = "zh") -> str:
        return self.suggestion_zh if lang == "zh" else self.suggestion_en

    def where(self, lang: str = "zh") -> str:
        """'工作表“机房”，第 5 行，F 列（符合情况）' / "sheet '机房', row 5, column F (符合情况)"."""
        parts = []
        col = f"{self.column} ({self.header})" if self.column and self.header else self.column
        if lang == "zh":
            if self.sheet:
                parts.append(f"工作表“{self.sheet}”")
            if self.row is not None:
                parts.append(f"第 {self.row} 行")
            if col:
                parts.append(f"{self.column} 列（{self.header}）" if self.header else f"{self.column} 列")
            return "，".join(parts)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if col:
            parts.append(f"column {col}")
        return ", ".join(parts)

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "code": self.code,
            "where": self.where(lang),
            "message": self.message(lang),
            "suggestion": self.suggestion(lang),
        }


@dataclass(frozen=True)
class Both:
    """A message parameter that differs by language (a column's name, a list of extensions)."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.en


def issue(code: str, *, sheet: str = "", row: int | None = None, column: str = "", header: str = "", **params) -> Issue:
    """An Issue with both messages filled from controls/exchange.yaml; `Both` parameters give each language its word."""
    entry = vocabulary()["messages"][code]
    hint = vocabulary()["suggestions"].get(code, {})

    def values(lang: str) -> dict[str, Any]:
        out: dict[str, Any] = {"sheet": sheet, "row": row}
        for key, value in params.items():
            out[key] = (value.zh if lang == "zh" else value.en) if isinstance(value, Both) else value
        return out

    return Issue(
        code=code,
        message_zh=str(entry["zh"]).format(**values("zh")),
        message_en=str(entry["en"]).format(**values("en")),
        sheet=sheet,
        row=row,
        column=column,
        header=header,
        params=params,
        suggestion_zh=str(hint.get("zh", "")).format(**values("zh")),
        suggestion_en=str(hint.get("en", "")).format(**values("en")),
    )
