"""The code lists of the 2025 filing form (备案表): the fields the form prints as coded tick boxes — the unit's
affiliation (隶属关系), unit type (单位类型) and industry (行业类别); per graded object its business type, service
scope and targets, deployment scope, network nature, interconnection, object type and technologies.

The lists are data in `mlps/controls/filing_codes.yaml`, marked R (recalled, not checked against the official
2025 template): the pages that offer a coded choice say so, and a code is changed in the file, never here.
A stored value is read as a code when it is one, else as the label of one (so a unit typed before the lists
existed still ticks the right box); anything else is "not a code" and listed as missing on the form.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mlps.rules.rulefiles import RuleFileError, read_yaml, rule_file

FILE = "filing_codes.yaml"
ORGANISATION_LISTS = ("affiliation", "unit_type", "industry")
SYSTEM_LISTS = ("business_type", "service_scope", "service_targets", "deployment_scope", "network_nature",
                "interconnection")  # fmt: skip
LISTS = (*ORGANISATION_LISTS, *SYSTEM_LISTS, "object_type", "technology")
INTERNET = "2"  # the network-nature code of the internet: the form then asks for IPs, domains, protocols and ports


@dataclass(frozen=True)
class Code:
    code: str
    zh: str
    en: str
    value: str = ""  # the workbench's own word for this answer, where it has one

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class CodeList:
    key: str
    name_zh: str
    name_en: str
    codes: tuple[Code, ...]  # in the form's order
    multi: bool = False  # several boxes may be ticked

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def find(self, value: str) -> Code | None:
        """The code `value` is, or names: the code itself, its Chinese or English label, or its label's head
        before the bracket (中央, 省, 县 …)."""
        v = (value or "").strip()
        if not v:
            return None
        for c in self.codes:
            if v in (c.code, c.zh, c.en, c.value):
                return c
        for c in self.codes:
            if v == c.zh.split("（")[0] or v.lower() == c.en.lower():
                return c
        return None


@dataclass(frozen=True)
class FilingCodes:
    version: str
    mark: str  # R: recalled
    source: str
    lists: dict[str, CodeList]

    def options(self, name: str, lang: str) -> list[tuple[str, str]]:
        return [(c.code, c.label(lang)) for c in self.lists[name].codes]

    def codes(self, name: str) -> list[str]:
        return [c.code for c in self.lists[name].codes]

    def label(self, name: str, code: str, lang: str) -> str:
        found = self.lists[name].find(code)
        return found.label(lang) if found else ""

    def code_of(self, name: str, value: str) -> str:
        """The code a stored value stands for ('' when it is empty or names no code)."""
        found = self.lists[name].find(value)
        return found.code if found else ""

    def codes_of(self, name: str, values: str | Iterable[str]) -> list[str]:
        items = [values] if isinstance(values, str) else list(values or ())
        return [c for c in (self.code_of(name, v) for v in items) if c]

    def by_value(self, name: str, value: str) -> str:
        """The code whose workbench word is `value` (object type, extension)."""
        return next((c.code for c in self.lists[name].codes if c.value and c.value == value), "")


def parse_filing_codes(data: Any, file: str = FILE) -> FilingCodes:
    """The code lists; every error names the file and the list or code."""
    if not isinstance(data, dict) or not isinstance(data.get("lists"), dict):
        raise ValueError(f"{file}: expected a mapping with 'lists'")
    lists = {}
    for name in LISTS:
        raw = data["lists"].get(name)
        if not isinstance(raw, dict) or not isinstance(raw.get("codes"), dict) or not raw["codes"]:
            raise ValueError(f"{file}: list '{name}' is missing or has no codes")
        codes = []
        for code, words in raw["codes"].items():
            if not isinstance(words, dict) or not words.get("zh") or not words.get("en"):
                raise ValueError(f"{file}, {name}: code {code} needs zh and en")
            codes.append(Code(str(code), str(words["zh"]), str(words["en"]), str(words.get("value") or "")))
        names = raw.get("name") if isinstance(raw.get("name"), dict) else {}
        lists[name] = CodeList(name, str(names.get("zh", name)), str(names.get("en", name)), tuple(codes),
                               bool(raw.get("multi", False)))  # fmt: skip
    return FilingCodes(str(data.get("version", "")), str(data.get("mark", "")), str(data.get("source", "")), lists)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> FilingCodes:
    try:
        data = read_yaml(path)
    except RuleFileError as exc:
        raise ValueError(str(exc)) from None
    return parse_filing_codes(data, Path(path).name)


def load_filing_codes(path: Path | str | None = None) -> FilingCodes:
    """The bundled code lists (or `$MLPS_CONTROLS_DIR`'s)."""
    target = Path(path) if path else rule_file(FILE)
    return _load(str(target), target.stat().st_mtime)
