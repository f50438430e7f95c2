"""The one way to find, read and validate the rule files in `mlps/controls/` (catalogue, taxonomy, scoring
methods, obligations, wizard presets, hazard triggers, collector map, Excel vocabulary, ...).

The files ship inside the package. `$MLPS_CONTROLS_DIR` points the app and the CLI at another folder: a file
found there replaces the bundled one of the same name.

`load(name, Model)` reads a file, validates it with a pydantic model that lives next to the module owning the
file, and caches the result per path, modification time and model, so a changed file is read again and an
unchanged one is parsed and checked once per process. Every error is one line naming the file and the entry as a
path of keys, e.g. `grading_presets.yaml, questions[data_kind].options[public_only]: object must be ...`: list
entries are named by their id (`id`, `code`, `key` or `case`) where they have one, else by their position (`#2`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError

CONTROLS_DIR = Path(__file__).resolve().parent.parent / "controls"  # the bundled rule files (package data)
CONTROLS_ENV = "MLPS_CONTROLS_DIR"  # points the app and the CLI at another folder
# libyaml's safe loader where PyYAML was built with it: the same documents, parsed several times faster
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleFileError(ValueError):
    """A rule file that cannot be read or is malformed: one line naming the file and, where there is one, the entry
    (a path of keys) and what is wrong."""

    def __init__(self, message: str, *, file: str = "", entry: str = "", reason: str = ""):
        self.file, self.entry, self.reason = file, entry, reason or message
        super().__init__(message)

    @classmethod
    def at(cls, file: str, entry: str, reason: str) -> RuleFileError:
        message = f"{file}, {entry}: {reason}" if entry else f"{file}: {reason}"
        return cls(message, file=file, entry=entry, reason=reason)


class At(ValueError):
    """Raised by a model's own check about one entry below it: `path` (keys or list positions) continues the
    error's location, so the message names that entry, e.g. `At("presets", 0, message="...")`."""

    def __init__(self, *path: str | int, message: str):
        self.path, self.message = path, message
        super().__init__(message)


class RuleModel(BaseModel):
    """Base of the typed models of rule files: immutable; keys a model does not name are ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore", arbitrary_types_allowed=True)


M = TypeVar("M", bound=BaseModel)

HAN_RANGE = ("\u4e00", "\u9fff")


def _clean(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value.strip()


def _has_chinese(value: str) -> str:
    if not any(HAN_RANGE[0] <= ch <= HAN_RANGE[1] for ch in value):
        raise ValueError("has no Chinese text")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]  # non-empty text, stripped
Words = Annotated[str, BeforeValidator(_clean), AfterValidator(_not_blank)]  # non-empty, whitespace collapsed
ZhText = Annotated[str, AfterValidator(_not_blank), AfterValidator(_has_chinese)]  # non-empty, with Chinese


def controls_dir() -> Path:
    """The folder rule files are read from: $MLPS_CONTROLS_DIR when set, else the bundled one."""
    env = os.environ.get(CONTROLS_ENV)
    return Path(env) if env else CONTROLS_DIR


def rule_file(name: str) -> Path:
    """`name` in $MLPS_CONTROLS_DIR when that folder has it, else the bundled file."""
    env = os.environ.get(CONTROLS_ENV)
    if env and (Path(env) / name).is_file():
        return Path(env) / name
    return CONTROLS_DIR / name


def read_yaml(path: Path | str) -> Any:
    """The parsed YAML of a rule file, cached per path and modification time."""
    p = Path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        raise RuleFileError.at(p.name, "", f"not found at {p}") from None
    return _read(str(p), mtime)


@lru_cache(maxsize=64)
def _read(path: str, _mtime: int) -> Any:
    name = Path(path).name
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=YAML_LOADER)  # a safe loader
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or exc
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RuleFileError.at(name, "", f"not valid YAML{where}: {problem}") from None
    except UnicodeDecodeError as exc:
        raise RuleFileError.at(name, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


# ---------------------------------------------------------------- load and validate


def load(name: str | Path, model: type[M], *, into: Callable[[M], Any] | None = None,
         context: dict[str, Any] | None = None) -> Any:  # fmt: skip
    """The rule file `name` (a file name looked up by `rule_file`, or a path) read and validated as `model`, and
    turned by `into` (e.g. `Model.settings`) into the record the rules use when given. Cached per path,
    modification time, model and `into` (not when a `context` is given). Raises RuleFileError."""
    path = Path(name) if isinstance(name, Path) or "/" in str(name) else rule_file(str(name))
    if context is not None:
        checked = validate(read_yaml(path), model, path.name, context=context)
        return into(checked) if into else checked
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise RuleFileError.at(path.name, "", f"not found at {path}") from None
    return _validated(str(path), mtime, model, into)


@lru_cache(maxsize=64)
def _validated(path: str, _mtime: int, model: type[M], into: Callable[[M], Any] | None) -> Any:
    checked = validate(read_yaml(path), model, Path(path).name)
    return into(checked) if into else checked


def validate(data: Any, model: type[M], file: str, *, context: dict[str, Any] | None = None) -> M:
    """`data` (read from `file`) validated as `model`; a RuleFileError naming the file and entry otherwise."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise _error(exc, data, file) from None


