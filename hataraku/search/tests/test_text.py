"""Normalisation and tokens: the rules both the index and the query follow."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hataraku.search.text import index_tokens, matches, normalise, query_terms


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ﾃﾞｰﾀ入力", "データ入力"),  # half-width katakana, voiced mark, long-vowel mark
        ("ＷＥＢ", "web"),  # full-width Latin and case
        ("Web", "web"),
        ("デ－タ", "データ"),  # full-width hyphen after katakana read as ー
        ("デ-タ", "データ"),
        ("デ―タ", "データ"),
        ("ｺﾝﾋﾟｭｰﾀｰ", "コンピューター"),
        ("１２３", "123"),
    ],
)
def test_normalise_makes_what_people_type_equal(typed: str, stored: str) -> None:
    # given the way a person typed a word, when it is normalised, then it is the stored form
    assert normalise(typed) == normalise(stored)


def test_hyphen_between_latin_letters_stays_a_separator() -> None:
    # given an English compound, when normalised, then its hyphen is not a long-vowel mark
    assert normalise("e-mail") == "e-mail"


def test_index_tokens_are_bigrams_in_order_with_the_last_character() -> None:
    assert index_tokens("翻訳 英語") == "翻訳 訳 英語 語"
    assert index_tokens("データ入力") == "デー ータ タ入 入力 力"


def test_query_words_are_split_on_any_space() -> None:
    # given a full-width space between the words, when parsed, then they are two words (ANDed)
    assert query_terms("翻訳\u3000英語") == [["翻訳"], ["英語"]]
    assert query_terms("Web-デザイン") == [["web", "デザイン"]]
    assert query_terms("!!") == []


def test_reference_meaning() -> None:
    assert matches("ホームページのデータ入力", "ﾃﾞｰﾀ 入力")
    assert not matches("ホームページのデータ入力", "データ 翻訳")
    assert not matches("デー タ", "データ")  # a word never spans a separator


@given(st.text(alphabet="アイウーａＢc-訳翻 ", max_size=30))
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)
