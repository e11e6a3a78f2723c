"""Vietnamese text handling: NFC normalisation, diacritic folding, collation.

The one place for these rules; search, sorting and input cleaning all call here.
"""

import re
import unicodedata
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

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


PHONE = re.compile(r"\+?[0-9 ().-]+")
PHONE_DIGITS = (3, 15)  # a short service number (the city's 1022) to an international one (E.164: 15)


PHONE_MESSAGE = _("Số điện thoại gồm 3 đến 15 chữ số, có thể có dấu + ở đầu, khoảng trắng, dấu chấm, gạch ngang "
                  "hoặc ngoặc (ví dụ 1022, 028 3829 1234, +84 912 345 678).")


def is_phone_number(value: str) -> bool:
    """A telephone number as people write it: ASCII digits, an optional leading +, and spaces, dots,
    hyphens or brackets between them."""
    digits = sum(ch in "0123456789" for ch in value)
    return bool(PHONE.fullmatch(value)) and PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]


def storable(value: str) -> bool:
    """Whether every database stores value as it is: no NUL character (PostgreSQL refuses it in text and
    in JSON) and no lone surrogate ("\\ud800" in JSON decodes to one; it has no UTF-8 form)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":  # đ does not decompose in Unicode, so fold it by hand.
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    # Keep one output character per input character so positions map back for highlighting.
    return (base[:1] or char).lower()


class _FoldTable(dict):
    """str.translate's table, filled as characters are met: folding runs at C speed."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(value: str) -> str:
    """Lower-case, remove diacritics and map đ to d, keeping the string's length.

    "Thủ Đức" -> "thu duc". Input in NFD is normalised to NFC first.
    """
    return nfc(value).translate(_FOLD_TABLE)


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


# Abbreviations of the administration, folded, and the folded words they stand for: "TTHC" and
# "thủ tục hành chính" are the same terms to a search that expands both.
ABBREVIATIONS = {
    "tthc": "thu tuc hanh chinh", "ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan",
    "dvc": "dich vu cong", "dvctt": "dich vu cong truc tuyen", "cchc": "cai cach hanh chinh",
    "hcc": "hanh chinh cong", "cntt": "cong nghe thong tin", "csdl": "co so du lieu", "cds": "chuyen doi so",
    "dmst": "doi moi sang tao", "khcn": "khoa hoc cong nghe", "khdt": "ke hoach dau tu",
    "tnmt": "tai nguyen moi truong", "gtvt": "giao thong van tai", "gddt": "giao duc dao tao",
    "ldtbxh": "lao dong thuong binh xa hoi", "bhyt": "bao hiem y te", "bhxh": "bao hiem xa hoi",
    "cccd": "can cuoc cong dan", "cmnd": "chung minh nhan dan", "pccc": "phong chay chua chay",
    "attp": "an toan thuc pham", "gplx": "giay phep lai xe", "gpxd": "giay phep xay dung",
    "qsdd": "quyen su dung dat", "gcn": "giay chung nhan", "vbqppl": "van ban quy pham phap luat",
    "ttyt": "trung tam y te", "tyt": "tram y te", "bv": "benh vien", "dn": "doanh nghiep",
    "hkd": "ho kinh doanh", "kcn": "khu cong nghiep", "mttq": "mat tran to quoc", "tp": "thanh pho",
    "tphcm": "thanh pho ho chi minh", "hcm": "ho chi minh", "nsnn": "ngan sach nha nuoc",
    "vphc": "vi pham hanh chinh", "atgt": "an toan giao thong", "ttatgt": "trat tu an toan giao thong",
    "thcs": "trung hoc co so", "thpt": "trung hoc pho thong", "nld": "nguoi lao dong",
    "nct": "nguoi cao tuoi", "ktxh": "kinh te xa hoi", "qlda": "quan ly du an", "clb": "cau lac bo",
}
_AMPERSAND = re.compile(r"(?<=\w)\s*&\s*(?=\w)")  # "KH&CN", "TN & MT": one abbreviation


def search_words(value: str, skip: frozenset[str] = frozenset()) -> list[str]:
    """Folded words with the administration's abbreviations spelled out ("UBND" -> "uy ban nhan dan"),
    the words a similarity search compares. `skip`: words left out as written, diacritics kept
    (function words: "chờ" and "chợ" fold to the function word "cho" and must stay)."""
    text = _AMPERSAND.sub("", nfc(value).lower())
    exact, folded_ = _WORD.findall(text), _WORD.findall(text.translate(_FOLD_TABLE))
    if len(exact) != len(folded_):  # folding keeps every letter a letter; this is only a safeguard
        folded_ = [fold(word) for word in exact]
    found: list[str] = []
    for word, folded in zip(exact, folded_, strict=True):
        if word in skip:
            continue
        expansion = ABBREVIATIONS.get(folded)
        found.extend(expansion.split() if expansion else (folded,))
    return found


def shingles(words_: list[str]) -> list[str]:
    """The words and each pair of neighbours ("thu tuc", "tuc hanh"): Vietnamese writes a word as
    several syllables, so a pair of syllables is often the word itself."""
    return words_ + [f"{a} {b}" for a, b in zip(words_, words_[1:], strict=False)]
