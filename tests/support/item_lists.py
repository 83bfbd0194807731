"""Item lists shared by the reply-understanding tests and ``bench/parse_bench.py``: one place.

The first seven are the development corpora's lists (``../shared/nlu/items.json``: branch, group,
tasks for dev.jsonl; office, veterans, leader, staff for dev2.jsonl), copied so that tests run
without ../shared; MIXED has titles that overlap on purpose (two 活动室, two 主题…); SCHOOL is a list no corpus uses.
"""
from __future__ import annotations

BRANCH = [
    {"id": "R-1", "title": "每月召开支委会", "kind": "responsibility", "target": 12},
    {"id": "R-2", "title": "每季度召开支部党员大会", "kind": "responsibility", "target": 4},
    {"id": "R-3", "title": "支部书记讲党课", "kind": "responsibility", "target": 2},
    {"id": "P-1", "title": "开展主题教育", "kind": "project", "target": None},
    {"id": "P-2", "title": "党支部规范化建设", "kind": "project", "target": None},
    {"id": "Z-1", "title": "党员活动室未按标准建设", "kind": "rectification", "target": None},
    {"id": "Z-2", "title": "党费收缴不规范", "kind": "rectification", "target": None},
]
GROUP = [
    {"id": "R-1", "title": "专题研究党建工作", "kind": "responsibility", "target": 2},
    {"id": "R-2", "title": "向市委专题报告党建工作", "kind": "responsibility", "target": 1},
    {"id": "R-3", "title": "召开政协系统党建工作座谈会", "kind": "responsibility", "target": 1},
    {"id": "R-4", "title": "听取汇报、研究指导党建工作", "kind": "responsibility", "target": 4},
    {"id": "P-1", "title": "党员委员能力作风建设", "kind": "project", "target": None},
    {"id": "Z-1", "title": "民主生活会批评意见整改", "kind": "rectification", "target": None},
]
TASKS = [
    {"id": "P-1", "title": "制定年度学习计划", "kind": "project", "target": None},
    {"id": "P-2", "title": "开展主题党日活动", "kind": "project", "target": None},
    {"id": "P-3", "title": "建设党员活动室", "kind": "project", "target": None},
    {"id": "P-4", "title": "撰写调研报告", "kind": "project", "target": None},
]
OFFICE = [
    {"id": "R-1", "title": "每月召开机关党委会议", "kind": "responsibility", "target": 12},
    {"id": "R-2", "title": "带头讲党课", "kind": "responsibility", "target": 2},
    {"id": "R-3", "title": "与基层支部书记谈心谈话", "kind": "responsibility", "target": 4},
    {"id": "R-4", "title": "督导基层支部落实三会一课", "kind": "responsibility", "target": None},
    {"id": "P-1", "title": "打造“一支部一品牌”党建品牌", "kind": "project", "target": None},
    {"id": "P-2", "title": "指导所属支部完成换届选举", "kind": "project", "target": None},
    {"id": "P-3", "title": "机关党建工作专题调研报告", "kind": "project", "target": None},
    {"id": "Z-1", "title": "发展党员程序不规范", "kind": "rectification", "target": None},
    {"id": "Z-2", "title": "党务公开不及时", "kind": "rectification", "target": None},
]
VETERANS = [
    {"id": "R-1", "title": "每季度召开支部党员大会", "kind": "responsibility", "target": 4},
    {"id": "R-2", "title": "每月召开支部委员会会议", "kind": "responsibility", "target": 12},
    {"id": "R-3", "title": "每月召开党小组会", "kind": "responsibility", "target": 12},
    {"id": "R-4", "title": "每月开展主题党日活动", "kind": "responsibility", "target": 12},
    {"id": "R-5", "title": "走访慰问困难老党员", "kind": "responsibility", "target": None},
    {"id": "P-1", "title": "党员活动室建设", "kind": "project", "target": None},
    {"id": "P-2", "title": "阵地标准化建设", "kind": "project", "target": None},
    {"id": "P-3", "title": "组建老党员志愿服务队", "kind": "project", "target": None},
    {"id": "Z-1", "title": "支部党员大会会议记录不规范", "kind": "rectification", "target": None},
    {"id": "Z-2", "title": "党费收缴不及时", "kind": "rectification", "target": None},
]
LEADER = [
    {"id": "R-1", "title": "到联系支部指导党建工作", "kind": "responsibility", "target": 6},
    {"id": "R-2", "title": "参加党组理论学习中心组学习", "kind": "responsibility", "target": 12},
    {"id": "R-3", "title": "到联系支部讲党课", "kind": "responsibility", "target": 1},
    {"id": "R-4", "title": "以普通党员身份参加双重组织生活", "kind": "responsibility", "target": None},
    {"id": "P-1", "title": "分管领域党建与业务融合调研", "kind": "project", "target": None},
    {"id": "P-2", "title": "联系支部与社区结对共建", "kind": "project", "target": None},
    {"id": "Z-1", "title": "落实“一岗双责”不到位", "kind": "rectification", "target": None},
]
STAFF = [
    {"id": "XM-01", "title": "党员先锋岗创建", "kind": "project", "target": None},
    {"id": "XM-02", "title": "“双报到”社区志愿服务", "kind": "project", "target": None},
    {"id": "XM-03", "title": "支部党建档案数字化整理", "kind": "project", "target": None},
    {"id": "XM-04", "title": "青年理论学习小组读书分享", "kind": "project", "target": None},
]
MIXED = [
    {"id": "XM-1", "title": "开展主题教育", "kind": "project", "target": None},
    {"id": "XM-2", "title": "开展主题党日活动", "kind": "project", "target": None},
    {"id": "XM-3", "title": "建设党员活动室", "kind": "project", "target": None},
    {"id": "ZG-1", "title": "党员活动室未按标准建设", "kind": "rectification", "target": None},
    {"id": "ZG-2", "title": "发展党员档案不完整", "kind": "rectification", "target": None},
    {"id": "ZR-1", "title": "每月召开支委会", "kind": "responsibility", "target": 12},
    {"id": "ZR-2", "title": "开展谈心谈话", "kind": "responsibility", "target": 20},
    {"id": "ZR-3", "title": "党员学习不少于32学时", "kind": "responsibility", "target": None},
]

# A list none of the corpora use, for replies in other words ("language, not cases").
SCHOOL = [
    {"id": "R-1", "title": "每月召开党支部委员会", "kind": "responsibility", "target": 12},
    {"id": "R-2", "title": "每季度上一次党课", "kind": "responsibility", "target": 4},
    {"id": "R-3", "title": "开展谈心谈话", "kind": "responsibility", "target": 10},
    {"id": "P-1", "title": "建设“红色书屋”", "kind": "project", "target": None},
    {"id": "P-2", "title": "开展青年理论学习小组活动", "kind": "project", "target": None},
    {"id": "P-3", "title": "编印支部工作手册", "kind": "project", "target": None},
    {"id": "Z-1", "title": "“三会一课”记录不完整", "kind": "rectification", "target": None},
    {"id": "Z-2", "title": "党员发展档案管理不规范", "kind": "rectification", "target": None},
]

SETS = {"branch": BRANCH, "group": GROUP, "tasks": TASKS, "office": OFFICE, "veterans": VETERANS,
        "leader": LEADER, "staff": STAFF, "mixed": MIXED, "school": SCHOOL}
