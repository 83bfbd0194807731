"""models.notices and models.nudges: audiences within the sender's units, draft → sent | cancelled,
receipts, and the day's nudge claimed once per person."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from bot.nlu.notices import read_notice
from bot.wecom import SendResult
from models import notices, nudges
from models.organisation import Tree
from models.tables import ItemKind, Member, Notice, NoticeReceipt, NoticeStatus, PushLog, PushStatus
from tests.support.clock import NOW, TZ
from tests.support.org import get, three_levels


@pytest.fixture
def tree_org(bare_engine):
    """党组 → 机关党委 → 第一 / 第二 / 第三党支部 (the third without a secretary), an administrator."""
    o = three_levels(bare_engine)
    o.unit("b3", "第三党支部", "党支部", parent="committee")
    o.person("lin", "林三", "b3")
    o.person("admin", "管理员", "committee", is_admin=True)
    for account in ("sun", "zhou", "wu", "lin", "zhao"):
        o.item(account, f"P-{account}", "撰写调研报告", kind=ItemKind.PROJECT, deadline=date(2026, 12, 1))
    return o


def _plan(s: Session, account: str, text: str):
    return notices.plan(s, Tree.load(s), get(s, account), read_notice(text))


def _accounts(members: list[Member]) -> list[str]:
    return sorted(m.account for m in members)


def test_audiences_stay_within_the_senders_units(tree_org, bare_engine):
    with Session(bare_engine) as s:
        everyone = _plan(s, "admin", "通知：开会")
        assert everyone.label == "全体党员" and len(everyone.members) == 8
        li = _plan(s, "li", "通知：开会")
        assert li.label == "机关党委及下级单位"
        assert _accounts(li.members) == ["admin", "lin", "qian", "sun", "wu", "zhao", "zhou"]
        assert li.units == [("机关党委", 1), ("第一党支部", 3), ("第二党支部", 2), ("第三党支部", 1)]
        assert _accounts(_plan(s, "li", "通知 仅本单位：开会").members) == ["admin"]
        assert _accounts(_plan(s, "li", "通知 三支部：开会").members) == ["lin"]
        assert _accounts(_plan(s, "li", "通知 全体书记：开会").members) == ["qian", "zhao"]
        assert _accounts(_plan(s, "admin", "通知 全体书记：开会").members) == ["li", "qian", "wang", "zhao"]
        assert "不在您负责的单位范围内" in _plan(s, "zhao", "通知 第二支部：开会")
        assert "不在您负责的单位范围内" in _plan(s, "li", "通知 机关党组：开会")
        assert _plan(s, "wang", "通知 机关党委（仅本单位）：开会").label == "机关党委"


def test_draft_confirm_once_and_cancel(tree_org, bare_engine):
    with Session(bare_engine) as s:
        tree, li = Tree.load(s), get(s, "li")
        audience = _plan(s, "li", "通知 一支部：开会")
        row = notices.draft(s, li, audience, "开会", "通知 一支部：开会", NOW)
        assert notices.pending_draft(s, li.id).id == row.id
        assert not notices.expired(row, NOW + notices.DRAFT_TTL)
        assert notices.expired(row, NOW + notices.DRAFT_TTL + timedelta(seconds=1))
        sent = notices.confirm(s, row, notices.audience_of(s, tree, row), NOW)
        assert _accounts(sent.members) == ["sun", "zhao", "zhou"]
        assert notices.confirm(s, row, sent, NOW) is None                # a second 确认 sends nothing
        assert notices.pending_draft(s, li.id) is None
        other = notices.draft(s, li, audience, "再开会", "…", NOW)
        assert [n.id for n in notices.cancel_drafts(s, li.id)] == [other.id]
        s.commit()
    with Session(bare_engine) as s:
        assert [n.status for n in s.exec(select(Notice).order_by(Notice.id))] == [NoticeStatus.SENT,
                                                                                   NoticeStatus.CANCELLED]
        assert len(s.exec(select(NoticeReceipt)).all()) == 3


def test_acknowledge_and_receipts_per_unit(tree_org, bare_engine):
    with Session(bare_engine) as s:
        tree, li = Tree.load(s), get(s, "li")
        for i, text in enumerate(["一", "二"]):
            audience = _plan(s, "li", "通知：开会")
            row = notices.draft(s, li, audience, f"第{text}次", "…", NOW + timedelta(minutes=i))
            notices.confirm(s, row, audience, NOW + timedelta(minutes=i))
        first, more = notices.acknowledge(s, get(s, "sun").id, NOW)
        assert first.text == "第二次" and more == 1
        assert notices.acknowledge(s, get(s, "sun").id, NOW)[0].text == "第一次"
        assert notices.acknowledge(s, get(s, "sun").id, NOW) == (None, 0)
        notices.acknowledge(s, get(s, "lin").id, NOW)
        latest = notices.sent_notices(s, li.id)
        assert [n.text for n in latest] == ["第二次", "第一次"]
        r = notices.receipts(s, tree, latest[0])
        assert (r.total, r.acknowledged) == (7, 2)
        assert [(u.name, u.total, u.acknowledged, u.missing) for u in r.units] == [
            ("机关党委", 1, 0, ["管理员"]), ("第一党支部", 3, 1, ["赵书记", "周二"]),
            ("第二党支部", 2, 0, ["钱书记", "吴三"]), ("第三党支部", 1, 1, [])]
        assert notices.tallies(s, [n.id for n in latest]) == {latest[0].id: (7, 2), latest[1].id: (7, 1)}


def test_nudge_plans_within_the_units(tree_org, bare_engine):
    tree_org.reported("sun", "2026-11", NOW)
    with Session(bare_engine) as s:
        tree = Tree.load(s)
        p = nudges.plan(s, tree, get(s, "li"), "", "2026-11")
        assert p.label == "机关党委及下级单位" and _accounts(p.due) == ["lin", "wu", "zhao", "zhou"]
        assert _accounts(nudges.plan(s, tree, get(s, "zhao"), "", "2026-11").due) == ["zhou"]   # not himself
        assert _accounts(nudges.plan(s, tree, get(s, "li"), "第三支部", "2026-11").due) == ["lin"]
        assert nudges.plan(s, tree, get(s, "li"), "孙一", "2026-11").reason == "孙一本月已报送，无需提醒。"
        assert "不在您负责的单位范围内" in nudges.plan(s, tree, get(s, "zhao"), "吴三", "2026-11")
        assert "不在您负责的单位范围内" in nudges.plan(s, tree, get(s, "zhao"), "二支部", "2026-11")


def test_nudge_members_who_left_are_not_due(tree_org, bare_engine):
    with Session(bare_engine) as s:
        lin = get(s, "lin")
        lin.active = False
        s.add(lin)
        s.commit()
        tree = Tree.load(s)
        assert "lin" not in _accounts(nudges.plan(s, tree, get(s, "li"), "", "2026-11").due)
        assert nudges.plan(s, tree, get(s, "li"), "林三", "2026-11") == "林三已不在册，无需提醒。"


def test_nudge_claims_once_a_day_and_failures_again(tree_org, bare_engine):
    key = nudges.occasion(NOW, TZ)
    assert key == "nudge:2026-11-20"
    with Session(bare_engine) as s:
        zhou, wu, sun = get(s, "zhou"), get(s, "wu"), get(s, "sun")
        ids = {m.account: m.id for m in (zhou, wu, sun)}
        claimed, skipped = nudges.claim(s, key, [zhou, wu], "【催报】…", NOW)
        assert (claimed, skipped) == ([zhou, wu], [])
        s.commit()
    nudges.settle(bare_engine, key, {ids["zhou"]: "zhou", ids["wu"]: "wu"}, SendResult(ok=True, invalid=["wu"]))
    with Session(bare_engine) as s:
        zhou, wu, sun = get(s, "zhou"), get(s, "wu"), get(s, "sun")
        assert {r.member_id: r.status for r in s.exec(select(PushLog))} == {ids["zhou"]: PushStatus.SENT,
                                                                             ids["wu"]: PushStatus.INVALID}
        assert nudges.claim(s, key, [zhou, wu], "…", NOW) == ([], [zhou, wu])
        assert nudges.claim(s, key, [sun], "…", NOW) == ([sun], [])
        s.commit()
    nudges.settle(bare_engine, key, {ids["sun"]: "sun"}, SendResult(ok=False, error="60020: refused"))
    with Session(bare_engine) as s:
        zhou, sun = get(s, "zhou"), get(s, "sun")
        assert s.exec(select(PushLog).where(PushLog.member_id == ids["sun"])).one().status == PushStatus.FAILED
        assert nudges.claim(s, key, [sun], "…", NOW) == ([sun], [])         # a failure is owed still
        assert nudges.claim(s, "nudge:2026-11-21", [zhou], "…", NOW) == ([zhou], [])
