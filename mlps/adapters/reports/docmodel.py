"""One document, two files: the blocks a filing document is made of, rendered to PDF (reportlab) and to an
editable Word file (python-docx) from the same list, so the two can never say different things.

Blocks hold plain text (the renderers escape it) and tick rows (`Ticks`: every code of a code list shown, the
chosen ones ticked ■, the others □). No reportlab, no python-docx here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

CHECKED, UNCHECKED = "■", "□"


@dataclass(frozen=True)
class Ticks:
    """A coded tick row: `options` are (code, label) in the form's order; `chosen` the ticked codes.
    `show_codes` prints the code before the label ('■4 企业'), as the official code lists do."""

    options: tuple[tuple[str, str], ...]
    chosen: frozenset[str] = frozenset()
    show_codes: bool = True

    def text(self) -> str:
        parts = []
        for code, label in self.options:
            box = CHECKED if code in self.chosen else UNCHECKED
            parts.append(f"{box}{code} {label}" if self.show_codes else f"{box}{label}")
        return "  ".join(parts)


def ticks(options: Iterable[tuple[str, str]], chosen: Iterable[str] | str | None, show_codes: bool = True) -> Ticks:
    picked = {chosen} if isinstance(chosen, str) else set(chosen or ())
    return Ticks(tuple(options), frozenset(c for c in picked if c), show_codes)


# A cell or field value: text, a tick row, or several of them one under another.
Value = str | Ticks | tuple["Value", ...]


def value_text(value: Value, sep: str = "\n") -> str:
    """The value as plain text (tick rows with their boxes), lines joined by `sep`."""
    if isinstance(value, Ticks):
        return value.text()
    if isinstance(value, tuple):
        return sep.join(value_text(v, sep) for v in value if value_text(v, sep))
    return value or ""


@dataclass(frozen=True)
class Title:
    text: str
    big: bool = False  # the cover's title


@dataclass(frozen=True)
class Subtitle:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Note:
    """A boxed remark (not part of the official form's fields)."""

    text: str


@dataclass(frozen=True)
class Fields:
    """Label | value rows. `tall` rows (by index) get room for a signature or a seal."""

    rows: tuple[tuple[str, Value], ...]
    widths: tuple[float, float] = (1, 2.6)
    tall: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Grid:
    """A table with a header row."""

    header: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    widths: tuple[float, ...] = ()
    tall_rows: bool = False  # rows with room for a signature


@dataclass(frozen=True)
class Box:
    """A framed area of at least `min_height_mm` holding text (an opinion the panel writes)."""

    text: str
    min_height_mm: float = 40


@dataclass(frozen=True)
class Break:
    """A page break."""


@dataclass(frozen=True)
class Together:
    """Blocks that must stay on one page (the expert opinion with its signatures)."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Chart:
    """A chart of figures the document also prints as numbers: `kind` "bar" (scores 0-100 per label) or "pie"
    (counts per code). `rows` are (code, label, value). The PDF draws it; the Word file lists the figures."""

    kind: str
    title: str
    rows: tuple[tuple[str, str, float], ...]
    head: tuple[str, str] = ("", "")  # the column names of the figures when listed


Block = Title | Subtitle | Heading | Para | Note | Fields | Grid | Box | Break | Together | Chart


@dataclass(frozen=True)
class Document:
    """A whole document: its blocks and what the running header and file metadata need."""

    title: str
    unit: str
    system: str
    lang: str
    blocks: tuple[Block, ...]
    cover: bool = False  # the first page is a cover (no running header)
    missing: tuple[str, ...] = field(default=())  # labels of required fields still empty (listed at the end)


CELL_TEXT_MAX = 1500  # characters of user text in one table cell; a table row cannot break across pages
CHUNK_MAX = 2000  # characters per paragraph of a long text, so that splitting it across pages stays cheap


class LongTexts:
    """Texts too long for a table cell: the cell shows the start and a reference, the whole text follows the
    table as paragraphs of bounded size (so a 100,000-character record costs time in proportion to its length).
    `continued(n, ref)` is the note ending a cut cell; `title` heads the full texts."""

    def __init__(self, continued: Callable[[int, str], str], title: str):
        self.continued, self.title = continued, title
        self.items: list[tuple[str, str, str]] = []

    def cell(self, text: str, prefix: str = "") -> str:
        text = text or ""
        if len(text) <= CELL_TEXT_MAX:
            return prefix + text
        ref = f"R{len(self.items) + 1}"
        self.items.append((ref, prefix, text))
        return prefix + text[:CELL_TEXT_MAX] + self.continued(len(text), ref)

    def blocks(self) -> list[Block]:
        out: list[Block] = [Heading(self.title, 2)] if self.items else []
        for ref, prefix, text in self.items:
            for k in range(0, len(text), CHUNK_MAX):
                out.append(Para((f"{ref} {prefix}" if k == 0 else "") + text[k : k + CHUNK_MAX]))
        return out


def day(value: date | None) -> str:
    """A date as the forms print it (ISO), '' when there is none."""
    return value.isoformat() if value else ""


def fields(*rows: tuple[str, Value], tall: Sequence[int] = (), widths: tuple[float, float] = (1, 2.6)) -> Fields:
    return Fields(tuple(rows), widths, frozenset(tall))
