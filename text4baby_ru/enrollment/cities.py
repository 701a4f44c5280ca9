"""Russian cities and regions, in Russian or Latin letters, to IANA time zones.

A phone number cannot tell her zone (phonenumbers gives every Russian zone for a mobile), so
she is asked for her city; an unknown place leaves her on Moscow time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text4baby_ru.clock import DEFAULT_ZONE
from text4baby_ru.enrollment.text import fold

# zone -> places: (Russian name, English name, other spellings...)
_PLACES: dict[str, list[tuple[str, ...]]] = {
    "Europe/Kaliningrad": [("Калининград", "Kaliningrad", "калининградская")],
    DEFAULT_ZONE: [
        ("Москва", "Moscow", "moskva", "московская", "мск", "подмосковье"),
        (
            "Санкт-Петербург",
            "Saint Petersburg",
            "st petersburg",
            "petersburg",
            "питер",
            "спб",
            "spb",
            "ленинградская",
            "петербург",
        ),
        ("Нижний Новгород", "Nizhny Novgorod", "нижегородская", "нн"),
        ("Казань", "Kazan", "татарстан", "tatarstan"),
        ("Ростов-на-Дону", "Rostov-on-Don", "ростов", "rostov", "ростовская"),
        ("Краснодар", "Krasnodar", "краснодарский", "кубань"),
        ("Сочи", "Sochi"),
        ("Воронеж", "Voronezh", "воронежская"),
        ("Ярославль", "Yaroslavl", "ярославская"),
        ("Тула", "Tula", "тульская"),
        ("Рязань", "Ryazan", "рязанская"),
        ("Мурманск", "Murmansk", "мурманская"),
        ("Архангельск", "Arkhangelsk", "архангельская"),
        ("Петрозаводск", "Petrozavodsk", "карелия"),
        ("Великий Новгород", "Veliky Novgorod", "новгородская"),
        ("Псков", "Pskov", "псковская"),
        ("Смоленск", "Smolensk", "смоленская"),
        ("Брянск", "Bryansk", "брянская"),
        ("Курск", "Kursk", "курская"),
        ("Белгород", "Belgorod", "белгородская"),
        ("Липецк", "Lipetsk", "липецкая"),
        ("Тамбов", "Tambov", "тамбовская"),
        ("Пенза", "Penza", "пензенская"),
        ("Владимир", "Vladimir", "владимирская"),
        ("Иваново", "Ivanovo", "ивановская"),
        ("Кострома", "Kostroma", "костромская"),
        ("Тверь", "Tver", "тверская"),
        ("Калуга", "Kaluga", "калужская"),
        ("Орёл", "Oryol", "орел", "orel", "орловская"),
        ("Вологда", "Vologda", "вологодская"),
        ("Череповец", "Cherepovets"),
        ("Сыктывкар", "Syktyvkar", "коми"),
        ("Киров", "Kirov", "кировская"),
        ("Чебоксары", "Cheboksary", "чувашия"),
        ("Йошкар-Ола", "Yoshkar-Ola", "марий эл"),
        ("Саранск", "Saransk", "мордовия"),
        ("Махачкала", "Makhachkala", "дагестан"),
        ("Грозный", "Grozny", "чечня"),
        ("Владикавказ", "Vladikavkaz", "северная осетия"),
        ("Нальчик", "Nalchik"),
        ("Ставрополь", "Stavropol", "ставропольский"),
        ("Волгоград", "Volgograd", "волгоградская"),
    ],
    "Europe/Samara": [
        ("Самара", "Samara", "самарская"),
        ("Тольятти", "Tolyatti", "togliatti"),
        ("Ижевск", "Izhevsk", "удмуртия"),
    ],
    "Europe/Ulyanovsk": [("Ульяновск", "Ulyanovsk", "ульяновская")],
    "Europe/Saratov": [("Саратов", "Saratov", "саратовская")],
    "Europe/Astrakhan": [("Астрахань", "Astrakhan", "астраханская")],
    "Asia/Yekaterinburg": [
        ("Екатеринбург", "Yekaterinburg", "ekaterinburg", "екб", "свердловская"),
        ("Челябинск", "Chelyabinsk", "челябинская"),
        ("Магнитогорск", "Magnitogorsk"),
        ("Уфа", "Ufa", "башкортостан", "башкирия"),
        ("Пермь", "Perm", "пермский"),
        ("Тюмень", "Tyumen", "тюменская"),
        ("Оренбург", "Orenburg", "оренбургская"),
        ("Курган", "Kurgan", "курганская"),
        ("Сургут", "Surgut"),
        ("Ханты-Мансийск", "Khanty-Mansiysk", "хмао", "югра"),
        ("Нижневартовск", "Nizhnevartovsk"),
        ("Салехард", "Salekhard", "янао", "ямал"),
        ("Новый Уренгой", "Novy Urengoy"),
    ],
    "Asia/Omsk": [("Омск", "Omsk", "омская")],
    "Asia/Novosibirsk": [("Новосибирск", "Novosibirsk", "новосибирская")],
    "Asia/Barnaul": [("Барнаул", "Barnaul", "алтайский", "горно-алтайск")],
    "Asia/Tomsk": [("Томск", "Tomsk", "томская")],
    "Asia/Novokuznetsk": [
        ("Кемерово", "Kemerovo", "кемеровская", "кузбасс"),
        ("Новокузнецк", "Novokuznetsk"),
    ],
    "Asia/Krasnoyarsk": [
        ("Красноярск", "Krasnoyarsk", "красноярский"),
        ("Абакан", "Abakan", "хакасия"),
        ("Кызыл", "Kyzyl", "тыва", "тува"),
        ("Норильск", "Norilsk"),
    ],
    "Asia/Irkutsk": [
        ("Иркутск", "Irkutsk", "иркутская"),
        ("Братск", "Bratsk"),
        ("Ангарск", "Angarsk"),
        ("Улан-Удэ", "Ulan-Ude", "бурятия"),
    ],
    "Asia/Chita": [("Чита", "Chita", "забайкальский", "забайкалье")],
    "Asia/Yakutsk": [
        ("Якутск", "Yakutsk", "якутия", "саха"),
        ("Благовещенск", "Blagoveshchensk", "амурская"),
    ],
    "Asia/Vladivostok": [
        ("Владивосток", "Vladivostok", "приморский", "приморье"),
        ("Уссурийск", "Ussuriysk"),
        ("Находка", "Nakhodka"),
        ("Хабаровск", "Khabarovsk", "хабаровский"),
        ("Комсомольск-на-Амуре", "Komsomolsk-on-Amur", "комсомольск"),
        ("Биробиджан", "Birobidzhan", "еврейская"),
    ],
    "Asia/Magadan": [("Магадан", "Magadan", "магаданская")],
    "Asia/Sakhalin": [("Южно-Сахалинск", "Yuzhno-Sakhalinsk", "сахалин", "sakhalin")],
    "Asia/Kamchatka": [
        (
            "Петропавловск-Камчатский",
            "Petropavlovsk-Kamchatsky",
            "камчатка",
            "камчатский",
            "kamchatka",
            "петропавловск",
        ),
    ],
    "Asia/Anadyr": [("Анадырь", "Anadyr", "чукотка", "chukotka")],
}

_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)
_NOISE = re.compile(
    r"\b(?:г|гор|город|city|town|я|живу|мы|в|во|из|in|from|i|live|обл|область|oblast|region|"
    r"край|krai|республика|республики|респ|republic|автономный|округ|ао|рф|россия|russia)\b"
)


@dataclass(frozen=True)
class Place:
    """A recognised place: its names in both languages and its time zone."""

    name_ru: str
    name_en: str
    zone: str

    def name(self, language: str) -> str:
        """The place's name in the subscriber's language."""
        return self.name_ru if language == "ru" else self.name_en


def _key(text: str) -> str:
    return " ".join(_NOISE.sub(" ", re.sub(r"[-./]", " ", fold(text))).split())


def _index() -> dict[str, Place]:
    index: dict[str, Place] = {}
    for zone, places in _PLACES.items():
        for name_ru, name_en, *others in places:
            place = Place(name_ru, name_en, zone)
            for spelling in (name_ru, name_en, *others):
                key = _key(spelling)
                index.setdefault(key, place)
                index.setdefault(key.translate(_TRANSLIT), place)
    return index


_INDEX = _index()


def _stem_match(key: str) -> Place | None:
    """Forgive Russian case endings: "в Москве", "из Новосибирска", "Красноярском крае"."""
    for name, place in _INDEX.items():
        if len(name) >= 5 and key[: len(name) - 2] == name[:-2] and abs(len(key) - len(name)) <= 3:
            return place
    return None


def find(text: str) -> Place | None:
    """The place a text names, or None."""
    key = _key(text)
    if not key or len(key) > 40:
        return None
    # A short text may name the place among other words ("республика Саха (Якутия)").
    words = key.split() if len(key.split()) <= 4 else []
    for candidate in (key, *words):
        place = _INDEX.get(candidate) or _INDEX.get(candidate.translate(_TRANSLIT))
        if place is None and len(candidate) >= 4:
            place = _stem_match(candidate)
        if place is not None:
            return place
    return None
