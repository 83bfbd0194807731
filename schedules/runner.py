"""``run_due``: send everything due at a moment. The scheduler's jobs, ``qingdan remind --at`` and the
demo's clock all come through here, so there is one path from the timetable to WeCom.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.config import Config
from models.db import session_scope
from models.photos import drop_stale_photos
from models.tables import utcnow
from schedules.delivery import DEFAULT_WORKERS, Tally, deliver_parcels, logged_members, parcels_of, settle_pending
from schedules.digests import Push, build, label
from schedules.ladder import bring_up_to_date
from schedules.timetable import Occasion, PushKind, due

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What one occasion's run did."""

    occasion: Occasion
    sent: int = 0
    failed: int = 0
    invalid: int = 0
    already: int = 0           # recipients logged before this run (sent, unknown, invalid…)
    held: int = 0              # not sent because the run was stopped: still owed to the next run

    @property
    def line(self) -> str:
        """One Chinese line, e.g. "月报提醒 2026-11：发送 12 人"."""
        text = f"{label(self.occasion)}：发送 {self.sent} 人"
        if self.failed:
            text += f"，失败 {self.failed} 人（下次运行时重试）"
        if self.invalid:
            text += f"，{self.invalid} 人的企业微信账号无效"
        if self.held:
            text += f"，{self.held} 人因停止而未发出（仍待发送，下次运行时发出）"
        return text

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.invalid


def _prepare(engine: Engine, occ: Occasion, at: datetime, config: Config) -> tuple[list[Push], int]:
    with session_scope(engine) as s:
        skip = logged_members(s, occ.key)
        return build(s, occ, at, config.schedule, skip, config.web), len(skip)


def _climb(engine: Engine, occ: Occasion, at: datetime, config: Config) -> None:
    with session_scope(engine) as s:
        bring_up_to_date(s, occ, at, config.schedule)


async def run_due(config: Config, engine: Engine, sender, at: datetime, *,
                  kinds: Iterable[str] | None = None, workers: int = DEFAULT_WORKERS,
                  stop: asyncio.Event | None = None) -> list[Outcome]:
    """Send every push due at ``at`` (all kinds, or only ``kinds``), once per recipient and occasion.

    ``at`` decides what is due (the timetable); the database decides who still needs it (the
    lists and the push log). Returns one Outcome per due occasion, in timetable order.
    ``stop`` set (SIGTERM) ends the run early: sends in flight get ``wecom.timeout`` seconds, and
    what was not attempted stays owed (``Outcome.held``; ``schedules.delivery.deliver_parcels``).
    """
    wanted = set(kinds) if kinds is not None else None
    settled = await asyncio.to_thread(settle_pending, engine, utcnow() - config.schedule.pending_stale)
    if settled:
        log.warning("%d push(es) left pending by an interrupted run marked unknown (not resent)", settled)
    await asyncio.to_thread(drop_stale_photos, engine, utcnow())     # photos whose item was never said
    occasions = [occ for occ in due(at, config.schedule) if wanted is None or occ.kind in wanted]
    for occ in occasions:
        if occ.kind == PushKind.ACCOUNTABILITY:      # the marks first: a 季督 built now lists today's 通报
            await asyncio.to_thread(_climb, engine, occ, at, config)
    prepared = [(occ, *await asyncio.to_thread(_prepare, engine, occ, at, config)) for occ in occasions]
    # Everything due to one person now goes in one message (the month-end prompt and a deadline
    # reminder at 09:00 on the 25th are one parcel).
    # [wecom] cards = false: every card goes as its text form.
    plain = not config.wecom.cards
    parcels = parcels_of([(occ.key, [p.as_text() for p in pushes] if plain else pushes) for occ, pushes, _ in prepared])
    tallies = await deliver_parcels(engine, sender, parcels, at, workers=workers, stop=stop,
                                    grace=config.wecom.timeout)
    outcomes = []
    for occ, _, already in prepared:
        tally = tallies.get(occ.key, Tally())
        outcome = Outcome(occ, sent=tally.sent, failed=tally.failed, invalid=tally.invalid,
                          already=already + tally.skipped, held=tally.held)
        if outcome.attempted or outcome.held:
            log.info("%s", outcome.line)
        outcomes.append(outcome)
    return outcomes
