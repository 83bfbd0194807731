"""The clock inside ``qingdan serve``: APScheduler jobs with fixed ids, rebuilt from the
configuration at every start-up (in-memory job store — nothing about the schedule is persisted;
the database's lists and push log say what is still owed).

Jobs:
- one per kind of push (``monthly_prompt``, ``last_day``, ``escalation``, ``deadline``,
  ``quarterly``, ``duty_report``), firing at the timetable's start of each occasion of that kind,
  quiet hours already skipped (``TimetableTrigger``);
- ``catch_up``: hourly at the minute the quiet hours end, for everything — sends what waited
  through the quiet hours, retries failed sends, picks up items and people added since;
- ``startup``: once at start-up, for everything still within its occasion after downtime.

Every job calls ``run_due`` at ``runtime.clock.now()``; a lock keeps runs one at a time.

Stopping (SIGTERM: ``systemctl stop`` or ``restart``): before the server closes, the run in progress
is asked to stop (``Dispatch.stop``): nothing more is claimed or begun, sends in flight get
``wecom.timeout`` seconds, what was sent is marked ``sent`` and what was never attempted is left owed,
so the next start sends exactly those. No job starts once the stop was asked for.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.config import ScheduleConfig
from bot.runtime import Runtime
from bot.wecom_errors import TokenUnavailable
from models.health import write_failure
from models.tables import utcnow
from schedules.delivery import settle_pending
from schedules.digests import PUSHES
from schedules.runner import run_due
from schedules.timetable import PushKind, next_start

log = logging.getLogger(__name__)

STOP_MARGIN = 10.0    # seconds, beyond wecom.timeout, that a stop waits for the run to record (and reconnect)

SCHEDULER = web.AppKey("scheduler", AsyncIOScheduler)


@dataclass
class Dispatch:
    """What the jobs share: one run at a time (``lock``), and the request to stop (``stop``)."""

    lock: asyncio.Lock
    stop: asyncio.Event


DISPATCH = web.AppKey("dispatch", Dispatch)


class TimetableTrigger(BaseTrigger):
    """Fires at each effective start of an occasion of ``kind`` (see ``timetable.next_start``)."""

    def __init__(self, kind: PushKind, cfg: ScheduleConfig):
        self.kind = kind
        self.cfg = cfg

    def get_next_fire_time(self, previous_fire_time, now):
        after = previous_fire_time if previous_fire_time is not None else now - timedelta(microseconds=1)
        return next_start(self.kind, after, self.cfg)

    def __str__(self) -> str:
        return f"timetable[{self.kind}]"


@dataclass
class JobSpec:
    id: str
    label: str
    trigger: BaseTrigger
    kinds: tuple[str, ...] | None      # None: every kind


def _wanted(kind: PushKind, cfg: ScheduleConfig) -> bool:
    """Whether a kind of push has a job: not the 三会一课提醒 with ``reminder_day = 0``, not the
    study day when none is configured."""
    if kind == PushKind.MEETINGS:
        return bool(cfg.meetings.reminder_day)
    if kind == PushKind.STUDY_DAY:
        return cfg.study_day.rule is not None
    return True


def job_specs(cfg: ScheduleConfig) -> list[JobSpec]:
    """The fixed jobs, from the configuration (the start-up run is added separately)."""
    specs = [JobSpec(kind, spec.label, TimetableTrigger(kind, cfg), (kind,)) for kind, spec in PUSHES.items()
             if _wanted(kind, cfg)]
    specs.append(JobSpec("catch_up", "补发与重试（每小时）",
                         CronTrigger(minute=cfg.quiet_end.minute, timezone=cfg.tz), None))
    return specs


async def run_job(runtime: Runtime, dispatch: Dispatch, job_id: str, kinds: tuple[str, ...] | None) -> None:
    """One job's run: everything due now (of ``kinds``), one run at a time, none once stopping."""
    async with dispatch.lock:
        if dispatch.stop.is_set():
            return
        at = runtime.clock.now()
        try:
            outcomes = await run_due(runtime.config, runtime.engine, runtime.sender, at, kinds=kinds,
                                     stop=dispatch.stop)
        except TokenUnavailable as exc:     # nothing unattempted was marked: the next run sends it
            log.warning("scheduled job %s stopped: %s", job_id, exc)
            return
        except asyncio.CancelledError:      # serve stopping: pushes never attempted stay owed to the next run
            log.info("scheduled job %s stopped: the server is shutting down", job_id)
            return
        except Exception as exc:  # noqa: BLE001 - keep the scheduler alive; the next run picks up
            if write_failure(exc):      # its cause is logged once by models.health
                log.warning("scheduled job %s stopped: the database cannot write", job_id)
            else:
                log.exception("scheduled job %s failed", job_id)
            return
        for o in outcomes:
            if o.attempted or o.held:
                log.info("[%s] %s", job_id, o.line)


