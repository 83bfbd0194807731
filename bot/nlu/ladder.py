"""The accountability ladder's chat grammar (``handlers.ladder``), whole messages only:

* "红叉" / "问责记录" (also "我的红叉", "查看红叉"): the marks of the year within the sender's scope;
* "约谈 孙一 已完成：谈了按时报送的要求": the sender's talks with 孙一 recorded done, with the note;
* "撤销 孙一 11月红叉：病假期间已补报" — optionally "11月未报红叉", "11月逾期红叉" or with the item's
  编号, "11月 P-2 红叉": the mark cleared with the reason;
* "撤回撤销" / "撤回约谈": the sender's latest clearing or talk recorded, taken back (a bare "撤回" does
  the same when that was the sender's last act, ``handlers.ladder``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LIST = re.compile(r"^(?:我的|查看|本单位)?(?:红叉|问责记录|红叉记录)[。！!？?]?$")
TALK = re.compile(r"^约谈\s*(?P<name>[^\s：:，,]+?)\s*(?:已经?|已)?完成\s*[：:，,]\s*(?P<note>\S.*)$", re.S)
CLEAR = re.compile(r"^撤销\s*(?P<name>[^\s\d：:]+?)\s*(?P<month>\d{1,2})\s*月(?:份)?\s*(?P<reason>未报|逾期)?\s*"
                   r"(?P<code>[A-Za-z]{1,3}-?\d+)?\s*(?:的)?红叉\s*[：:，,]\s*(?P<why>\S.*)$", re.S)
UNDO = re.compile(r"^撤回(?:撤销|约谈|撤销红叉|约谈记录)?[。！!]?$")


@dataclass(frozen=True)
class Clearing:
    name: str
    month: int
    reason: str | None          # "未报" / "逾期" / None
    code: str | None
    why: str


def read_list(text: str) -> bool:
    return LIST.match(text.strip()) is not None


def read_talk(text: str) -> tuple[str, str] | None:
    """(name, note) of "约谈 孙一 已完成：…"."""
    m = TALK.match(text.strip())
    return (m["name"], m["note"].strip()) if m else None


def read_clearing(text: str) -> Clearing | None:
    m = CLEAR.match(text.strip())
    if m is None or not 1 <= int(m["month"]) <= 12:
        return None
    return Clearing(m["name"], int(m["month"]), m["reason"], m["code"].upper() if m["code"] else None, m["why"].strip())


def read_undo(text: str) -> str | None:
    """"explicit" for "撤回撤销" / "撤回约谈", "bare" for "撤回", None otherwise."""
    m = UNDO.match(text.strip())
    if m is None:
        return None
    return "bare" if text.strip().rstrip("。！!") == "撤回" else "explicit"
