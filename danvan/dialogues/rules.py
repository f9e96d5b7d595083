"""Who may see and act on dialogues, the requests raised, requirements and disclosures.

- A dialogue: seen by any role over its unit; recorded, edited and published (with its
  requests added) by write roles over its unit.
- A request raised: seen by any role over the dialogue's unit or over the owner unit (the
  unit that must answer, possibly another one than the dialogue's); answered and published
  by write roles over either; turned into a petition letter by write roles over the owner
  unit (the letter is received there).
- A listening requirement: seen over its unit, and by units inside its area (they see the
  part of the coverage that concerns them); set and changed by write roles over its unit.
- A disclosure: seen by any role over its unit; recorded and edited by write roles.
Views answer 404 when a ``view_*`` permission fails; the services check the same rules.
"""

from __future__ import annotations

import rules

from danvan.orgs.models import Unit
from danvan.orgs.scope import ALL_ROLES, WRITE_ROLES, scope_for


def _unit(obj) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    return getattr(obj, "unit", None)


@rules.predicate
def sees_unit(user, obj) -> bool:
    return scope_for(user).covers(_unit(obj), ALL_ROLES)


@rules.predicate
def writes_for_unit(user, obj) -> bool:
    return scope_for(user).covers(_unit(obj), WRITE_ROLES)


@rules.predicate
def sees_request(user, request) -> bool:
    scope = scope_for(user)
    return scope.covers(request.owner_unit, ALL_ROLES) or scope.covers(
        request.dialogue.unit, ALL_ROLES
    )


@rules.predicate
def answers_request(user, request) -> bool:
    scope = scope_for(user)
    return scope.covers(request.owner_unit, WRITE_ROLES) or scope.covers(
        request.dialogue.unit, WRITE_ROLES
    )


@rules.predicate
def writes_for_owner(user, request) -> bool:
    return scope_for(user).covers(request.owner_unit, WRITE_ROLES)


def reaches_into(user, unit: Unit | None) -> bool:
    """One of the user's units lies in ``unit``'s subtree (a requirement applies to them)."""
    if unit is None:
        return False
    scope = scope_for(user)
    return scope.is_global or any(p.startswith(unit.path) for p in scope.prefixes(ALL_ROLES))


@rules.predicate
def sees_requirement(user, requirement) -> bool:
    return sees_unit(user, requirement) or reaches_into(user, requirement.unit)


rules.add_perm("dialogues.view_dialogue", rules.is_authenticated & sees_unit)
rules.add_perm("dialogues.change_dialogue", rules.is_authenticated & writes_for_unit)
rules.add_perm("dialogues.add_dialogue", rules.is_authenticated & writes_for_unit)  # obj: unit
rules.add_perm("dialogues.view_dialoguerequest", rules.is_authenticated & sees_request)
rules.add_perm("dialogues.answer_dialoguerequest", rules.is_authenticated & answers_request)
rules.add_perm("dialogues.open_letter", rules.is_authenticated & writes_for_owner)
rules.add_perm("dialogues.view_listeningrequirement", rules.is_authenticated & sees_requirement)
rules.add_perm("dialogues.change_listeningrequirement", rules.is_authenticated & writes_for_unit)
rules.add_perm("dialogues.add_listeningrequirement", rules.is_authenticated & writes_for_unit)
rules.add_perm("dialogues.view_disclosureitem", rules.is_authenticated & sees_unit)
rules.add_perm("dialogues.change_disclosureitem", rules.is_authenticated & writes_for_unit)
rules.add_perm("dialogues.add_disclosureitem", rules.is_authenticated & writes_for_unit)
