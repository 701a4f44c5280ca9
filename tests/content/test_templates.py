import pytest
from hypothesis import given
from hypothesis import strategies as st

from text4baby_ru.content.templates import (
    Stage,
    TemplateProblem,
    problems_in,
    render,
    validate,
)


def test_russian_plurals_render_right_for_every_week() -> None:
    text = 'Вам {{ week }} {{ week | plural("неделя", "недели", "недель") }}'
    assert render(text, {"week": 21}) == "Вам 21 неделя"
    assert render(text, {"week": 22}) == "Вам 22 недели"
    assert render(text, {"week": 25}) == "Вам 25 недель"
    assert render(text, {"week": 11}) == "Вам 11 недель"


def test_english_plural() -> None:
    text = '{{ weeks_left }} {{ weeks_left | plural("week", "weeks") }} to go'
    assert render(text, Stage("pregnancy", 39).context()) == "1 week to go"
    assert render(text, Stage("pregnancy", 30).context()) == "10 weeks to go"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{{ week.__class__.__mro__ }}", "attribute"),
        ("{{ week['x'] }}", "attribute"),
        ("{{ 'a' * 10**8 }}", "arithmetic"),
        ("{{ week + 1 }}", "arithmetic"),
        ("{% for i in range(9) %}x{% endfor %}", "loops"),
        ("{{ range(10) }}", "calling"),
        ("{{ settings }}", "unknown variable 'settings'"),
        ("{{ week | upper }}", "filter 'upper'"),
        ('{{ week | plural(week, "weeks") }}', "plural needs"),
        ("{% set x = 1 %}", "not allowed"),
        ("{{ week }", "syntax error"),
        ("{% include 'x' %}", "not allowed"),
    ],
)
def test_dangerous_or_unknown_syntax_is_refused_with_the_reason(text: str, reason: str) -> None:
    problems = problems_in(text)
    assert problems and reason in problems[0]
    with pytest.raises(TemplateProblem):
        validate(text)


def test_simple_conditions_are_allowed() -> None:
    text = "{% if week >= 37 %}Срок доношенный.{% else %}Ещё рано.{% endif %}"
    validate(text)
    assert render(text, {"week": 38}) == "Срок доношенный."


def test_a_missing_value_is_an_error_not_a_gap() -> None:
    with pytest.raises(TemplateProblem):
        render("Неделя {{ week }}", {})


PIECES = st.sampled_from(
    [
        "{{ week }}",
        "{{ weeks_left }}",
        '{{ week | plural("неделя", "недели", "недель") }}',
        "{{ name }}",
        "{{ week.real }}",
        "{% if week > 3 %}",
        "{% endif %}",
        "{% for x in y %}",
        "{{",
        "}}",
        "{#",
        "#}",
        " неделя ",
    ]
)
TEXTS = st.text(max_size=200) | st.lists(PIECES | st.text(max_size=8), max_size=8).map("".join)


@given(TEXTS)
def test_any_text_is_either_refused_with_reasons_or_renders_to_plain_text(text: str) -> None:
    problems = problems_in(text)
    if problems:
        assert all(isinstance(p, str) and p.strip() for p in problems)
        with pytest.raises(TemplateProblem):
            validate(text)
        return
    validate(text)  # what lint accepts, saving accepts
    rendered = render(text, Stage("pregnancy", 20).context())
    assert "{{" not in rendered and "{%" not in rendered
    if not any(mark in text for mark in ("{{", "{%", "{#")):
        # Plain text comes out as written (Jinja's newlines are \n; the edges are trimmed).
        assert rendered == text.replace("\r\n", "\n").replace("\r", "\n").strip()
    for variable in ("{{ week }}", "{{ weeks_left }}"):
        if text == variable:
            assert rendered == "20"
