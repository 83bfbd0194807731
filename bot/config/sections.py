"""The configuration's sections as typed dataclasses, their defaults, and ``ConfigError``."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
