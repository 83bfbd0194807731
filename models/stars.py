"""星级考评: the seven dimensions (one table, used by the workbook, the handler and the demo) and
the rating rule: 95+ five stars, 80–94 four, 60–79 three; any of five veto conditions, no star
at all (软弱涣散). Thresholds and maxima are configuration (``[stars]``), passed in."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dimension:
    field: str          # StarScore column
    zh: str             # header and label
    maximum: float      # default most points (configurable per dimension)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("organisation", "组织建设", 15),
    Dimension("team", "队伍建设", 15),
    Dimension("system", "制度建设", 15),
    Dimension("venue", "阵地建设", 10),
    Dimension("activities", "活动开展", 15),
    Dimension("performance", "工作实绩", 20),
    Dimension("satisfaction_score", "群众满意度测评", 10),
)
STARS_ZH = {5: "五星", 4: "四星", 3: "三星", 0: "未评星"}


def total_of(score) -> float:
    """The seven dimensions added up (out of 100 with the default maxima)."""
    return round(sum(getattr(score, d.field) for d in DIMENSIONS), 2)


@dataclass
class StarRating:
    total: float
    stars: int              # 0, 3, 4 or 5
    weak_lax: bool          # 软弱涣散: no star at all
    reasons: list[str]      # why no star, in Chinese

    @property
    def zh(self) -> str:
        return STARS_ZH[self.stars]


MISSED_SHOWN = 3            # periods without a meeting named in the reason; the rest are counted


def _meetings_veto(score, missed: list[str] | None) -> str | None:
    """三会一课未落实: the workbook's 是/否 when filled; when left empty (None), the meeting records of
    the year (``missed``: the periods owed a meeting that had none, ``models.meetings.missed``)."""
    if score.three_meetings_ok is False:
        return "三会一课未落实"
    if score.three_meetings_ok is None and missed:
        more = f"等{len(missed)}个周期" if len(missed) > MISSED_SHOWN else ""
        return f"三会一课未落实（会议记录中{'、'.join(missed[:MISSED_SHOWN])}{more}未召开）"
    return None


def star_rating(score, *, five: float, four: float, three: float, min_satisfaction: float,
                missed_meetings: list[str] | None = None) -> StarRating:
    """Stars from a StarScore; any veto condition means none. ``missed_meetings``: the periods of the
    score's year without a meeting owed, read when the workbook leaves 三会一课落实 empty."""
    total = total_of(score)
    reasons = []
    if total < three:
        reasons.append(f"总分{total:g}分，低于{three:g}分")
    if score.satisfaction_rate < min_satisfaction:
        reasons.append(f"群众满意率{score.satisfaction_rate:g}%，低于{min_satisfaction:g}%")
    if veto := _meetings_veto(score, missed_meetings):
        reasons.append(veto)
    if not score.venue_ok:
        reasons.append("阵地建设不达标")
    if score.disciplined > 0:
        reasons.append(f"有{score.disciplined}名党员受到警告以上处分")
    if reasons:
        return StarRating(total, 0, True, reasons)
    stars = 5 if total >= five else 4 if total >= four else 3
    return StarRating(total, stars, False, [])


def dimension_parts(score) -> str:
    """"组织建设14、队伍建设14、…" for a reply."""
    return "、".join(f"{d.zh}{getattr(score, d.field):g}" for d in DIMENSIONS)
