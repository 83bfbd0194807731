"""bot.nlu.explain: ``qingdan parse --explain`` says, clause by clause, what was read and why."""
from __future__ import annotations

import json
import tempfile

from bot.cli import main
from bot.nlu.explain import explain
from tests.support.item_lists import OFFICE, SETS, VETERANS


def test_explain_says_which_words_named_which_item():
    text = explain("1.召开机关党委会议1次，累计9次；回复如：第2项完成80%", OFFICE)
    assert "机关党委会议」" in text and "R-1 每月召开机关党委会议" in text
    assert "次数 1" in text and "全年累计 9 次" in text and "示例" in text
    assert "本次1次，累计9次" in text
    assert "（前有否定词）" in explain("调研报告还没完成", OFFICE)
    assert "只提到事项" in explain("研究换届工作，调研报告已完成", OFFICE)
    assert "同音纠正" in explain("换届选举已完城", OFFICE)
    assert "问到的事项：P-2" in explain("换届选举截止哪天", OFFICE)
    assert "候选" in explain("活动室已完成", SETS["mixed"])


def test_the_cli_explains(capsys):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(VETERANS, f, ensure_ascii=False)
    assert main(["parse", "--items", f.name, "--explain", "支委会开了2次"]) == 0
    assert "R-2 每月召开支部委员会会议" in capsys.readouterr().out
    assert main(["parse", "--items", f.name, "--json", "今年已召开支委会8次"]) == 0
    assert json.loads(capsys.readouterr().out)["updates"][0]["total"] == 8
    assert main(["parse", "--items", f.name, "支委会开完了"]) == 0
    assert "R-2 每月召开支部委员会会议，已完成" in capsys.readouterr().out


PARTY_DUES = [
    {"id": "JD-4", "title": "督查党费收缴和“三会一课”开展情况", "kind": "responsibility", "target": 2},
    {"id": "JD-3", "title": "开展“五必谈”谈心谈话", "kind": "responsibility", "target": 10},
    {"id": "ZG-1", "title": "党费未按中组部标准收缴", "kind": "rectification", "target": None},
]


def test_explain_ranks_the_items_a_clause_may_name_with_evidence_and_confidence():
    text = explain("党费收缴问题整改到位", PARTY_DUES)
    assert "事项判断" in text
    chosen = next(line for line in text.splitlines() if line.startswith("  ZG-1"))
    rival = next(line for line in text.splitlines() if "其次：JD-4" in line)
    assert "把握 0." in chosen and "标题词，权重" in chosen and "所说：状态" in chosen
    assert "把握 0." in rival


def test_explain_says_why_a_clause_is_asked_about_instead_of_written():
    assert "数字是人数，不一定是次数" in explain("谈心谈话本月谈了5人", PARTY_DUES)
    assert "只是表态或计划" in explain("调研报告确保月底前完成", SETS["tasks"])
    assert "只写了日期和活动" in explain("10月18日召开支委会", SETS["branch"])
    assert "用的是整改的说法" in explain("督查三会一课已整改到位", PARTY_DUES)
