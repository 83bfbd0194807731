"""Configuration: one TOML file, secrets from the environment win.

The file is found by ``--config PATH``, else ``$QINGDAN_CONFIG``, else ``./config.toml``.
A missing or malformed key stops start-up with one line, Chinese and English, naming the key.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, is_dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models.ladder_steps import STEPS
from models.stars import DIMENSIONS

DEFAULT_API_BASE_URL = "https://qyapi.weixin.qq.com/cgi-bin/"
DEFAULT_OAUTH_URL = "https://open.weixin.qq.com/connect/oauth2/authorize"     # 网页授权 (WeCom's browser)
DEFAULT_SSO_URL = "https://login.work.weixin.qq.com/wwlogin/sso/login"        # 企业微信授权登录 (a PC)

# The values config.example.toml shows: left in place they mean the file was copied and not filled.
PLACEHOLDERS = {
    "corp_id": {"ww0123456789abcdef"},
    "secret": {"replace-with-the-app-secret"},
    "token": {"replace-with-the-token"},
    "encoding_aes_key": {"replace-with-the-43-character-EncodingAESKey"},
}

ENV_SECRETS = {
    "QINGDAN_WECOM_SECRET": ("wecom", "secret"),
    "QINGDAN_WECOM_TOKEN": ("wecom", "token"),
    "QINGDAN_WECOM_AES_KEY": ("wecom", "encoding_aes_key"),
    "QINGDAN_DATABASE_URL": ("database", "url"),
    "QINGDAN_WEB_SESSION_SECRET": ("web", "session_secret"),
}


class ConfigError(Exception):
    """A key is missing or malformed; the message is one line in Chinese and English."""

    def __init__(self, key: str, zh: str, en: str):
        self.key = key
        super().__init__(f"配置错误：{key} {zh} / config error: {key} {en}")


@dataclass
class WeComConfig:
    corp_id: str = ""
    agent_id: int = 0
    secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""
    api_base_url: str = DEFAULT_API_BASE_URL
    max_retries: int = 3          # bounded retries of a send (token refresh included)
    timeout: float = 10.0         # seconds per HTTP call to WeCom
    cards: bool = True            # template cards (a deadline reminder about one item); False: the same as text
    oauth_url: str = DEFAULT_OAUTH_URL    # the console's login in WeCom's browser (OAuth2 snsapi_base)
    sso_url: str = DEFAULT_SSO_URL        # the console's login elsewhere (企业微信授权登录, a QR code)


@dataclass
class DatabaseConfig:
    url: str = "sqlite:///qingdan.db"


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    reply_timeout: float = 4.0    # past this the answer goes out by message/send instead
    access_log: bool = False      # one line per request; errors are logged either way
    db_threads: int = 2           # threads answering callbacks (at least 2); and for pushes, /healthz


@dataclass
class WebConfig:
    """The console (``bot.console``): where it is reached, and its session cookie."""

    base_url: str = ""            # "https://qingdan.example.gov.cn": the login's redirect_uri; "" = as requested
    session_secret: str = ""      # "" = derived from wecom.secret (HKDF); changing it logs everyone out
    session_hours: int = 8        # a session cookie lasts this long
    login_failures: int = 10      # failed logins per address in 10 minutes before it waits

    @property
    def secure(self) -> bool:
        """Cookies only over HTTPS when the console is reached by HTTPS."""
        return self.base_url.startswith("https://")

    def page_url(self, page: str) -> str:
        """The console's page ``page`` ("" 我的清单, "board", "rectifications") at ``base_url``, for a
        message to link to; "" when ``base_url`` is not set (then no message carries a link)."""
        return f"{self.base_url.rstrip('/')}/console/{page}" if self.base_url else ""


class Dates(tuple):
    """Days, written in TOML as a list of ISO dates (``["2026-10-09"]``) or TOML dates; ``_typed``
    reads a key whose default is ``Dates()`` this way."""


# How often each kind of 三会一课 is owed (``[meetings]``); "none": not owed.
FREQUENCIES = ("monthly", "quarterly", "half-yearly", "yearly", "none")


@dataclass
class MeetingsConfig:
    """How often each unit must hold each kind of 三会一课 (``models.meetings``)."""

    general_meeting: str = "quarterly"      # 支部党员大会
    committee: str = "monthly"              # 支委会
    group: str = "monthly"                  # 党小组会
    lecture: str = "quarterly"              # 党课
    # 三会一课提醒: on this day of each month (the working day on or before it; 0: never), at this
    # time, a branch that has not yet held a meeting owed in a period ending this month is reminded.
    reminder_day: int = 20
    reminder_time: time = time(9, 0)
    in_quarterly: bool = True               # the 季督 digest shows the branches' 三会一课

    def frequencies(self) -> dict[str, str]:
        """MeetingKind value → frequency, e.g. {"支部党员大会": "quarterly", …}."""
        return {"支部党员大会": self.general_meeting, "支委会": self.committee, "党小组会": self.group,
                "党课": self.lecture}


class Names(tuple):
    """Names, written in TOML as a list of strings (``["第一党支部"]``); ``_typed`` reads a key whose
    default is ``Names()`` this way."""


WEEKDAYS_ZH = "一二三四五六日"


@dataclass
class AccountabilityConfig:
    """问责 as a ladder (``models.ladder``): the steps a lapse climbs, and when each is reached.

    ``steps``: the steps in use, in ladder order (a subset of 提示/催办/通报/约谈). The two lists give,
    step by step, the consecutive months not reported (``unreported_months``) and the days an open
    item is past its deadline (``overdue_days``) at which the step is reached; 0: never by that way.
    """

    steps: Names = Names(STEPS)
    unreported_months: list[int] = field(default_factory=lambda: [1, 1, 2, 3])
    overdue_days: list[int] = field(default_factory=lambda: [1, 7, 30, 60])
    time: time = time(9, 0)            # when the day's new marks are pushed

    def thresholds(self, way: str) -> dict[str, int]:
        """Step → its threshold for ``way`` ("unreported" or "overdue"), steps with 0 left out."""
        values = self.unreported_months if way == "unreported" else self.overdue_days
        return {step: n for step, n in zip(self.steps, values, strict=True) if n > 0}


@dataclass
class StudyDayConfig:
    """固定学习日: a reminder to every member of the units that keep one (``schedules.timetable``).

    ``day``: "" (none), a day of the month ("23"), or the first weekday of the month
    ("第一个星期一"); ``units``: the units that keep it, each with every unit below ([]: all).
    """

    day: str = ""
    time: time = time(9, 0)
    units: Names = Names()

    @property
    def rule(self) -> tuple[str, int] | None:
        """("day", 23), ("weekday", 0) for the first Monday, or None (``parse_study_day``)."""
        return parse_study_day(self.day)


def parse_study_day(text: str) -> tuple[str, int] | None:
    """"23" → ("day", 23); "第一个星期一" / "每月第一个周一" / "first Monday" → ("weekday", 0); "" → None.
    Raises ValueError on anything else."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= 28:
        return "day", int(text)
    english = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    low = text.lower()
    if low.startswith("first "):
        if low[6:] in english:
            return "weekday", english.index(low[6:])
        raise ValueError(text)
    m = re.fullmatch(r"(?:每月)?第一个(?:星期|周)([一二三四五六日天])", text)
    if m:
        return "weekday", WEEKDAYS_ZH.index(m[1].replace("天", "日"))
    raise ValueError(text)


