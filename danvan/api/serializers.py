"""Shapes of the API's requests and responses."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from danvan.api.exceptions import LoginLockedOut
from danvan.orgs.models import Membership, Unit, UnitSuccession, User

# --- Authentication -----------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(
        label=_("Username or e-mail address"), write_only=True, max_length=254
    )
    password = serializers.CharField(
        label=_("Password"),
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
    )

    default_error_messages = {
        # DRF's own msgid, so its catalogues already translate it.
        "invalid_login": _("Unable to log in with provided credentials."),
    }

    def validate(self, attrs):
        request = self.context["request"]
        # django-axes needs the request to count failures and refuse locked-out logins.
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise LoginLockedOut
            self.fail("invalid_login")
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_('Send it as the header "Authorization: Token <token>".')
    )


# --- Units ----------------------------------------------------------------------------------


class UnitRefSerializer(serializers.ModelSerializer):
    """A unit named from elsewhere: enough to show it and to follow it."""

    class Meta:
        model = Unit
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class UnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    parent = serializers.IntegerField(
        source="parent_pk",
        read_only=True,
        allow_null=True,
        help_text=_("Id of the unit directly above, or null for a root."),
    )
    is_current = serializers.BooleanField(
        read_only=True, help_text=_("Whether the unit is in force today.")
    )
    url = serializers.HyperlinkedIdentityField(view_name="api-unit-detail", lookup_url_kwarg="id")

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "kind",
            "kind_display",
            "name",
            "short_name",
            "parent",
            "depth",
            "valid_from",
            "valid_to",
            "is_current",
            "is_remote_area",
            "url",
        ]
        read_only_fields = fields


class SuccessionSideSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    date = serializers.DateField(help_text=_("Date of the merger, split or renaming."))

    @classmethod
    def from_links(cls, links: list[UnitSuccession], side: str) -> list[dict]:
        rows = []
        for link in links:
            unit = getattr(link, side)
            rows.append({"id": unit.pk, "name": unit.name, "kind": unit.kind, "date": link.date})
        return cls(rows, many=True).data


class UnitDetailSerializer(UnitSerializer):
    ancestors = serializers.SerializerMethodField(
        help_text=_("The units above this one, from the root down.")
    )
    predecessors = serializers.SerializerMethodField(
        help_text=_("Units merged into, renamed to or split into this one.")
    )
    successors = serializers.SerializerMethodField(
        help_text=_("Units this one was merged into, renamed to or split into.")
    )

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "ancestors", "predecessors", "successors"]
        read_only_fields = fields

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_ancestors(self, unit: Unit) -> list[dict]:
        return UnitRefSerializer(self.context["ancestors"], many=True).data

    @extend_schema_field(SuccessionSideSerializer(many=True))
    def get_predecessors(self, unit: Unit) -> list[dict]:
        return SuccessionSideSerializer.from_links(self.context["predecessor_links"], "predecessor")

    @extend_schema_field(SuccessionSideSerializer(many=True))
    def get_successors(self, unit: Unit) -> list[dict]:
        return SuccessionSideSerializer.from_links(self.context["successor_links"], "successor")


# --- People -----------------------------------------------------------------------------------


class UserRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name"]
        read_only_fields = fields


class UnitNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)
    unit = UnitNameSerializer(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "unit", "role", "role_display", "is_active"]
        read_only_fields = fields


class OwnMembershipSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "unit", "role", "role_display"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField(
        help_text=_("The caller's active memberships, highest unit first.")
    )
    working_unit = serializers.SerializerMethodField(
        help_text=_(
            "The unit the caller works in: the one chosen in the web interface, "
            "else the highest unit of their memberships; null without memberships."
        )
    )

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "memberships", "working_unit"]
        read_only_fields = fields

    @extend_schema_field(OwnMembershipSerializer(many=True))
    def get_memberships(self, user: User) -> list[dict]:
        return OwnMembershipSerializer(self.context["memberships"], many=True).data

    @extend_schema_field(UnitRefSerializer(allow_null=True))
    def get_working_unit(self, user: User) -> dict | None:
        unit = self.context["working_unit"]
        return UnitRefSerializer(unit).data if unit is not None else None


# --- Errors (documentation only) --------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenErrorSerializer(serializers.Serializer):
    username = serializers.ListField(child=serializers.CharField(), required=False)
    password = serializers.ListField(child=serializers.CharField(), required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)
