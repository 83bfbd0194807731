"""A small organisation on a SQLite file, a stand-in WeCom and a sender pointed at it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, SQLModel

from bot.config import Config, WeComConfig
from bot.wecom import WeComSender
from bot.wecom_standin import StandIn
from models.db import make_engine
from models.progress import mark_reported
from models.tables import Item, Member, Unit

SH = ZoneInfo("Asia/Shanghai")


@dataclass
class Org:
    """Units and people by short name: 党组 → 机关党委 → 一支部 / 二支部."""

    engine: object
    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, Member] = field(default_factory=dict)

    def unit(self, key: str, name: str, kind: str, parent: str | None = None) -> Unit:
        with Session(self.engine, expire_on_commit=False) as s:
            u = Unit(name=name, kind=kind, parent_id=self.units[parent].id if parent else None)
            s.add(u)
            s.commit()
        self.units[key] = u
        return u

    def person(self, account: str, name: str, unit: str, title: str = "党员") -> Member:
        with Session(self.engine, expire_on_commit=False) as s:
            m = Member(account=account, name=name, unit_id=self.units[unit].id, title=title)
            s.add(m)
            s.commit()
        self.people[account] = m
        return m

    def item(self, owner: str, code: str, title: str, *, kind: str = "responsibility", year: int = 2026,
             status: str = "not_started", percent: int = 0, deadline: date | None = None) -> Item:
        m = self.people[owner]
        with Session(self.engine, expire_on_commit=False) as s:
            i = Item(kind=kind, code=code, title=title, owner_id=m.id, unit_id=m.unit_id, year=year,
                     status=status, percent=percent, deadline=deadline)
            s.add(i)
            s.commit()
        return i

    def reported(self, account: str, month: str, at: datetime) -> None:
        """The person replied with an update in ``month`` (as the progress handler records it)."""
        with Session(self.engine) as s:
            report = mark_reported(s, s.get(Member, self.people[account].id), at, "第1项完成80%", SH)
            assert report.month == month
            s.commit()

    def member(self, account: str) -> Member:
        with Session(self.engine) as s:
            return s.get(Member, self.people[account].id)


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'qingdan.db'}")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def org(engine) -> Org:
    o = Org(engine)
    o.unit("group", "机关党组", "党组")
    o.unit("committee", "机关党委", "机关党委", parent="group")
    o.unit("b1", "第一党支部", "党支部", parent="committee")
    o.unit("b2", "第二党支部", "党支部", parent="committee")
    o.person("wang", "王书记", "group", "党组书记")
    o.person("li", "李书记", "committee", "机关党委书记")
    o.person("zhao", "赵书记", "b1", "支部书记")
    o.person("qian", "钱书记", "b2", "支部书记")
    o.person("sun", "孙一", "b1")
    o.person("zhou", "周二", "b1")
    o.person("wu", "吴三", "b2")
    return o


@pytest.fixture
async def standin():
    async with StandIn() as s:
        yield s


@pytest.fixture
def config(standin, tmp_path) -> Config:
    cfg = Config()
    cfg.wecom = WeComConfig(corp_id="wwstandin", agent_id=1000002, secret="standin-secret",
                            api_base_url=standin.base_url, max_retries=1, timeout=5)
    cfg.database.url = f"sqlite:///{tmp_path / 'qingdan.db'}"
    return cfg


@pytest.fixture
def sender(config):
    s = WeComSender(config.wecom)
    yield s
    s.close()
