"""models.organisation: the tree, who covers a unit, who answers for a person."""
from __future__ import annotations

from sqlmodel import Session

from models.organisation import Tree
from tests.support.org import get, three_levels


def test_subtree_coverage_and_responsibility(bare_engine):
    org = three_levels(bare_engine)
    org.unit("b3", "第三党支部", "党支部", parent="committee")          # no secretary
    org.person("lin", "林三", "b3")
    with Session(bare_engine) as s:
        tree = Tree.load(s)
        u = {k: v.id for k, v in org.units.items()}
        assert tree.subtree(u["committee"]) == [u["committee"], u["b1"], u["b2"], u["b3"]]
        assert tree.ancestors(u["b3"]) == [u["committee"], u["group"]]
        assert tree.covering_secretary(u["b3"]).account == "li"             # nearest above
        assert tree.responsible_for(get(s, "zhao")).account == "li"         # never oneself
        assert tree.responsible_for(get(s, "sun")).account == "zhao"
        assert tree.responsible_for(get(s, "wang")) is None                 # the top answers to nobody here
        assert tree.units_of(get(s, "li")) == tree.subtree(u["committee"])
        assert tree.units_of(get(s, "sun")) == []
