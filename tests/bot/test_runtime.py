"""bot.runtime: the clock reads the configured zone (the demo moves it on)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.runtime import Clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_clock_reads_the_configured_zone_and_moves_on_with_its_offset():
    clock = Clock(SHANGHAI)
    now = clock.now()
    assert now.tzinfo is SHANGHAI and abs(now - datetime.now(SHANGHAI)) < timedelta(seconds=5)
    clock.offset = timedelta(days=5)
    assert clock.now() - now >= timedelta(days=5)
