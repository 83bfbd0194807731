"""Issue 25, point 2 — 三会一课 as records — through real encrypted callbacks on SQLite and PostgreSQL:
a meeting reported in chat becomes a record, counts once toward a matching duty, can be withdrawn,
is read back when its day is inferred; a year of records with one missed quarter of 支部党员大会
makes the star rating's veto apply, and the workbook column overrides it when filled."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from models.tables import Item, Meeting, ProgressUpdate, StarScore
from tests.support.clock import TZ
from tests.support.wecom import say


def _meetings(engine) -> list[Meeting]:
    with Session(engine) as s:
        return list(s.exec(select(Meeting).order_by(Meeting.id)))


def _item(engine, code: str) -> Item:
    with Session(engine) as s:
        return s.exec(select(Item).where(Item.code == code)).one()


def _updates(engine, code: str) -> list[ProgressUpdate]:
    with Session(engine) as s:
        item = s.exec(select(Item).where(Item.code == code)).one()
        return list(s.exec(select(ProgressUpdate).where(ProgressUpdate.item_id == item.id)))


async def test_a_secretarys_meeting_becomes_a_record_and_counts_once_toward_the_duty(client, engine, org):
    reply = await say(client, "liming", "今天召开支委会，应到7人实到6人，研究发展党员工作")
    assert "已记录李明报送的会议：支委会 · 2026年11月20日 · 应到7人、实到6人 · 内容：研究发展党员工作" in reply
    assert "第1项 [R-1] 每月召开支委会：已开展9/12次，落后进度 → 已开展10/12次" in reply
    assert "撤回" in reply
    [meeting] = _meetings(engine)
    [update] = _updates(engine, "R-1")
    assert (meeting.unit_id, meeting.due, meeting.present, meeting.update_id) == (org.units["b1"].id, 7, 6, update.id)
    assert meeting.reported_at.tzinfo is not None and meeting.withdrawn_at is None
    again = await say(client, "liming", "今天召开了支委会，研究发展党员工作")          # the same meeting told twice
    assert "未重复记录" in again
    assert len(_meetings(engine)) == 1 and _item(engine, "R-1").done_count == 10 and len(_updates(engine, "R-1")) == 1


async def test_a_lecture_counts_toward_the_lecture_duty(client, engine):
    reply = await say(client, "liming", "11月8日上党课，主题学习党章")
    assert "党课 · 2026年11月8日 · 内容：学习党章" in reply and "[R-3] 支部书记讲党课：" in reply
    assert _item(engine, "R-3").done_count == 1 and _item(engine, "R-1").done_count == 9


async def test_progress_replies_stay_progress(client, engine):
    reply = await say(client, "liming", "召开了1次支委会")          # no day, attendance or topic: the duty only
    assert "已开展9/12次，落后进度 → 已开展10/12次" in reply and "会议" not in reply
    other = await say(client, "wangfang", "今天召开支委会，研究发展党员工作")      # not the unit's recorder
    assert "已记录王芳报送的会议" not in other
    assert _meetings(engine) == []


async def test_withdrawing_takes_back_the_record_and_the_duty_time(client, engine):
    await say(client, "liming", "今天召开支委会，研究发展党员工作")
    reply = await say(client, "liming", "撤回")
    assert "已撤回会议记录：支委会 · 2026年11月20日" in reply and "[R-1] 每月召开支委会：恢复为已开展9/12次" in reply
    [meeting] = _meetings(engine)
    assert meeting.withdrawn_at is not None and _item(engine, "R-1").done_count == 9
    assert "已记录" in await say(client, "liming", "今天召开支委会，研究发展党员工作")      # may be told again
    assert len([m for m in _meetings(engine) if m.withdrawn_at is None]) == 1


async def test_a_later_progress_reply_is_what_撤回_takes_back(client, engine):
    await say(client, "liming", "今天召开支委会，研究发展党员工作")
    await say(client, "liming", "Z-2完成30%")
    assert "已撤回上一条记录" in await say(client, "liming", "撤回")
    assert _meetings(engine)[0].withdrawn_at is None and _item(engine, "R-1").done_count == 10


async def test_a_day_read_from_a_weekday_is_read_back_before_it_is_stored(client, engine):
    asked = await say(client, "liming", "周三召开支委会，研究党费收缴")
    assert "我理解为：召开支委会 · 2026年11月18日" in asked and "周三" in asked and "确认" in asked
    assert _meetings(engine) == [] and _item(engine, "R-1").done_count == 9
    stored = await say(client, "liming", "确认")
    assert "已记录李明报送的会议：支委会 · 2026年11月18日" in stored
    [meeting] = _meetings(engine)
    assert meeting.confirmed_at is not None and _item(engine, "R-1").done_count == 10
    await say(client, "liming", "上周三召开支部党员大会")
    assert "未做记录" in await say(client, "liming", "取消")
    assert len(_meetings(engine)) == 1


async def test_a_secretary_names_who_records_the_meetings(client, engine, org):
    helped = await say(client, "liming", "帮助")
    assert "三会一课：今天召开支委会，应到7人实到6人" in helped and "指定 王芳 记录三会一课" in helped
    assert "已记录" not in await say(client, "wangfang", "今天召开党小组会，学习党章")
    assert "只有书记" in await say(client, "wangfang", "指定 王芳 记录三会一课")
    assert "没有名为“周强”" in await say(client, "liming", "指定 周强 记录三会一课")     # another unit's member
    assert "已指定王芳" in await say(client, "liming", "指定 王芳 记录三会一课")
    reply = await say(client, "wangfang", "今天召开党小组会，学习党章")
    assert "已记录王芳报送的会议：党小组会 · 2026年11月20日" in reply
    [meeting] = _meetings(engine)
    assert meeting.unit_id == org.units["b1"].id and meeting.update_id is None


def _column(engine, org, value) -> None:
    with Session(engine) as s:
        score = s.exec(select(StarScore).where(StarScore.unit_id == org.units["b1"].id)).one()
        score.three_meetings_ok = value
        s.add(score)
        s.commit()


async def _a_year_of_meetings(client, skip_quarter: int) -> None:
    """January to October of 2026 as wangfang (named recorder) reports them: 支委会 and 党小组会 every
    month, 党课 and 支部党员大会 every quarter — but 支部党员大会 not in ``skip_quarter``."""
    for month in range(1, 11):
        assert "已记录" in await say(client, "wangfang", f"{month}月5日召开支委会，研究本月工作")
        assert "已记录" in await say(client, "wangfang", f"{month}月6日召开党小组会，学习党章")
    for quarter, month in enumerate((2, 5, 8), 1):
        assert "已记录" in await say(client, "wangfang", f"{month}月10日上党课，主题学习党史")
        if quarter != skip_quarter:
            assert "已记录" in await say(client, "wangfang", f"{month}月12日召开支部党员大会，传达上级精神")


async def test_a_missed_quarter_of_the_general_meeting_makes_the_veto_apply(client, engine, org):
    _column(engine, org, None)              # the workbook's 三会一课落实 left empty: from the records
    await say(client, "liming", "指定 王芳 记录三会一课")
    await _a_year_of_meetings(client, skip_quarter=2)
    star = await say(client, "liming", "我单位星级")
    assert "未评星" in star and "三会一课未落实（会议记录中支部党员大会第2季度未召开）" in star
    assert "已记录" in await say(client, "wangfang", "6月20日召开支部党员大会，传达上级精神")
    star = await say(client, "liming", "我单位星级")
    assert "五星" in star and "三会一课" not in star
    _column(engine, org, False)             # the column filled: its value overrides the records
    assert "原因：三会一课未落实\n" in await say(client, "liming", "我单位星级")


async def test_the_filled_column_overrides_missing_records(client, engine, org):
    assert "五星" in await say(client, "liming", "我单位星级")          # 是 in the workbook, no record at all
    _column(engine, org, None)
    star = await say(client, "liming", "我单位星级")
    assert "未评星" in star and "支部党员大会第1季度" in star and "等26个周期未召开" in star   # 3+10+10+3 periods ended


async def test_a_meeting_of_last_year_counts_toward_no_duty_of_this_year(client, engine, runtime, org):
    org.item("liming", "R-7", "每月召开支委会", kind="responsibility", year=2027, target_count=12)
    runtime.clock.offset += datetime(2027, 1, 6, 10, tzinfo=TZ) - datetime(2026, 11, 20, 10, tzinfo=TZ)
    asked = await say(client, "liming", "12月30日召开支委会，研究年度工作总结")
    assert "2026年12月30日" in asked and "按2026年理解" in asked and "计入" not in asked
    assert "已记录" in await say(client, "liming", "确认")
    [meeting] = _meetings(engine)
    assert meeting.held_on.year == 2026 and meeting.update_id is None and _item(engine, "R-7").done_count == 0
    assert "[R-7] 每月召开支委会：" in await say(client, "liming", "今天召开支委会，研究年度计划")   # this year's


async def test_a_meeting_and_other_progress_in_one_message_write_nothing(client, engine):
    reply = await say(client, "liming", "今天召开支委会，研究发展党员工作；Z-2完成30%")
    assert "本条未做任何记录" in reply and "分开发送" in reply
    assert _meetings(engine) == [] and _item(engine, "Z-2").percent == 0 and _item(engine, "R-1").done_count == 9
