"""The initiative's papers (receipt... decision, certificate) and the city's annual report are A4 and
carry every Vietnamese letter as written: each vowel with each of the six tones, in both cases, and đ."""

import io
import unicodedata

import pytest
from pypdf import PdfReader

from sangtao.initiatives import papers, services
from sangtao.initiatives.tests.conftest import initiative_data, seat_council, vote_all

pytestmark = pytest.mark.django_db

TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # none, huyền, sắc, hỏi, ngã, nặng
VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
# One word per vowel (with its six tones), so a line may break between them.
LETTERS = " ".join("".join(unicodedata.normalize("NFC", v + t) for t in TONES) for v in VOWELS) + " đ"
EVERY = f"{LETTERS} {LETTERS.upper()}"


def text_of(content: bytes) -> tuple[str, tuple[int, int]]:
    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    text = unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))
    return " ".join(text.split()), (round(float(box.width)), round(float(box.height)))


def test_every_letter_is_in_the_alphabet_under_test():
    assert len(LETTERS.replace(" ", "")) == 73 and len(set(LETTERS.replace(" ", ""))) == 73


def test_the_decision_and_the_certificate_are_a4_with_their_numbers_and_every_letter(officer, health, leader, panel):
    draft = services.create_draft(officer, initiative_data(health, officer, title=f"Sáng kiến {EVERY}"))
    council = services.form_council(services.submit(draft, officer), leader)
    council = seat_council(council, leader, panel)
    vote_all(council, panel, in_favour=5)
    council = services.decide(council, leader)
    for paper, number in ((papers.certificate_pdf(council), council.certificate_number),
                          (papers.decision_pdf(council), council.decision_number)):
        text, size = text_of(paper)
        assert size == (595, 842)  # A4 in points
        assert number and number in text
        assert LETTERS in text and LETTERS.upper() in text
