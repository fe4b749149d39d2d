"""A new worker's first steps, read from the real data: work conditions → profile → identity check → a first
job for beginners. Nothing is ticked by hand, so the guide resumes wherever she stopped and a step done
elsewhere counts here at once. The one thing stored is her choice to hide the guide (profiles'
`OnboardingChoice`, written by `profiles.services.onboarding_skip`).

It lives in jobs because the last step (a first proposal) is this app's and jobs sits above profiles and
accounts, so it may read both (ARCHITECTURE.md § Layers)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from hataraku.accounts.constants import VerificationStatus
from hataraku.accounts.models import IdentityVerification, User
from hataraku.profiles.models import AvailabilityWindow, OnboardingChoice
from hataraku.profiles.selectors import profiles_with_basics

from .models import Proposal


@dataclass(frozen=True)
class Step:
    key: str
    title: str | Promise
    why: str | Promise
    url: str
    done: bool
    # Said beside a step that is under way but not finished (an identity check waiting for staff).
    note: str | Promise = ""


@dataclass(frozen=True)
class Onboarding:
    steps: list[Step]

    @property
    def done(self) -> bool:
        return all(s.done for s in self.steps)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def next_step(self) -> Step | None:
        return next((s for s in self.steps if not s.done), None)


def beginner_jobs_url() -> str:
    return reverse("jobs:list") + "?" + urlencode({"beginner_welcome": "on"})


def onboarding_skipped(user: User) -> bool:
    return OnboardingChoice.objects.filter(user=user).exists()


def _facts(user: User) -> dict[str, bool]:
    """Every fact the four steps need, in one query (EXISTS subqueries on the person's row)."""
    mine = {"user": OuterRef("pk")}
    sent = IdentityVerification.objects.filter(
        **mine, status__in=[VerificationStatus.PENDING, VerificationStatus.APPROVED]
    )
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_windows=Exists(AvailabilityWindow.objects.filter(**mine)),
            has_profile=Exists(profiles_with_basics().filter(**mine)),
            identity_sent=Exists(sent),
            identity_waiting=Exists(sent.filter(status=VerificationStatus.PENDING)),
            has_proposal=Exists(Proposal.objects.filter(worker=OuterRef("pk"))),
        )
        .values("has_windows", "has_profile", "identity_sent", "identity_waiting", "has_proposal")
        .first()
    )
    return {key: bool(value) for key, value in (row or {}).items()}


def onboarding_for(user: User) -> Onboarding:
    """The four steps and whether each is done (one query)."""
    facts = _facts(user)
    return Onboarding(
        steps=[
            Step(
                key="conditions",
                title=_("働ける時間帯を登録する"),
                why=_("あなたの時間に収まる仕事だけを「できる仕事」として表示します。"),
                url=reverse("profiles:conditions"),
                done=bool(facts.get("has_windows")),
            ),
            Step(
                key="profile",
                title=_("プロフィールを書く(都道府県・スキル・自己紹介)"),
                why=_("クライアントが応募を読むときに見るところです。"),
                url=reverse("profiles:edit"),
                done=bool(facts.get("has_profile")),
            ),
            Step(
                key="identity",
                title=_("本人確認の書類を送る"),
                why=_("本人確認済みの人だけが応募できる仕事もあります。"),
                url=reverse("identity:verification"),
                done=bool(facts.get("identity_sent")),
                note=_("書類を受け付けました。確認が終わるとお知らせします(先に進んでかまいません)。")
                if facts.get("identity_waiting")
                else "",
            ),
            Step(
                key="first_job",
                title=_("初心者歓迎の仕事に応募する"),
                why=_("はじめての人に向けて、手順を説明してくれる仕事です。"),
                url=beginner_jobs_url(),
                done=bool(facts.get("has_proposal")),
            ),
        ]
    )
