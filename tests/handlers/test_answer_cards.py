"""Cards sent as answers (bot.cards.answers): a read-back (bot.cards.read_back), a close-off request to the
secretary (bot.cards.close_off) and a notice (bot.cards.notice), through real encrypted callbacks and the
stand-in WeCom, on SQLite and PostgreSQL: each tap records what it says (the export, the receipts),
撤回 undoes a tapped update, a retried tap counts once, a tap by another member or on a changed
item changes nothing and says why, and the stand-in sees one update_template_card per tap taken,
with that tap's response_code."""
from __future__ import annotations

import time
from datetime import timedelta

import openpyxl
from sqlmodel import Session, select

from models.tables import CardTap, Item, NoticeReceipt, ProgressUpdate, SentCard
from tests.support import wecom as wf
from tests.support.cli import qingdan_ok
from tests.support.config import write_config

REPORT = "第1项已完成，第2项完成80%，第3项进行中50%"


def cards_to(standin, account: str) -> list[dict]:
    return [m.raw["template_card"] for m in standin.state.to(account) if m.msgtype == "template_card"]


def texts_to(standin, account: str) -> list[str]:
    return [m.content for m in standin.state.to(account) if m.msgtype == "text"]


async def tap(client, standin, account: str, task: str, key: str, code: str | None = None) -> str:
    """A tap as WeCom reports it (the stand-in issues its ResponseCode); the code."""
    code = code or standin.state.tap(account, task, key)
    assert await wf.deliver(client, wf.card_event_xml(account, int(time.time()), task, key, code)) == ""
    return code


async def retried(client, account: str, task: str, key: str, code: str) -> None:
    """The same tap's callback again, as WeCom retries one it thinks unanswered."""
    xml = wf.card_event_xml(account, int(time.time()), task, key, code)
    params, body = wf.envelope(xml)
    for _ in range(2):
        resp = await client.post("/wecom/callback", params=params, data=body)
        assert resp.status == 200


def item(engine, code: str) -> Item:
    with Session(engine) as s:
        return s.exec(select(Item).where(Item.code == code)).one()


def updates(engine, code: str | None = None) -> list[ProgressUpdate]:
    with Session(engine) as s:
        q = select(ProgressUpdate).join(Item, Item.id == ProgressUpdate.item_id)
        if code:
            q = q.where(Item.code == code)
        return list(s.exec(q.order_by(ProgressUpdate.id)))


def exported(tmp_path, db_url, standin, sheet: str) -> dict[str, dict]:
    config = write_config(tmp_path / "config.toml", db_url, standin.base_url)
    out = tmp_path / "导出.xlsx"
    qingdan_ok("export", str(out), "--year", "2026", config=config)
    ws = openpyxl.load_workbook(out)[sheet]
    header = [c.value for c in ws[1]]
    return {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)}


def taps(engine) -> list[CardTap]:
    with Session(engine) as s:
        return list(s.exec(select(CardTap).order_by(CardTap.id)))


# --- the read-back --------------------------------------------------------------------------------


async def test_a_read_back_goes_as_its_card_and_confirm_tapped_stores_it_once(runtime, client, standin, tmp_path,
                                                                               db_url):
    assert await wf.say(client, "wangfang", REPORT) == ""          # the card instead of the text reply
    [card] = cards_to(standin, "wangfang")
    assert texts_to(standin, "wangfang") == []                     # one message: the card alone
    assert card["main_title"]["title"] == "【请核对】我理解为（共3条，尚未记录）"
    assert "2. [P-2] 开展主题党日活动：未开始 → 进行中 80%" in card["sub_title_text"]
    assert [b["text"] for b in card["button_list"]] == ["确认保存", "有误，我来改"]
    assert updates(runtime.engine) == []

    code = await tap(client, standin, "wangfang", card["task_id"], "confirm")
    rows = updates(runtime.engine)
    assert len(rows) == 3 and {r.words for r in rows} == {REPORT} and all(r.confirmed_at for r in rows)
    assert [(u.userids, u.response_code, u.replace_name) for u in standin.state.updates] == [
        (["wangfang"], code, "已确认保存")]
    sheet = exported(tmp_path, db_url, standin, "项目清单")
    assert (sheet["P-1"]["状态"], sheet["P-2"]["进度"]) == ("已完成", 80)

    await retried(client, "wangfang", card["task_id"], "confirm", code)
    await tap(client, standin, "wangfang", card["task_id"], "confirm")          # a second tap
    assert len(updates(runtime.engine)) == 3 and len(standin.state.updates) == 1
    assert any("已经点选过" in t for t in texts_to(standin, "wangfang"))

    undone = await wf.say(client, "wangfang", "撤回")
    assert "已撤回" in undone
    assert exported(tmp_path, db_url, standin, "项目清单")["P-3"]["状态"] == "未开始"


