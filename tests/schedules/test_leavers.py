"""schedules.leavers through ``qingdan import``: a member marked 离开 in the 党员 sheet has their
unfinished items listed to the secretary who answers for them, once."""
from datetime import date

import openpyxl
import pytest

from models.tables import ItemStatus
from schedules.outbox import occasion_label
from tests.support.cli import by_person, qingdan
from tests.support.config import SECRET, write_config
from tests.support.org import Org


@pytest.fixture
def standin(threaded_standin):
    return threaded_standin


@pytest.fixture
def setup(tmp_path, db_url, bare_engine, standin):
    """机关党委 (李书记) above 第一党支部 (赵书记: 郑四, 孙一) and 第三党支部 (no secretary: 冯五)."""
    org = Org(bare_engine)
    org.unit("top", "机关党委", "机关党委")
    org.unit("b1", "第一党支部", "党支部", parent="top")
    org.unit("b3", "第三党支部", "党支部", parent="top")
    org.person("li", "李书记", "top", "机关党委书记")
    org.person("admin", "王管理", "top", is_admin=True)
    org.person("zhao", "赵书记", "b1", "支部书记")
    org.person("zheng", "郑四", "b1")
    org.person("sun", "孙一", "b1")
    org.person("feng", "冯五", "b3")
    org.item("zheng", "P-7", "建设党员活动室", kind="project", deadline=date(2026, 9, 1), status="in_progress",
             percent=30)
    org.item("zheng", "X-8", "讲专题党课", status=ItemStatus.DONE, percent=100)      # finished: not listed
    org.item("zhao", "X-9", "落实三会一课")
    org.item("feng", "X-1", "开展主题党日")
    org.item("sun", "X-2", "学习研讨")
    return write_config(tmp_path / "config.toml", db_url, standin.base_url)


def mark_left(book, *accounts: str) -> None:
    """Set 状态 to 离开 for ``accounts`` in the exported book's 党员 sheet."""
    wb = openpyxl.load_workbook(book)
    ws = wb["党员"]
    header = [c.value for c in ws[1]]
    account_col, status_col = header.index("企业微信账号") + 1, header.index("状态") + 1
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, account_col).value in accounts:
            ws.cell(row, status_col).value = "离开"
    wb.save(book)


def test_a_leavers_unfinished_items_go_to_their_secretary_once(tmp_path, setup, standin):
    book = tmp_path / "book.xlsx"
    assert qingdan("export", str(book), config=setup).returncode == 0
    mark_left(book, "zheng", "zhao", "feng")
    imported = qingdan("import", str(book), config=setup)
    assert imported.returncode == 0, imported.stderr
    out = imported.stdout
    assert "离开人员名下仍有未完成事项，需重新指定责任人（共3人）：" in out
    assert "  郑四（第一党支部）1项，已列给李书记：" in out.splitlines()    # 赵书记 left too: the one above
    assert "    [P-7] 建设党员活动室" in out.splitlines() and "X-8" not in out
    assert "  赵书记（第一党支部）1项，已列给李书记：" in out.splitlines()
    assert "  冯五（第三党支部）1项，已列给李书记：" in out.splitlines()
    assert "已通过企业微信告知1人" in out

    sent = by_person(standin)
    assert set(sent) == {"li"} and len(sent["li"]) == 1                 # three leavers, one message
    (message,) = sent["li"]
    assert len(message.encode()) <= 2048
    assert message.startswith("【人员离开】李书记，")
    assert "【人员离开】李书记，郑四（第一党支部）已在党员名单中标记为“离开”，名下1项未完成事项需重新指定责任人：" in message
    assert "1. [P-7] 建设党员活动室｜进行中 30%｜截止2026年9月1日（已逾期）" in message
    assert "赵书记（第一党支部）" in message and "冯五（第三党支部）" in message
    assert "“责任人账号”改为新的责任人" in message

    again = qingdan("import", str(book), config=setup)                  # already off the rolls: no news
    assert again.returncode == 0 and "离开人员" not in again.stdout
    assert len(standin.state.sent) == 1
    exported = tmp_path / "after.xlsx"
    assert qingdan("export", str(exported), config=setup).returncode == 0
    ws = openpyxl.load_workbook(exported)["党员"]
    status = {r[1]: r[-1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert status["zheng"] == "离开" and status["sun"] == "在册"


def test_a_leaver_listed_to_the_administrators_and_printed_when_wecom_is_not_set(tmp_path, db_url, bare_engine,
                                                                                 standin):
    org = Org(bare_engine)
    org.unit("top", "机关党委", "机关党委")
    org.person("li", "李书记", "top", "机关党委书记")
    org.person("admin", "王管理", "top", is_admin=True)
    org.item("li", "X-1", "主持召开党建工作会议")
    config = write_config(tmp_path / "config.toml", db_url, standin.base_url)
    book = tmp_path / "book.xlsx"
    assert qingdan("export", str(book), config=config).returncode == 0
    mark_left(book, "li")
    imported = qingdan("import", str(book), config=config)
    assert "  李书记（机关党委）1项，已列给王管理：" in imported.stdout.splitlines()
    assert [m.touser for m in standin.state.sent] == [["admin"]]

    unset = tmp_path / "unset.toml"
    unset.write_text(config.read_text().replace(f'secret = "{SECRET}"', 'secret = ""'))
    org.person("wu", "吴三", "top")
    org.item("wu", "X-2", "整理党建台账")
    assert qingdan("export", str(book), config=unset).returncode == 0
    mark_left(book, "wu")
    imported = qingdan("import", str(book), config=unset)
    assert imported.returncode == 0, imported.stderr
    assert "  吴三（机关党委）1项，已列给李书记：" not in imported.stdout      # li has left: the administrator
    assert "  吴三（机关党委）1项，已列给王管理：" in imported.stdout.splitlines()
    assert "未通过企业微信告知（配置错误：wecom.secret 缺失）：请把上面的事项转给相关书记。" in imported.stdout
    assert len(standin.state.sent) == 1


def test_unscheduled_occasions_read_in_chinese():
    assert occasion_label("reassign:zheng:2026-11-22") == "离开人员事项 zheng:2026-11-22"
    assert occasion_label("nudge:2026-11-20") == "催报 2026-11-20"
