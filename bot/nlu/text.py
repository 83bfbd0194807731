"""Text clean-up before understanding: one canonical form for whatever people type.

Full-width letters, digits and punctuation become half-width (NFKC), common traditional
characters become simplified, circled numbers become "1." enumerations, spaces between two
Chinese characters go, and a few synonyms of meeting names are unified. Item titles go through
the same function, so a reply and a title always meet in the same form.
"""
from __future__ import annotations

import re
import unicodedata

# Traditional -> simplified, pairwise, for the characters replies and titles actually use
# (party-building vocabulary, states, numbers, queries). Not a full converter.
_TRADITIONAL_PAIRS = (
    "黨党項项經经進进開开會会組组織织報报設设規规範范習习計计劃划調调寫写實实際际檢检銷销號号"
    "還还沒没難难協协幫帮說说單单級级這这個个誰谁麼么樣样務务費费繳缴題题問问課课講讲議议論论"
    "導导聽听匯汇專专歷历評评書书記记員员動动們们時时間间過过達达幾几請请將将為为從从來来後后"
    "對对於于準准標标據据檔档齊齐補补體体辦办結结啟启啓启暫暂積积極极訂订當当幹干紀纪頁页裡里"
    "裏里嗎吗發发現现處处轉转節节條条傳传統统總总長长門门內内見见觀观點点區区縣县鄉乡鎮镇機机"
    "關关屬属與与參参視视廳厅錄录勞劳圍围繞绕續续紅红線线緊紧細细終终給给絡络綜综維维編编練练"
    "聯联聲声臨临舉举舊旧藝艺衛卫製制親亲覺觉討讨訓训許许訪访證证識识試试話话該该詳详語语誤误"
    "談谈謀谋謝谢護护讀读變变讓让質质責责貴贵資资賬账贊赞趕赶車车軍军輪轮輔辅較较載载農农遞递"
    "遠远選选遺遗邊边醫医釋释鐘钟錢钱鏈链閉闭閱阅陣阵陳陈陸陆隊队階阶隨随險险隱隐雙双雜杂離离"
    "雲云電电靈灵頂顶順顺須须頒颁預预領领頻频額额類类顧顾風风養养館馆驗验鬥斗億亿優优僅仅價价"
    "儀仪倉仓偉伟備备傷伤債债兩两冊册淨净則则剛刚創创劇剧勝胜勢势勵励勸劝卻却嘆叹團团園园圖图"
    "國国執执堅坚場场塊块壓压壞坏壯壮夠够頭头奪夺奮奋婦妇學学寧宁審审尋寻屆届層层嶺岭師师帳帐"
    "帶带幣币廣广廢废廠厂張张強强彈弹歸归徑径徹彻復复態态戀恋愛爱慶庆憲宪應应懷怀戰战戶户擁拥"
    "擇择擔担擬拟擴扩攝摄數数斷断暢畅東东楊杨構构樓楼樂乐權权歡欢歲岁殘残殺杀氣气漢汉溝沟滅灭"
    "滿满濟济無无燈灯營营爭争獨独獲获環环產产畫画療疗盡尽監监盤盘確确禮礼種种稱称穩稳窮穷競竞"
    "筆笔築筑簡简籌筹糧粮約约紙纸納纳絕绝綫线緣缘繼继罰罚羅罗義义聖圣聞闻職职腦脑臺台興兴艱艰"
    "蓋盖藥药術术衝冲裝装複复覽览訊讯豐丰貧贫負负財财貫贯趨趋軟软輕轻輸输辭辞辯辩適适遲迟鋼钢"
    "錯错鍵键閃闪陽阳陰阴隻只雖虽頓顿顯显飯饭驚惊鬧闹麗丽齡龄啟启滯滞緩缓礙碍況况順顺週周"
    "協协調调搞搞該该歷历廉廉紀纪鬆松賴赖認认識识準准訂订衝冲綱纲領领層层傑杰閒闲暫暂"
    "協协積积極极績绩效效畢毕違违規规範范責责懲惩處处歸归檔档銜衔啟启礎础設设施施")
_TRADITIONAL = {t: s for t, s in zip(_TRADITIONAL_PAIRS[0::2], _TRADITIONAL_PAIRS[1::2]) if t != s}

# ①..⑳ are enumeration markers ("①完成②进行中"); NFKC would turn them into bare digits.
_CIRCLED = {chr(0x2460 + i): f"{i + 1}." for i in range(20)}

_TABLE = str.maketrans({**_TRADITIONAL, **_CIRCLED})

# Longer names of the same meetings, unified so that titles and replies agree.
_SYNONYMS = {
    "支部委员会会议": "支委会",
    "支部委员会": "支委会",
    "支委会议": "支委会",
    "支委员会": "支委会",
    "支部大会": "支部党员大会",
    "党员大会会议": "党员大会",
    "党小组会议": "党小组会",
    "党小组会会议": "党小组会",
}
_SYNONYM_RE = re.compile("|".join(map(re.escape, sorted(_SYNONYMS, key=len, reverse=True))))

_CONTROL_RE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_CJK = "\u4e00-\u9fff"
_SPACE_BETWEEN_CJK_RE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


def normalize(text: str) -> str:
    """The canonical form of a reply or a title (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text.translate(_TABLE))
    text = _CONTROL_RE.sub("", text)
    text = _SPACE_BETWEEN_CJK_RE.sub("", text)
    text = _SYNONYM_RE.sub(lambda m: _SYNONYMS[m.group()], text)
    return text.strip()


# Clause boundaries: sentence punctuation, and the start of an enumeration item
# ("1.…", "2)…", "3、…") that follows a space or a Chinese character.
_CLAUSE_SPLIT_RE = re.compile(
    rf"[,;。!?\n…]+"
    rf"|\s+(?=\(?\d{{1,2}}[.)、][{_CJK}A-Za-z])"
    rf"|(?<=[{_CJK}%])(?=\(?\d{{1,2}}[.)、][{_CJK}A-Za-z])"
)


def split_clauses(text: str) -> list[str]:
    """The clauses of a normalized reply, in order, without empty ones."""
    return [c.strip() for c in _CLAUSE_SPLIT_RE.split(text) if c and c.strip()]
