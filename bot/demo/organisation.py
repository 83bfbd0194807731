"""The demo organisation and its three lists, drawn from the seed articles, and how they get into
the demo's database.

A 市政协党组 over a 机关党委 with three 党支部, twenty members, the year's 责任清单 (quantified
duties with yearly target counts), 项目清单 (deadlines spread over the year, some near today and
some overdue), 整改清单 (from 巡察, 检查考核 and daily work) and the branches' star scores.

``workbook_rows`` gives the rows as an administrator would type them into the import workbook
(sheet → header row + data rows, see contracts.md "Workbook"); the demo writes them with
``build_workbook`` and loads them with ``import_workbook``, the real import path. Progress comes
from chat and is never imported, so ``seed_history`` then plays back some of the year's progress
updates and monthly reports, as if the members had typed them over the past months.
``prepare_data`` does all of that on an empty database.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.config import Config
from bot.nlu.model import Update
from models.db import init_db, make_engine, session_scope
from models.lookups import members_by_accounts
from models.progress import close_off, mark_reported, record_progress
from models.stars import DIMENSIONS
from models.tables import Item, Member
from models.workbook import build_workbook, import_workbook

PARTY_GROUP = "市政协党组"
COMMITTEE = "市政协机关党委"
BRANCHES = ("第一党支部", "第二党支部", "第三党支部", "离退休干部党支部")
# 离退休干部党支部 has no secretary: the 机关党委 secretary covers it (its non-reporters, its 季督
# lines, its rectifications reported done).
NO_SECRETARY = "离退休干部党支部"

UNITS = [
    (PARTY_GROUP, None, "党组"),
    (COMMITTEE, PARTY_GROUP, "机关党委"),
    *((b, COMMITTEE, "党支部") for b in BRANCHES),
]

# 姓名, 企业微信账号, 所在组织, 职务, 管理员
MEMBERS = [
    ("陈建国", "chenjianguo", PARTY_GROUP, "党组书记", False),
    ("刘海燕", "liuhaiyan", PARTY_GROUP, "党组成员", False),
    ("赵志强", "zhaozhiqiang", PARTY_GROUP, "党组成员", False),
    ("王晓东", "wangxiaodong", COMMITTEE, "机关党委书记", True),
    ("孙丽", "sunli", COMMITTEE, "党员", True),
    ("张伟", "zhangwei", "第一党支部", "支部书记", False),
    ("李娜", "lina", "第一党支部", "党员", False),
    ("王芳", "wangfang", "第一党支部", "党员", False),
    ("刘洋", "liuyang", "第一党支部", "党员", False),
    ("杨静", "yangjing", "第一党支部", "党员", False),
    ("黄磊", "huanglei", "第二党支部", "支部书记", False),
    ("吴敏", "wumin", "第二党支部", "党员", False),
    ("徐丽", "xuli", "第二党支部", "党员", False),
    ("马超", "machao", "第二党支部", "党员", False),
    ("朱婷", "zhuting", "第二党支部", "党员", False),
    ("郭强", "guoqiang", "第三党支部", "支部书记", False),
    ("何洁", "hejie", "第三党支部", "党员", False),
    ("林峰", "linfeng", "第三党支部", "党员", False),
    ("罗静", "luojing", "第三党支部", "党员", False),
    ("高翔", "gaoxiang", "第三党支部", "党员", False),
    ("周建华", "zhoujianhua", NO_SECRETARY, "党员", False),
    ("钱淑芬", "qianshufen", NO_SECRETARY, "党员", False),
]

BRANCH_SECRETARIES = {"第一党支部": "zhangwei", "第二党支部": "huanglei", "第三党支部": "guoqiang"}

# 责任清单: 责任人, 事项, 目标次数 (None: not quantified), pace (share of the year's pro-rata
# count done so far; below 1 the owner is behind). Numbers from the seeds: the party group
# studies party building 2 times a year, reports once, holds 1 forum; its secretary hears reports
# 4 times; each member 6 times; a branch holds its committee monthly and its general meeting quarterly.
DUTIES = [
    ("chenjianguo", "履行机关党建第一责任人职责", None, 0),
    ("chenjianguo", "党组专题研究党建工作", 2, 1.0),
    ("chenjianguo", "向市委专题报告党建工作", 1, 0.0),
    ("chenjianguo", "召开政协系统党建工作座谈会", 1, 1.2),
    ("chenjianguo", "听取汇报、研究指导党建工作", 4, 1.0),
    ("chenjianguo", "为机关党员讲党课", 1, 1.2),
    ("liuhaiyan", "听取汇报、研究指导分管领域及联系支部党建工作", 6, 1.0),
    ("zhaozhiqiang", "听取汇报、研究指导分管领域及联系支部党建工作", 6, 0.6),
    ("wangxiaodong", "每季度召开机关党委会议", 4, 1.0),
    ("wangxiaodong", "督查各支部“三会一课”落实情况", 4, 0.8),
    ("wangxiaodong", "组织“机关党员学习日”（每月23日）", 12, 1.0),
    ("wangxiaodong", "组织党支部书记抓党建述职评议", 1, 0.0),
    ("wangxiaodong", "督促党员按月足额交纳党费", None, 0),
    ("sunli", "每月向上级报送流动党员信息", 12, 1.0),
    ("zhangwei", "每月召开支委会", 12, 1.0),
    ("zhangwei", "每季度召开支部党员大会", 4, 1.0),
    ("zhangwei", "支部书记讲党课", 2, 0.6),
    ("zhangwei", "开展谈心谈话，做到“五必谈”", None, 0),
    ("huanglei", "每月召开支委会", 12, 0.9),
    ("huanglei", "每季度召开支部党员大会", 4, 1.0),
    ("huanglei", "支部书记讲党课", 2, 1.2),
    ("huanglei", "开展谈心谈话，做到“五必谈”", None, 0),
    ("guoqiang", "每月召开支委会", 12, 0.7),
    ("guoqiang", "每季度召开支部党员大会", 4, 0.6),
    ("guoqiang", "支部书记讲党课", 2, 0.0),
    ("guoqiang", "开展谈心谈话，做到“五必谈”", None, 0),
]

# 项目清单: 项目, 牵头人, deadline (days from today, or a fixed (month, day)), progress so far
# (percent, or "done"). "一个项目、一班人马、一套方案、一抓到底".
PROJECTS = [
    ("巩固深化“不忘初心、牢记使命”主题教育成果", "chenjianguo", (6, 30), "done"),
    ("党支部规范化建设", "wangxiaodong", -12, 70),
    ("举办政协委员履职能力提升班", "liuhaiyan", 6, 60),
    ("落实“双联系双指导”制度", "zhaozhiqiang", (12, 20), 40),
    ("“双报到双服务”：党员到社区报到服务", "lina", 3, 50),
    ("党员活动室（学习室）按“十有”标准建设", "hejie", 8, 20),
    ("规范党费收缴工作", "wumin", -4, 0),
    ("开展“一支部一特色”创建活动", "liuyang", 25, 30),
    ("打造“党建+委员工作室”履职品牌", "machao", (12, 31), 0),
    ("组织离退休党员“银发先锋”志愿服务", "zhoujianhua", -6, 30),
]

# 整改清单: 问题, 整改措施, 责任人, 来源, 整改时限, progress so far ("closed": verified and 销号).
RECTIFICATIONS = [
    ("支部组织生活形式单一，存在流于形式现象", "每季度开展1次主题党日特色活动，建立活动台账",
     "zhangwei", "巡察", 10, 50),
    ("部分党员未按规定标准交纳党费", "对照工资表重新核定交纳基数，督促补交到位",
     "huanglei", "巡察", -3, 60),
    ("党员活动室未按“十有”标准建设，阵地建设不达标", "按标准配齐设施，制度和党建标语上墙",
     "guoqiang", "检查考核", 4, 30),
    ("党务公开栏内容更新不及时", "每月更新1次党务公开栏，公开党费交纳和组织生活情况",
     "hejie", "日常", 15, 0),
    ("重业务轻党建，党建与政协业务“两张皮”", "党组专题研究融合措施，纳入年度考核",
     "chenjianguo", "巡察", (12, 31), 40),
    ("流动党员信息未按月报送", "建立流动党员信息台账，每月报送", "xuli", "检查考核", -40, "closed"),
    ("民主生活会批评意见整改未建台账", "实行整改事项清单管理，逐条销号",
     "wangxiaodong", "日常", 20, 0),
    ("“三会一课”记录不规范", "统一使用记录本，会后3日内补齐记录", "linfeng", "检查考核", 1, 80),
    ("离退休党员组织生活参加率低", "建立结对联系制度，行动不便党员送学上门", "qianshufen", "日常", 12, 30),
]

# 星级评分 of the three branches: the seven dimensions (in ``models.stars.DIMENSIONS`` order),
# satisfaction rate, 三会一课, 阵地达标, 处分.
# 第三党支部's venue is below standard (see 整改清单): no star, 软弱涣散, whatever its score.
STARS = [
    ("第一党支部", (14, 14, 13, 9, 14, 19, 9), 96.5, "是", "是", 0),
    ("第二党支部", (15, 15, 14, 10, 14, 19, 10), 98.2, "是", "是", 0),
    ("第三党支部", (12, 13, 12, 6, 12, 15, 8), 88.0, "是", "否", 0),
]

# Members who missed last month's report (escalated to their secretary on the 1st), and those
# who have not reported yet this month (their updates so far were all typed last month).
LATE_LAST_MONTH = {"wumin", "zhaozhiqiang"}
NOT_YET_THIS_MONTH = {"zhaozhiqiang", "lina", "wumin", "machao", "hejie", "linfeng", "qianshufen"}


def _deadline(spec, today: date) -> date:
    """A deadline from ``today`` + days or a fixed (month, day), kept inside today's year."""
    if isinstance(spec, tuple):
        return date(today.year, *spec)
    d = today + timedelta(days=spec)
    return min(max(d, date(today.year, 1, 1)), date(today.year, 12, 31))


