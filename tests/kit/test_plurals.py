import pytest

from text4baby_ru.kit.plurals import plural

RU = ("неделя", "недели", "недель")


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (0, "недель"),
        (1, "неделя"),
        (2, "недели"),
        (4, "недели"),
        (5, "недель"),
        (11, "недель"),
        (12, "недель"),
        (14, "недель"),
        (21, "неделя"),
        (22, "недели"),
        (25, "недель"),
        (101, "неделя"),
        (111, "недель"),
    ],
)
def test_russian_has_three_forms(n: int, word: str) -> None:
    assert plural(n, *RU) == word


def test_english_has_two_forms() -> None:
    assert [plural(n, "week", "weeks") for n in (0, 1, 2)] == ["weeks", "week", "weeks"]


def test_wrong_number_of_forms_is_refused() -> None:
    with pytest.raises(ValueError, match="two forms"):
        plural(1, "one")
