"""bot.runtime: the clock reads the configured zone (the demo moves it on), and the engines a
runtime answers callbacks with."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.runtime import Clock, Runtime
from tests.support.config import make_config

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_clock_reads_the_configured_zone_and_moves_on_with_its_offset():
    clock = Clock(SHANGHAI)
    now = clock.now()
    assert now.tzinfo is SHANGHAI and abs(now - datetime.now(SHANGHAI)) < timedelta(seconds=5)
    clock.offset = timedelta(days=5)
    assert clock.now() - now >= timedelta(days=5)


def test_callbacks_on_the_loop_only_for_a_sqlite_file(tmp_path):
    """A SQLite file gets the never-waiting engine callbacks are answered with on the event loop;
    PostgreSQL (worker threads) gets none."""
    on_file = Runtime.build(make_config(f"sqlite:///{tmp_path / 'q.db'}", "http://127.0.0.1:9/"))
    on_pg = Runtime.build(make_config("postgresql+psycopg://postgres@127.0.0.1:5432/test", "http://127.0.0.1:9/"))
    try:
        assert on_file.loop_engine is not None and on_file.loop_engine is not on_file.engine
        assert on_pg.loop_engine is None
        assert on_file.tz == SHANGHAI
    finally:
        on_file.close()
        on_pg.close()
