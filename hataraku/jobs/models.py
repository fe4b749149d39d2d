from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hataraku.core import prefectures
from hataraku.core.models import TimeStampedModel

from . import pay
from .constants import (
    JobStatus,
    MeetingStyle,
    PayType,
    ProposalStatus,
)
from .labels import category_label


class Category(models.Model):
    """The fixed category tree, loaded by a data migration (0002)."""

    slug = models.SlugField(_("識別子"), max_length=60, unique=True)
    name = models.CharField(_("名前"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("親カテゴリ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField(_("並び順"), default=0)
    # 所得税法204条1項1号: fees for writing, design, translation and similar work are subject to
    # withholding when the client is a withholding agent; contracts/ledger read this flag.
    requires_withholding = models.BooleanField(_("源泉徴収の対象"), default=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("カテゴリ")
        verbose_name_plural = _("カテゴリ")

    def __str__(self) -> str:
        if self.parent_id and self.parent is not None:
            return f"{self.parent.label} / {self.label}"
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (categories.py: the shipped names are in the catalogue)."""
        return category_label(self.name)


class Job(TimeStampedModel):
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("依頼者"), on_delete=models.PROTECT, related_name="jobs"
    )
    title = models.CharField(_("タイトル"), max_length=120)
    description_md = models.TextField(_("仕事の内容"))
    # Rendered and sanitised once, when the job services save it (hataraku.jobs.rendering): the job page
    # shows this and never renders Markdown per view.
    description_html = models.TextField(_("仕事の内容(表示用)"), blank=True, editable=False)
    category = models.ForeignKey(
        Category, verbose_name=_("カテゴリ"), on_delete=models.PROTECT, related_name="jobs"
    )
    skills = models.JSONField(_("求めるスキル"), default=list, blank=True)
    pay_type = models.CharField(_("報酬の形式"), max_length=10, choices=PayType.choices)
    budget_min = models.PositiveIntegerField(_("予算(下限・円)"), null=True, blank=True)
    budget_max = models.PositiveIntegerField(_("予算(上限・円)"), null=True, blank=True)
    hourly_rate_min = models.PositiveIntegerField(_("時給(下限・円)"), null=True, blank=True)
    hourly_rate_max = models.PositiveIntegerField(_("時給(上限・円)"), null=True, blank=True)
    weekly_hour_cap = models.PositiveSmallIntegerField(_("週の上限時間"), null=True, blank=True)
    estimated_hours = models.PositiveIntegerField(_("作業時間の目安(時間)"))
    deadline = models.DateField(_("納期"))
    headcount = models.PositiveSmallIntegerField(_("募集人数"), default=1)
    proposal_deadline = models.DateField(_("応募締切"))
    meeting_style = models.CharField(
        _("打ち合わせ"), max_length=20, choices=MeetingStyle.choices, default=MeetingStyle.NONE
    )
    # CallMode values the scheduled calls can use (matching checks them against the worker's accepted
    # modes); empty means either voice or video.
    call_modes = models.JSONField(_("通話の方法"), default=list, blank=True)
    fixed_hours = models.BooleanField(_("決まった時間帯に働く必要がある"), default=False)
    interruptible = models.BooleanField(_("途中で中断できる"), default=True)
    min_block_minutes = models.PositiveSmallIntegerField(_("連続して必要な最短の作業時間(分)"), default=30)
    beginner_welcome = models.BooleanField(_("初心者歓迎"), default=False)
    accessibility_notes = models.TextField(_("アクセシビリティについて"), blank=True)
    verified_only = models.BooleanField(_("本人確認済みの方のみ応募可"), default=False)
    # Where the work must be done in person (JIS X 0401 code); blank: remote, from anywhere.
    onsite_prefecture = models.CharField(
        _("現地での作業がある都道府県"), max_length=2, choices=prefectures.CHOICES, blank=True, default=""
    )
    # 時給換算 (effective hourly pay), worked out by the database from the terms above (`pay.py` says the
    # rule once): the matching app shows it and compares it with the minimum wage, the job list filters on it.
    effective_hourly_min = pay.effective_hourly_field("min")
    effective_hourly_max = pay.effective_hourly_field("max")
    status = models.CharField(
        _("状態"), max_length=12, choices=JobStatus.choices, default=JobStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    closed_at = models.DateTimeField(_("募集終了日時"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("仕事")
        verbose_name_plural = _("仕事")
        # The job list's newest-first order. (「あなたにできる仕事」 ranks from columns in memory on a large site,
        # so the (時給換算 top, id) index its index lists read is gone: jobs 0008.)
        indexes = [
            models.Index(fields=["published_at", "id"], name="job_published_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=models.F("budget_max")),
                name="job_budget_min_lte_max",
            ),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="job_headcount_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_accessible_materials(self) -> bool:
        return bool(self.accessibility_notes.strip())


class JobMeeting(models.Model):
    """A scheduled call, when the job's meeting style is "scheduled_calls"."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("開始日時"))
    minutes = models.PositiveSmallIntegerField(_("時間(分)"), default=30)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("打ち合わせ日時")
        verbose_name_plural = _("打ち合わせ日時")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} ({self.minutes})"


class JobRevision(models.Model):
    """A snapshot of the job as it was before an edit, so the client (and staff) can see what changed."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("版"))
    snapshot = models.JSONField(_("内容"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("保存日時"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("仕事の編集履歴")
        verbose_name_plural = _("仕事の編集履歴")
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="job_revision_unique")]

    def __str__(self) -> str:
        return f"{self.job_id} v{self.number}"


class Proposal(TimeStampedModel):
    job = models.ForeignKey(Job, verbose_name=_("仕事"), on_delete=models.PROTECT, related_name="proposals")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ワーカー"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    amount = models.PositiveIntegerField(_("提案金額(円)"))
    delivery_date = models.DateField(_("納品予定日"))
    message = models.TextField(_("メッセージ"))
    status = models.CharField(
        _("状態"),
        max_length=12,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
        db_index=True,
    )
    decline_message = models.TextField(_("見送りのメッセージ"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("応募")
        verbose_name_plural = _("応募")
        constraints = [
            models.UniqueConstraint(fields=["job", "worker"], name="proposal_one_per_worker_per_job")
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.worker_id} {self.status}"


class ProposalMilestone(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(_("順番"))
    title = models.CharField(_("内容"), max_length=120)
    amount = models.PositiveIntegerField(_("金額(円)"))
    due_date = models.DateField(_("期日"))

    class Meta:
        ordering = ["order"]
        verbose_name = _("応募のマイルストーン")
        verbose_name_plural = _("応募のマイルストーン")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "order"], name="proposal_milestone_order_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """スカウト: a client asks a worker to look at a job and apply."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="invitations")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    message = models.TextField(_("メッセージ"), blank=True)
    created_at = models.DateTimeField(_("送信日時"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("スカウト")
        verbose_name_plural = _("スカウト")
        constraints = [models.UniqueConstraint(fields=["job", "worker"], name="invitation_one_per_worker")]

    def __str__(self) -> str:
        return f"{self.job_id} → {self.worker_id}"
