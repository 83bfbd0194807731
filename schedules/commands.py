"""``qingdan remind``, ``qingdan outbox`` and ``qingdan schedule``: what they print and return."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.config import Config, ConfigError
from bot.wecom import WeComSender
from bot.wecom_errors import TokenUnavailable
from models.db import check_connection, init_db, make_engine, session_scope
from models.tables import PushStatus, utcnow
from schedules import leavers, outbox
from schedules.runner import Outcome, run_due
from schedules.scheduler import job_specs
from schedules.timetable import quiet_at
from schedules.upcoming import next_push_at


def open_database(cfg: Config) -> Engine:
    """The configured database, connected and at the newest schema (DatabaseError if it cannot be)."""
    engine = make_engine(cfg.database.url)
    check_connection(engine)
    init_db(engine)
    return engine


async def with_sender(cfg: Config, work):
    """``await work(sender)`` with a sender for the configured WeCom, closed on the same loop."""
    sender = WeComSender(cfg.wecom)
    try:
        return await work(sender)
    finally:
        await sender.aclose()


def stopped(exc: TokenUnavailable) -> None:
    """Say, in Chinese on stderr, that the run stopped sending for want of a token."""
    print(str(exc), file=sys.stderr)
    print("本次停止发送：未发出的推送没有记为失败，仍待发送（下次 qingdan remind 或服务的整点补发时发出）。", file=sys.stderr)
    if os.environ.get("QINGDAN_DEBUG"):
        print(f"详细信息：{exc.detail}", file=sys.stderr)


def moment_line(at: datetime, cfg: Config) -> str:
    """"推送时刻：2026-11-25 09:00（Asia/Shanghai）"."""
    local = at.astimezone(cfg.tz)
    shown = local.strftime("%Y-%m-%d %H:%M" + (":%S" if local.second else ""))
    return f"推送时刻：{shown}（{cfg.schedule.timezone}）"


def remind(cfg: Config, at: datetime) -> int:
    """Send what is due at ``at`` through the configured WeCom API; print the moment used, one line
    per occasion and, under it, who failed and why (and whose account WeCom called invalid).

    SIGTERM or Ctrl-C stops it cleanly (``until_signalled``): sends in flight end, what was sent is
    marked, what was not attempted stays owed to the next run; exit status 128 + the signal.
    Exit status 0, or 1 when some sends failed (they are retried by the next run).
    """
    print(moment_line(at, cfg), flush=True)
    engine = open_database(cfg)
    started = utcnow()
    signalled: list[int] = []
    try:
        outcomes = asyncio.run(until_signalled(signalled, lambda stop: with_sender(
            cfg, lambda sender: run_due(cfg, engine, sender, at, stop=stop))))
        lines = outcome_lines(engine, outcomes, started) or [nothing_due(engine, cfg, at)]
    except TokenUnavailable as exc:
        stopped(exc)
        return 1
    finally:
        engine.dispose()
    print("\n".join(lines), flush=True)
    if signalled:
        print(f"收到停止信号（{signal.Signals(signalled[0]).name}），已停止发送：已发出的已记录，"
              "未发出的仍待发送（再次运行 qingdan remind 或服务的整点补发时发出）。", file=sys.stderr)
        return 128 + signalled[0]
    return 1 if any(o.failed for o in outcomes) else 0


async def until_signalled(signalled: list[int], work):
    """``await work(stop)``, with ``stop`` set by the first SIGTERM or SIGINT (noted in
    ``signalled``). Signals are caught only on the main thread (elsewhere: as before)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    caught = []

    def on_signal(signum: int) -> None:
        if not signalled:
            signalled.append(signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, on_signal, signum)
            caught.append(signum)
    try:
        return await work(stop)
    finally:
        for signum in caught:
            loop.remove_signal_handler(signum)


def nothing_due(engine: Engine, cfg: Config, at: datetime) -> str:
    """"无到期推送", and, when ``at`` is in the quiet hours, that this is why and when the next push
    that would reach somebody goes out (``schedules.upcoming``)."""
    s = cfg.schedule
    if not quiet_at(at, s):
        return "无到期推送"
    with session_scope(engine) as session:
        nxt = next_push_at(session, at, s)
    then = f"下一次推送：{nxt.astimezone(cfg.tz):%Y-%m-%d %H:%M}" if nxt else "此后一年内没有要发的推送"
    return (f"无到期推送：{at.astimezone(cfg.tz):%H:%M} 在免打扰时段（{s.quiet_start:%H:%M}–{s.quiet_end:%H:%M}）内，"
            f"此时不发推送；{then}")


def outcome_lines(engine: Engine, outcomes: list[Outcome], started: datetime) -> list[str]:
    """Each occasion's summary line, then the people whose push failed or was refused in this run."""
    lines = []
    for o in outcomes:
        if not (o.attempted or o.held):
            continue
        lines.append(o.line)
        if o.failed or o.invalid:
            missed = outbox.find(engine, statuses=(PushStatus.FAILED, PushStatus.INVALID), since=started,
                                 occasions=[o.occasion.key])
            lines += ["  " + line for line in outbox.failure_lines(missed)]
    return lines


