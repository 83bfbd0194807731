"""三会一课 reported in chat: one meeting held, read from one statement.

    >>> read_meeting("今天召开支委会，应到7人实到6人，研究发展党员工作", date(2026, 11, 20))
    MeetingReport(kind='支委会', held_on=date(2026, 11, 20), due=7, present=6, topic='研究发展党员工作', doubts=[])

A statement is a meeting report only when it names one kind (支部党员大会 / 党员大会, 支委会, 党小组会,
党课) with a verb of holding it (召开, 举行, 开, 上, 讲 …) and says something of *that* meeting: the day
(今天, 昨天, 11月8日, 8号, 周三), the attendance (应到7人实到6人, 参会6人) or the topic (研究…, 主题…,
学习…, 传达…). What it does not read as a report: a question, a denial ("还没召开"), a plan
("明天召开", "准备召开", a day after today), a count or running total ("召开了2次支委会", "今年已召开8次":
progress of a quantified duty), two kinds in one statement, a meeting held elsewhere ("到联系支部讲了党课":
another unit's). The day is today when unsaid; a day
read from a weekday, or a day of the month without its month, or attendance that does not add up,
is a *doubt*: the bot reads the meeting back before storing it (``handlers.meetings``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .numbers import NUMBER, to_int
from .text import normalize

# The four kinds, as stored (models.tables.MeetingKind has the same values); text.normalize has
# already unified the longer names (支部大会 → 支部党员大会, 支部委员会 → 支委会).
GENERAL, COMMITTEE, GROUP, LECTURE = "支部党员大会", "支委会", "党小组会", "党课"
KINDS = (GENERAL, COMMITTEE, GROUP, LECTURE)
_KIND_RE = re.compile(r"(?:支部)?党员大会|支委会|党小组会|党课")
_HOLD = r"(?:组织召开|召开|举行|举办|组织|开展|开了|开|上了|上|讲了|讲|听了|听)"
# The verb of holding before the kind (a few words between: "召开第四季度支部党员大会"), or after it.
_HELD_RE = re.compile(rf"{_HOLD}(?:了|过)?[^,，。;；!！]{{0,10}}?(?:{_KIND_RE.pattern})"
                      rf"|(?:{_KIND_RE.pattern})[^,，。;；!！]{{0,6}}?(?:召开|举行|开过|开了|开完)")
_QUESTION_RE = re.compile(r"[?？]|吗|呢$|是否|有没有|了没")
# Read before the topic only (a topic may say "研究下月计划"): a denial, a plan, a count or a total.
_NOT_A_REPORT_RE = re.compile(
    r"没有?(?:召开|开|举行|上|讲)|未(?:召开|开|举行|上|讲)|不(?:召开|开|举行)"
    r"|(?:将|准备|计划|拟|打算|要|需要|应)(?:于[^,，。]{0,8})?(?:召开|开|举行|上|讲|组织)|明天|后天|下周|下个?月|下星期"
    rf"|{NUMBER}\s*(?:次|场|回|堂)|累计|今年已|全年(?:已|共)|本年度已|共(?:召开|开)")
# A time that is no one day ("上个月召开了支委会", "本月召开了支委会"): a duty's progress, not a record.
_VAGUE_RE = re.compile(r"上个?月|上季度|本月|这个月|本季度|本周|这周|近期|最近|前几天|日前|近日|前段时间|月初|月中|月底")

_TODAY_RE = re.compile(r"今天|今日|今早|今晚|今天上午|今天下午")
_RELATIVE = {"昨天": 1, "昨日": 1, "昨晚": 1, "前天": 2}
_RELATIVE_RE = re.compile("|".join(_RELATIVE))
_FULL_DATE_RE = re.compile(rf"(?:(\d{{4}})年)?({NUMBER})月({NUMBER})[日号]")
_DAY_RE = re.compile(rf"(?<![月\d])({NUMBER})[日号](?!期)")
_WEEKDAY_RE = re.compile(r"(上|本|这)?(?:周|星期|礼拜)([一二三四五六日天1-7])")
# Held elsewhere ("到联系支部讲了党课", "给第二支部上党课"): another unit's meeting, not the reporter's.
_ELSEWHERE_RE = re.compile(r"(?:到|去|赴|给|为|深入)[\u4e00-\u9fff]{0,10}?(?:支部|党委|总支|单位|社区|村|企业|学校)")
_WEEKDAYS = {c: n for n, c in enumerate("一二三四五六")} | {"日": 6, "天": 6} | {str(n): n - 1 for n in range(1, 8)}

_ATTENDANCE_RE = re.compile(rf"应(?:到|参会|参加|出席)({NUMBER})人?[^\d一二三四五六七八九十两]{{0,3}}"
                            rf"(?:实到|实际到会|实参会|实际参加|到会|出席|参会|参加)({NUMBER})人?")
_PRESENT_RE = re.compile(rf"(?:实到|到会|参会|参加|出席)(?:人数)?({NUMBER})人")
_ABSENT_RE = re.compile(rf"缺席({NUMBER})人")
_TOPIC_RE = re.compile(r"(?:主题(?:是|为)?|议题(?:是|为)?|内容(?:是|为)?)[:：]?\s*([^,，。;；!！]+)"
                       r"|((?:研究|学习|传达|讨论|审议|部署|围绕)[^,，。;；!！]+)")
TOPIC_MAX = 100


@dataclass
class MeetingReport:
    kind: str                       # one of KINDS
    held_on: date
    due: int | None = None          # 应到
    present: int | None = None      # 实到
    topic: str | None = None
    day_said: bool = False          # the day was written (今天 / 11月8日 / 周三), not taken as today
    doubts: list[str] = field(default_factory=list)    # why to read it back first, in Chinese


def _kind(text: str) -> str | None:
    kinds = {GENERAL if "党员大会" in k else k for k in _KIND_RE.findall(text)}
    return kinds.pop() if len(kinds) == 1 else None


def _day(text: str, today: date) -> tuple[date | None, bool, list[str]] | None:
    """(the day, whether it was said, doubts); None when the day is no day (2月30日) or is after today."""
    if _TODAY_RE.search(text):
        return today, True, []
    if m := _RELATIVE_RE.search(text):
        return today - timedelta(days=_RELATIVE[m[0]]), True, []
    if m := _FULL_DATE_RE.search(text):
        return _on(today, int(m[1]) if m[1] else None, to_int(m[2]), to_int(m[3]))
    if m := _DAY_RE.search(text):
        day = _on(today, today.year, today.month, to_int(m[1]))
        return day and (day[0], True, [f"只写了{to_int(m[1])}日，按本月理解"])
    if m := _WEEKDAY_RE.search(text):
        if m[1] in ("本", "这") and _WEEKDAYS[m[2]] > today.weekday():
            return None                                         # later this week: a plan
        back = (today.weekday() - _WEEKDAYS[m[2]]) % 7 + (7 if m[1] == "上" else 0)
        return today - timedelta(days=back), True, [f"日期由“{m[0]}”推算"]
    return today, False, []


def _on(today: date, year: int | None, month: int | None, day: int | None):
    doubts = []
    if year is None:
        year = today.year
        if today.month <= 2 and (month or 0) >= 11:      # "12月30日" said in January: last year's
            year -= 1
            doubts.append(f"按{year}年理解")
    try:
        held = date(year, month or 0, day or 0)
    except ValueError:
        return None
    return None if held > today else (held, True, doubts)


def _attendance(text: str) -> tuple[int | None, int | None, list[str]]:
    if m := _ATTENDANCE_RE.search(text):
        due, present = to_int(m[1]), to_int(m[2])
    else:
        m = _PRESENT_RE.search(text)
        due, present = None, to_int(m[1]) if m else None
        if _ABSENT_RE.search(text) and present is None:
            return None, None, ["缺席人数已写，应到、实到人数未写清"]
    if due is not None and present is not None and present > due:
        return due, present, ["实到人数多于应到人数"]
    if due == 0 or present == 0:
        return due, present, ["到会人数为0"]
    return due, present, []


def _topic(text: str) -> str | None:
    m = _TOPIC_RE.search(text)
    if m is None:
        return None
    topic = (m[1] or m[2]).strip(" “”\"'")
    return topic[:TOPIC_MAX] or None


def read_meeting(text: str, today: date) -> MeetingReport | None:
    """The meeting ``text`` reports as held, or None when it reports none (see the module docstring)."""
    clean = normalize(text)
    kind = _kind(clean)
    topic_at = _TOPIC_RE.search(clean)
    head = clean[:topic_at.start()] if topic_at else clean
    if (kind is None or _HELD_RE.search(clean) is None or _QUESTION_RE.search(clean)
            or _NOT_A_REPORT_RE.search(head) or _ELSEWHERE_RE.search(head)):
        return None
    day = _day(head, today)
    if day is None or (not day[1] and _VAGUE_RE.search(head)):
        return None
    held_on, said, doubts = day
    due, present, counted = _attendance(clean)
    topic = _topic(clean)
    if not said and due is None and present is None and topic is None:
        return None             # "召开了支委会": nothing of one meeting, a duty's progress
    return MeetingReport(kind, held_on, due, present, topic, said, doubts + counted)
