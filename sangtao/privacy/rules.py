import rules

from sangtao.orgs.rules import is_dost_coordinator

rules.add_perm("privacy.view_read_log", is_dost_coordinator)
rules.add_perm("privacy.manage_restrictions", is_dost_coordinator)
