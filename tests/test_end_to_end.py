"""The whole path, as a user and WeCom would drive it: an administrator imports the workbook with
the CLI, a member types in WeCom (a real encrypted callback to the real app, the stand-in WeCom API
beside it), the data lands, the answer comes back, and ``qingdan export`` shows the change."""
from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from bot import config as config_mod
from bot.runtime import Runtime
from models.workbook import build_workbook
from tests.support import wecom as wf
from tests.support.cli import qingdan, qingdan_ok

YEAR = datetime.now().year

BOOK = {
    "组织": [["名称", "上级", "类型"], ["机关党委", "", "机关党委"], ["第一党支部", "机关党委", "党支部"]],
    "党员": [["姓名", "企业微信账号", "所在组织", "职务", "管理员"],
             ["李明", "liming", "第一党支部", "支部书记", "否"],
             ["王芳", "wangfang", "第一党支部", "党员", "否"],
             ["赵磊", "zhaolei", "机关党委", "机关党委书记", "是"]],
    "责任清单": [["编号", "责任人", "事项", "年度", "目标次数"],
               ["R-1", "liming", "每月召开支委会", YEAR, 12]],
    "项目清单": [["编号", "项目", "牵头人", "年度", "截止日期"],
               ["P-1", "制定年度学习计划", "wangfang", YEAR, f"{YEAR}-12-31"],
               ["P-2", "建设党员活动室", "wangfang", YEAR, f"{YEAR}-12-20"]],
    "整改清单": [["编号", "问题", "整改措施", "责任人", "来源", "整改时限"],
               ["Z-1", "党费收缴不规范", "按月收缴并公示", "wangfang", "巡察", f"{YEAR}-12-15"]],
}


@pytest.fixture
def config_file(tmp_path, standin):
    path = tmp_path / "config.toml"
    path.write_text(f"""
[wecom]
corp_id = "{wf.CORP_ID}"
agent_id = {wf.AGENT_ID}
secret = "test-secret"
token = "{wf.TOKEN}"
encoding_aes_key = "{wf.AES_KEY}"
api_base_url = "{standin.base_url}"

[database]
url = "sqlite:///{tmp_path / 'qingdan.db'}"
""", encoding="utf-8")
    return path


async def test_import_chat_export(tmp_path, config_file, standin, aiohttp_client):
    book = tmp_path / "清单.xlsx"
    build_workbook(BOOK).save(book)
    qingdan_ok("init-db", config=config_file)
    qingdan_ok("import", str(book), config=config_file)

    from bot.app import build_app

    runtime = Runtime.build(config_mod.load(config_file, environ={}))
    client = await aiohttp_client(build_app(runtime))

    async def say(account: str, text: str) -> str:
        return await wf.say(client, account, text)

    listing = await say("wangfang", "我的清单")
    lines = [line for line in listing.splitlines() if line[:1].isdigit()]
    assert lines == [
        f"1. [P-1] 制定年度学习计划｜未开始｜截止{YEAR}年12月31日",
        f"2. [P-2] 建设党员活动室｜未开始｜截止{YEAR}年12月20日",
        f"3. [Z-1] 党费收缴不规范｜未开始｜截止{YEAR}年12月15日",
    ]

    confirmation = await say("wangfang", "第2项完成80%")
    assert "建设党员活动室：未开始 → 进行中 80%" in confirmation
    runtime.close()

    out = tmp_path / "导出.xlsx"
    qingdan_ok("export", str(out), "--year", str(YEAR), config=config_file)
    ws = openpyxl.load_workbook(out)["项目清单"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["P-2"]["状态"] == "进行中" and rows["P-2"]["进度"] == 80
    assert "第2项完成80%" in rows["P-2"]["最近更新"]
    assert rows["P-1"]["状态"] == "未开始"
    assert standin.state.sent == []   # everything was answered by passive reply


def test_import_takes_the_star_maxima_from_the_config(tmp_path, config_file):
    """`qingdan import` checks each star-rating dimension against ``[stars] max_*``."""
    stars = [["组织", "年度", "组织建设", "队伍建设", "制度建设", "阵地建设", "活动开展", "工作实绩",
              "群众满意度测评", "群众满意率", "三会一课落实(是/否)", "阵地达标(是/否)", "受警告以上处分人数"],
             ["第一党支部", YEAR, 15, 15, 15, 12, 15, 20, 10, "95%", "是", "是", 0]]
    book = tmp_path / "评分.xlsx"
    build_workbook({"组织": BOOK["组织"], "星级评分": stars}).save(book)
    qingdan_ok("init-db", config=config_file)
    refused = qingdan("import", str(book), config=config_file)
    assert refused.returncode == 1
    assert "「星级评分」第2行：阵地建设 12 超过该项满分10分" in refused.stderr
    with config_file.open("a", encoding="utf-8") as f:
        f.write("\n[stars]\nmax_venue = 12\n")
    assert "星级评分：新增1" in qingdan_ok("import", str(book), config=config_file).stdout
