"""Access as a declared policy: per Workspace use case, the role it needs and how its organisation is found.

A Workspace method is declared with one of three decorators, and `POLICY` (method name -> its rules) is the
table a reader or a test consults:

- `@requires(role, what, via=kind, arg=name)`: before the method runs, the organisation owning the entity
  `kind` whose id is the argument `name` (a dotted name reads an attribute, e.g. `record.system_id`) is looked
  up and the acting user must hold `role` in it; otherwise PermissionDenied says `what` they may not do.
  `via="organisation"` means the argument is the organisation id itself. Several `requires` may be stacked;
  `optional=True` skips a rule whose argument is None or absent.
- `@checked_in_body(how)`: the method checks access itself, for a reason the text gives (creation by site
  administrators, a moved system, files shared between organisations, membership management).
- `@no_store_access(why)`: the method reads nothing of the store on its own, or only through other,
  declared methods.

`tests/unit/test_workspace_policy.py` checks that every public Workspace method is declared.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mlps.rules.auth import Role

OWNER_KINDS = ("organisation", "system", "grading", "assessment", "result", "attachment", "task", "hazard")


@dataclass(frozen=True)
class Rule:
    """One access rule of a use case. `role` None: the method checks in its body (`how` says what)."""

    role: Role | None
    what: str
    via: str | None = None
    arg: str | None = None
    optional: bool = False


POLICY: dict[str, list[Rule]] = {}


def _declare(fn: Callable, rule: Rule) -> None:
    # Decorators apply bottom-up; insert first so the table lists rules in the order they are checked.
    POLICY.setdefault(fn.__name__, []).insert(0, rule)


def _argument(bound: inspect.BoundArguments, dotted: str) -> Any:
    name, *attrs = dotted.split(".")
    args = bound.arguments
    if name in args:
        value = args[name]
    else:  # passed through **kwargs
        params = bound.signature.parameters
        extra = next((v for p, v in args.items() if params[p].kind is inspect.Parameter.VAR_KEYWORD), {})
        value = extra.get(name)
    for attr in attrs:
        value = None if value is None else getattr(value, attr)
    return value


def requires(role: Role, what: str, *, via: str, arg: str, optional: bool = False):
    """Declare (and enforce before the call) that the acting user holds `role` in the organisation owning the
    `via` entity named by argument `arg`."""
    if via not in OWNER_KINDS:
        raise ValueError(f"unknown owner kind {via!r}; known: {', '.join(OWNER_KINDS)}")
    rule = Rule(role, what, via, arg, optional)

    def decorate(fn: Callable) -> Callable:
        sig = inspect.signature(fn)
        _declare(fn, rule)

        @functools.wraps(fn)
        def checked(self, *args, **kwargs):
            bound = sig.bind(self, *args, **kwargs)
            entity = _argument(bound, arg)
            if entity is None and optional:
                return fn(self, *args, **kwargs)
            self._need(via, entity, role, what)
            return fn(self, *args, **kwargs)

        return checked

    return decorate


def checked_in_body(how: str):
    """Declare that the method checks access itself; `how` says how."""

    def decorate(fn: Callable) -> Callable:
        _declare(fn, Rule(None, how))
        return fn

    return decorate


def no_store_access(why: str):
    """Declare that the method needs no check of its own; `why` says why (e.g. it calls declared methods)."""

    def decorate(fn: Callable) -> Callable:
        _declare(fn, Rule(None, why, via="none"))
        return fn

    return decorate
