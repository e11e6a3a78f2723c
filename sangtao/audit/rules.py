import rules

from sangtao.orgs.roles import is_dost

rules.add_perm("audit.read", rules.predicate(is_dost))
