"""Why a reply was understood as it was: the stages of ``parse``, clause by clause, in words.

    qingdan parse --items ITEMS.json --explain "1.召开支委会1次；2.活动室完成七成"

prints the text as normalized (and as repaired, when a voice-input homophone was), what the
layout left out and why (an example, a salutation, a header, a section header, a stock phrase),
then for each clause: the section it stands in, every item reference (by position, 编号, all /
the rest, enumeration, or title words with their weight) and every signal (a state word, a
percent, a count, a total, an activity held, a weak promise or plan; negated ones marked), and
last the result. A reference no signal reaches is shown as a mention that writes nothing.
"""
from __future__ import annotations

from collections.abc import Sequence

from bot.statuses import STATUS_ZH, kind_zh, status_zh

from . import item_refs, parse, to_json
from .model import DOUBTS, ItemRef

SIGNAL_ZH = STATUS_ZH | {"not_closed": "未销号"}      # a state word may also deny a 销号
HOW_ZH = {"position": "序号", "code": "编号", "all": "全部事项", "rest": "其余事项", "enumeration": "条目序号",
          "title": "标题词"}
DROPPED_ZH = {"example": "示例/提示语，不计", "salutation": "称呼", "closing": "结尾客套话", "detail": "括号内补充说明", "denied": "被否定的半句",
              "header": "标题", "stock": "套话（各项工作…），不计"}


def explain(text: str, items: Sequence[ItemRef | dict]) -> str:
    """The explanation of how ``text`` from the owner of ``items`` is understood (Chinese)."""
    refs = item_refs(items)
    trace: dict = {}
    result = to_json(parse(text, refs, trace))
    lines = [f"原文：{text}", f"规范化：{trace.get('normalized', '')}"]
    if trace.get("repaired") and trace["repaired"] != trace.get("normalized"):
        lines.append(f"同音纠正：{trace['repaired']}")
    for words, why in trace.get("dropped") or ():
        if why.startswith("section:"):
            lines.append(f"分节：「{words}」→ 以下序号按{kind_zh(why[8:])}计")
        else:
            lines.append(f"略去：「{words}」（{DROPPED_ZH.get(why, why)}）")
    if trace.get("questions"):
        lines.append("问句：" + "；".join(f"「{q}」" for q in trace["questions"]))
        if trace.get("asked"):
            lines.append("  问的是事项：" + "、".join(trace["asked"]))
    for n, step in enumerate(trace.get("steps") or (), 1):
        lines.extend(_clause_lines(n, step, refs))
    lines.extend(_link_lines(trace.get("links") or [], refs))
    lines.append(_result_line(result, refs))
    return "\n".join(lines)


def _clause_lines(n: int, step: dict, refs: list[ItemRef]) -> list[str]:
    clause = step["clause"]
    head = f"第{n}句「{clause}」"
    if step.get("section"):
        head += f"（在{kind_zh(step['section'])}一节中）"
    lines = [head]
    for m in step["mentions"]:
        words = "、".join(f"「{clause[a:b]}」" for a, b in m.spans)
        if m.rest:
            target = "未另提到的事项"
        elif not m.items:
            target = "清单中没有这一项"
        else:
            target = "、".join(f"{refs[k].id} {refs[k].title}" for k in m.items)
        how = HOW_ZH.get(m.how, m.how)
        if m.how == "title":
            how += f"，权重{m.score:g}"
        note = "（同样符合，须问是哪一项）" if m.ambiguous else ""
        lines.append(f"  事项：{words} → {target}（{how}）{note}")
    for s in step["signals"]:
        lines.append(f"  信号：「{step['masked'][s.start:s.end]}」→ {_signal_zh(s)}")
    if step["mentions"] and not step["signals"]:
        lines.append("  （只提到事项，未说进展：不单独记录）")
    if not step["mentions"] and not step["signals"]:
        lines.append("  （无事项、无进展）")
    return lines