def show_outbox(cfg: Config, *, failed_only: bool, since: datetime | None, retry: bool) -> int:
    """List failed (and, unless ``failed_only``, unknown and invalid-account) pushes; with ``retry`` resend the failed
    ones once. Exit status 1 when a resend failed again, else 0."""
    engine = open_database(cfg)
    try:
        outbox.settle(engine, cfg.schedule.pending_stale)
        statuses = outbox.OWED if failed_only or retry else \
            (*outbox.OWED, PushStatus.UNKNOWN, PushStatus.INVALID)
        entries = outbox.find(engine, statuses=statuses, since=since)
        if retry:
            return _resend(cfg, engine, entries)
        _list(cfg, entries)
        return 0
    finally:
        engine.dispose()


def _list(cfg: Config, entries: list[outbox.Entry]) -> None:
    if not entries:
        print("没有失败、结果不明或账号无效的推送")
        return
    failed = sum(e.status == PushStatus.FAILED for e in entries)
    unsent = sum(e.status == PushStatus.PENDING for e in entries)
    unknown = sum(e.status == PushStatus.UNKNOWN for e in entries)
    invalid = sum(e.status == PushStatus.INVALID for e in entries)
    parts = [f"失败 {failed} 条"] + ([f"未发出 {unsent} 条"] if unsent else []) + \
        ([f"结果不明 {unknown} 条"] if unknown else []) + \
        ([f"账号无效 {invalid} 条（请在企业微信通讯录核对账号，或在工作簿中更正）"] if invalid else [])
    print("，".join(parts) + f"（时间为 {cfg.schedule.timezone}）：")
    for e in entries:
        print("  " + outbox.entry_line(e, cfg.tz))
    if failed or unsent:
        print("重发失败和未发出的推送：qingdan outbox --retry（结果不明的可能已送达，不会重发）")


def _resend(cfg: Config, engine: Engine, entries: list[outbox.Entry]) -> int:
    if not entries:
        print("没有失败的推送可重发")
        return 0
    left = [e for e in entries if not e.active]
    try:
        after, tally = asyncio.run(with_sender(
            cfg, lambda sender: outbox.resend(engine, sender, entries, datetime.now(cfg.tz))))
    except TokenUnavailable as exc:
        stopped(exc)
        return 1
    print(f"重发 {len(after)} 条：")
    for e in after:
        result = outbox.STATUS_ZH[e.status]
        if e.status == PushStatus.FAILED:
            result = f"仍失败——{outbox.explain_error(e.error)}"
        print(f"  {e.who}  {e.label}：{result}")
    summary = f"发送 {tally.sent} 人"
    if tally.failed:
        summary += f"，仍失败 {tally.failed} 人"
    if tally.invalid:
        summary += f"，{tally.invalid} 人的企业微信账号无效"
    if tally.skipped:
        summary += f"，{tally.skipped} 人已由别处发送"
    if left:
        summary += f"；{len(left)} 人已离开，未重发"
    print(summary)
    return 1 if tally.failed else 0


def show_schedule(cfg: Config) -> int:
    """Each job's next run in the configured zone."""
    tz = cfg.tz
    now = datetime.now(tz)
    print(f"定时推送（时区 {cfg.schedule.timezone}，免打扰 "
          f"{cfg.schedule.quiet_start:%H:%M}–{cfg.schedule.quiet_end:%H:%M}）：")
    for spec in job_specs(cfg.schedule):
        nxt = spec.trigger.get_next_fire_time(None, now)
        when = nxt.astimezone(tz).strftime("%Y-%m-%d %H:%M") if nxt else "（不会触发）"
        print(f"  {spec.label}：下次 {when}")
    return 0


def tell_about_leavers(cfg: Config, engine: Engine, accounts: list[str]) -> None:
    """After an import that marked ``accounts`` 离开: print their unfinished items and send each
    secretary responsible (or the administrators) the list, once (``schedules.leavers``)."""
    at = datetime.now(cfg.tz)
    found = leavers.find_in(engine, accounts, at, cfg.tz)
    if not found:
        return
    print("\n".join(leavers.report_lines(found)), flush=True)
    try:
        cfg.require_sending()
    except ConfigError as exc:
        print(f"未通过企业微信告知（{str(exc).split(' / ')[0]}）：请把上面的事项转给相关书记。")
        return
    try:
        tally = asyncio.run(with_sender(cfg, lambda sender: leavers.tell(engine, sender, found, at, cfg.tz)))
    except TokenUnavailable as exc:
        stopped(exc)
        print("请把上面的事项转给相关书记。", file=sys.stderr)
        return
    told = len({m.id for r in found for m in r.told})
    line = f"已通过企业微信告知{told}人" if not (tally.failed or tally.invalid) else \
        f"告知{told}人：发送{tally.sent}条，失败{tally.failed}条，账号无效{tally.invalid}条（qingdan outbox 查看，--retry 重发）"
    if tally.skipped and not tally.sent:
        line = "今天已告知过，未重复发送"
    print(line, flush=True)
