"""The 整改 page (``/console/rectifications``): the rectifications of the units the viewer answers for
(``Tree.units_of``, as chat's "整改清单"; a member: their own), or of one unit of them
(``?unit=``), and 销号 / 退回 as forms.

销号 and 退回 are chat's own: ``handlers.close_off.review_item`` with the rules of
``models.progress`` (a secretary answering for the owner's unit, never for their own item, only a
rectification reported done; 退回 with a reason), the owner told by WeCom message after the
commit. The server checks the scope before anything (a rectification outside the viewer's units
is refused, whatever id the form names). Each form carries the item's last change as the page
showed it (``seen``): a second submit of the same form, or one after anybody else's change,
records nothing and says so — one action, one record.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web
from sqlmodel import Session, select

from bot.cards.deadline import last_updates
from bot.console.acting import WEB, act, form_number
from bot.console.board import Refused, _within
from bot.console.items import countdown, signal
from bot.console.routes.pages import _dates, page
from bot.nlu.codes import Review
from bot.router import Message
from bot.texts import progress_zh
from handlers.close_off import review_item
from models.lookups import listed, owner_names
from models.organisation import Tree
from models.progress import lock
from models.tables import Item, ItemKind, ItemStatus, Member

REASON_MAX = 200
ORDER = {ItemStatus.DONE: 0, ItemStatus.IN_PROGRESS: 1, ItemStatus.NOT_STARTED: 1, ItemStatus.CLOSED: 2}
CHANGED = "页面打开后该整改事项已有变动（现为：{now}），本次未做任何记录。请返回整改页面刷新后查看。"


@dataclass
class Rect:
    item: Item
    owner: str
    unit: str
    progress: str
    countdown: str
    signal: str
    seen: int              # its last change's id as the page shows it (0: none)
    reviewable: bool       # the viewer may 销号 / 退回 it now


def _units(tree: Tree, viewer: Member, unit: int | None) -> list[int] | None:
    """The units shown: one of the viewer's, or all of them; None: the viewer's own items only."""
    if unit is not None:
        _within(tree, viewer, unit)
        return tree.subtree(unit)
    return tree.units_of(viewer) or None


def rectifications(session: Session, viewer: Member, unit: int | None, year: int, today) -> tuple[str, list[Rect]]:
    tree = Tree.load(session)
    units = _units(tree, viewer, unit)
    mine = Item.owner_id == viewer.id if units is None else Item.unit_id.in_(units)
    items = list(session.exec(select(Item).where(Item.kind == ItemKind.RECTIFICATION, listed(year), mine)))
    place = {u: n for n, u in enumerate(units or [viewer.unit_id])}
    items.sort(key=lambda i: (ORDER.get(ItemStatus(i.status), 1), place.get(i.unit_id, 0), i.owner_id, i.code))
    names, seen = owner_names(session, items), last_updates(session, [i.id for i in items])
    reviewer = set(tree.units_of(viewer)) if viewer.is_secretary else set()
    label = tree.name(unit) if unit is not None else ("您本人" if units is None else
                                                      "全机关" if viewer.is_admin else tree.name(viewer.unit_id))
    return label, [Rect(i, names.get(i.owner_id, ""), tree.name(i.unit_id), progress_zh(i, today),
                        countdown(i, today), signal(i, today)[0], seen.get(i.id, 0),
                        i.status == ItemStatus.DONE and i.owner_id != viewer.id and i.unit_id in reviewer)
                   for i in items]


def _unit_query(request: web.Request) -> int | None:
    raw = request.query.get("unit", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Refused(404, "没有这个单位。")
    return int(raw)


async def rectifications_page(request: web.Request) -> web.Response:
    def build(session: Session, viewer: Member, now) -> tuple[str, dict]:
        label, rects = rectifications(session, viewer, _unit_query(request), now.year, now.date())
        counts = {zh: sum(r.item.status in states for r in rects) for zh, states in
                  (("未完成", (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED)), ("待销号", (ItemStatus.DONE,)),
                   ("已销号", (ItemStatus.CLOSED,)))}
        return "rectifications.html", {"title": f"{label} 整改", "label": label, "rects": rects,
                                       "counts": counts, **_dates(now)}

    return await page(request, build)


def _target(msg: Message, form: Mapping, item_id: str) -> Item:
    """The rectification a form names, if the viewer answers for its unit and it is as the page showed it."""
    if not item_id.isdigit() or len(item_id) > 12:
        raise Refused(404, "没有这个整改事项。")
    item = msg.session.get(Item, int(item_id))
    if item is None or item.kind != ItemKind.RECTIFICATION:
        raise Refused(404, "没有这个整改事项。")
    if item.unit_id not in Tree.load(msg.session).units_of(msg.member):
        raise Refused(403, "该整改事项不在您负责的单位范围内，本次未做任何记录。")
    lock(msg.session, item)
    if last_updates(msg.session, [item.id]).get(item.id, 0) != form_number(form, "seen"):
        raise Refused(409, CHANGED.format(now=progress_zh(item, msg.at.date())))
    return item


def _review(request: web.Request, verb: str):
    item_id = request.match_info["item_id"]

    def run(msg: Message, form: Mapping) -> tuple[int, str, dict]:
        reason = " ".join(str(form.get("reason", "")).split())[:REASON_MAX] if verb == "return" else ""
        if verb == "return" and not reason:
            raise Refused(400, "请写明退回原因（如“台账不全”），本次未退回。")
        item = _target(msg, form, item_id)
        before = item.status
        words = WEB + ("销号" if verb == "close" else f"退回（原因：{reason}）")
        line = review_item(msg, Review(verb, (item.code,), reason), item, words)
        done = item.status != before
        title = "整改销号结果" if verb == "close" else "整改退回结果"
        if not done:
            raise Refused(409, line.lstrip("· ") + "。本次未做任何记录。")
        return 200, "message.html", {"title": title, "reason": line.lstrip("· "),
                                     "link": ("/console/rectifications", "返回整改页面")}

    return run


async def close_off(request: web.Request) -> web.Response:
    return await act(request, _review(request, "close"))


async def send_back(request: web.Request) -> web.Response:
    return await act(request, _review(request, "return"))


def add_routes(sub: web.Application) -> None:
    sub.router.add_get("/rectifications", rectifications_page)
    sub.router.add_post("/rectifications/{item_id}/close", close_off)
    sub.router.add_post("/rectifications/{item_id}/return", send_back)
