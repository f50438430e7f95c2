"""Which required fields a document lacks, named in both languages so the CLI and the UI can say so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mlps.adapters.reports.texts import field_label


@dataclass(frozen=True)
class MissingField:
    """A required field that is empty. `key` is stable ('system.go_live'); `where` names the system or row
    it belongs to when a document covers several ('' otherwise)."""

    key: str
    zh: str
    en: str
    where: str = ""

    def label(self, lang: str = "zh") -> str:
        text = self.zh if lang == "zh" else self.en
        return f"{self.where}: {text}" if self.where else text

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "zh": self.label("zh"), "en": self.label("en"), "where": self.where}


def missing(key: str, where: str = "") -> MissingField:
    return MissingField(key, field_label(key, "zh"), field_label(key, "en"), where)


def is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | dict):
        return not value
    return False


def check(obj: object, prefix: str, names: Iterable[str], where: str = "") -> list[MissingField]:
    """The fields among `names` that are empty on `obj`, as MissingField with key '{prefix}.{name}'."""
    return [missing(f"{prefix}.{n}", where) for n in names if is_empty(getattr(obj, n, None))]
