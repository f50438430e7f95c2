"""One translation helper for every string a user sees: `t(key, lang, **values)`.

Messages live in messages/*.yaml (one file per feature, merged), one entry per key with both languages, so a
key can never exist in one language only (a unit test checks every entry; a key defined twice is an error).
Chinese is the default language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
_MESSAGES = Path(__file__).with_name("messages")


@lru_cache(maxsize=1)
def messages() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(_MESSAGES.glob("*.yaml")):
        for key, entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"message key '{key}' is defined twice (again in {path.name})")
            merged[key] = entry
    return merged


def normalise_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The message `key` in `lang`, with {placeholders} filled. An unknown key shows itself, visibly."""
    entry = messages().get(key)
    if entry is None:
        return f"⟦{key}⟧"
    text = entry.get(normalise_language(lang)) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def pick(zh: str, en: str, lang: str) -> str:
    """Choose between the two language variants of a data value (catalogue text, names)."""
    return zh if normalise_language(lang) == "zh" else en
