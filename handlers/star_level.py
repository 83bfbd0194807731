"""星级: a unit's star rating (星级考评) — the asker's own unit, a unit named ("第一支部几星"), or
for a secretary or administrator a ranking of the units below, with stars, total and any veto.

A ranking over a whole organ (hundreds of units) reads every unit's latest assessment in one query
and keeps to one message: the asker's own unit first, then the units rated 软弱涣散 (they are to be
put in order next year), then the rest by rank, each line with its rank, as many as fit, and how
many are left out; the head counts the units of each rating."""
from bot.fitting import fit_lines
from bot.router import Message, Router
from bot.scope import Asked, asked
from bot.texts import STARS_NONE, UNITS_MORE
from models.lookups import latest_star_scores
from models.meetings import missed
from models.stars import STARS_ZH, StarRating, dimension_parts, star_rating
from models.tables import StarScore, Unit

router = Router("star_level")

UNRATED_SHOWN = 8           # units without an assessment named; the rest are counted


def _missed(msg: Message, scores: list[StarScore]) -> dict[int, list[str]]:
    """unit → the periods without a meeting owed, for the scores whose 三会一课落实 was left empty."""
    by_year: dict[int, list[int]] = {}
    for score in scores:
        if score.three_meetings_ok is None:
            by_year.setdefault(score.year, []).append(score.unit_id)
    frequencies = msg.runtime.config.meetings.frequencies()
    out: dict[int, list[str]] = {}
    for year, unit_ids in by_year.items():
        out.update(missed(msg.session, unit_ids, year, msg.at.date(), frequencies))
    return out


def _rating(msg: Message, score: StarScore, missed_of: dict[int, list[str]] | None = None) -> StarRating:
    st = msg.runtime.config.stars
    if missed_of is None:
        missed_of = _missed(msg, [score])
    return star_rating(score, five=st.five, four=st.four, three=st.three, min_satisfaction=st.min_satisfaction,
                       missed_meetings=missed_of.get(score.unit_id))


def _detail(msg: Message, unit: Unit) -> str:
    score = latest_star_scores(msg.session, [unit.id]).get(unit.id)
    if score is None:
        return STARS_NONE.format(label=unit.name)
    rating, parts = _rating(msg, score), dimension_parts(score)
    if rating.weak_lax:
        head = f"{unit.name}{score.year}年度星级考评：未评星（总分{rating.total:g}分），列为软弱涣散党组织，需在下一年度整顿。"
        return f"{head}\n原因：{'；'.join(rating.reasons)}\n各项得分：{parts}"
    return (f"{unit.name}{score.year}年度星级考评：{rating.zh}（总分{rating.total:g}分）\n"
            f"各项得分：{parts}\n群众满意率{score.satisfaction_rate:g}%")


def _counts(ratings: list[StarRating]) -> str:
    """"五星3个、四星10个、未评星1个"."""
    return "、".join(f"{zh}{n}个" for stars, zh in STARS_ZH.items()
                    if (n := sum(1 for r in ratings if r.stars == stars)))


def _unrated(names: list[str]) -> str:
    if not names:
        return ""
    more = f"等{len(names)}个单位" if len(names) > UNRATED_SHOWN else ""
    return "暂无评分：" + "、".join(names[:UNRATED_SHOWN]) + more


def _ranking(msg: Message, a: Asked) -> str:
    scores = latest_star_scores(msg.session, a.units)
    if not scores:
        return STARS_NONE.format(label=a.label)
    missed_of = _missed(msg, list(scores.values()))
    ratings = {uid: _rating(msg, score, missed_of) for uid, score in scores.items()}
    ranked = sorted(scores, key=lambda uid: (-ratings[uid].stars, -ratings[uid].total))   # stable: tree order
    rank = {uid: n for n, uid in enumerate(ranked, 1)}
    own = msg.member.unit_id
    shown = list(dict.fromkeys([*(uid for uid in [own] if uid in rank),
                                *(uid for uid in ranked if ratings[uid].weak_lax), *ranked]))

    def line(uid: int) -> str:
        rating = ratings[uid]
        veto = f"，软弱涣散：{'；'.join(rating.reasons)}" if rating.weak_lax else ""
        mine = "（本单位）" if uid == own else ""
        return f"{rank[uid]}. {a.tree.name(uid)}{mine} {rating.zh} {rating.total:g}分{veto}"

    year = max(score.year for score in scores.values())
    head = f"{a.label}星级考评（{year}年度）：{_counts(list(ratings.values()))}"
    unrated = _unrated([a.tree.name(uid) for uid in a.units if uid not in scores])
    return fit_lines(head, (line(uid) for uid in shown), UNITS_MORE, footer=unrated, count=len(shown))


@router.message(intent="star_level")
def show_star_level(msg: Message) -> str:
    """One unit in detail, or a ranking of several."""
    a = asked(msg)
    if isinstance(a, str):
        return a
    if not a.units:
        return _detail(msg, msg.session.get(Unit, (a.people[0] if a.people else msg.member).unit_id))
    if len(a.units) == 1:
        return _detail(msg, a.tree.units[a.units[0]])
    return _ranking(msg, a)
