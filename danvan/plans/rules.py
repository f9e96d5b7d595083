"""Who may see and act on legal documents, plans, tasks, activities and coverage requirements.

- A legal document: the register is shared; every signed-in user reads it. Write roles
  anywhere add entries; an entry is changed by write roles over the unit that registered it.
- A plan: seen by any role over its issuing unit. Once issued it is also seen by the units
  it applies to: any unit below the issuing unit, and any unit a task names as lead or
  coordinator (a department's plan may assign a task to a commune). A draft is only seen
  over its own unit. Drafted, edited, issued and closed by write roles over its unit;
  content changes only while it is a draft.
- A task: seen with its plan. Progress is recorded by write roles over the lead unit or
  over the plan's unit, and by the assignee. A unit implements (cascades) an issued plan
  when it writes for itself and sees the plan.
- An activity: seen by any role over its unit; recorded and edited by write roles.
- A coverage requirement: seen over its unit and by the units inside its area (they see the
  part that concerns them); set and changed by write roles over its unit.
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


def reaches_into(user, unit: Unit | None) -> bool:
    """One of the user's units lies in ``unit``'s subtree (the unit's plans apply to them)."""
    if unit is None:
        return False
    scope = scope_for(user)
    return scope.is_global or any(p.startswith(unit.path) for p in scope.prefixes(ALL_ROLES))


def named_in_tasks(user, plan) -> bool:
    """A task of the plan names one of the user's units as lead or coordinator."""
    from danvan.plans.models import Task

    scope = scope_for(user)
    if scope.is_global:
        return True
    if not scope.prefixes(ALL_ROLES):
        return False
    return (
        Task.objects.filter(plan=plan)
        .filter(scope.q("lead_unit__path") | scope.q("coordinating_units__path"))
        .exists()
    )


@rules.predicate
def sees_unit(user, obj) -> bool:
    return scope_for(user).covers(_unit(obj), ALL_ROLES)


@rules.predicate
def writes_for_unit(user, obj) -> bool:
    return scope_for(user).covers(_unit(obj), WRITE_ROLES)


@rules.predicate
def has_any_write_role(user) -> bool:
    scope = scope_for(user)
    return scope.is_global or bool(scope.prefixes(WRITE_ROLES))


@rules.predicate
def registered_document(user, document) -> bool:
    scope = scope_for(user)
    if scope.is_global:
        return True
    return document.registered_by_unit is not None and scope.covers(
        document.registered_by_unit, WRITE_ROLES
    )


@rules.predicate
def sees_plan(user, plan) -> bool:
    if sees_unit(user, plan):
        return True
    if plan.is_draft:
        return False
    return reaches_into(user, plan.unit) or named_in_tasks(user, plan)


@rules.predicate
def is_draft(user, plan) -> bool:
    return plan.is_draft


@rules.predicate
def sees_task(user, task) -> bool:
    return sees_plan(user, task.plan)


@rules.predicate
def reports_on_task(user, task) -> bool:
    if not task.is_open or task.plan.is_draft:
        return False
    if task.assignee_id is not None and task.assignee_id == user.pk:
        return True
    scope = scope_for(user)
    return scope.covers(task.plan.unit, WRITE_ROLES) or scope.covers(task.lead_unit, WRITE_ROLES)


@rules.predicate
def sees_requirement(user, requirement) -> bool:
    return sees_unit(user, requirement) or reaches_into(user, requirement.unit)


rules.add_perm("plans.view_legaldocument", rules.is_authenticated)
rules.add_perm("plans.add_legaldocument", rules.is_authenticated & has_any_write_role)
rules.add_perm("plans.change_legaldocument", rules.is_authenticated & registered_document)

rules.add_perm("plans.view_plan", rules.is_authenticated & sees_plan)
rules.add_perm("plans.add_plan", rules.is_authenticated & writes_for_unit)  # obj: the unit
rules.add_perm("plans.change_plan", rules.is_authenticated & writes_for_unit & is_draft)
rules.add_perm("plans.issue_plan", rules.is_authenticated & writes_for_unit & is_draft)
rules.add_perm("plans.close_plan", rules.is_authenticated & writes_for_unit)

rules.add_perm("plans.view_task", rules.is_authenticated & sees_task)
rules.add_perm("plans.report_task", rules.is_authenticated & reports_on_task)

rules.add_perm("plans.view_activity", rules.is_authenticated & sees_unit)
rules.add_perm("plans.add_activity", rules.is_authenticated & writes_for_unit)  # obj: the unit
rules.add_perm("plans.change_activity", rules.is_authenticated & writes_for_unit)

rules.add_perm("plans.view_coveragerequirement", rules.is_authenticated & sees_requirement)
rules.add_perm("plans.add_coveragerequirement", rules.is_authenticated & writes_for_unit)
rules.add_perm("plans.change_coveragerequirement", rules.is_authenticated & writes_for_unit)


@rules.predicate
def is_global(user) -> bool:
    return scope_for(user).is_global


# Activity types are shared by every unit: only system administrators change them.
rules.add_perm("plans.manage_activitytype", rules.is_authenticated & is_global)
