"""The demo clock in words: reading "/快进 3天" and "/快进 到 2026-11-30 09:00", and showing a moment
("2026年11月25日（星期三）09:00") or a span ("3天2小时"). Pure functions of their arguments.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.nlu.numbers import to_int

WEEKDAYS = "一二三四五六日"

_UNITS = {"天": 86400, "日": 86400, "d": 86400, "周": 604800, "星期": 604800, "w": 604800,
          "小时": 3600, "个小时": 3600, "时": 3600, "h": 3600, "分钟": 60, "分": 60, "m": 60, "min": 60}
_UNITS.update({"个星期": 604800, "个礼拜": 604800, "礼拜": 604800, "钟头": 3600, "个钟头": 3600})
# The number: digits, or Chinese numerals as bot.nlu.numbers reads them ("三天", "两周", "十五分钟").
_SPAN = re.compile(r"^(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)\s*"
                   r"(个小时|小时|分钟|个星期|星期|个礼拜|礼拜|个钟头|钟头|min|天|日|周|时|分|d|w|h|m)$", re.I)
_MOMENT = re.compile(
    r"^(?:(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?)?"
    r"\s*(?:(\d{1,2})(?:\s*[:：点时]\s*(\d{1,2})?\s*分?)?)?$")


class ForwardError(ValueError):
    """What the user typed after /快进 is not a time to move to; the message is Chinese."""


def parse_forward(arg: str, now: datetime) -> datetime:
    """The moment ``/快进 ARG`` moves the clock to: a span ("3天", "三天", "2小时", "两周", "30分钟") or,
    after an optional "到", a moment ("2026-11-30 09:00", "11-30", "11月30日 9点", "09:00").
    A date without a time means 09:00, when the pushes go out; a date without a year or a time
    alone means its next occurrence. Raises ForwardError if it cannot be read or is not later than ``now``."""
    text = arg.strip().replace("：", ":")
    if not text:
        raise ForwardError("请写明拨到何时，例如：/快进 3天、/快进 到 2026-11-30 09:00")
    span = _SPAN.match(text)
    if span and not text.startswith("到"):
        number = float(span[1]) if span[1][0].isdigit() else to_int(span[1])
        if number is None:
            raise ForwardError(f"看不懂“{arg.strip()}”。例如：/快进 3天、/快进 三天、/快进 到 2026-11-30 09:00")
        seconds = number * _UNITS[span[2].lower()]
        if seconds <= 0:
            raise ForwardError("时长应大于0")
        return now + timedelta(seconds=seconds)
    text = re.sub(r"^到\s*", "", text)
    m = _MOMENT.match(text)
    if not text or not m or not (m[3] or m[4]):
        raise ForwardError(f"看不懂“{arg.strip()}”。例如：/快进 3天、/快进 2小时、/快进 到 2026-11-30 09:00")
    hour, minute = (int(m[4]), int(m[5] or 0)) if m[4] else (9, 0)
    try:
        if m[3]:
            day = date(int(m[1] or now.year), int(m[2]), int(m[3]))
            target = datetime(day.year, day.month, day.day, hour, minute, tzinfo=now.tzinfo)
            if not m[1] and target <= now:      # "1-4" in November: the coming 4 January
                target = target.replace(year=now.year + 1)
        else:
            target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if target <= now:
                target += timedelta(days=1)
    except ValueError:
        raise ForwardError(f"“{arg.strip()}”不是有效的日期或时间") from None
    if target <= now:
        raise ForwardError(f"演示时钟只能往后拨：现在已是{clock_text(now)}")
    return target


def clock_text(at: datetime) -> str:
    """"2026年11月25日（星期三）09:00"."""
    return f"{at.year}年{at.month}月{at.day}日（星期{WEEKDAYS[at.weekday()]}）{at:%H:%M}"


def span_text(delta: timedelta) -> str:
    """"3天2小时", "45分钟"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days}天" if days else "", f"{hours}小时" if hours else "", f"{minutes}分钟" if minutes and not days else ""]
    return "".join(parts) or "不到1分钟"


def ahead_text(offset: timedelta) -> str:
    """How far the demo clock is ahead of real time ("3天2小时"), or "" when under a minute."""
    return span_text(offset) if offset >= timedelta(minutes=1) else ""
