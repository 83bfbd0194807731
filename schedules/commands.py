"""``qingdan remind --at`` and ``qingdan schedule``."""
from __future__ import annotations

import asyncio
from datetime import datetime

from bot.config import Config
from bot.wecom import WeComSender
from models.db import init_db, make_engine
from schedules.runner import run_due
from schedules.scheduler import job_specs


def remind(cfg: Config, at: datetime) -> int:
    """Send what is due at ``at`` through the configured WeCom API and print one line per occasion.

    Exit status 0, or 1 when some sends failed (they are retried by the next run).
    """
    engine = make_engine(cfg.database.url)
    init_db(engine)
    sender = WeComSender(cfg.wecom)
    try:
        outcomes = asyncio.run(run_due(cfg, engine, sender, at))
    finally:
        sender.close()
        engine.dispose()
    lines = [o.line for o in outcomes if o.attempted]
    print("\n".join(lines) if lines else "无到期推送", flush=True)
    return 1 if any(o.failed for o in outcomes) else 0


def show_schedule(cfg: Config) -> int:
    """Each job's next run in the configured zone."""
    tz = cfg.tz
    now = datetime.now(tz)
    print(f"定时推送（时区 {cfg.schedule.timezone}，免打扰 "
          f"{cfg.schedule.quiet_start:%H:%M}–{cfg.schedule.quiet_end:%H:%M}）：")
    for spec in job_specs(cfg.schedule):
        nxt = spec.trigger.get_next_fire_time(None, now)
        when = nxt.astimezone(tz).strftime("%Y-%m-%d %H:%M") if nxt else "（不会触发）"
        print(f"  {spec.id:<15}{spec.label}：下次 {when}")
    return 0