def workbook_rows(today: date) -> dict[str, list[list]]:
    """The import workbook for ``today``'s year: sheet name → header row, then data rows."""
    year = today.year
    stars_header = ["组织", "年度", *(d.zh for d in DIMENSIONS),
                    "群众满意率", "三会一课落实(是/否)", "阵地达标(是/否)", "受警告以上处分人数"]
    return {
        "组织": [["名称", "上级", "类型"], *([n, p, k] for n, p, k in UNITS)],
        "党员": [["姓名", "企业微信账号", "所在组织", "职务", "管理员"],
                 *([n, a, u, t, "是" if admin else "否"] for n, a, u, t, admin in MEMBERS)],
        "责任清单": [["编号", "责任人", "事项", "年度", "目标次数"],
                     *([f"R-{i}", who, title, year, target] for i, (who, title, target, _) in enumerate(DUTIES, 1))],
        "项目清单": [["编号", "项目", "牵头人", "年度", "截止日期"],
                     *([f"P-{i}", title, who, year, _deadline(when, today)]
                       for i, (title, who, when, _) in enumerate(PROJECTS, 1))],
        "整改清单": [["编号", "问题", "整改措施", "责任人", "来源", "整改时限"],
                     *([f"Z-{i}", problem, measures, who, source, _deadline(when, today)]
                       for i, (problem, measures, who, source, when, _) in enumerate(RECTIFICATIONS, 1))],
        "星级评分": [stars_header, *([unit, year, *scores, rate, meetings, venue, disciplined]
                                    for unit, scores, rate, meetings, venue, disciplined in STARS)],
    }


