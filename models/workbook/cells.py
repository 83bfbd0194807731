"""Cells: each parser turns one raw cell value into a value, or raises ``BadCell`` with a Chinese reason.

A parser takes the raw value (as read from the book: str, int, float, bool, date, datetime, time,
``FORMULA`` or None) and the column's label for the reason, and returns the value or None for an
empty cell. Whatever the column, a formula without a computed value and an Excel error value are
problems (``guard``).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils.datetime import from_excel

from bot.nlu.numbers import to_int
from models.tables import TITLES, UnitKind


class BadCell(Exception):
    """A cell that cannot be read; ``args[0]`` is the reason in Chinese."""


class _Formula:
    """A formula cell with no computed value (e.g. a book written by a program, never opened in Excel)."""

    def __repr__(self) -> str:
        return "<公式>"


FORMULA = _Formula()
BLANKS = " \t\r\n\u3000\xa0\u200b\ufeff"

# A WeCom account (UserID): letters, digits and _-.@ only (the contract's "Workbook" section).
ACCOUNT_RE = re.compile(r"[A-Za-z0-9_.@-]+")


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip(BLANKS))


def show(v: Any) -> str:
    """A cell value as shown in a reason: short, on one line."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, datetime):
        v = v.strftime("%Y-%m-%d %H:%M") if v.time() != time() else v.strftime("%Y-%m-%d")
    s = " ".join(str(v).split())
    return s if len(s) <= 30 else s[:29] + "…"


def guard(v: Any, label: str) -> None:
    """Formulas without a value and Excel error values are problems whatever the column."""
    if v is FORMULA:
        raise BadCell(f"{label}是公式，但没有计算结果（请在 Excel 中打开并保存，或改为直接填写数值）")
    if isinstance(v, str) and v.strip(BLANKS) in ERROR_CODES:
        raise BadCell(f"{label}是错误值 {v.strip(BLANKS)}")


def norm(s: str) -> str:
    """Full-width digits, letters and punctuation to half-width, no whitespace: for numbers and keys."""
    return "".join(unicodedata.normalize("NFKC", s).split())


def parse_text(v: Any, label: str) -> str | None:
    """Free text (names, titles, codes); numbers become their plain digits."""
    guard(v, label)
    if is_blank(v):
        return None
    if isinstance(v, bool):
        raise BadCell(f"{label}应是文字，不是逻辑值 {v}")
    if isinstance(v, (datetime, date, time, timedelta)):
        raise BadCell(f"{label} {show(v)} 被 Excel 当成了日期或时间，请把该列设为文本格式后重填")
    if isinstance(v, float):
        if not math.isfinite(v):
            raise BadCell(f"{label} {v} 不是有效内容")
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip(BLANKS)


# The most characters of a cell, by what it holds (a WeCom account has at most 64 bytes).
MAX_NAME, MAX_CODE, MAX_TITLE, MAX_MEASURES, MAX_SOURCE = 64, 32, 500, 2000, 100


def text_of(most: int) -> Callable[[Any, str], str | None]:
    """A parser of free text (``parse_text``) of at most ``most`` characters."""

    def parse(v: Any, label: str) -> str | None:
        s = parse_text(v, label)
        if s is not None and len(s) > most:
            raise BadCell(f"{label}有{len(s)}个字，超过上限{most}个字")
        return s

    return parse


def parse_account(v: Any, label: str) -> str | None:
    """A WeCom account (企业微信账号, and the owner columns that name one): letters, digits and _-.@
    only, not starting with "-" (read as an option by the tools it is passed to); spaces, Chinese
    characters and full-width letters are what WeCom does not allow. Kept as written; compared
    without case (``models.tables.account_key``)."""
    s = text_of(MAX_NAME)(v, label)
    if s is None:
        return None
    if not ACCOUNT_RE.fullmatch(s):
        raise BadCell(f"{label} {show(s)} 不是有效的企业微信账号（只能由字母、数字和 _ - . @ 组成，"
                      "不能有空格、汉字或其他符号）")
    if s.startswith("-"):
        raise BadCell(f"{label} {show(s)} 不是有效的企业微信账号（不能以 - 开头）")
    return s


def parse_number(v: Any, label: str, suffixes: str = "") -> float | None:
    """A number from a numeric cell or text such as "85"、"８５"、"4次" (given suffixes)."""
    guard(v, label)
    if is_blank(v):
        return None
    if isinstance(v, (bool, datetime, date, time, timedelta)):
        raise BadCell(f"{label} {show(v)} 不是数字")
    if isinstance(v, (int, float)):
        x = float(v)
    else:
        s = norm(str(v)).rstrip(suffixes) if suffixes else norm(str(v))
        try:
            x = float(s)
        except ValueError:
            raise BadCell(f"{label} {show(v)} 不是数字") from None
    if not math.isfinite(x):
        raise BadCell(f"{label} {show(v)} 不是数字")
    return x


