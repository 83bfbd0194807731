"""One organisation builder for every test: units, people and items by short keys.

``branches(engine)`` is the organisation most tests use (机关党委 with two branches);
``three_levels(engine)`` is 党组 → 机关党委 → two branches, for the pushes and rollups.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from models.lookups import report_for
from models.progress import mark_reported
from models.tables import Item, ItemKind, ItemStatus, Member, StarScore, Title, Unit, UnitKind

SH = ZoneInfo("Asia/Shanghai")


@dataclass
class Org:
    """Builds rows one commit at a time and keeps them by key (unit key, member account)."""

    engine: object
    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, Member] = field(default_factory=dict)

    def _save(self, row):
        with Session(self.engine, expire_on_commit=False) as s:
            s.add(row)
            s.commit()
        return row

    def unit(self, key: str, name: str, kind: UnitKind | str, parent: str | None = None) -> Unit:
        u = self._save(Unit(name=name, kind=UnitKind(kind), parent_id=self.units[parent].id if parent else None))
        self.units[key] = u
        return u

    def person(self, account: str, name: str, unit: str, title: Title | str = Title.MEMBER,
               is_admin: bool = False) -> Member:
        m = self._save(Member(account=account, name=name, unit_id=self.units[unit].id, title=Title(title),
                              is_admin=is_admin))
        self.people[account] = m
        return m

    def item(self, owner: str, code: str, title: str, *, kind: ItemKind | str = ItemKind.RESPONSIBILITY,
             year: int = 2026, status: ItemStatus | str = ItemStatus.NOT_STARTED, percent: int = 0,
             deadline: date | None = None, **extra) -> Item:
        m = self.people[owner]
        return self._save(Item(kind=ItemKind(kind), code=code, title=title, owner_id=m.id, unit_id=m.unit_id,
                               year=year, status=ItemStatus(status), percent=percent, deadline=deadline, **extra))

    def stars(self, unit: str, year: int = 2026, **scores) -> StarScore:
        return self._save(StarScore(unit_id=self.units[unit].id, year=year, **scores))

    def reported(self, account: str, month: str, at: datetime) -> None:
        """The person replied with an update in ``month`` (as the progress handler records it)."""
        with Session(self.engine) as s:
            mark_reported(s, s.get(Member, self.people[account].id), at, "第1项完成80%", SH)
            assert report_for(s, self.people[account].id, month) is not None
            s.commit()

    def member(self, account: str) -> Member:
        with Session(self.engine) as s:
            return s.get(Member, self.people[account].id)


def branches(engine) -> Org:
    """机关党委 with two branches; a secretary, members, an administrator, and their items."""
    o = Org(engine)
    o.unit("root", "机关党委", UnitKind.ORGAN_COMMITTEE)
    o.unit("b1", "第一党支部", UnitKind.BRANCH, parent="root")
    o.unit("b2", "第二党支部", UnitKind.BRANCH, parent="root")
    o.person("jiwei", "纪伟", "root", Title.COMMITTEE_SECRETARY)
    o.person("liming", "李明", "b1", Title.BRANCH_SECRETARY)
    o.person("wangfang", "王芳", "b1")
    o.person("zhaolei", "赵磊", "b1", is_admin=True)
    o.person("sunli", "孙丽", "b2", Title.BRANCH_SECRETARY)
    o.person("zhouqiang", "周强", "b2")
    P, Z, R = ItemKind.PROJECT, ItemKind.RECTIFICATION, ItemKind.RESPONSIBILITY
    o.item("wangfang", "P-1", "制定年度学习计划", kind=P, deadline=date(2026, 12, 31))
    o.item("wangfang", "P-2", "开展主题党日活动", kind=P, deadline=date(2026, 11, 10))
    o.item("wangfang", "P-3", "建设党员活动室", kind=P, deadline=date(2026, 12, 20))
    o.item("wangfang", "Z-1", "党费收缴不规范", kind=Z, deadline=date(2026, 11, 30), source="巡察")
    o.item("liming", "R-1", "每月召开支委会", kind=R, target_count=12, done_count=9, percent=75,
           status=ItemStatus.IN_PROGRESS)
    o.item("liming", "R-3", "支部书记讲党课", kind=R, target_count=2)
    o.item("liming", "Z-2", "党员活动室未按标准建设", kind=Z, deadline=date(2026, 10, 31))
    o.item("zhouqiang", "P-9", "撰写调研报告", kind=P, deadline=date(2026, 12, 1))
    scores = dict(organisation=15, team=15, system=15, venue=10, activities=15, performance=18,
                  satisfaction_score=10, satisfaction_rate=92)          # 98, each within its maximum
    o.stars("b1", **scores)
    o.stars("b2", **scores, three_meetings_ok=False)
    return o


def three_levels(engine) -> Org:
    """Units and people by short name: 党组 → 机关党委 → 一支部 / 二支部."""
    o = Org(engine)
    o.unit("group", "机关党组", UnitKind.PARTY_GROUP)
    o.unit("committee", "机关党委", UnitKind.ORGAN_COMMITTEE, parent="group")
    o.unit("b1", "第一党支部", UnitKind.BRANCH, parent="committee")
    o.unit("b2", "第二党支部", UnitKind.BRANCH, parent="committee")
    o.person("wang", "王书记", "group", Title.PARTY_GROUP_SECRETARY)
    o.person("li", "李书记", "committee", Title.COMMITTEE_SECRETARY)
    o.person("zhao", "赵书记", "b1", Title.BRANCH_SECRETARY)
    o.person("qian", "钱书记", "b2", Title.BRANCH_SECRETARY)
    o.person("sun", "孙一", "b1")
    o.person("zhou", "周二", "b1")
    o.person("wu", "吴三", "b2")
    return o


def get(session: Session, account: str | None = None, code: str | None = None):
    """A member by account, or an item by 编号, from ``session``."""
    if account:
        return session.exec(select(Member).where(Member.account == account)).one()
    return session.exec(select(Item).where(Item.code == code)).one()


def leave(org, account: str) -> None:
    """The member left (状态 离开)."""
    with Session(org.engine) as s:
        m = s.get(Member, org.people[account].id)
        m.active = False
        s.add(m)
        s.commit()
