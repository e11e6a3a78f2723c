import rules

from sangtao.orgs.rules import is_dost_coordinator

rules.add_perm("audit.read", is_dost_coordinator)