async def test_amend_links_the_consoles_list_when_the_web_address_is_set(runtime, client, standin):
    runtime.config.web.base_url = "https://qingdan.example.gov.cn"
    await wf.say(client, "wangfang", REPORT)
    [card] = cards_to(standin, "wangfang")
    await tap(client, standin, "wangfang", card["task_id"], "amend")
    told = texts_to(standin, "wangfang")[-1]
    assert "第3条是60%" in told and "网页上逐条修改后确认：https://qingdan.example.gov.cn/console/" in told
    assert updates(runtime.engine) == []


async def test_amend_says_how_to_fix_by_typing_and_a_newer_read_back_makes_the_card_out_of_date(
        runtime, client, standin):
    await wf.say(client, "wangfang", REPORT)
    [first] = cards_to(standin, "wangfang")
    await tap(client, standin, "wangfang", first["task_id"], "amend")
    assert "第3条是60%" in texts_to(standin, "wangfang")[-1]             # how to fix it by typing
    assert "/console/" not in texts_to(standin, "wangfang")[-1]          # no [web] base_url: no page to link
    assert updates(runtime.engine) == [] and taps(runtime.engine) == [] and standin.state.updates == []

    assert await wf.say(client, "wangfang", "第3条是60%") == ""             # the read-back again: a new card
    second = cards_to(standin, "wangfang")[-1]
    assert second["task_id"] != first["task_id"] and "进行中 60%" in second["sub_title_text"]
    taken = len(taps(runtime.engine))
    standin.state.cards[first["task_id"]].touser.append("wangfang")
    await tap(client, standin, "wangfang", first["task_id"], "confirm", code="rc-old")
    assert updates(runtime.engine) == [] and len(taps(runtime.engine)) == taken
    assert "已过时" in texts_to(standin, "wangfang")[-1]

    reply = await wf.say(client, "wangfang", "确认")                         # typed 确认 still works
    assert reply.startswith("已按您的确认记录王芳的进展：") and len(updates(runtime.engine)) == 3
    await tap(client, standin, "wangfang", second["task_id"], "confirm")     # confirmed already: out of date
    assert len(updates(runtime.engine)) == 3 and "已过时" in texts_to(standin, "wangfang")[-1]


async def test_a_read_back_card_tapped_by_another_member_changes_nothing(runtime, client, standin):
    await wf.say(client, "wangfang", REPORT)
    [card] = cards_to(standin, "wangfang")
    await tap(client, standin, "zhouqiang", card["task_id"], "confirm", code="forged")
    assert updates(runtime.engine) == [] and taps(runtime.engine) == [] and standin.state.updates == []
    assert "这张卡片是发给王芳的" in texts_to(standin, "zhouqiang")[-1]
    assert (await wf.say(client, "wangfang", "确认")).startswith("已按您的确认记录")


async def test_cards_off_reads_back_as_text(runtime, client, standin):
    runtime.config.wecom.cards = False
    reply = await wf.say(client, "wangfang", REPORT)
    assert reply.startswith("我理解为（共3条，尚未记录）：") and cards_to(standin, "wangfang") == []
    with Session(runtime.engine) as s:
        assert s.exec(select(SentCard)).all() == []


# --- the close-off request --------------------------------------------------------------------------


async def test_close_off_approved_on_the_card_closes_the_rectification_once_and_tells_the_owner(
        runtime, client, standin, tmp_path, db_url):
    await wf.say(client, "wangfang", "Z-1已整改到位")
    [card] = cards_to(standin, "liming")
    assert card["main_title"]["title"] == "【整改待销号】" and "[Z-1] 党费收缴不规范" in card["sub_title_text"]
    assert [b["text"] for b in card["button_list"]] == ["同意销号", "退回"]

    await tap(client, standin, "wangfang", card["task_id"], "close_off", code="forged")   # the owner: not hers
    assert item(runtime.engine, "Z-1").status == "done" and "这张卡片是发给李明的" in texts_to(standin, "wangfang")[-1]

    code = await tap(client, standin, "liming", card["task_id"], "close_off")
    assert item(runtime.engine, "Z-1").status == "closed"
    last = updates(runtime.engine, "Z-1")[-1]
    assert (last.action, last.words) == ("close_off", "[按钮] 销号")
    assert any("已由李明销号" in t for t in texts_to(standin, "wangfang"))
    assert [(u.userids, u.response_code, u.replace_name) for u in standin.state.updates] == [
        (["liming"], code, "已同意销号")]
    await retried(client, "liming", card["task_id"], "close_off", code)
    assert len(updates(runtime.engine, "Z-1")) == 2 and len(standin.state.updates) == 1
    assert exported(tmp_path, db_url, standin, "整改清单")["Z-1"]["状态"] == "已销号"


async def test_send_back_on_the_card_asks_the_reason_records_it_and_tells_the_owner(runtime, client, standin):
    await wf.say(client, "wangfang", "Z-1已整改到位")
    [card] = cards_to(standin, "liming")
    code = await tap(client, standin, "liming", card["task_id"], "send_back")
    assert item(runtime.engine, "Z-1").status == "done"                     # nothing yet: the reason first
    assert standin.state.updates[-1].response_code == code
    assert (standin.state.updates[-1].replace_name, len(standin.state.updates)) == ("退回：请回复原因", 1)

    reply = await wf.say(client, "liming", "台账不全")
    assert "已退回" in reply
    assert item(runtime.engine, "Z-1").status == "in_progress"
    last = updates(runtime.engine, "Z-1")[-1]
    assert (last.action, last.words) == ("return", "[按钮] 退回（原因：台账不全）")
    assert any("已由李明退回，原因：台账不全" in t for t in texts_to(standin, "wangfang"))


