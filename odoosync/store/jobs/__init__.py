"""Jobs: the sync queue. One open job per record; every change of state goes through domain.jobs.transition.

Claiming is one statement (UPDATE … WHERE pk IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING), so several workers
on PostgreSQL never take the same job, and on SQLite the write lock serialises them. Every claim opens an attempt
in the history; an attempt whose worker died stays, marked interrupted, when its lease is recovered.
"""

from __future__ import annotations

from odoosync.store.jobs.claiming import JobClaiming
from odoosync.store.jobs.enqueueing import JobEnqueueing
from odoosync.store.jobs.reading import JobReading
from odoosync.store.jobs.recovery import JobRecovery


class JobRepository(JobReading, JobEnqueueing, JobClaiming, JobRecovery):
    """The queue, one module for each thing done with it: `reading` (lists and counts), `enqueueing` (what is
    queued, and when it is due), `claiming` (claims, leases, outcomes), `recovery` (a person's retry and cancel, the
    jobs of stopped workers given back); `rows` is what they share."""
