"""Checks of a loaded configuration that cross a single value's type."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config.sections import (
    FREQUENCIES,
    AccountabilityConfig,
    Config,
    ConfigError,
    EvidenceConfig,
    StudyDayConfig,
    WebConfig,
    parse_study_day,
)
from models.ladder_steps import STEPS
from models.stars import DIMENSIONS


def validate(cfg: Config) -> None:
    """Checks that cross a single value's type."""
    try:
        ZoneInfo(cfg.schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("schedule.timezone", "不是已知的时区", "is not a known time zone") from None
    for key in ("api_base_url", "oauth_url", "sso_url"):
        if not getattr(cfg.wecom, key).startswith(("http://", "https://")):
            raise ConfigError(f"wecom.{key}", "应以 http:// 或 https:// 开头", "must start with http:// or https://")
    if not cfg.wecom.api_base_url.endswith("/"):
        cfg.wecom.api_base_url += "/"
    _validate_web(cfg.web)
    if not cfg.database.url or "://" not in cfg.database.url:
        raise ConfigError("database.url", "应为数据库地址，如 sqlite:///qingdan.db", "must be a database URL such as sqlite:///qingdan.db")
    if not 1 <= cfg.server.db_threads <= 64:
        raise ConfigError("server.db_threads", "应在1到64之间", "must be between 1 and 64")
    s = cfg.schedule
    if not 1 <= s.monthly_prompt_day <= 28:
        raise ConfigError("schedule.monthly_prompt_day", "应在1到28之间", "must be between 1 and 28")
    if not 1 <= s.escalation_day <= 28:
        raise ConfigError("schedule.escalation_day", "应在1到28之间", "must be between 1 and 28")
    if s.pending_stale_seconds < 1:
        raise ConfigError("schedule.pending_stale_seconds", "应为正整数", "must be a positive integer")
    if any(d <= 0 for d in s.deadline_days_before):
        raise ConfigError("schedule.deadline_days_before", "应为正整数", "must be positive integers")
    if not 1 <= s.duty_report_month <= 12 or not 1 <= s.duty_report_day <= 28:
        raise ConfigError("schedule.duty_report_day", "日期无效", "is not a valid date")
    both = sorted(set(s.extra_holidays) & set(s.extra_workdays))
    if both:
        raise ConfigError("schedule.extra_workdays", f"与 extra_holidays 重复：{both[0].isoformat()}",
                          f"repeats a day of extra_holidays: {both[0].isoformat()}")
    _validate_ladder(s.accountability)
    _validate_study_day(s.study_day)
    u = cfg.understanding
    if u.confirm_from < 1:
        raise ConfigError("understanding.confirm_from", "应为正整数", "must be a positive integer")
    if not 1 <= u.confirm_hours <= 168:
        raise ConfigError("understanding.confirm_hours", "应在1到168之间", "must be between 1 and 168")
    for name in ("general_meeting", "committee", "group", "lecture"):
        if getattr(cfg.meetings, name) not in FREQUENCIES:
            raise ConfigError(f"meetings.{name}", "应为 monthly、quarterly、half-yearly、yearly 或 none 之一",
                              "must be one of monthly, quarterly, half-yearly, yearly, none")
    if not 0 <= cfg.meetings.reminder_day <= 28:
        raise ConfigError("meetings.reminder_day", "应在0到28之间（0为不提醒）", "must be between 0 and 28 (0: never)")
    _validate_evidence(cfg.evidence)
    st = cfg.stars
    if not st.three <= st.four <= st.five:
        raise ConfigError("stars", "分数线应满足 three ≤ four ≤ five", "thresholds must satisfy three <= four <= five")
    for d in DIMENSIONS:
        if getattr(st, f"max_{d.field}") <= 0:
            raise ConfigError(f"stars.max_{d.field}", "应为正数", "must be positive")


def _validate_evidence(e: EvidenceConfig) -> None:
    for key, low, high in (("attach_minutes", 1, 1440), ("image_mb", 1, 10), ("file_mb", 1, 20),
                           ("download_seconds", 1, 120), ("long_side", 200, 8000), ("thumb_side", 40, 800)):
        if not low <= getattr(e, key) <= high:
            raise ConfigError(f"evidence.{key}", f"应在{low}到{high}之间", f"must be between {low} and {high}")


def _validate_ladder(a: AccountabilityConfig) -> None:
    if not a.steps or any(step not in STEPS for step in a.steps) or list(a.steps) != sorted(a.steps, key=STEPS.index) \
            or len(set(a.steps)) != len(a.steps):
        raise ConfigError("accountability.steps", "应为“提示、催办、通报、约谈”中的若干项，按此顺序",
                          "must be some of 提示, 催办, 通报, 约谈, in this order")
    for key in ("unreported_months", "overdue_days"):
        values = getattr(a, key)
        if len(values) != len(a.steps):
            raise ConfigError(f"accountability.{key}", "应与 steps 一一对应", "must have one number per step")
        used = [v for v in values if v != 0]
        if any(v < 0 for v in values) or used != sorted(used):
            raise ConfigError(f"accountability.{key}", "应为不减的非负整数（0 表示不用）",
                              "must be non-decreasing non-negative integers (0: not used)")


def _validate_study_day(d: StudyDayConfig) -> None:
    try:
        parse_study_day(d.day)
    except ValueError:
        raise ConfigError("study_day.day", "应为每月几号（1–28）或“第一个星期一”之类，不填表示不设学习日",
                          "must be a day of the month (1-28) or such as 第一个星期一 / first Monday") from None


def _validate_web(w: WebConfig) -> None:
    if w.base_url and not w.base_url.startswith(("http://", "https://")):
        raise ConfigError("web.base_url", "应以 http:// 或 https:// 开头", "must start with http:// or https://")
    w.base_url = w.base_url.rstrip("/")
    if w.session_secret and len(w.session_secret) < 32:
        raise ConfigError("web.session_secret", "应至少32个字符（或不填，由应用Secret派生）",
                          "must be at least 32 characters (or left out: derived from wecom.secret)")
    if not 1 <= w.session_hours <= 720:
        raise ConfigError("web.session_hours", "应在1到720之间", "must be between 1 and 720")
    if w.login_failures < 1:
        raise ConfigError("web.login_failures", "应为正整数", "must be a positive integer")