ID_KEYS = ("id", "code", "key", "case")  # the keys that name a list entry in an error


def _label(node: Any, key: Any) -> tuple[str, Any]:
    """How one step of an error location is shown, and the data below it."""
    if isinstance(key, int) and isinstance(node, list):
        child = node[key] if 0 <= key < len(node) else None
        ident = next((child[k] for k in ID_KEYS if isinstance(child, dict) and child.get(k)), None)
        return (f"[{ident}]" if ident is not None else f"[#{key + 1}]"), child
    child = node.get(key) if isinstance(node, dict) else None
    return f".{key}", child


def entry_path(loc: tuple, data: Any) -> str:
    """A pydantic error location as a path of keys through `data`: list entries by their id or position."""
    out, node = "", data
    for key in loc:
        if isinstance(key, str) and (key.startswith("function-") or "[" in key):
            continue  # validator and union step names pydantic adds
        shown, node = _label(node, key)
        out += shown
    return out.lstrip(".")


PHRASES = {
    "missing": "is missing",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "date_type": "must be a date YYYY-MM-DD",
    "date_parsing": "must be a date YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date YYYY-MM-DD",
}


def _phrase(err: dict) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    got = "" if kind == "missing" else f", not {err.get('input')!r}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "literal_error" or kind == "enum":
        return f"must be {str(ctx.get('expected', '')).replace(chr(39), '')}{got}"
    if kind in ("too_short", "string_too_short"):
        return "must not be empty"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "")
        words = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<", "less_than_equal": "≤"}[kind]
        return f"must be {words} {bound}{got}"
    if kind in PHRASES:
        return PHRASES[kind] + got
    return f"{err['msg']}{got}"


def _is_entry(loc: tuple, data: Any) -> bool:
    """True when `loc` points at a mapping or list (a model's own check), not at a single value."""
    node = data
    for key in loc:
        if isinstance(key, str) and (key.startswith("function-") or "[" in key):
            continue
        node = _label(node, key)[1]
    return isinstance(node, dict | list)


def _error(exc: ValidationError, data: Any, file: str) -> RuleFileError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = tuple(first["loc"])
    field = loc[-1] if loc and isinstance(loc[-1], str) and not loc[-1].startswith("function-") else None
    reason = _phrase(first)
    at = (first.get("ctx") or {}).get("error")
    if isinstance(at, At):  # a model's check about an entry below it: the message is whole
        loc, reason = loc + at.path, at.message
    elif loc and loc[-1] == "[key]":  # a mapping's key (pydantic puts the key, then this marker)
        loc, reason = loc[:-2], f"key {reason}"
    elif field is not None and not (first["type"] == "value_error" and _is_entry(loc, data)):
        # a field's own problem reads "'field' is missing"; a model's own check names what it means
        named = first["type"] == "value_error" and reason.lstrip("'").startswith(field)  # says its field itself
        reason, loc = (reason if named else f"'{field}' {reason}"), loc[:-1]
    more = len(errors) - 1
    if more:
        reason += f" (and {more} more problem{'s' if more > 1 else ''})"
    return RuleFileError.at(file, entry_path(loc, data), reason)
