import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from danvan.core.text import fold, search_terms

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ "
)
words = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper(), max_size=40)


def test_known_names():
    assert fold("Tỉnh Khánh Hòa") == "tinh khanh hoa"
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("ĐẮK LẮK") == "dak lak"
    assert fold("  Phường   Nha  Trang ") == "phuong nha trang"
    assert fold(None) == ""


def test_old_and_new_accent_placement_fold_alike():
    # "Hoà" (old style) and "Hòa" (new style) are the same name.
    assert fold("Khánh Hoà") == fold("Khánh Hòa")


@given(words)
def test_nfc_and_nfd_fold_alike(text):
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


@given(words)
def test_fold_is_idempotent_and_ascii_for_vietnamese(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.isascii()
    assert "đ" not in folded


@given(words)
def test_case_does_not_matter(text):
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


@given(words)
def test_search_terms_are_the_folded_words(text):
    assert " ".join(search_terms(text)) == fold(text)
