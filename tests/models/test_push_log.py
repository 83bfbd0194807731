"""models.push_log: one claim rule, whether rows are claimed one at a time or a batch at once."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from models.db import session_scope
from models.push_log import claim, claim_many
from models.tables import PushLog, PushStatus
from tests.support.org import three_levels

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_a_batch_claims_new_rows_and_owed_rows_but_never_a_row_that_went_out(bare_engine):
    org = three_levels(bare_engine)
    sun, zhou, wu = (org.people[a].id for a in ("sun", "zhou", "wu"))
    with session_scope(bare_engine) as s:
        assert claim(s, "monthly_prompt:2026-11", sun, "x", NOW)
        assert claim(s, "monthly_prompt:2026-11", zhou, "x", NOW)
    with session_scope(bare_engine) as s:
        rows = {r.member_id: r for r in s.exec(select(PushLog))}
        rows[sun].status = PushStatus.SENT           # went out: never again
        rows[zhou].status = PushStatus.FAILED        # WeCom refused: still owed
        s.add_all(rows.values())
    with session_scope(bare_engine) as s:
        taken = claim_many(s, [("monthly_prompt:2026-11", m, "月报提醒") for m in (sun, zhou, wu)]
                           + [("deadline:2026-11-25", sun, "截止提醒")], NOW)
    assert taken == {("monthly_prompt:2026-11", zhou), ("monthly_prompt:2026-11", wu), ("deadline:2026-11-25", sun)}
    with Session(bare_engine) as s:
        status = {(r.occasion, r.member_id): r.status for r in s.exec(select(PushLog))}
    assert status[("monthly_prompt:2026-11", sun)] == PushStatus.SENT
    assert status[("monthly_prompt:2026-11", zhou)] == PushStatus.PENDING
    with session_scope(bare_engine) as s:                      # claimed now: nobody else gets them
        assert claim_many(s, [("monthly_prompt:2026-11", wu, "again"), ("deadline:2026-11-25", sun, "again")],
                          NOW) == set()
        assert claim_many(s, [], NOW) == set()


def test_a_claim_run_again_after_its_connection_dropped_takes_back_only_its_own_rows(bare_engine):
    """A claim whose connection dropped at its commit cannot tell whether it committed: run again
    with ``again`` and the same ``now`` it takes back the rows it took, and no one else's."""
    org = three_levels(bare_engine)
    sun, zhou = org.people["sun"].id, org.people["zhou"].id
    later = NOW + timedelta(microseconds=1)
    with session_scope(bare_engine) as s:
        assert claim_many(s, [("monthly_prompt:2026-11", sun, "x")], NOW) == {("monthly_prompt:2026-11", sun)}
        assert claim(s, "monthly_prompt:2026-11", zhou, "x", later)          # another claimant's
    rows = [("monthly_prompt:2026-11", sun, "x"), ("monthly_prompt:2026-11", zhou, "x")]
    with session_scope(bare_engine) as s:
        assert claim_many(s, rows, NOW) == set()                              # a second claimant: nothing
        assert claim_many(s, rows, NOW, again=True) == {("monthly_prompt:2026-11", sun)}
