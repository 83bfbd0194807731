"""`qingdan import` refuses what chat would read otherwise than the book says (issue 21): two
spellings of one 编号 in a sheet and year, two accounts that differ only in case, an account that
starts with "-". Run in-process through ``bot.cli.main``, on both engines; nothing is written."""
from __future__ import annotations

from sqlmodel import Session, select

from bot.cli import main
from models.tables import Item, Member
from models.workbook import build_workbook
from tests.support.config import write_config

UNITS = [["名称", "上级", "类型"], ["机关党委", None, "机关党委"], ["第一党支部", "机关党委", "党支部"]]
MEMBERS = [["姓名", "企业微信账号", "所在组织", "职务"],
           ["李明", "liming", "第一党支部", "支部书记"],
           ["王芳", "wangfang", "第一党支部", "党员"],
           ["孙丽", "sunli", "第一党支部", "党员"]]
RECT_HEAD = ["编号", "问题", "整改措施", "责任人", "来源", "整改时限", "年度"]
PROJ_HEAD = ["编号", "项目", "牵头人", "年度", "截止日期"]


def run(tmp_path, db_url, book: dict, capsys, name="book.xlsx") -> tuple[int, str, str]:
    """``qingdan import BOOK``: its exit status, stdout and stderr."""
    config = write_config(tmp_path / "config.toml", db_url, "http://127.0.0.1:9/cgi-bin/")
    path = tmp_path / name
    build_workbook(book).save(path)
    capsys.readouterr()
    code = main(["import", str(path), "--config", str(config)])
    out, err = capsys.readouterr()
    return code, out, err


def rows(engine, table) -> list:
    with Session(engine) as s:
        return list(s.exec(select(table)))


def test_two_spellings_of_one_code_are_refused_with_both_rows_named(bare_engine, db_url, tmp_path, capsys):
    rects = [RECT_HEAD,
             ["Z-2", "党费收缴不规范", "逐月核对", "wangfang", "巡察", "2026-12-31", 2026],
             ["Z-02", "三会一课记录不全", "补齐记录", "sunli", "巡察", "2026-12-31", 2026],
             ["Z-3", "活动室未达标", "按标准建设", "sunli", "巡察", "2026-12-31", 2025],
             ["Z-03", "活动室未达标", "按标准建设", "sunli", "巡察", "2026-12-31", 2026]]   # another year: fine
    projects = [PROJ_HEAD,
                ["P-D2", "学习计划", "wangfang", 2026, None],
                ["ｐ－ｄ２", "活动室", "sunli", 2026, None],
                ["p-d2", "调研报告", "liming", 2026, None],
                ["P-D2", "调研报告", "liming", 2025, None]]
    code, out, err = run(tmp_path, db_url, {"组织": UNITS, "党员": MEMBERS, "项目清单": projects,
                                            "整改清单": rects}, capsys)
    assert code == 1 and out == ""
    assert "「整改清单」第3行：编号 Z-02（2026年）与第2行的 Z-2 在对话中读作同一编号" in err
    assert "「项目清单」第3行：编号 ｐ－ｄ２（2026年）与第2行的 P-D2 在对话中读作同一编号" in err
    assert "「项目清单」第4行：编号 p-d2（2026年）与第2行的 P-D2 在对话中读作同一编号" in err
    assert "第4行" not in err.split("「整改清单」")[1].split("\n")[0]
    assert "共3处问题" in err
    assert rows(bare_engine, Member) == [] and rows(bare_engine, Item) == []


def test_a_code_read_as_one_already_stored_is_refused(bare_engine, db_url, tmp_path, capsys):
    rects = [RECT_HEAD, ["Z-2", "党费收缴不规范", "逐月核对", "wangfang", "巡察", "2026-12-31", 2026]]
    assert run(tmp_path, db_url, {"组织": UNITS, "党员": MEMBERS, "整改清单": rects}, capsys)[0] == 0
    again = [RECT_HEAD,
             ["Z-1", "党费收缴不规范", "逐月核对台账", "wangfang", "巡察", "2026-12-31", 2026],
             ["z02", "三会一课记录不全", "补齐记录", "sunli", "巡察", "2026-12-31", 2026],
             ["Z-2", "党费收缴不规范", "逐月核对", "wangfang", "巡察", "2026-12-31", 2025]]   # another year
    code, _, err = run(tmp_path, db_url, {"整改清单": again}, capsys, "again.xlsx")
    assert code == 1
    assert "「整改清单」第3行：编号 z02（2026年）与整改清单中已有的 Z-2 在对话中读作同一编号；如是同一项，请写作 Z-2" in err
    assert "共1处问题" in err
    assert [item.code for item in rows(bare_engine, Item)] == ["Z-2"]