def _earlier(now: datetime, days: int, hour: int = 16) -> datetime:
    """``days`` before ``now`` at ``hour`` o'clock, never before 1 January nor after ``now``."""
    at = datetime.combine(now.date() - timedelta(days=days), time(hour), now.tzinfo)
    return min(max(at, datetime.combine(date(now.year, 1, 2), time(hour), now.tzinfo)), now)


def seed_history(session: Session, now: datetime, tz: ZoneInfo) -> int:
    """Play back the year's progress so far, as the owners would have typed it; returns the
    number of updates. Each owner has reported every earlier month (but ``LATE_LAST_MONTH``
    missed the last one); an update typed this month counts as this month's report too, and
    ``NOT_YET_THIS_MONTH`` typed theirs last month."""
    now = now.astimezone(tz)
    year = now.year
    elapsed = (now.date() - date(year, 1, 1)).days / 365
    items = {i.code: i for i in session.exec(select(Item).where(Item.year == year))}
    members = members_by_accounts(session, (a for _, a, *_ in MEMBERS))
    updates = 0

    def update(code: str, account: str, days_ago: int, words: str, **change) -> None:
        nonlocal updates
        if account in NOT_YET_THIS_MONTH:
            days_ago = max(days_ago, now.day + 2)
        at = _earlier(now, days_ago)
        record_progress(session, item=items[code], member=members[account], at=at, words=words,
                        update=Update(code, change.pop("status", None), **change),
                        msg_id="demo-history")
        if at.month == now.month:
            mark_reported(session, members[account], at, words, tz)
        updates += 1

    def verify(code: str, secretary: str, days_ago: int) -> None:
        """The branch secretary checks the rectification and closes it off (销号), as in chat."""
        nonlocal updates
        close_off(session, item=items[code], secretary=members[secretary], at=_earlier(now, days_ago),
                  words=f"{code}核实销号", msg_id="demo-history")
        updates += 1

    for n, (who, title, target, pace) in enumerate(DUTIES, 1):
        done = min(target, int(target * elapsed * pace)) if target else 0
        if done:
            update(f"R-{n}", who, 3 + n % 9, f"{title}，今年已开展{done}次", count=done)
    for n, (title, who, _, progress) in enumerate(PROJECTS, 1):
        if progress == "done":
            update(f"P-{n}", who, 40, f"{title}已完成", status="done")
        elif progress:
            update(f"P-{n}", who, 2 + n * 2, f"{title}推进到{progress}%", percent=progress)
    for n, (_, _, who, _, _, progress) in enumerate(RECTIFICATIONS, 1):
        if progress == "closed":
            update(f"Z-{n}", who, 45, "流动党员台账已建立，已整改到位", status="done")
            secretary = next(s for s in BRANCH_SECRETARIES.values()
                             if members[who].unit_id == members[s].unit_id)
            verify(f"Z-{n}", secretary, 44)
        elif progress:
            update(f"Z-{n}", who, 1 + n * 3, f"Z-{n}整改推进到{progress}%", percent=progress)

    owners = {i.owner_id for i in items.values()}
    for account, member in members.items():
        if member.id not in owners:
            continue
        for month in range(1, now.month):
            if month == now.month - 1 and account in LATE_LAST_MONTH:
                continue
            mark_reported(session, member, datetime(year, month, 26, 17, 0, tzinfo=tz), "月报：本月工作按计划推进", tz)
    session.flush()
    return updates


def prepare_data(cfg: Config, book: Path, now: datetime) -> list[str] | None:
    """Create the schema of ``cfg``'s database and, when it has no members yet, load the demo
    organisation: write the import workbook to ``book``, import it, play back the history.
    Returns the import summary lines, or None when the data of an earlier run is reused."""
    engine = make_engine(cfg.database.url)
    try:
        init_db(engine)
        with session_scope(engine) as s:
            if s.exec(select(Member)).first() is not None:
                return None
        build_workbook(workbook_rows(now.date())).save(book)
        with session_scope(engine) as s:
            summary = import_workbook(s, book, actor="demo", now=now, star_maxima=cfg.stars.maxima())
            seed_history(s, now, cfg.tz)
        return summary.lines()
    finally:
        engine.dispose()