@dataclass
class ScheduleConfig:
    timezone: str = "Asia/Shanghai"
    monthly_prompt_day: int = 25
    monthly_prompt_time: time = time(9, 0)
    last_day_time: time = time(9, 0)
    escalation_day: int = 1
    escalation_time: time = time(9, 0)
    deadline_days_before: list[int] = field(default_factory=lambda: [7, 3, 1])
    deadline_days_after: int = 1
    deadline_time: time = time(9, 0)
    quarterly_time: time = time(9, 0)
    duty_report_month: int = 12
    duty_report_day: int = 15
    duty_report_time: time = time(9, 0)
    quiet_start: time = time(22, 0)
    quiet_end: time = time(8, 0)
    # Over China's official calendar (schedules.timetable.WorkCalendar): days off that it does not
    # know (a local holiday) and working days it does not know (a year it has no data for yet).
    extra_holidays: Dates = Dates()
    extra_workdays: Dates = Dates()
    # A push claimed this many seconds ago and still ``pending`` belongs to a process that died:
    # it is marked ``unknown`` (maybe sent, never resent). Younger ones may be in flight elsewhere.
    pending_stale_seconds: int = 120
    # Not a key of [schedule]: the [meetings] section itself, for the pushes' builders (Config links it).
    meetings: MeetingsConfig = field(default_factory=MeetingsConfig, repr=False)
    # [accountability] and [study_day]: sections of their own, read by the timetable and builders.
    accountability: AccountabilityConfig = field(default_factory=AccountabilityConfig)
    study_day: StudyDayConfig = field(default_factory=StudyDayConfig)

    @property
    def pending_stale(self) -> timedelta:
        return timedelta(seconds=self.pending_stale_seconds)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass
