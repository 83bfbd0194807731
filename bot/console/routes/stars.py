"""The 星级 page (``/console/stars``): a unit's latest star assessment (星级考评) — its seven
dimensions as a radar (``charts.radar``, each against its configured maximum), its rating and any
veto (软弱涣散, ``models.stars.star_rating``, as chat's "星级") — and the ranking of the units
directly below it, ordered as chat orders them (stars, then total).

Which unit: ``?unit=``, one of the units the viewer may ask about (``Tree.units_of``); by default
the viewer's own (an administrator's: the top of the tree). A member sees their own unit only.
"""
from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from markupsafe import Markup
from sqlmodel import Session

from bot.console import CONSOLE
from bot.console.board import Refused
from bot.console.charts import radar
from bot.console.routes.pages import _dates, page
from bot.console.routes.rectifications import _unit_query
from models.lookups import latest_star_scores
from models.organisation import Tree
from models.stars import DIMENSIONS, StarRating, star_rating
from models.tables import Member, StarScore


@dataclass
class Ranked:
    rank: int
    unit_id: int
    name: str
    rating: StarRating
    year: int


@dataclass
class Stars:
    unit_id: int
    name: str
    score: StarScore | None
    rating: StarRating | None
    chart: Markup | None
    ranking: list[Ranked]
    unrated: list[str]


def _unit(tree: Tree, viewer: Member, asked: int | None) -> int:
    allowed = tree.units_of(viewer) or [viewer.unit_id]
    if asked is None:
        return tree.roots()[0] if viewer.is_admin and tree.roots() else viewer.unit_id
    if asked not in tree.units:
        raise Refused(404, "没有这个单位。")
    if asked not in allowed:
        raise Refused(403, f"无权查看该单位的星级。您可以查看{tree.name(viewer.unit_id)}"
                           f"{'及其下级单位' if len(allowed) > 1 else ''}的星级。")
    return asked


def stars(session: Session, viewer: Member, asked: int | None, config) -> Stars:
    tree = Tree.load(session)
    unit = _unit(tree, viewer, asked)
    children = tree.children.get(unit, []) if tree.units_of(viewer) else []
    scores = latest_star_scores(session, [unit, *children])
    rate = lambda s: star_rating(s, five=config.five, four=config.four, three=config.three,   # noqa: E731
                                 min_satisfaction=config.min_satisfaction)
    ratings = {uid: rate(s) for uid, s in scores.items()}
    ranked = sorted((uid for uid in children if uid in scores), key=lambda u: (-ratings[u].stars, -ratings[u].total))
    score = scores.get(unit)
    chart = None
    if score is not None:
        maxima = config.maxima()
        chart = radar(f"{tree.name(unit)}{score.year}年度星级考评七个维度",
                      [(d.zh, getattr(score, d.field), maxima[d.field]) for d in DIMENSIONS])
    return Stars(unit, tree.name(unit), score, ratings.get(unit), chart,
                 [Ranked(n, uid, tree.name(uid), ratings[uid], scores[uid].year) for n, uid in enumerate(ranked, 1)],
                 [tree.name(uid) for uid in children if uid not in scores])


async def stars_page(request: web.Request) -> web.Response:
    config = request.app[CONSOLE].runtime.config.stars

    def build(session: Session, viewer: Member, now) -> tuple[str, dict]:
        found = stars(session, viewer, _unit_query(request), config)
        return "stars.html", {"title": f"{found.name} 星级", "s": found, "DIMENSIONS": DIMENSIONS, **_dates(now)}

    return await page(request, build)


def add_routes(sub: web.Application) -> None:
    sub.router.add_get("/stars", stars_page)