def test_accounts_that_differ_only_in_case_are_one_member(bare_engine, db_url, tmp_path, capsys):
    members = MEMBERS + [["黄东阳", "HDY", "第一党支部", "党员"], ["黄东阳", "hdy", "第一党支部", "党员"],
                         ["坏账号", "-rf", "第一党支部", "党员"]]
    code, _, err = run(tmp_path, db_url, {"组织": UNITS, "党员": members}, capsys)
    assert code == 1
    assert "「党员」第6行：企业微信账号 hdy 与第5行的 HDY 只是大小写不同，企业微信视为同一账号" in err
    assert "「党员」第7行：企业微信账号 -rf 不是有效的企业微信账号" in err and "不能以 - 开头" in err
    assert rows(bare_engine, Member) == []


def test_an_account_in_another_case_names_the_stored_member(bare_engine, db_url, tmp_path, capsys):
    members = MEMBERS + [["黄东阳", "HDY", "第一党支部", "党员"]]
    assert run(tmp_path, db_url, {"组织": UNITS, "党员": members}, capsys)[0] == 0
    again = [["姓名", "企业微信账号", "所在组织", "职务"], ["黄东阳", "hdy", "第一党支部", "党组成员"]]
    rects = [RECT_HEAD, ["Z-1", "党费收缴不规范", "逐月核对", "Hdy", "巡察", "2026-12-31", 2026]]
    code, out, err = run(tmp_path, db_url, {"党员": again, "整改清单": rects}, capsys, "again.xlsx")
    assert code == 0, err
    assert "党员：新增0，更新1，未变0" in out and "整改清单：新增1" in out
    hdy = [m for m in rows(bare_engine, Member) if m.name == "黄东阳"]
    assert [(m.account, m.title) for m in hdy] == [("HDY", "党组成员")]
    [item] = rows(bare_engine, Item)
    assert item.owner_id == hdy[0].id


def test_progress_shows_on_a_terminal_only(bare_engine, db_url, tmp_path, capsys):
    """Rows read, checked and written, on stderr when it is a terminal (a pty here); never in a
    pipe or a log (the in-process run above: capsys is no terminal)."""
    import os
    import pty
    import subprocess
    import sys

    from tests.support.cli import ROOT

    book = {"组织": UNITS, "党员": MEMBERS}
    code, out, err = run(tmp_path, db_url, book, capsys, "quiet.xlsx")
    assert code == 0 and "已读取" not in out + err and "已写入" not in out + err
    config = write_config(tmp_path / "config.toml", db_url, "http://127.0.0.1:9/cgi-bin/")
    path = tmp_path / "book.xlsx"
    build_workbook(book | {"整改清单": [RECT_HEAD, ["Z-1", "问题", "措施", "sunli", "巡察", "2026-12-31", 2026]]}
                   ).save(path)
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    proc = subprocess.run([sys.executable, "-m", "bot", "import", str(path), "--config", str(config)], cwd=ROOT,
                          env=env, stdout=subprocess.PIPE, stderr=follower, timeout=120)
    os.close(follower)
    shown = b""
    try:
        while chunk := os.read(leader, 65536):
            shown += chunk
    except OSError:                      # the pty's other end is closed: all has been read
        pass
    os.close(leader)
    assert proc.returncode == 0
    terminal = shown.decode()
    for line in ("已读取2行（组织）", "已读取5行（党员）", "已读取6行（整改清单）", "已检查6行",
                 "已写入2/6行（组织）", "已写入6/6行（整改清单）"):
        assert line in terminal, terminal
    assert "已读取" not in proc.stdout.decode() and "整改清单：新增1" in proc.stdout.decode()


def test_a_pair_stored_before_the_rule_imports_again(bare_engine, db_url, tmp_path, capsys):
    """Z-2 and Z-02 stored before import refused such pairs: the exported book imports again (the
    secretary's 销号 asks which of them it means: tests/bot/test_review_ambiguity.py)."""
    rects = [RECT_HEAD, ["Z-2", "党费收缴不规范", "逐月核对", "wangfang", "巡察", "2026-12-31", 2026]]
    assert run(tmp_path, db_url, {"组织": UNITS, "党员": MEMBERS, "整改清单": rects}, capsys)[0] == 0
    with Session(bare_engine) as s:
        first = s.exec(select(Item)).one()
        s.add(Item(kind=first.kind, code="Z-02", title="三会一课记录不全", owner_id=first.owner_id,
                   unit_id=first.unit_id, year=2026))
        s.commit()
    again = rects + [["Z-02", "三会一课记录不全", "补齐记录", "wangfang", "巡察", "2026-12-31", 2026]]
    code, out, err = run(tmp_path, db_url, {"整改清单": again}, capsys, "again.xlsx")
    assert code == 0, err
    assert "整改清单：新增0，更新1，未变1" in out
