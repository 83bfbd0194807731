"""WeCom's userid ignores case: a callback from "SUNLI" is the member ``sunli`` (issue 21, point 6),
through real encrypted callbacks on both engines; one member per account whatever its case."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.texts import NOT_A_MEMBER
from models.lookups import members_by_accounts
from models.tables import Item, Member
from tests.support import wecom as wf


async def test_a_callback_in_another_case_is_the_member(client, engine):
    mine = await wf.say(client, "sunli", "我的清单")
    assert NOT_A_MEMBER not in mine
    assert await wf.say(client, "SUNLI", "我的清单") == mine
    assert await wf.say(client, "SunLi", "我的清单") == mine
    assert await wf.say(client, "sunlii", "我的清单") == NOT_A_MEMBER


async def test_progress_from_another_case_is_recorded_on_the_members_item(client, engine):
    reply = await wf.say(client, "ZHOUQIANG", "第1项完成80%")
    assert "撰写调研报告：未开始 → 进行中 80%" in reply
    with Session(engine) as s:
        item = s.exec(select(Item).where(Item.code == "P-9")).one()
        assert (item.status, item.percent) == ("in_progress", 80)


def test_senders_are_found_by_each_spelling_in_one_lookup(engine):
    with Session(engine) as s:
        found = members_by_accounts(s, ["LIMING", "liming", "LiMing", "nobody"])
        assert set(found) == {"LIMING", "liming", "LiMing"}
        assert {m.account for m in found.values()} == {"liming"}


def test_a_second_member_differing_only_in_case_cannot_be_stored(engine):
    with Session(engine) as s:
        unit_id = s.exec(select(Member).where(Member.account == "liming")).one().unit_id
        s.add(Member(account="LiMing", name="李明二", unit_id=unit_id))
        with pytest.raises(IntegrityError):
            s.commit()


def test_the_senders_lookup_uses_the_index_on_sqlite(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan; PostgreSQL's planner picks a scan for a table this small")
    with engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.execute(text(
            "EXPLAIN QUERY PLAN SELECT * FROM member WHERE lower(account) IN ('liming', 'sunli')")))
    assert "ux_member_account_lower" in plan


def test_an_upgrade_names_stored_accounts_that_differ_only_in_case(db_url, tmp_path, capsys):
    """A database that already holds HDY and hdy is not upgraded (which of the two keeps the
    items is not for a migration to guess): `qingdan init-db` names them in one line."""
    from alembic import command

    from bot.cli import main
    from models.db import alembic_config, make_engine
    from tests.support.config import write_config

    eng = make_engine(db_url)
    cfg = alembic_config(db_url)
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
        conn.execute(text("INSERT INTO unit (name, kind) VALUES ('第一党支部', '党支部')"))
        for account in ("HDY", "hdy", "liming"):
            conn.execute(text("INSERT INTO member (account, name, unit_id, title, is_admin, active) "
                              "VALUES (:a, '黄东阳', 1, '党员', false, true)"), {"a": account})
    eng.dispose()
    config = write_config(tmp_path / "config.toml", db_url, "http://127.0.0.1:9/cgi-bin/")
    capsys.readouterr()
    assert main(["init-db", "--config", str(config)]) == 2
    assert capsys.readouterr().err == ("以下企业微信账号只是大小写不同，企业微信视为同一人，请先合并为一个后再升级："
                                       "HDY 与 hdy\n")
