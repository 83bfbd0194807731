"""How items, dates and times read in Chinese — shared by handlers and pushes."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from models.tables import Item, ItemStatus

MORE_ITEMS = "…及其余{n}项，回复“我的清单”查看"
HOW_TO_REPLY = "回复如：第2项完成80%、Z-2已整改到位、召开了1次支委会"


def day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def moment(at: datetime, tz: ZoneInfo) -> str:
    local = at.astimezone(tz)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def month_zh(month: str) -> str:
    """"2026-11" → "2026年11月"."""
    y, m = month.split("-")
    return f"{y}年{int(m)}月"


def status_zh(item: Item) -> str:
    return ItemStatus(item.status).zh


def progress_zh(item: Item) -> str:
    """"进行中 60%", "已开5/12次", "已完成"."""
    if item.target_count:
        text = f"已完成{item.done_count}/{item.target_count}次"
        if item.percent != min(100, round(100 * item.done_count / item.target_count)):
            text += f"，进度{item.percent}%"   # a percentage reported in words, not as a count
        return text if item.status != ItemStatus.BLOCKED.value else f"受阻，{text}"
    if item.status == ItemStatus.IN_PROGRESS.value or (item.status == ItemStatus.BLOCKED.value and item.percent):
        return f"{status_zh(item)} {item.percent}%"
    return status_zh(item)


def item_line(number: int, item: Item, today: date) -> str:
    """One numbered line as "我的清单" and the monthly prompt show it."""
    line = f"{number}. [{item.code}] {item.title}｜{progress_zh(item)}"
    if item.deadline:
        line += f"｜截止{day(item.deadline)}"
        if item.is_open and item.deadline < today:
            line += "（已逾期）"
    return line


def numbered(items: list[Item], only: list[Item] | None = None, today: date | None = None) -> list[str]:
    """Lines for ``only`` (default all), numbered by their place in ``items``."""
    today = today or date.today()
    wanted = {i.id for i in (only if only is not None else items)}
    return [item_line(n, i, today) for n, i in enumerate(items, 1) if i.id in wanted]