async def test_a_close_off_card_on_an_item_closed_off_by_typing_changes_nothing(runtime, client, standin):
    await wf.say(client, "wangfang", "Z-1已整改到位")
    [card] = cards_to(standin, "liming")
    assert "已销号" in await wf.say(client, "liming", "销号 Z-1")
    before = len(updates(runtime.engine, "Z-1"))
    await tap(client, standin, "liming", card["task_id"], "send_back")
    assert item(runtime.engine, "Z-1").status == "closed" and len(updates(runtime.engine, "Z-1")) == before
    assert "已有变动" in texts_to(standin, "liming")[-1] and standin.state.updates == []


# --- the notice ------------------------------------------------------------------------------------


async def test_a_notice_tapped_received_is_its_receipt_counted_once(runtime, client, standin):
    await wf.say(client, "zhaolei", "通知 全体党员：明天下午3点开会")
    assert "已发送" in await wf.say(client, "zhaolei", "确认")
    [card] = cards_to(standin, "wangfang")
    assert card == cards_to(standin, "liming")[0] and [b["text"] for b in card["button_list"]] == ["收到"]
    assert card["sub_title_text"] == "明天下午3点开会"

    code = await tap(client, standin, "wangfang", card["task_id"], "received")
    await retried(client, "wangfang", card["task_id"], "received", code)
    assert [(u.userids, u.response_code, u.replace_name) for u in standin.state.updates] == [
        (["wangfang"], code, "已收到")]
    await tap(client, standin, "liming", card["task_id"], "received")      # another recipient: their own receipt
    await tap(client, standin, "wangfang", card["task_id"], "received")    # a second tap
    assert texts_to(standin, "wangfang")[-1] == "这张卡片已经点选过（收到），本次点击未做任何记录。"
    assert len(standin.state.updates) == 2
    await tap(client, standin, "zhaolei", card["task_id"], "received", code="forged")   # the sender: not a recipient
    assert "不是发给您的" in texts_to(standin, "zhaolei")[-1]
    with Session(runtime.engine) as s:
        acked = s.exec(select(NoticeReceipt).where(NoticeReceipt.acknowledged_at.is_not(None))).all()
    assert len(acked) == 2
    receipts = await wf.say(client, "zhaolei", "通知收到情况")
    assert "已确认2/5人" in receipts


# --- an update WeCom refuses, 撤回 after a tap, a lapse ---------------------------------------------


async def test_a_close_off_tap_whose_card_update_is_refused_is_kept_told_by_text_and_reopened(
        runtime, client, standin):
    await wf.say(client, "wangfang", "Z-1已整改到位")
    [card] = cards_to(standin, "liming")
    code = standin.state.tap("liming", card["task_id"], "close_off")
    standin.state.clock = lambda: time.time() + 73 * 3600                  # the response_code is past 72 hours
    await tap(client, standin, "liming", card["task_id"], "close_off", code)
    assert item(runtime.engine, "Z-1").status == "closed" and standin.state.updates == []
    told = texts_to(standin, "liming")[-1]
    assert "卡片未能更新，您的点选已记录" in told and "已销号" in told
    assert len(taps(runtime.engine)) == 1

    reopened = await wf.say(client, "liming", "重开 Z-1 原因：误点")     # as after a typed 销号: 重开 undoes it
    assert "已重开" in reopened and item(runtime.engine, "Z-1").status != "closed"


async def test_a_lapsed_read_back_told_with_the_next_one_goes_as_one_text(runtime, client, standin):
    await wf.say(client, "wangfang", REPORT)
    runtime.clock.offset += timedelta(hours=30)
    before = len(standin.state.to("wangfang"))
    reply = await wf.say(client, "wangfang", "第1项已完成，第2项完成70%，第3项进行中40%")
    assert "已作废" in reply and "我理解为（共3条，尚未记录）" in reply       # one message: the news and the text
    assert len(standin.state.to("wangfang")) == before


async def test_a_notice_card_wecom_refuses_goes_as_its_text_form(runtime, client, standin):
    standin.state.cards["qd@notice@1@0"] = None         # the first notice's task_id taken: WeCom answers 42014
    await wf.say(client, "zhaolei", "通知 全体党员：明天下午3点开会")
    assert "已发送" in await wf.say(client, "zhaolei", "确认")
    assert cards_to(standin, "wangfang") == []
    [text] = texts_to(standin, "wangfang")
    assert text.startswith("【通知】明天下午3点开会") and "收到请回复“收到”" in text
    assert "已确认收到通知" in await wf.say(client, "wangfang", "收到")          # typed, as ever
