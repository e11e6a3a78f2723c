import rules

from sangtao.orgs.roles import is_dost

rules.add_perm("orgs.manage", rules.predicate(is_dost))
