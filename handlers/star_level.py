"""星级: a unit's star rating (星级考评) — the asker's own unit, a unit named ("第一支部几星"), or
for a secretary or administrator a ranking of the units below, with stars, total and any veto."""
from sqlmodel import select

from bot.router import Message, Router
from bot.scope import asked
from models.stars import StarRating, dimension_parts, star_rating
from models.tables import StarScore, Unit

router = Router("star_level")


def _latest(msg: Message, unit_id: int) -> StarScore | None:
    return msg.session.exec(select(StarScore).where(StarScore.unit_id == unit_id)
                            .order_by(StarScore.year.desc())).first()


def _rating(msg: Message, score: StarScore) -> StarRating:
    st = msg.runtime.config.stars
    return star_rating(score, five=st.five, four=st.four, three=st.three, min_satisfaction=st.min_satisfaction)


def _detail(msg: Message, unit: Unit) -> str:
    score = _latest(msg, unit.id)
    if score is None:
        return f"{unit.name}暂无星级评分记录。评分由机关党委录入后即可查询。"
    rating, parts = _rating(msg, score), dimension_parts(score)
    if rating.weak_lax:
        head = f"{unit.name}{score.year}年度星级考评：未评星（总分{rating.total:g}分），列为软弱涣散党组织，需在下一年度整顿。"
        return f"{head}\n原因：{'；'.join(rating.reasons)}\n各项得分：{parts}"
    return (f"{unit.name}{score.year}年度星级考评：{rating.zh}（总分{rating.total:g}分）\n"
            f"各项得分：{parts}\n群众满意率{score.satisfaction_rate:g}%")


def _ranking(msg: Message, a) -> str:
    rated = []
    for uid in a.units:
        score = _latest(msg, uid)
        if score is not None:
            rated.append((a.tree.name(uid), score, _rating(msg, score)))
    unrated = [a.tree.name(uid) for uid in a.units if _latest(msg, uid) is None]
    if not rated:
        return f"{a.label}暂无星级评分记录。评分由机关党委录入后即可查询。"
    rated.sort(key=lambda r: (-r[2].stars, -r[2].total))
    lines = [f"{a.label}星级考评（{max(s.year for _, s, _ in rated)}年度）："]
    for n, (name, _, rating) in enumerate(rated, 1):
        veto = f"，软弱涣散：{'；'.join(rating.reasons)}" if rating.weak_lax else ""
        lines.append(f"{n}. {name} {rating.zh} {rating.total:g}分{veto}")
    if unrated:
        lines.append("暂无评分：" + "、".join(unrated))
    return "\n".join(lines)


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
