"""The ladder's and the study day's occasions: pure functions of a moment and the configuration."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.config import AccountabilityConfig, ConfigError, ScheduleConfig, StudyDayConfig, load
from models.ladder import step_for
from schedules.ladder import unreported_month
from schedules.timetable import PushKind, due, study_day_of

SH = ZoneInfo("Asia/Shanghai")


def kinds(at: datetime, cfg: ScheduleConfig) -> set[str]:
    return {o.key for o in due(at, cfg) if o.kind in (PushKind.ACCOUNTABILITY, PushKind.STUDY_DAY)}


def test_the_ladder_runs_daily_from_its_time():
    cfg = ScheduleConfig(accountability=AccountabilityConfig(time=time(9, 30)))
    assert kinds(datetime(2026, 11, 21, 9, 29, tzinfo=SH), cfg) == set()
    assert kinds(datetime(2026, 11, 21, 9, 30, tzinfo=SH), cfg) == {"accountability:2026-11-21"}   # a Saturday too
    assert kinds(datetime(2026, 11, 21, 21, 59, tzinfo=SH), cfg) == {"accountability:2026-11-21"}
    assert kinds(datetime(2026, 11, 21, 22, 0, tzinfo=SH), cfg) == set()                             # quiet hours


def test_a_month_unreported_is_marked_while_its_escalation_is_open():
    cfg = ScheduleConfig()
    assert unreported_month(date(2026, 12, 1), cfg) == "2026-11"
    assert unreported_month(date(2026, 12, 7), cfg) == "2026-11"
    assert unreported_month(date(2026, 12, 8), cfg) is None               # a week later: past
    assert unreported_month(date(2026, 10, 1), cfg) is None               # 国庆: 未报督促 opens on the 9th
    assert unreported_month(date(2026, 10, 9), cfg) == "2026-09"


def test_steps_by_threshold():
    a = AccountabilityConfig()
    assert [step_for(n, a.thresholds("unreported")) for n in (1, 2, 3, 4)] == ["催办", "通报", "约谈", "约谈"]
    assert [step_for(n, a.thresholds("overdue")) for n in (0, 1, 6, 7, 30, 59, 60)] == [
        None, "提示", "提示", "催办", "通报", "通报", "约谈"]
    fewer = AccountabilityConfig(steps=("提示", "催办", "约谈"), unreported_months=[1, 1, 0], overdue_days=[1, 3, 10])
    assert step_for(5, fewer.thresholds("unreported")) == "催办" and step_for(10, fewer.thresholds("overdue")) == "约谈"


def test_the_study_day_by_date_or_first_weekday():
    by_day = ScheduleConfig(study_day=StudyDayConfig(day="23", time=time(8, 30)))
    assert study_day_of(2026, 11, by_day) == date(2026, 11, 23)
    assert kinds(datetime(2026, 11, 23, 8, 30, tzinfo=SH), by_day) == {"study_day:2026-11-23"}
    assert kinds(datetime(2026, 11, 24, 8, 30, tzinfo=SH), by_day) == set()
    monday = ScheduleConfig(study_day=StudyDayConfig(day="第一个星期一"))
    assert [study_day_of(2026, m, monday) for m in (11, 12, 2)] == [date(2026, 11, 2), date(2026, 12, 7), date(2026, 2, 2)]
    assert study_day_of(2026, 11, ScheduleConfig()) is None
    assert not any(o.kind == PushKind.STUDY_DAY for o in due(datetime(2026, 11, 23, 9, 0, tzinfo=SH), ScheduleConfig()))


@pytest.mark.parametrize(("extra", "key"), [
    ('[study_day]\nday = "第二个星期一"\n', "study_day.day"),
    ('[study_day]\nunits = [1]\n', "study_day.units"),
    ('[accountability]\nsteps = ["通报", "提示"]\nunreported_months = [2, 1]\noverdue_days = [1, 2]\n', "accountability.steps"),
    ('[accountability]\nunreported_months = [1, 2]\n', "accountability.unreported_months"),
    ('[accountability]\noverdue_days = [1, 30, 7, 60]\n', "accountability.overdue_days"),
])
def test_bad_settings_stop_with_the_key(tmp_path, extra, key):
    path = tmp_path / "config.toml"
    path.write_text(extra, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(path, environ={})
    assert caught.value.key == key


def test_the_sections_load(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[accountability]\nsteps = ["提示", "催办", "约谈"]\nunreported_months = [1, 1, 2]\n'
                    'overdue_days = [1, 7, 30]\ntime = "10:00"\n'
                    '[study_day]\nday = "first Monday"\nunits = ["第一党支部"]\n', encoding="utf-8")
    cfg = load(path, environ={})
    assert cfg.accountability.thresholds("unreported") == {"提示": 1, "催办": 1, "约谈": 2}
    assert cfg.accountability.time == time(10, 0) and cfg.study_day.rule == ("weekday", 0)
    assert list(cfg.study_day.units) == ["第一党支部"]
