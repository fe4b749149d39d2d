"""What the jobs app announces (`hataraku.core.events`), after the change commits. Matching will keep
its search index in step with these; each carries the job's id only, so a handler reads the committed
job itself."""

from __future__ import annotations

from dataclasses import dataclass

from hataraku.core.events import Event


@dataclass(frozen=True)
class JobEvent(Event):
    job_id: int


@dataclass(frozen=True)
class JobPublished(JobEvent):
    """A job became visible to workers (published, or re-opened)."""


@dataclass(frozen=True)
class JobEdited(JobEvent):
    """A job's text, money or dates changed (`job_update`; the previous version is a `JobRevision`)."""


@dataclass(frozen=True)
class JobClosed(JobEvent):
    """A job stopped taking proposals (closed by its client, by its last place being filled, or when the
    client's account was deleted)."""


@dataclass(frozen=True)
class JobDeleted(JobEvent):
    """A job is gone (`services.job_delete`: a draft its client deletes, or a job nobody proposed on that
    staff delete in the admin), so an index never keeps a job that no longer exists."""
