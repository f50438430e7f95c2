"""The words the PDF documents print, read from texts.yaml (Chinese and English for every key)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from mlps.i18n import normalise_language
from mlps.rules.levels import NUMERALS_ZH, PROTECTION_NAMES, protection_name

TEXTS_FILE = Path(__file__).with_name("texts.yaml")


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def tx(group: str, key: object, lang: str = "zh", **values: object) -> str:
    """The text `group.key` in `lang` with {placeholders} filled. An unknown key shows itself, visibly."""
    entry = texts().get(group, {}).get(key)
    if not isinstance(entry, dict):
        return f"⟦{group}.{key}⟧"
    text = entry[normalise_language(lang)]
    return text.format(**values) if values else text


def known(group: str, key: object) -> bool:
    return isinstance(texts().get(group, {}).get(key), dict)


def word(group: str, key: object, lang: str) -> str:
    """A vocabulary word (result, risk, harm …) or, for a value the vocabulary does not know, the value itself."""
    key = getattr(key, "value", key)
    return tx(group, key, lang) if known(group, key) else str(key)


def level_label(level: int | None, lang: str, full: bool = False) -> str:
    """第三级 / Level 3; with full=True 第三级（监督保护级） / Level 3 (supervised protection)."""
    if level is None:
        return tx("common", "empty", lang)
    zh = normalise_language(lang) == "zh"
    shown = NUMERALS_ZH.get(level, str(level)) if zh else str(level)
    if full and level in PROTECTION_NAMES:
        return tx("common", "level_full", lang, level=shown, name=protection_name(level, "zh" if zh else "en"))
    return tx("common", "level_n", lang, level=shown)


def field_label(key: str, lang: str) -> str:
    return tx("fields", key, lang)


def docs_text(key: str, lang: str, **values: object) -> str:
    """A text of the 2025 filing documents (texts.yaml, group docs2025)."""
    return tx("docs2025", key, lang, **values)
