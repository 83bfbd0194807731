"""Issue 10 end to end over a three-level organisation (党组 → 机关党委 → three branches, the third
without a secretary): the administrator imports the book with the CLI, people type in WeCom (real
encrypted callbacks to the real app, a stand-in WeCom beside it), ``qingdan remind --at`` sends the
季督, and ``qingdan export`` shows what landed."""
from __future__ import annotations

import asyncio
from datetime import datetime

import openpyxl

from bot.app import build_app
from bot.runtime import Clock, Runtime
from models.workbook import build_workbook
from tests.support import wecom as wf
from tests.support.cli import qingdan_ok
from tests.support.clock import TZ
from tests.support.config import make_config, write_config

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)

BOOK = {
    "组织": [["名称", "上级", "类型"], ["市委党组", "", "党组"], ["机关党委", "市委党组", "机关党委"],
           ["第一党支部", "机关党委", "党支部"], ["第二党支部", "机关党委", "党支部"],
           ["第三党支部", "机关党委", "党支部"]],
    "党员": [["姓名", "企业微信账号", "所在组织", "职务", "管理员"],
           ["陈书记", "chen", "市委党组", "党组书记", "否"],
           ["王晓东", "wangxd", "机关党委", "机关党委书记", "是"],
           ["李明", "liming", "第一党支部", "支部书记", "否"],
           ["王芳", "wangfang", "第一党支部", "党员", "否"],
           ["黄磊", "huanglei", "第二党支部", "支部书记", "否"],
           ["吴敏", "wumin", "第二党支部", "党员", "否"],
           ["林峰", "linfeng", "第三党支部", "党员", "否"],
           ["郑四", "zheng", "第三党支部", "党员", "否"]],
    "责任清单": [["编号", "责任人", "事项", "年度", "目标次数"],
               ["R-1", "liming", "每月召开支委会", 2026, 12],
               ["R-2", "huanglei", "每月召开支委会", 2026, 12]],
    "项目清单": [["编号", "项目", "牵头人", "年度", "截止日期"],
               ["P-1", "规范党费收缴", "wumin", 2026, "2026-11-10"],
               ["P-2", "建设党员活动室", "zheng", 2026, "2026-12-20"]],
    "整改清单": [["编号", "问题", "整改措施", "责任人", "来源", "整改时限", "年度"],
               ["Z-1", "党费收缴不规范", "按月收缴并公示", "wangfang", "巡察", "2026-12-15", 2026],
               ["Z-3", "“三会一课”记录不规范", "补齐记录", "linfeng", "检查", "2026-12-15", 2026]],
}


async def eventually(check, seconds: float = 5.0) -> bool:
    """Messages sent after a reply's transaction commits may land just after the reply."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


def to(wecom, account: str) -> list[str]:
    return [m.content for m in wecom.state.sent if account in m.touser]


async def test_three_levels(tmp_path, db_url, threaded_standin, aiohttp_client):
    wecom = threaded_standin
    config_file = write_config(tmp_path / "config.toml", db_url, wecom.base_url)
    book = tmp_path / "清单.xlsx"
    build_workbook(BOOK).save(book)
    qingdan_ok("import", str(book), config=config_file)

    clock = Clock(TZ)
    clock.offset = NOW - datetime.now(TZ)
    runtime = Runtime.build(make_config(db_url, wecom.base_url), clock=clock)
    client = await aiohttp_client(build_app(runtime))

    async def say(account: str, text: str) -> str:
        return await wf.say(client, account, text)

    # 整改销号: the owner's secretary, or the nearest above for the branch without one.
    assert "已完成" in await say("wangfang", "Z-1已整改到位")
    assert await eventually(lambda: to(wecom, "liming"))
    (asked,) = to(wecom, "liming")
    assert "【整改待销号】" in asked and "Z-1已整改到位" in asked and "销号 Z-1" in asked
    assert "已完成" in await say("linfeng", "Z-3整改完成了")
    assert await eventually(lambda: any("【整改待销号】" in t and "Z-3" in t for t in to(wecom, "wangxd")))
    closed = await say("liming", "销号 Z-01")
    assert "已销号" in closed
    assert await eventually(lambda: any("已由李明销号" in t for t in to(wecom, "wangfang")))
    returned = await say("wangxd", "退回 Z-3 原因：缺少会议记录照片")
    assert "退回" in returned
    assert await eventually(lambda: any("缺少会议记录照片" in t for t in to(wecom, "linfeng")))

    # Scope is the subtree; a unit outside it is refused with the reason.
    assert "不在您负责的单位范围内" in await say("liming", "第二支部谁还没报")
    everyone = await say("wangxd", "谁还没报")
    for unit in ("第一党支部", "第二党支部", "第三党支部"):
        assert unit in everyone
    assert "吴敏" in await say("wangxd", "第二支部谁还没报")

    # A notice to one branch: preview, 确认, only that branch; 收到 and the receipts.
    preview = await say("wangxd", "通知 第一支部：周五下午三点集中学习")
    assert "第一党支部共2人" in preview and "确认" in preview and wecom.state.sent[-1].content.find("周五") < 0
    assert "已发送" in await say("wangxd", "确认")
    assert await eventually(lambda: "周五" in wecom.state.sent[-1].content)
    notice = wecom.state.sent[-1]
    assert sorted(notice.touser) == ["liming", "wangfang"] and notice.content.startswith("【通知】\n——王晓东\n周五下午三点集中学习")
    assert "已确认" in await say("wangfang", "收到")
    receipts = await say("wangxd", "通知收到情况")
    assert "第一党支部 1/2 已确认，未确认：李明" in receipts

    # A nudge reaches the branch's non-reporter once a day.
    sent_before = len(wecom.state.sent)
    assert "1人" in await say("huanglei", "提醒没报的")
    assert await eventually(lambda: len(wecom.state.sent) > sent_before)
    assert [m.touser for m in wecom.state.sent[sent_before:]] == [["wumin"]]
    assert "今日均已提醒过，未重复提醒：吴敏" in await say("huanglei", "提醒没报的")
    await asyncio.sleep(0.3)                               # nothing more arrives
    assert len(to(wecom, "wumin")) == 1
    runtime.close()

    # The 季督 on the first working day of 2027 rolls the branches up to 王晓东.
    qingdan_ok("remind", "--at", "2027-01-04T09:00:00+08:00", config=config_file)
    digest = next(t for t in to(wecom, "wangxd") if "【季度督查】" in t)
    assert "第三党支部（无书记）" in digest and "第一党支部" in digest and "第二党支部" in digest

    # And the data, as the export shows it.
    out = tmp_path / "导出.xlsx"
    qingdan_ok("export", str(out), "--year", "2026", config=config_file)
    ws = openpyxl.load_workbook(out)["整改清单"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["Z-1"]["状态"] == "已销号" and rows["Z-3"]["状态"] == "进行中"
