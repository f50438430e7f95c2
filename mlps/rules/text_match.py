"""Comparing a requirement text written in a workbook with the meaning of catalogue items.

Agencies copy the standard's sentence into the 测评项 column; the catalogue holds our own wording of the same
requirement. Where a row's place (control point and letter) is wrong or ambiguous, the text decides among the
candidate items: the similarity is the Dice coefficient of character bigrams (Chinese) or of words (English),
after dropping punctuation, the item letter and characters that carry no meaning on their own (应, 的, 和 …).
The decision needs a minimum similarity and a margin over the runner-up; both are parameters, not facts
(controls/exchange.yaml, text_match)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

_LETTER_PREFIX = re.compile(r"^\s*\(?\s*[a-zA-Z]\s*[).、:]\s*")
_NOT_WORD = re.compile(r"[\W_]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_FILLER = frozenset("应的和或及与等对在是为了并且其中能够进行具有将由以")


_SPACE = re.compile(r"[\s*]+")


def norm_name(text: object) -> str:
    """The comparison form of a name or a cell: NFKC (full-width to half-width), no whitespace or '*',
    casefolded. Every header, sheet name, control point and word of the Excel exchange is compared this way."""
    if text is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


def is_chinese(text: str) -> bool:
    return bool(_HAN.search(text or ""))


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").strip()
    return _NOT_WORD.sub(" ", _LETTER_PREFIX.sub("", text)).casefold()


def features(text: str) -> Counter[str]:
    """The multiset a text is compared by: character bigrams of its Chinese runs (without filler characters),
    and its Latin words."""
    clean = _clean(text)
    grams: Counter[str] = Counter()
    for run in re.findall(r"[\u4e00-\u9fff]+", clean):
        chars = [c for c in run if c not in _FILLER]
        grams.update(a + b for a, b in zip(chars, chars[1:], strict=False))
    grams.update(w for w in re.findall(r"[a-z0-9]+", clean) if len(w) > 2)
    return grams


def similarity(a: str | Counter[str], b: str | Counter[str]) -> float:
    """0 (nothing in common) … 1 (the same features)."""
    fa = a if isinstance(a, Counter) else features(a)
    fb = b if isinstance(b, Counter) else features(b)
    total = sum(fa.values()) + sum(fb.values())
    if not total:
        return 0.0
    return 2 * sum((fa & fb).values()) / total


@dataclass(frozen=True)
class TextChoice(Generic[T]):
    """The outcome of comparing one text with candidates: `chosen` is None when no candidate is close enough or
    two are too close to call; `ranked` holds every candidate with its similarity, best first."""

    chosen: T | None
    score: float
    ranked: tuple[tuple[T, float], ...]

    @property
    def runner_up(self) -> float:
        return self.ranked[1][1] if len(self.ranked) > 1 else 0.0


def choose(
    text: str,
    candidates: Sequence[T],
    meaning: Callable[[T], str],
    *,
    minimum: float,
    margin: float,
) -> TextChoice[T]:
    """The candidate whose meaning is closest to `text`, if it is at least `minimum` similar and beats the
    runner-up by `margin`."""
    target = features(text)
    ranked = sorted(((c, similarity(target, meaning(c))) for c in candidates), key=lambda p: -p[1])
    if not ranked or not target:
        return TextChoice(None, 0.0, tuple(ranked))
    best, score = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    chosen = best if score >= minimum and score - runner >= margin else None
    return TextChoice(chosen, score, tuple(ranked))
