"""Who may take each transition: pure functions of a standard and a user.

The state machine on ``Standard`` names these as the ``permission`` of each
transition, so ``has_transition_perm`` answers the same question everywhere.
"""

from committees.selectors import user_roles


def is_leader(standard, user) -> bool:
    return user_roles(user).leader


def is_field_deputy(standard, user) -> bool:
    """A deputy leader of the standard's field, or of that field's parent."""
    return standard.field_id in user_roles(user).deputy_field_ids


def is_deputy_or_leader(standard, user) -> bool:
    roles = user_roles(user)
    return roles.leader or standard.field_id in roles.deputy_field_ids


def is_auditor_or_leader(standard, user) -> bool:
    roles = user_roles(user)
    return roles.leader or roles.auditor


def is_organisation_representative(standard, user) -> bool:
    return standard.organisation_id in user_roles(user).representative_organisation_ids


def is_organisation_member(standard, user) -> bool:
    roles = user_roles(user)
    return roles.organisation_id is not None and (
        roles.organisation_id == standard.organisation_id
        or standard.organisation_id in roles.representative_organisation_ids
    )


def is_assigned_expert(standard, user) -> bool:
    if not user.is_authenticated:
        return False
    return standard.assignments.filter(expert=user).exists()


def can_see_draft(standard, user) -> bool:
    """Drafts are seen by their organisation, the field's deputy leaders, the
    assigned experts, auditors and the leader; published standards by all."""
    if standard.is_public:
        return True
    if not user.is_authenticated:
        return False
    roles = user_roles(user)
    return (
        roles.sees_every_draft
        or standard.field_id in roles.deputy_field_ids
        or is_organisation_member(standard, user)
        or is_assigned_expert(standard, user)
    )
