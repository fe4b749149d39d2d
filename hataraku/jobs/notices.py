"""What the jobs app tells people (`hataraku.core.notifications`). Stored as code + params and rendered
in the reader's language; `title` is the job's title, `name` a person's display name, `message` what the
client wrote."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hataraku.core import notifications as notices

PROPOSAL_NEW = notices.define(
    "jobs.proposal_new",
    title=_("「%(title)s」に応募がありました"),
    body=_("%(name)sさんから応募が届きました。"),
)
PROPOSAL_SHORTLISTED = notices.define(
    "jobs.proposal_shortlisted",
    title=_("「%(title)s」の候補に選ばれました"),
    body=_("クライアントがあなたの応募を候補に入れました。"),
)
# The client's own words are the body: the decline form starts from a kind default text.
PROPOSAL_DECLINED = notices.define(
    "jobs.proposal_declined",
    title=_("「%(title)s」の選考結果のお知らせ"),
    body="%(message)s",
)
JOB_INVITED = notices.define(
    "jobs.job_invited",
    title=_("「%(title)s」へのスカウトが届きました"),
    body="%(message)s",
)
# An invitation sent without a message of its own.
JOB_INVITED_PLAIN = notices.define(
    "jobs.job_invited_plain",
    title=_("「%(title)s」へのスカウトが届きました"),
    body=_("クライアントから応募のお誘いが届きました。"),
)
