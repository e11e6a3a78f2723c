import unicodedata

from sangtao.core.text import clean, fold, folded_words, highlight_spans, sort_key


def test_fold_removes_diacritics_and_maps_d_with_stroke():
    assert fold("Thủ Đức") == "thu duc"
    assert fold("đường Nguyễn Huệ") == "duong nguyen hue"


def test_fold_accepts_nfd_input_and_keeps_length():
    nfd = unicodedata.normalize("NFD", "Nguyễn")
    assert len(nfd) == 8
    assert fold(nfd) == "nguyen"
    assert len(fold("Nguyễn Thị Ánh")) == len(clean("Nguyễn Thị Ánh"))


def test_clean_normalises_to_nfc_and_strips():
    value = clean("  " + unicodedata.normalize("NFD", "Nguyễn") + " ")
    assert value == "Nguyễn" and len(value) == 6


def test_vietnamese_collation_orders_letters_then_tones():
    names = ["Ư", "Đà Nẵng", "Ánh", "Dương", "U", "Anh", "Ăn", "Ấp", "Bình", "Hạ", "Hà", "Ha", "Há", "Hả", "Hã"]
    assert sorted(names, key=sort_key) == [
        "Anh", "Ánh", "Ăn", "Ấp", "Bình", "Dương", "Đà Nẵng", "Ha", "Hà", "Hả", "Hã", "Há", "Hạ", "U", "Ư",
    ]


def test_collation_puts_a_prefix_before_longer_words_and_ignores_case():
    assert sorted(["anh ba", "Anh", "Anhb"], key=sort_key) == ["Anh", "anh ba", "Anhb"]
    assert sort_key("phường") == sort_key("PHƯỜNG")


def test_collation_key_is_plain_ascii_so_databases_order_it_the_same():
    assert sort_key("Đặc khu Côn Đảo").isascii()
    assert sort_key("Đặc khu Côn Đảo").isdigit()


def test_folded_words_split_on_punctuation():
    assert folded_words("Chống ngập, thoát-nước!") == ["chong", "ngap", "thoat", "nuoc"]


def test_highlight_spans_map_back_to_original_text():
    text = "Đường ngập ở Thủ Đức"
    spans = highlight_spans(text, ["duong", "duc"])
    assert [text[a:b] for a, b in spans] == ["Đường", "Đức"]


def test_every_model_form_stores_its_texts_composed_and_stripped():
    from sangtao.challenges.forms import IndicatorForm

    form = IndicatorForm({"name": "  Thơ\u0300i gian chơ\u0300 ", "unit_of_measure": "phu\u0301t"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["name"], form.cleaned_data["unit_of_measure"]) == ("Thời gian chờ", "phút")


def test_a_password_set_through_a_model_form_is_kept_exactly_as_typed(db):
    from sangtao.orgs.forms import UserForm

    typed = " Ma\u0323\u0302t khâ\u0309u "  # combining marks, spaces at both ends: as the sign-in form takes it
    form = UserForm({"username": "nguoi-moi", "email": "moi@example.org", "language": "vi", "password": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["password"] == typed
