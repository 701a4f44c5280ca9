"""Sandboxed templates: an allow-list of syntax when saved, strict rendering when sent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from text4baby_ru.kit.plurals import plural

TIP_VARIABLES = ("week", "weeks_left", "baby_age_months", "due_date", "birth_date")
NUMBER_VARIABLES = frozenset({"week", "weeks_left", "baby_age_months"})
MAX_LITERAL = 40  # longer string or bigger number literals are not needed in an SMS
# Checked on the tokens before parsing: the parser recurses once per bracket, `not` and block,
# so a few hundred of them cost seconds of CPU or end in RecursionError.
MAX_TOKENS = 40  # parts of one {{ }} or {% %}; plural with three Russian forms needs 10
MAX_BRACKETS = 3  # brackets open at once inside one tag
MAX_BLOCKS = 3  # {% if %} open at once
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
_OUTSIDE = {"data", "whitespace", "comment_begin", "comment", "comment_end", "raw_begin"}


class TemplateProblem(ValueError):
    """A template is refused; the message says exactly why."""


def _plural_filter(n: Any, *forms: str) -> str:
    return plural(int(n), *forms)


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    env.filters = {"plural": _plural_filter}
    env.tests = {}
    env.globals = {}
    return env


_ENV = _environment()


def _check(node: nodes.Node, allowed: frozenset[str], problems: list[str]) -> None:
    """Walk the syntax tree and refuse everything that is not on the allow-list."""
    if isinstance(node, nodes.Template | nodes.Output):
        pass
    elif isinstance(node, nodes.TemplateData):
        return
    elif isinstance(node, nodes.Name):
        if node.ctx != "load":
            problems.append(f"assigning to '{node.name}' is not allowed")
        elif node.name not in allowed:
            problems.append(
                f"unknown variable '{node.name}'; allowed: {', '.join(sorted(allowed))}"
            )
        return
    elif isinstance(node, nodes.Const):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | str):
            problems.append(f"the literal {value!r} is not allowed")
        elif (isinstance(value, int) and abs(value) > 10_000) or len(str(value)) > MAX_LITERAL:
            problems.append(f"the literal {str(value)[:20]!r} is too large")
        return
    elif isinstance(node, nodes.Filter):
        if node.name != "plural":
            problems.append(f"the filter '{node.name}' is not allowed; only plural")
            return
        if node.kwargs or node.dyn_args or node.dyn_kwargs:
            problems.append("plural takes only plain word arguments")
        if isinstance(node.node, nodes.Name) and node.node.name not in NUMBER_VARIABLES:
            problems.append(
                f"plural needs a number ({', '.join(sorted(NUMBER_VARIABLES))}), "
                f"not '{node.node.name}'"
            )
        if len(node.args) not in (2, 3) or not all(
            isinstance(a, nodes.Const) and isinstance(a.value, str) for a in node.args
        ):
            problems.append(
                'plural needs 2 (English) or 3 (Russian) quoted words: plural("week", "weeks")'
            )
        if node.node is not None:
            _check(node.node, allowed, problems)
        return
    elif isinstance(node, nodes.If):
        for child in (node.test, *node.body, *node.elif_, *node.else_):
            _check(child, allowed, problems)
        return
    elif isinstance(node, nodes.Compare | nodes.Operand | nodes.And | nodes.Or | nodes.Not):
        pass
    elif isinstance(node, nodes.Getattr | nodes.Getitem):
        problems.append("attribute and item access (. and []) are not allowed")
        return
    elif isinstance(node, nodes.For):
        problems.append("loops are not allowed")
        return
    elif isinstance(node, nodes.BinExpr | nodes.UnaryExpr | nodes.Concat):
        problems.append("arithmetic and concatenation are not allowed")
        return
    elif isinstance(node, nodes.Call):
        problems.append("calling functions is not allowed")
        return
    else:
        problems.append(f"'{type(node).__name__}' is not allowed in a message")
        return
    for child in node.iter_child_nodes():
        _check(child, allowed, problems)


def _too_large(text: str) -> str | None:
    """Why the template is too large to parse (read token by token, without recursion)."""
    tokens = brackets = blocks = 0
    first_in_block = False
    for _, kind, value in _ENV.lex(text):
        if kind in ("variable_begin", "block_begin"):
            tokens = brackets = 0
            first_in_block = kind == "block_begin"
            continue
        if kind in _OUTSIDE or kind in ("variable_end", "block_end"):
            continue
        if kind == "operator":
            brackets += (value in _OPEN) - (value in _CLOSE)
        if brackets > MAX_BRACKETS:
            return f"brackets are nested more than {MAX_BRACKETS} deep"
        tokens += 1
        if tokens > MAX_TOKENS:
            return f"an expression has more than {MAX_TOKENS} parts"
        if first_in_block and kind == "name":
            blocks += (value == "if") - (value == "endif")
            if blocks > MAX_BLOCKS:
                return f"{{% if %}} is nested more than {MAX_BLOCKS} deep"
        first_in_block = False
    return None


def problems_in(text: str, allowed: Iterable[str] = TIP_VARIABLES) -> list[str]:
    """Every reason to refuse this template (empty when it is acceptable)."""
    try:
        if (too_large := _too_large(text)) is not None:
            return [too_large]
        tree = _ENV.parse(text)
    except TemplateSyntaxError as error:
        return [f"template syntax error on line {error.lineno}: {error.message}"]
    problems: list[str] = []
    _check(tree, frozenset(allowed), problems)
    return list(dict.fromkeys(problems))


def validate(text: str, allowed: Iterable[str] = TIP_VARIABLES) -> None:
    """Raise TemplateProblem naming the first reason this template is refused."""
    problems = problems_in(text, allowed)
    if problems:
        raise TemplateProblem(problems[0])


@lru_cache(maxsize=4096)
def _compiled(text: str) -> Any:
    return _ENV.from_string(text)


def render(text: str, context: Mapping[str, object]) -> str:
    """Render an accepted template; a missing value is an error, never an empty gap."""
    try:
        return str(_compiled(text).render(**context)).strip()
    except (UndefinedError, SecurityError, TypeError, ValueError) as error:
        raise TemplateProblem(f"cannot render: {error}") from None


@dataclass(frozen=True)
class Stage:
    """Where a subscriber is: the values her messages may mention."""

    track: str | None
    week: int
    due_date: date | None = None
    birth_date: date | None = None

    def context(self) -> dict[str, object]:
        """Template variables for this stage (dates as dd.mm.yyyy)."""
        weeks_left = max(0, 40 - self.week) if self.track == "pregnancy" else 0
        return {
            "week": self.week,
            "weeks_left": weeks_left,
            "baby_age_months": self.week * 7 * 12 // 365 if self.track == "baby" else 0,
            "due_date": f"{self.due_date:%d.%m.%Y}" if self.due_date else "",
            "birth_date": f"{self.birth_date:%d.%m.%Y}" if self.birth_date else "",
        }
