"""我单位星级: the unit's star rating (星级考评) from the scores on record."""
from sqlmodel import select

from bot.router import Message, Router
from models.stars import star_rating
from models.tables import StarScore, Unit

router = Router("star_level")

DIMENSIONS = (("organisation", "组织建设"), ("team", "队伍建设"), ("system", "制度建设"), ("venue", "阵地建设"),
              ("activities", "活动开展"), ("performance", "工作实绩"), ("satisfaction_score", "群众满意度测评"))
STARS_ZH = {5: "五星", 4: "四星", 3: "三星"}


@router.message(intent="star_level")
async def show_star_level(msg: Message) -> str:
    """The latest year's score of the sender's unit, its stars, or why it has none."""
    unit = msg.session.get(Unit, msg.member.unit_id)
    score = msg.session.exec(
        select(StarScore).where(StarScore.unit_id == unit.id).order_by(StarScore.year.desc())).first()
    if score is None:
        return f"{unit.name}暂无星级评分记录。评分由机关党委录入后即可查询。"
    st = msg.runtime.config.stars
    rating = star_rating(score, five=st.five, four=st.four, three=st.three, min_satisfaction=st.min_satisfaction)
    parts = "、".join(f"{zh}{getattr(score, attr):g}" for attr, zh in DIMENSIONS)
    if rating.weak_lax:
        head = f"{unit.name}{score.year}年度星级考评：未评星（总分{rating.total:g}分），列为软弱涣散党组织，需在下一年度整顿。"
        return f"{head}\n原因：{'；'.join(rating.reasons)}\n各项得分：{parts}"
    return (f"{unit.name}{score.year}年度星级考评：{STARS_ZH[rating.stars]}（总分{rating.total:g}分）\n"
            f"各项得分：{parts}\n群众满意率{score.satisfaction_rate:g}%")