def parse_year(v: Any, label: str) -> int | None:
    """A four-digit year: 2026, 2026.0, "2026", "2026年"."""
    guard(v, label)
    bad = BadCell(f"{label} {show(v)} 不是有效的年份（应为四位年份，如 2026）")
    if isinstance(v, (datetime, date)):
        raise bad
    try:
        x = parse_number(v, label, "年")
    except BadCell:
        raise bad from None
    if x is None:
        return None
    if not x.is_integer() or not 2000 <= x <= 2100:
        raise bad
    return int(x)


def parse_positive_int(v: Any, label: str) -> int | None:
    """Empty, or a whole number of at least 1 ("4"、"4次"; Chinese numerals as the chat takes
    them, ``bot.nlu.numbers.to_int``: "两次"、"十二次")."""
    if isinstance(v, str) and (n := to_int(norm(v).removesuffix("次"))) is not None:
        v = n
    x = parse_number(v, label, "次")
    if x is None:
        return None
    if not x.is_integer() or x < 1:
        raise BadCell(f"{label} {show(v)} 应为正整数（或留空）")
    return int(x)


def parse_count(v: Any, label: str) -> int | None:
    """Empty, or a whole number of at least 0 ("0"、"1人")."""
    x = parse_number(v, label, "人")
    if x is None:
        return None
    if not x.is_integer() or x < 0:
        raise BadCell(f"{label} {show(v)} 应为不小于 0 的整数")
    return int(x)


def parse_score(v: Any, label: str) -> float | None:
    """A score of at least 0 ("14"、"13.5"、"14分"). Its maximum is configuration: the check step
    compares it with the dimension's configured maximum (``check.check_stars``)."""
    x = parse_number(v, label, "分")
    if x is None:
        return None
    if x < 0:
        raise BadCell(f"{label} {show(v)} 不能小于 0")
    return x


def parse_rate(v: Any, label: str) -> float | None:
    """A percentage: "85%", 85, or 0.85 (a fraction, as a percent-formatted cell holds) → 85."""
    guard(v, label)
    if isinstance(v, str) and norm(v).endswith("%"):
        x = parse_number(norm(v)[:-1], label)
        if x is None:
            raise BadCell(f"{label} {show(v)} 不是百分数")
    else:
        x = parse_number(v, label)
        if x is None:
            return None
        if 0 <= x <= 1:
            x *= 100
    x = round(x, 6)
    if not 0 <= x <= 100:
        raise BadCell(f"{label} {show(v)} 应在 0% 到 100% 之间")
    return x


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "对", "有", "已落实", "落实", "达标"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "不", "无", "未落实", "不达标", "未达标"}


def parse_yes_no(v: Any, label: str) -> bool | None:
    """是 / 否 (also Y/N, √/×, 1/0, true/false and the like); empty gives the column default."""
    guard(v, label)
    if is_blank(v):
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    s = norm(str(v)).lower()
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise BadCell(f"{label} {show(v)} 应填“是”或“否”")


_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?")


def parse_date(v: Any, label: str) -> date | None:
    """A date cell, or text 2026-05-31 / 2026/5/31 / 2026.5.31 / 2026年5月31日 (or an Excel serial)."""
    guard(v, label)
    if is_blank(v):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 20000 <= v <= 80000:
        return from_excel(v).date()   # a date that lost its cell format
    if isinstance(v, str):
        m = _DATE_RE.fullmatch(norm(v))
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise BadCell(f"{label} {show(v)} 不是存在的日期") from None
    raise BadCell(f"{label} {show(v)} 不是日期（应写成 2026-05-31，或设为日期格式）")


def choice(options: Iterable[str], aliases: dict[str, str]) -> Callable[[Any, str], str | None]:
    """A parser accepting one of ``options`` (or an alias of one)."""
    options = tuple(options)

    def parse(v: Any, label: str) -> str | None:
        s = parse_text(v, label)
        if s is None:
            return None
        key = norm(s)
        if key in options:
            return key
        if key in aliases:
            return aliases[key]
        raise BadCell(f"{label} {show(s)} 不在可选范围内（{' / '.join(options)}）")

    return parse


parse_unit_kind = choice([k.value for k in UnitKind], {"支部": "党支部", "总支": "党总支"})
_MEMBER_STATUS = {"在册": True, "离开": False}
_parse_member_status_word = choice(_MEMBER_STATUS, {"在职": "在册", "正常": "在册", "已离开": "离开", "调离": "离开",
                                                    "离职": "离开", "退出": "离开"})


def parse_member_status(v: Any, label: str) -> bool | None:
    """状态 of a member: 在册 (True) or 离开 (False); empty means 在册."""
    word = _parse_member_status_word(v, label)
    return None if word is None else _MEMBER_STATUS[word]


parse_title = choice(TITLES, {"党支部书记": "支部书记", "党总支书记": "支部书记", "总支书记": "支部书记"})
