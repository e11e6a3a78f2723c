"""Vietnamese text handling: NFC normalisation, diacritic folding, collation.

The one place for these rules; search, sorting and input cleaning all call here.
"""

import re
import unicodedata
from functools import lru_cache

# Vietnamese alphabet order; f, j, w, z appear in loanwords and take their Latin place.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tone marks in the order Vietnamese dictionaries use: none, huyền, hỏi, ngã, sắc, nặng.
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a distinct letter (ă â ê ô ơ ư) rather than a tone.
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}

_WORD = re.compile(r"\w+", re.UNICODE)


def nfc(value: str) -> str:
    """Return the NFC form of value: the form every stored text takes."""
    return unicodedata.normalize("NFC", value)


def clean(value: str) -> str:
    """NFC-normalise and strip; the standard treatment of user text on the way in. NUL characters
    go: no database stores them in text (PostgreSQL refuses them)."""
    return nfc(value).replace("\x00", "").strip()


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":  # đ does not decompose in Unicode, so fold it by hand.
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    # Keep one output character per input character so positions map back for highlighting.
    return (base[:1] or char).lower()


def fold(value: str) -> str:
    """Lower-case, remove diacritics and map đ to d, keeping the string's length.

    "Thủ Đức" -> "thu duc". Input in NFD is normalised to NFC first.
    """
    return "".join(_fold_char(c) for c in nfc(value))


def words(value: str) -> list[str]:
    """The word tokens of value in NFC, lower-case, diacritics kept."""
    return _WORD.findall(nfc(value).lower())


def folded_words(value: str) -> list[str]:
    """The word tokens of value, folded: the terms a search matches on."""
    return _WORD.findall(fold(value))


@lru_cache(maxsize=4096)
def _char_weights(char: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", char.lower())
    base, marks = decomposed[:1], decomposed[1:]
    letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in LETTER_MARKS))
    tone = next((TONES[m] for m in marks if m in TONES), 0)
    if char.lower() == "đ":
        letter = "đ"
    if letter in ALPHABET:
        return f"{ALPHABET.index(letter) + 20:02d}", tone
    if letter.isdigit():
        return f"1{letter}", tone
    if not letter.isalnum():
        return "01", 0  # spaces and punctuation separate words and sort first
    return "99", tone  # letters outside the Vietnamese alphabet sort after it


def sort_key(value: str) -> str:
    """A key whose plain code-point order is Vietnamese dictionary order.

    Letters compare first (a < ă < â, d < đ, u < ư ...), then tones (none, huyền,
    hỏi, ngã, sắc, nặng). The key uses only ASCII digits so any database
    collation orders it the same way.
    """
    primary, secondary = [], []
    for char in nfc(value).strip():
        weight, tone = _char_weights(char)
        primary.append(weight)
        secondary.append(str(tone))
    # "00" is below every letter weight, so a prefix sorts before its extensions.
    return "".join(primary) + "00" + "".join(secondary)


def highlight_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Character spans of text where any folded term starts a word, merged and sorted."""
    folded = fold(text)
    spans = []
    for term in terms:
        for match in re.finditer(r"(?<!\w)" + re.escape(term), folded):
            spans.append((match.start(), match.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
