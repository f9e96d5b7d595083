"""The unit tree, users and their memberships.

Every object in danvan belongs to a `Unit`. Units form one materialised-path tree
(django-treebeard): a unit's subtree is ``path__startswith=unit.path``, one indexed filter.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from danvan.core.models import SearchableModel, SearchQuerySet, TimeStampedModel


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District (before 1/7/2025)")
    COMMUNE = "commune", _("Commune / ward / special zone")
    DEPARTMENT = "department", _("Department / office")
    FRONT = "front", _("Fatherland Front")
    MASS_ORG = "mass_org", _("Mass organisation")
    PARTY = "party", _("Party committee / cell")
    OTHER = "other", _("Other agency")


TERRITORIAL_KINDS = frozenset({UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE})
AGENCY_KINDS = frozenset(
    {UnitKind.DEPARTMENT, UnitKind.FRONT, UnitKind.MASS_ORG, UnitKind.PARTY, UnitKind.OTHER}
)


class UnitQuerySet(SearchQuerySet, MP_NodeQuerySet):
    def valid_on(self, day: dt.date) -> UnitQuerySet:
        """Units in force on ``day`` (open-ended bounds count as always)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self) -> UnitQuerySet:
        return self.valid_on(timezone.localdate())

    def subtree_of(self, unit: Unit, *, include_self: bool = True) -> UnitQuerySet:
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class Unit(MP_Node, SearchableModel, TimeStampedModel):
    """A province, commune, legacy district or an agency under one of them."""

    steplen = 4
    node_order_by: list[str] = []

    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices, db_index=True)
    code = models.CharField(
        _("official code"),
        max_length=20,
        blank=True,
        db_index=True,
        help_text=_("Statistics-office code: 2 digits for a province, 5 for a commune."),
    )
    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=255, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_remote_area = models.BooleanField(
        _("remote area"),
        default=False,
        help_text=_("Vùng sâu, vùng xa: longer legal deadlines for citizens' complaints."),
    )
    external_key = models.CharField(
        _("data file key"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Key of the unit in the administrative-units data file."),
    )

    history = HistoricalRecords(excluded_fields=["search_text", "numchild"])
    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="unit_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def search_source(self) -> str:
        return f"{self.name} {self.short_name} {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("orgs:unit_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        # "Phường 4" has the short name "4", which says nothing alone.
        if self.short_name and not self.short_name.isdigit():
            return self.short_name
        return self.name

    @property
    def is_agency(self) -> bool:
        return self.kind in AGENCY_KINDS

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    @property
    def is_current(self) -> bool:
        return self.is_valid_on(timezone.localdate())


class UnitSuccession(TimeStampedModel):
    """``predecessor`` was merged into, renamed to or split into ``successor`` on ``date``."""

    predecessor = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="successor_links",
        verbose_name=_("predecessor"),
    )
    successor = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="predecessor_links",
        verbose_name=_("successor"),
    )
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_succession"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.date:%d/%m/%Y})"


class DanvanUserManager(UserManager):
    def get_by_login(self, login: str) -> User:
        """A user by username or (case-insensitive) e-mail address."""
        login = login.strip()
        if "@" in login:
            return self.get(email__iexact=login)
        return self.get(username=login)


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = DanvanUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="unique_user_email_ci"
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    LEADER = "leader", _("Unit leader")
    REVIEWER = "reviewer", _("Reviewer")
    COUNCIL_MEMBER = "council_member", _("Council member")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    OBSERVER = "observer", _("Observer (read-only)")
    INSPECTOR = "inspector", _("Inspector (reads the identity-access log)")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)

    def within(self, unit: Unit) -> MembershipQuerySet:
        """Memberships held at ``unit`` or anywhere in its subtree."""
        return self.filter(unit__path__startswith=unit.path)


class Membership(TimeStampedModel):
    """Ties a user to a unit with a role; the role holds over the unit's whole subtree."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