def build_scheduler(runtime: Runtime, dispatch: Dispatch | None = None) -> AsyncIOScheduler:
    """A scheduler holding the fixed jobs plus the start-up catch-up (not yet started)."""
    cfg = runtime.config.schedule
    dispatch = dispatch or Dispatch(asyncio.Lock(), asyncio.Event())
    scheduler = AsyncIOScheduler(timezone=cfg.tz)
    common = dict(replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=3600)
    for spec in job_specs(cfg):
        scheduler.add_job(run_job, spec.trigger, id=spec.id, name=spec.label,
                          args=[runtime, dispatch, spec.id, spec.kinds], **common)
    scheduler.add_job(run_job, "date", run_date=datetime.now(cfg.tz), id="startup", name="启动时补发",
                      args=[runtime, dispatch, "startup", None], **common)
    return scheduler


async def stop_dispatch(app: web.Application, wait: float) -> None:
    """Before the sender closes (serve shutting down): ask the run in progress to stop, and wait up
    to ``wait`` seconds for it to record what it sent and release what it did not."""
    dispatch = app.get(DISPATCH)
    if dispatch is None:
        return
    dispatch.stop.set()
    if not dispatch.lock.locked():
        return                          # no run in progress
    try:
        async with asyncio.timeout(wait):
            async with dispatch.lock:
                pass
    except TimeoutError:
        log.warning("the scheduled run did not stop within %.0fs; it is cancelled", wait)
    else:
        log.info("scheduled pushes stopped; what was not sent goes out after the next start")


def attach_scheduler(app: web.Application, runtime: Runtime) -> None:
    """Start the scheduler with the app and stop it on shutdown.

    At start-up, pushes left ``pending`` by an earlier process (killed mid-send) are marked
    ``unknown`` before anything else runs: they may have been delivered and are not resent. Only
    rows older than ``schedule.pending_stale_seconds`` are settled: a younger one may belong to another live
    process sending right now.
    """
    async def start(app: web.Application) -> None:
        settled = await asyncio.to_thread(settle_pending, runtime.engine, utcnow() - runtime.config.schedule.pending_stale)
        if settled:
            log.warning("%d push(es) interrupted by the last shutdown marked unknown (not resent)", settled)
        app[DISPATCH] = dispatch = Dispatch(asyncio.Lock(), asyncio.Event())
        scheduler = build_scheduler(runtime, dispatch)
        scheduler.start()
        app[SCHEDULER] = scheduler
        for job in scheduler.get_jobs():
            log.info("job %s (%s) next at %s", job.id, job.name, job.next_run_time)

    async def stop(app: web.Application) -> None:
        scheduler = app.get(SCHEDULER)
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)

    app.on_startup.append(start)
    app.on_shutdown.append(lambda app: stop_dispatch(app, runtime.config.wecom.timeout + STOP_MARGIN))
    app.on_cleanup.append(stop)
