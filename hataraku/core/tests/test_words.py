"""Complete English (issue 10, item 10): people's words marked lang="ja" on English pages, and durations,
dates, categories, prefectures and notices in the reader's language."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from hataraku.core import notifications, prefectures
from hataraku.core.durations import duration_text, per_week
from hataraku.core.money import format_yen_range
from hataraku.core.words import compose, theirs
from hataraku.jobs.categories import category_label


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_a_persons_words_are_marked_japanese_only_on_a_page_in_another_language() -> None:
    # given a job title somebody wrote
    title = "絵本の<校正>"
    # when it is shown on a Japanese page, then it is only escaped
    with translation.override("ja"):
        assert render("{{ t|ja }}", t=title) == "絵本の&lt;校正&gt;"
    # when it is shown on an English page, then it carries lang="ja" (WCAG 3.1.2), still escaped
    with translation.override("en"):
        assert render("{{ t|ja }}", t=title) == '<span lang="ja">絵本の&lt;校正&gt;</span>'
        assert render("{{ t|ja }}", t="") == ""


def test_a_sentence_quoting_a_persons_words_is_plain_text_and_marked_html() -> None:
    # given an English sentence that quotes a job title
    with translation.override("en"):
        phrase = compose("Review “%(title)s” (%(n)d)", {"title": theirs("検収<です>"), "n": 2})
    # then as text it is the plain sentence (CSV, PDF, e-mail), and in a template the title is marked
    assert phrase == "Review “検収<です>” (2)"
    assert render("{{ p }}", p=phrase) == 'Review “<span lang="ja">検収&lt;です&gt;</span>” (2)'
    assert render("{% autoescape off %}{{ p }}{% endautoescape %}", p=phrase) == "Review “検収<です>” (2)"


def test_durations_follow_the_language() -> None:
    assert [duration_text(m) for m in (315, 45, 720)] == ["5時間15分", "45分", "12時間"]
    assert per_week(90) == "週1時間30分"
    with translation.override("en"):
        assert [duration_text(m) for m in (315, 45, 720)] == ["5 h 15 min", "45 min", "12 h"]
        assert per_week(90) == "1 h 30 min a week"
        assert render('{{ h|duration:"hours" }} / {{ m|duration }}', h=3, m=75) == "3 h / 1 h 15 min"


def test_amount_ranges_use_the_languages_dash() -> None:
    assert format_yen_range(12000, 18000) == "¥12,000〜¥18,000"
    with translation.override("en"):
        assert format_yen_range(12000, 18000) == "¥12,000–¥18,000"
        assert format_yen_range(8000, 8000) == "¥8,000"


def test_category_and_prefecture_names_follow_the_language() -> None:
    with translation.override("en"):
        assert category_label("校正・校閲") == "Proofreading and copy-editing"
        assert category_label("誰かが足した名前") == "誰かが足した名前"
        assert prefectures.name("20") == "Nagano"
        assert dict(prefectures.CHOICES)["20"] == "Nagano"
    with translation.override("ja"):
        assert category_label("校正・校閲") == "校正・校閲"
        assert dict(prefectures.CHOICES)["20"] == "長野県"


def test_a_notice_shows_dates_durations_and_words_in_the_readers_language() -> None:
    # given a stored notice: a date as ISO text, minutes, an amount and a contract title
    params = {"start": "2026-11-30", "minutes": 315, "due": "2026-12-07"}
    code = "contracts.week_submitted"
    # when it is read in English
    with translation.override("en"):
        _title, body = notifications.render(code, params)
    # then the date and the time are English; nothing of the stored values is left in Japanese form
    assert body.startswith("Week from Nov 30, 2026: 5 h 15 min.")
    assert "Dec 7, 2026" in body
    # and in Japanese they read as before
    with translation.override("ja"):
        _title, body = notifications.render(code, params)
    assert body.startswith("2026年11月30日からの週: 5時間15分。")
    # and a title somebody wrote is marked on the English page, an amount is not
    with translation.override("en"):
        _title, body = notifications.render(
            "contracts.bonus_paid", {"title": "紹介文", "amount": "5,000", "net": "3,390"}
        )
        html = render("{{ b }}", b=body)
    assert '<span lang="ja">紹介文</span>' in html and "5,000 yen" in html and 'lang="ja">5,000' not in html
