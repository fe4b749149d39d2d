from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from hataraku.core import clock, dates, limits
from hataraku.core.forms import FastSelect, YenField, interpolate_lazy
from hataraku.core.money import YEN_INPUT_MAX
from hataraku.core.prefectures import CHOICES as PREFECTURE_CHOICES
from hataraku.core.wages import WageFloor
from hataraku.profiles.forms import split_tags

from .categories import category_label
from .constants import DEFAULT_DECLINE_MESSAGE, MAX_PROPOSAL_MILESTONES, MeetingStyle, PayType
from .models import Category, Job
from .rendering import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS
from .selectors import ONSITE_REMOTE, JobFilters, category_choices
from .services import JobInput, MeetingInput, MilestoneInput, job_input_errors, proposal_input_errors


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:  # type: ignore[override]
        return str(obj)


class JobForm(forms.Form):
    title = limits.LimitedCharField(label=_("タイトル"), max_length=limits.JOB_TITLE)
    description_md = limits.LimitedCharField(
        label=_("仕事の内容"),
        max_length=limits.JOB_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=interpolate_lazy(
            _("Markdownで書けます(見出しは「## 」、箇条書きは「- 」、表は%(columns)s列・%(rows)s行まで)。"),
            {"columns": MAX_TABLE_COLUMNS, "rows": MAX_TABLE_ROWS},
        ),
    )
    category = CategoryChoiceField(
        label=_("カテゴリ"), queryset=Category.objects.filter(parent__isnull=False).select_related("parent")
    )
    skills = limits.LimitedCharField(
        label=_("求めるスキル"),
        required=False,
        max_length=limits.JOB_SKILLS,
        help_text=_("読点(、)かカンマで区切って入力してください。"),
    )
    pay_type = forms.ChoiceField(label=_("報酬の形式"), choices=PayType.choices, widget=forms.RadioSelect)
    budget_min = YenField(label=_("予算の下限(円・固定報酬)"), required=False)
    budget_max = YenField(
        label=_("予算の上限(円・固定報酬)"),
        required=False,
        help_text=_("金額はすべて消費税込みです。"),
    )
    hourly_rate_min = YenField(label=_("時給の下限(円・時間単価)"), required=False)
    hourly_rate_max = YenField(
        label=_("時給の上限(円・時間単価)"),
        required=False,
        help_text=_("金額はすべて消費税込みです。"),
    )
    weekly_hour_cap = forms.IntegerField(
        label=_("週の上限時間(時間単価)"), required=False, min_value=1, max_value=60
    )
    estimated_hours = forms.IntegerField(label=_("作業時間の目安(時間)"), min_value=0, max_value=10_000)
    deadline = dates.DateField(label=_("納期"))
    headcount = forms.IntegerField(
        label=_("募集人数"),
        initial=1,
        min_value=1,
        max_value=1_000,
        error_messages={
            "min_value": _("募集人数は1人以上にしてください。"),
            "max_value": _("募集人数は1000人までにしてください。"),
        },
    )
    proposal_deadline = dates.DateField(label=_("応募締切"))
    meeting_style = forms.ChoiceField(
        label=_("打ち合わせ"),
        choices=MeetingStyle.choices,
        widget=forms.RadioSelect,
        initial=MeetingStyle.NONE,
    )
    meeting_1 = dates.DateTimeField(label=_("通話の日時(1)"), required=False)
    meeting_2 = dates.DateTimeField(label=_("通話の日時(2)"), required=False)
    meeting_3 = dates.DateTimeField(label=_("通話の日時(3)"), required=False)
    meeting_minutes = forms.IntegerField(
        label=_("通話1回の長さ(分)"), required=False, initial=30, min_value=5, max_value=240
    )
    fixed_hours = forms.BooleanField(label=_("決まった時間帯に作業してもらう必要がある"), required=False)
    interruptible = forms.BooleanField(
        label=_("作業を途中で中断してもかまわない"), required=False, initial=True
    )
    min_block_minutes = forms.IntegerField(
        label=_("連続して必要な最短の作業時間(分)"), initial=30, min_value=0, max_value=24 * 60
    )
    beginner_welcome = forms.BooleanField(label=_("初心者歓迎"), required=False)
    accessibility_notes = limits.LimitedCharField(
        label=_("アクセシビリティについて"),
        required=False,
        max_length=limits.JOB_ACCESSIBILITY_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例: 資料は画面読み上げで読めるテキスト形式で渡します。"),
    )
    verified_only = forms.BooleanField(label=_("本人確認済みの方のみ応募できるようにする"), required=False)
    onsite_prefecture = forms.ChoiceField(
        label=_("現地での作業"),
        required=False,
        choices=[("", _("なし(在宅でできる仕事)")), *PREFECTURE_CHOICES],
        help_text=_("現地に行く作業がある場合は、その都道府県を選んでください。"),
    )

    @classmethod
    def initial_from(cls, job: Job) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(job, name) for name in cls.base_fields if hasattr(job, name)}
        data["category"] = job.category_id
        data["skills"] = "、".join(job.skills)
        meetings = list(job.meetings.all())
        for i, meeting in enumerate(meetings[:3], start=1):
            data[f"meeting_{i}"] = meeting.starts_at.astimezone(clock.TOKYO).replace(tzinfo=None)
        if meetings:
            data["meeting_minutes"] = meetings[0].minutes
        return data

    def job_input(self) -> JobInput:
        d = self.cleaned_data
        minutes = d.get("meeting_minutes") or 30
        meetings = [
            MeetingInput(starts_at=d[f"meeting_{i}"], minutes=minutes)
            for i in (1, 2, 3)
            if d.get(f"meeting_{i}")
        ]
        return JobInput(
            title=d["title"],
            description_md=d["description_md"],
            category=d["category"],
            skills=split_tags(d.get("skills", "")),
            pay_type=d["pay_type"],
            budget_min=d.get("budget_min"),
            budget_max=d.get("budget_max"),
            hourly_rate_min=d.get("hourly_rate_min"),
            hourly_rate_max=d.get("hourly_rate_max"),
            weekly_hour_cap=d.get("weekly_hour_cap"),
            estimated_hours=d["estimated_hours"],
            deadline=d["deadline"],
            headcount=d["headcount"],
            proposal_deadline=d["proposal_deadline"],
            meeting_style=d["meeting_style"],
            meetings=meetings,
            fixed_hours=d.get("fixed_hours", False),
            interruptible=d.get("interruptible", False),
            min_block_minutes=d["min_block_minutes"],
            beginner_welcome=d.get("beginner_welcome", False),
            accessibility_notes=d.get("accessibility_notes", ""),
            verified_only=d.get("verified_only", False),
            onsite_prefecture=d.get("onsite_prefecture", ""),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        for field_name, message in job_input_errors(self.job_input()):
            self.add_error(field_name, message)
        return data


class JobFilterForm(forms.Form):
    """The job list's filters, read from the query string (GET), so a search can be shared, bookmarked
    and saved. Grouped into fieldsets (`groups`) by jobs/_job_filter_form.html."""

    template_name = "jobs/_job_filter_form.html"

    q = limits.LimitedCharField(label=_("キーワード"), required=False, max_length=limits.JOB_SEARCH)
    category = forms.ChoiceField(label=_("カテゴリ"), required=False, widget=FastSelect)
    pay_type = forms.ChoiceField(
        label=_("報酬の形式"),
        required=False,
        choices=[("", _("すべて")), *PayType.choices],
        widget=FastSelect,
    )
    pay_min = YenField(
        label=_("報酬の下限(円)"),
        required=False,
        help_text=_(
            "時間単価の仕事は時給、固定報酬の仕事は報酬の金額でくらべ、幅が条件と重なる仕事を表示します。"
        ),
    )
    pay_max = YenField(label=_("報酬の上限(円)"), required=False)
    min_wage = forms.BooleanField(
        label=_("時給換算が最低賃金以上"),
        required=False,
        help_text=_(
            "時給換算(固定報酬は金額÷作業時間の目安)の下限が、プロフィールの都道府県の最低賃金以上の仕事だけを"
            "表示します。都道府県を登録していない場合は、全国加重平均の最低賃金とくらべます。"
        ),
    )
    beginner_welcome = forms.BooleanField(label=_("初心者歓迎"), required=False)
    no_meetings = forms.BooleanField(label=_("打ち合わせなし"), required=False)
    text_only = forms.BooleanField(label=_("やりとりはテキストのみ(通話なし)"), required=False)
    interruptible = forms.BooleanField(label=_("途中で中断できる"), required=False)
    accessible_materials = forms.BooleanField(
        label=_("資料のアクセシビリティに配慮あり"),
        required=False,
        help_text=_("依頼者が「アクセシビリティについて」を書いている仕事です。"),
    )
    deadline_from = dates.DateField(label=_("納期(この日から)"), required=False, allow_past=True)
    deadline_to = dates.DateField(label=_("納期(この日まで)"), required=False, allow_past=True)
    verified_client = forms.BooleanField(label=_("本人確認済みの依頼者"), required=False)
    prefecture = forms.ChoiceField(
        label=_("作業場所"),
        required=False,
        widget=FastSelect,
        choices=[
            ("", _("すべて(在宅・現地とも)")),
            (ONSITE_REMOTE, _("在宅のみ(現地での作業なし)")),
            *PREFECTURE_CHOICES,
        ],
        help_text=_("都道府県を選ぶと、そこで現地での作業がある仕事を表示します。"),
    )

    GROUPS: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (_("キーワードとカテゴリ"), ("q", "category")),
        (_("報酬"), ("pay_type", "pay_min", "pay_max", "min_wage")),
        (
            _("働き方"),
            ("beginner_welcome", "no_meetings", "text_only", "interruptible", "accessible_materials"),
        ),
        (_("納期"), ("deadline_from", "deadline_to")),
        (_("依頼者と作業場所"), ("verified_client", "prefecture")),
    )

    def __init__(self, *args: Any, categories: Sequence[Any], **kwargs: Any) -> None:
        # `categories`: Category rows or selectors.CategoryChoice (each with slug, name and parent_id).
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("すべて")))]
        for cat in categories:
            # Indented under its parent with no-break spaces (an ideographic space would read as Japanese).
            prefix = "\u00a0" * 4 if cat.parent_id else ""
            choices.append((cat.slug, f"{prefix}{category_label(cat.name)}"))
        self.fields["category"].choices = choices  # type: ignore[attr-defined]

    def say_floor(self, floor: WageFloor | None) -> None:
        """Name, next to 「時給換算が最低賃金以上」, the amount it compares with (and which year's table)."""
        field = self.fields["min_wage"]
        # A bound field copies the help text when it is made (is_valid made them): have it made again.
        self._bound_fields_cache.pop("min_wage", None)  # type: ignore[attr-defined]
        if floor is None:
            field.help_text = _("今日に有効な最低賃金の記録がないため、この条件は使えません。")
        elif floor.is_national:
            field.help_text = interpolate_lazy(
                _(
                    "プロフィールに都道府県がないため、%(floor)sとくらべます(時給換算: 固定報酬は金額÷作業時間の目安)。"
                ),
                {"floor": floor.label()},
            )
        else:
            field.help_text = interpolate_lazy(
                _("時給換算(固定報酬は金額÷作業時間の目安)の下限を、%(floor)sとくらべます。"),
                {"floor": floor.label()},
            )

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """(legend, fields) for each fieldset of the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A range the wrong way round filters by neither end (the list shows beside the error).
        low, high = data.get("pay_min"), data.get("pay_max")
        if low is not None and high is not None and low > high:
            self.add_error("pay_max", _("報酬の上限は、下限と同じか、それより大きい金額にしてください。"))
            data.pop("pay_min", None)
        start, end = data.get("deadline_from"), data.get("deadline_to")
        if start is not None and end is not None and start > end:
            self.add_error(
                "deadline_to",
                _("納期の「この日まで」は、「この日から」と同じ日か、それより後にしてください。"),
            )
            data.pop("deadline_from", None)
        return data

    def job_filters(self) -> JobFilters:
        """The filters to apply: every field that passed its checks, also when others did not (their
        errors show in the summary and the list still shows)."""
        if not self.is_bound:
            return JobFilters()
        self.is_valid()
        return JobFilters.from_cleaned_data(self.cleaned_data)


def job_filters_from_query(query: QueryDict | Mapping[str, Any]) -> tuple[JobFilters, JobFilterForm]:
    """A query string of /jobs/ as the job list's filters, with the form that checked it (its errors say
    what was left out). For a stored query string: `job_filters_from_query(QueryDict(text))`. Unknown
    parameters (page, order…) are ignored."""
    form = JobFilterForm(query, categories=category_choices())
    return form.job_filters(), form


class ProposalForm(forms.Form):
    amount = YenField(
        label=_("提案金額(円)"),
        help_text=_(
            "消費税込みの金額です。ここから源泉徴収税(該当する場合)と Hataraku の手数料が差し引かれます。"
        ),
    )
    delivery_date = dates.DateField(label=_("納品予定日"))
    message = limits.LimitedCharField(
        label=_("クライアントへのメッセージ"),
        max_length=limits.PROPOSAL_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    milestones = limits.LimitedCharField(
        label=_("マイルストーン(任意)"),
        required=False,
        max_length=limits.PROPOSAL_MILESTONES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "1行に1つ、「内容 / 金額 / 期日」の形で書いてください(例: 前半の入力 / 5000 / 2026-12-20)。"
            "最大20個、金額の合計は提案金額と同じにしてください。"
        ),
    )

    def __init__(self, *args: Any, job: Job, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.job = job
        if job.pay_type == PayType.HOURLY:
            self.fields["amount"].label = _("希望の時給(円)")
            del self.fields["milestones"]

    def clean_milestones(self) -> list[MilestoneInput]:
        raw = self.cleaned_data.get("milestones") or ""
        result: list[MilestoneInput] = []
        for n, line in enumerate([ln for ln in raw.splitlines() if ln.strip()], start=1):
            parts = [p.strip() for p in re.split(r"[//]", line)]
            try:
                title, amount_s, due_s = parts
                amount = int(amount_s.replace(",", "").replace("円", ""))
                due = dt.date.fromisoformat(due_s)
            except ValueError as exc:
                raise forms.ValidationError(
                    _("%(n)d行目を「内容 / 金額 / 期日(例: 2026-12-20)」の形にしてください。") % {"n": n}
                ) from exc
            if not title:
                raise forms.ValidationError(_("%(n)d行目の内容を入力してください。") % {"n": n})
            if not 1 <= amount <= YEN_INPUT_MAX:
                raise forms.ValidationError(
                    _("%(n)d行目の金額は、1円から1億円までの数字で入力してください。") % {"n": n}
                )
            result.append(MilestoneInput(title=title, amount=amount, due_date=due))
        if len(result) > MAX_PROPOSAL_MILESTONES:
            raise forms.ValidationError(_("マイルストーンは20個までにしてください。"))
        return result

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        for field_name, message in proposal_input_errors(
            job=self.job,
            amount=data.get("amount"),
            delivery_date=data.get("delivery_date"),
            message=data.get("message", ""),
            milestones=data.get("milestones") or [],
        ):
            self.add_error(field_name if field_name in self.fields else None, message)
        return data


class DeclineForm(forms.Form):
    message = limits.LimitedCharField(
        label=_("お断りのメッセージ"),
        max_length=limits.DECLINE_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
        initial=DEFAULT_DECLINE_MESSAGE,
        help_text=_("ていねいな文面を用意しました。必要に応じて書き換えてください。"),
    )


class InvitationForm(forms.Form):
    job = forms.ModelChoiceField(label=_("スカウトする仕事"), queryset=Job.objects.none())
    worker_id = forms.IntegerField(
        label=_("ワーカーID"),
        min_value=1,
        max_value=2_147_483_647,
        help_text=_("ワーカーの公開プロフィールに表示されている番号です。"),
    )
    message = limits.LimitedCharField(
        label=_("メッセージ(任意)"),
        required=False,
        max_length=limits.INVITATION_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, jobs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["job"].queryset = jobs  # type: ignore[attr-defined]