class StarsConfig:
    five: float = 95
    four: float = 80
    three: float = 60
    min_satisfaction: float = 60   # per cent; below it, no star and 软弱涣散
    # The most points of each dimension (models.stars.DIMENSIONS); a workbook score above it is a row error.
    max_organisation: float = 15
    max_team: float = 15
    max_system: float = 15
    max_venue: float = 10
    max_activities: float = 15
    max_performance: float = 20
    max_satisfaction_score: float = 10

    def maxima(self) -> dict[str, float]:
        """StarScore field → most points, e.g. {"organisation": 15, …}."""
        return {d.field: getattr(self, f"max_{d.field}") for d in DIMENSIONS}


@dataclass
class UnderstandingConfig:
    """When a report is read back to its sender before it is stored (``handlers.summary``)."""

    confirm_from: int = 3       # a reply changing this many items or more is read back first
    confirm_hours: int = 24     # an unconfirmed read-back lapses after this many hours (one reminder before)


@dataclass
class EvidenceConfig:
    """Photos sent in the chat kept as evidence (佐证材料) on an item (``handlers.photos``)."""

    attach_minutes: int = 30        # a photo goes to the item last spoken about within this many minutes
    image_mb: int = 10              # an image larger than this is refused (WeCom's own limit is 10 MB)
    file_mb: int = 20               # a file message (a picture, or any file kept as it came) larger than this is refused
    download_seconds: int = 20      # media/get must deliver within this many seconds
    long_side: int = 1600           # the copy kept: downscaled to this many pixels on its long side
    thumb_side: int = 240           # the thumbnail's long side


