"""Conflicts of interest between experts and proposals, found from the data.

Works on plain facts so a round of thousands of pairs is checked with index
look-ups, not a pass over every pair: an expert is compared only with the
proposals that share an organisation, a tax code, an e-mail or a name with them.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from sangtao.core.text import fold


def tax_base(code: str) -> str:
    """A dependent unit's code (0312345678-001) shares its parent's first ten digits."""
    return (code or "").strip()[:10]


@dataclass
class ExpertFacts:
    key: int
    organisation_id: int | None = None
    tax_code: str = ""
    email: str = ""
    name: str = ""
    member_of: set[int] = field(default_factory=set)  # solver organisations they belong to
    related_orgs: dict[int, str] = field(default_factory=dict)  # org id -> relationship label
    related_tax: dict[str, str] = field(default_factory=dict)  # tax base -> relationship label

    def __post_init__(self) -> None:
        # Compared as proposals' team members are: folded names, lower-case e-mails. Worked out
        # once with the facts, which a round matches more than once.
        self.name_key = fold(self.name).strip()
        self.email_key = self.email.lower()


@dataclass
class ProposalFacts:
    key: int
    organisation_id: int
    tax_code: str = ""
    team_emails: set[str] = field(default_factory=set)
    team_names: set[str] = field(default_factory=set)  # folded


# Reason codes: the applicant itself (member, team) may not sit on the council at all;
# its staff (same_org, same_tax) may sit as an ordinary member, at most one.
APPLICANT_ITSELF = {"member", "team"}
APPLICANT_STAFF = {"same_org", "same_tax"}
Reason = tuple[str, str]  # (code, explanation)


@dataclass
class Matches:
    """Conflicting pairs as parallel lists: positions in the inputs, a reason code, a detail."""

    expert: list[int] = field(default_factory=list)
    proposal: list[int] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)

    def add(self, expert: int, proposals: list[int], code: str, detail: str = "") -> None:
        if not proposals:
            return
        self.expert.extend([expert] * len(proposals))
        self.proposal.extend(proposals)
        self.code.extend([code] * len(proposals))
        self.detail.extend([detail] * len(proposals))


def match(experts: list[ExpertFacts], proposals: list[ProposalFacts]) -> Matches:
    """Join experts to proposals on every shared key: one index pass, no pass over all pairs."""
    by_org, by_tax, by_email, by_name = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
    for position, proposal in enumerate(proposals):
        by_org[proposal.organisation_id].append(position)
        if proposal.tax_code:
            by_tax[tax_base(proposal.tax_code)].append(position)
        for email in proposal.team_emails:
            by_email[email].append(position)
        for name in proposal.team_names:
            by_name[name].append(position)
    found = Matches()
    for position, expert in enumerate(experts):
        if expert.organisation_id is not None and expert.organisation_id in by_org:
            found.add(position, by_org[expert.organisation_id], "same_org")
        if expert.tax_code and tax_base(expert.tax_code) in by_tax:
            found.add(position, by_tax[tax_base(expert.tax_code)], "same_tax")
        for org_id in expert.member_of:
            found.add(position, by_org.get(org_id, []), "member")
        for org_id, label in expert.related_orgs.items():
            found.add(position, by_org.get(org_id, []), "relationship", label)
        for base, label in expert.related_tax.items():
            found.add(position, by_tax.get(base, []), "relationship", label)
        if expert.email_key:
            found.add(position, by_email.get(expert.email_key, []), "team")
        if expert.name_key:
            found.add(position, by_name.get(expert.name_key, []), "team")
    return found


def forbidden_mask(experts: list[ExpertFacts], proposals: list[ProposalFacts]) -> np.ndarray:
    """A proposals x experts boolean array, True where the pair conflicts: the assignment's input."""
    found = match(experts, proposals)
    mask = np.zeros((len(proposals), len(experts)), dtype=bool)
    mask[np.asarray(found.proposal, dtype=np.intp), np.asarray(found.expert, dtype=np.intp)] = True
    return mask


def find_conflicts(experts: list[ExpertFacts], proposals: list[ProposalFacts]) -> dict[tuple[int, int], list[Reason]]:
    """Map (expert key, proposal key) to the reasons they conflict, in words; clear pairs are absent."""
    labels = {"same_org": _("cùng tổ chức với đơn vị đăng ký"), "same_tax": _("cùng mã số thuế với đơn vị đăng ký"),
              "member": _("là thành viên của tổ chức đăng ký"), "team": _("có tên trong nhóm thực hiện")}
    related = _("quan hệ đã khai: %(kind)s")
    found = match(experts, proposals)
    reasons: dict[tuple[int, int], list[Reason]] = defaultdict(list)
    for e, p, code, detail in zip(found.expert, found.proposal, found.code, found.detail, strict=True):
        text = related % {"kind": detail} if code == "relationship" else labels[code]
        pair = (experts[e].key, proposals[p].key)
        if (code, text) not in reasons[pair]:
            reasons[pair].append((code, text))
    return dict(reasons)


# --- loading facts from the database ---------------------------------------------------------

def expert_facts(experts, relationship_years: int) -> list[ExpertFacts]:
    """Facts of experts; declared relationships count while they ended within relationship_years."""
    from sangtao.orgs.models import Role

    since = timezone.localdate() - datetime.timedelta(days=365 * relationship_years)
    facts = []
    for expert in experts.select_related("user", "organisation__solver_profile").prefetch_related(
        "relationships", "user__memberships"
    ):
        org = expert.organisation
        tax = expert.organisation_tax_code or (
            org.solver_profile.tax_code if org is not None and hasattr(org, "solver_profile") else ""
        )
        item = ExpertFacts(key=expert.pk, organisation_id=expert.organisation_id, tax_code=tax,
                           email=expert.user.email, name=expert.user.full_name,
                           member_of={m.unit_id for m in expert.user.memberships.all()
                                      if m.role == Role.SOLVER and m.unit_id})
        for relation in expert.relationships.all():
            if relation.ended_on is not None and relation.ended_on < since:
                continue
            label = relation.get_kind_display()
            if relation.organisation_id:
                item.related_orgs[relation.organisation_id] = str(label)
            if relation.tax_code:
                item.related_tax[tax_base(relation.tax_code)] = str(label)
        facts.append(item)
    return facts


def proposal_facts(proposals) -> list[ProposalFacts]:
    facts = []
    for proposal in proposals.select_related("organisation__solver_profile"):
        org = proposal.organisation
        facts.append(ProposalFacts(
            key=proposal.pk, organisation_id=proposal.organisation_id,
            tax_code=org.solver_profile.tax_code if hasattr(org, "solver_profile") else org.code,
            team_emails={m["email"].lower() for m in proposal.team if m.get("email")},
            team_names={fold(m["name"]).strip() for m in proposal.team if m.get("name")},
        ))
    return facts


def conflicts_between(experts, proposals, relationship_years: int) -> dict[tuple[int, int], list[Reason]]:
    """Conflicts for querysets of Expert and Proposal, keyed by their primary keys."""
    return find_conflicts(expert_facts(experts, relationship_years), proposal_facts(proposals))
