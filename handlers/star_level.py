"""我单位星级: the unit's star rating (星级考评) from the scores on record."""
from sqlmodel import select

from bot.router import Message, Router
from models.stars import dimension_parts, star_rating
from models.tables import StarScore, Unit

router = Router("star_level")


@router.message(intent="star_level")
def show_star_level(msg: Message) -> str:
    """The latest year's score of the sender's unit, its stars, or why it has none."""
    unit = msg.session.get(Unit, msg.member.unit_id)
    score = msg.session.exec(
        select(StarScore).where(StarScore.unit_id == unit.id).order_by(StarScore.year.desc())).first()
    if score is None:
        return f"{unit.name}暂无星级评分记录。评分由机关党委录入后即可查询。"
    st = msg.runtime.config.stars
    rating = star_rating(score, five=st.five, four=st.four, three=st.three, min_satisfaction=st.min_satisfaction)
    parts = dimension_parts(score)
    if rating.weak_lax:
        head = f"{unit.name}{score.year}年度星级考评：未评星（总分{rating.total:g}分），列为软弱涣散党组织，需在下一年度整顿。"
        return f"{head}\n原因：{'；'.join(rating.reasons)}\n各项得分：{parts}"
    return (f"{unit.name}{score.year}年度星级考评：{rating.zh}（总分{rating.total:g}分）\n"
            f"各项得分：{parts}\n群众满意率{score.satisfaction_rate:g}%")