@dataclass
class Config:
    wecom: WeComConfig = field(default_factory=WeComConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    server: ServerConfig = field(default_factory=ServerConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    stars: StarsConfig = field(default_factory=StarsConfig)
    understanding: UnderstandingConfig = field(default_factory=UnderstandingConfig)
    evidence: EvidenceConfig = field(default_factory=EvidenceConfig)
    web: WebConfig = field(default_factory=WebConfig)
    meetings: MeetingsConfig = field(default_factory=MeetingsConfig)
    source: Path | None = None

    def __post_init__(self) -> None:
        self.schedule.meetings = self.meetings          # one [meetings] for the handlers and the pushes

    @property
    def tz(self) -> ZoneInfo:
        return self.schedule.tz

    @property
    def accountability(self) -> AccountabilityConfig:
        return self.schedule.accountability

    @property
    def study_day(self) -> StudyDayConfig:
        return self.schedule.study_day

    def require_sending(self) -> None:
        """Stop if what sending to WeCom needs (corp_id, secret, agent_id) is missing or still the
        example's placeholder: every command that sends checks this before it does anything."""
        for key in ("corp_id", "secret"):
            _filled(self.wecom, key)
        if not self.wecom.agent_id:
            raise ConfigError("wecom.agent_id", "缺失", "is missing")

    def require_wecom(self) -> None:
        """``require_sending`` and what callbacks need too (serve needs it; demo fills it itself)."""
        self.require_sending()
        for key in ("token", "encoding_aes_key"):
            _filled(self.wecom, key)
        if len(self.wecom.encoding_aes_key) != 43:
            raise ConfigError("wecom.encoding_aes_key", "应为43个字符", "must be 43 characters")


def _filled(w: WeComConfig, key: str) -> None:
    if not getattr(w, key):
        raise ConfigError(f"wecom.{key}", "缺失", "is missing")
    if getattr(w, key) in PLACEHOLDERS[key]:
        raise ConfigError(f"wecom.{key}", "仍是示例值，请填入企业微信管理后台中的真实值",
                          "is still the example's placeholder")


_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _time(key: str, value: Any) -> time:
    if isinstance(value, time):
        return value
    m = _TIME.match(str(value)) if isinstance(value, str) else None
    if not m:
        raise ConfigError(key, "应为 HH:MM 格式的时间", "must be a time as HH:MM")
    return time(int(m[1]), int(m[2]))


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(key: str, value: Any) -> date:
    """A TOML date or an ISO date string, "2026-10-09"."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    shown = value if isinstance(value, str) else repr(value)
    shown = " ".join(str(shown).split())
    raise ConfigError(key, f"中的“{shown}”不是有效日期（应为 YYYY-MM-DD）",
                      f"has “{shown}”, not a date (YYYY-MM-DD)")


def _typed(key: str, default: Any, value: Any) -> Any:
    """Coerce ``value`` to the type of ``default`` or raise ConfigError naming ``key``."""
    if isinstance(default, time):
        return _time(key, value)
    if isinstance(default, Names):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(key, '应为字符串列表，如 ["第一党支部"]', 'must be a list of strings such as ["第一党支部"]')
        return Names(value)
    if isinstance(default, Dates):
        if not isinstance(value, list):
            raise ConfigError(key, '应为日期列表，如 ["2026-10-09"]', 'must be a list of dates such as ["2026-10-09"]')
        return Dates(_date(key, v) for v in value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(key, "应为 true 或 false", "must be true or false")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, "应为整数", "must be an integer")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(key, "应为数字", "must be a number")
        return float(value)
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ConfigError(key, "应为整数列表", "must be a list of integers")
        return value
    if not isinstance(value, str):
        raise ConfigError(key, "应为字符串", "must be a string")
    return value


def _fill(section_name: str, obj: Any, table: Any) -> None:
    if not isinstance(table, dict):
        raise ConfigError(section_name, "应为一个表 [section]", "must be a table [section]")
    for name, value in table.items():
        key = f"{section_name}.{name}"
        if not hasattr(obj, name) or is_dataclass(getattr(obj, name)):
            raise ConfigError(key, "不是已知的配置项", "is not a known key")
        setattr(obj, name, _typed(key, getattr(obj, name), value))


def find_config_path(explicit: str | os.PathLike | None = None) -> Path | None:
    """``--config``, else ``$QINGDAN_CONFIG``, else ``./config.toml`` if it exists."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("QINGDAN_CONFIG")
    if env:
        return Path(env)
    local = Path("config.toml")
    return local if local.exists() else None


def load(path: str | os.PathLike | None = None, *, environ: dict | None = None) -> Config:
    """Read the configuration; with no file at all the defaults stand (SQLite, Asia/Shanghai)."""
    environ = os.environ if environ is None else environ
    cfg = Config()
    found = find_config_path(path)
    if found is not None:
        if not found.exists():
            raise ConfigError(str(found), "配置文件不存在", "config file not found")
        try:
            data = tomllib.loads(found.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(str(found), f"不是合法的 TOML（{exc}）", f"is not valid TOML ({exc})") from None
        sections = {"wecom": cfg.wecom, "database": cfg.database, "server": cfg.server,
                    "schedule": cfg.schedule, "stars": cfg.stars, "understanding": cfg.understanding,
                    "web": cfg.web, "meetings": cfg.meetings, "evidence": cfg.evidence,
                    "accountability": cfg.schedule.accountability, "study_day": cfg.schedule.study_day}
        for name, table in data.items():
            if name not in sections:
                raise ConfigError(name, "不是已知的配置节", "is not a known section")
            _fill(name, sections[name], table)
        cfg.source = found
    for var, (section, key) in ENV_SECRETS.items():
        if environ.get(var):
            setattr(getattr(cfg, section), key, environ[var])
    validate(cfg)
    return cfg


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