_EVIDENCE_ZH = {"count": "次数", "percent": "进度", "status": "状态", "total": "累计", "held": "已开展",
                "dated": "日期", "tick": "打勾", "weak": "表态/计划", "ordinal": "序数"}


def _link_lines(links: list[dict], refs: list[ItemRef]) -> list[str]:
    """Each item an update links to, with its evidence and confidence, and the rival items the same
    words named less well, ranked by confidence."""
    if not links:
        return []
    titles = {r.id: r.title for r in refs}
    lines = ["事项判断（把握 = 链接正确的估计概率；低于阈值则先确认）："]
    for link in (x for x in links if x["rival"] is None):
        lines.append(f"  {link['item']} {titles.get(link['item'], '')}：{_evidence_zh(link)}")
        rivals = sorted((x for x in links if x["rival"] == link["item"]), key=lambda x: -(x["p"] or 0))
        for rival in rivals:
            lines.append(f"    其次：{rival['item']} {titles.get(rival['item'], '')}：{_evidence_zh(rival)}")
    return lines


def _evidence_zh(link: dict) -> str:
    how = HOW_ZH.get(link["how"], link["how"])
    if link["how"] == "title":
        how += f"，权重{link['score']:g}"
    said = "、".join(dict.fromkeys(_EVIDENCE_ZH.get(k, k) for k in link["signals"])) or "无"
    sure = "—" if link["p"] is None else f"{link['p']:.2f}"
    return f"把握 {sure}（{how}；所说：{said}）"


def _signal_zh(s) -> str:
    if s.kind == "status":
        text = f"状态 {SIGNAL_ZH.get(s.value, s.value)}"
        return text + "（前有否定词）" if s.negated else text
    if s.kind == "weak":
        return f"弱信号（表态或计划），仅在别无所说时算作{SIGNAL_ZH.get(s.value, s.value)}"
    if s.kind == "percent":
        return f"进度 {s.value}%"
    if s.kind == "bad_percent":
        return "超过100%的数字，不作进度"
    if s.kind == "bad_count":
        return "负数的次数，不作记录"
    if s.kind == "count":
        return f"次数 {s.value}"
    if s.kind == "ordinal":
        return "序数（第几次/首次），算一次"
    if s.kind == "total":
        return f"全年累计 {s.value} 次"
    if s.kind == "held":
        return "活动已开展（有目标次数的事项记一次，其他事项算完成）"
    return s.kind


def _result_line(result: dict, refs: list[ItemRef]) -> str:
    return "结果：" + describe(result, {r.id: r.title for r in refs}).replace("意图：", "意图 ", 1)


def describe(result: dict, titles: dict[str, str] | None = None) -> str:
    """A parse result (``to_json``) in words: its intent, then each update (the item with its title
    where ``titles`` has it, the state, the figures). ``qingdan parse`` prints it."""
    titles = titles or {}
    lines = [f"意图：{result['intent']}"]
    if result.get("asked_items"):
        lines.append("  问到的事项：" + "、".join(result["asked_items"]))
    for u in result.get("updates", []):
        parts = [f"{u['item']} {titles.get(u['item'], '')}".strip() if u["item"] else "（未指明事项）"]
        if u["status"]:
            parts.append(status_zh(u["status"]))
        if u["percent"] is not None:
            parts.append(f"{u['percent']}%")
        if u["count"] is not None:
            parts.append(f"本次{u['count']}次")
        if u["total"] is not None:
            parts.append(f"累计{u['total']}次")
        if u.get("candidates"):
            parts.append("候选：" + "、".join(u["candidates"]))
        if u.get("sure") is False:
            why = DOUBTS.get(u.get("doubt") or "", "")
            parts.append(f"把握不大，宜先确认（{why}）" if why else "把握不大，宜先确认")
        lines.append("  · " + "，".join(parts))
    return "\n".join(lines)
