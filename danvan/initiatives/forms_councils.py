"""Forms of the council pages: forming a council, membership, scoring, the decision.

Forms only parse what was typed; the rules (who may form a council, score ranges, conflicts
of interest, a decision date not in the future) live in ``services.py`` and come back as
``ValidationError`` keyed by these field names.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import DateInput
from danvan.initiatives.models import Campaign, Criterion, Level
from danvan.orgs.models import User


def default_council_name(level: Level | None, year: int) -> str:
    level_name = level.name if level is not None else ""
    return f"Hội đồng thẩm định mô hình “Dân vận khéo” {level_name} năm {year}"


class MemberChoiceField(forms.ModelMultipleChoiceField):
    """Users offered as members; ``unit_of`` maps a user's pk to the unit shown beside them."""

    widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})

    def __init__(self, *args, unit_of: dict[int, str] | None = None, **kwargs):
        self.unit_of = unit_of or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: User) -> str:
        unit = self.unit_of.get(obj.pk, "")
        return f"{obj.display_name} ({obj.username}) — {unit}" if unit else obj.display_name


def parse_logins(text: str) -> tuple[list[User], list[str]]:
    """Users named one per line by username or e-mail; also the logins nobody has."""
    users: list[User] = []
    unknown: list[str] = []
    for line in text.splitlines():
        login = line.strip()
        if not login:
            continue
        try:
            user = User.objects.get_by_login(login)
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            unknown.append(login)
        else:
            if user not in users:
                users.append(user)
    return users, unknown


class CouncilForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Level"), queryset=Level.objects.none())
    unit = forms.ChoiceField(label=_("Forming unit"))
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        required=False,
        help_text=_("Leave empty for the usual name of the chosen level."),
    )
    members = MemberChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Users holding the council member role at the forming unit or under it."),
    )
    extra_logins = forms.CharField(
        label=_("Other members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Username or e-mail address, one per line."),
    )
    chair = forms.ModelChoiceField(
        label=_("Chair"), queryset=User.objects.none(), required=False, empty_label="—"
    )

    def __init__(self, *args, campaign: Campaign, units, candidates, unit_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.units = {str(unit.pk): unit for unit in units}
        self.fields["level"].queryset = campaign.levels.all()
        self.fields["unit"].choices = [(str(unit.pk), unit.name) for unit in units]
        self.fields["members"].queryset = candidates
        self.fields["members"].unit_of = unit_of
        self.fields["chair"].queryset = candidates

    def clean_unit(self):
        return self.units[self.cleaned_data["unit"]]

    def clean_extra_logins(self) -> list[User]:
        users, unknown = parse_logins(self.cleaned_data.get("extra_logins", ""))
        if unknown:
            raise forms.ValidationError(
                _("No user has this username or e-mail: %(logins)s."),
                params={"logins": ", ".join(unknown)},
            )
        return users

    def chosen_members(self) -> list[User]:
        data = self.cleaned_data
        members = list(data.get("members") or [])
        for user in [*data.get("extra_logins", []), data.get("chair")]:
            if user is not None and user not in members:
                members.append(user)
        return members


class MemberAddForm(forms.Form):
    login = forms.CharField(
        label=_("User"), max_length=254, help_text=_("Username or e-mail address.")
    )
    is_chair = forms.BooleanField(label=_("Chair"), required=False)

    def clean_login(self) -> User:
        login = self.cleaned_data["login"]
        try:
            return User.objects.get_by_login(login)
        except (User.DoesNotExist, User.MultipleObjectsReturned) as exc:
            raise forms.ValidationError(_("No user has this username or e-mail.")) from exc


class ScoreForm(forms.Form):
    """One points box and one comment box per criterion; the service checks the range.

    Points are text here so that whatever was typed comes back unchanged with its error.
    """

    overall_comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"points_{criterion.pk}"] = forms.CharField(
                label=criterion.name, required=False, max_length=20
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=500
            )

    def rows(self):
        """(criterion, points field, comment field) for the template."""
        return [(c, self[f"points_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def points(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"points_{c.pk}", "").strip() for c in self.criteria}

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}", "") for c in self.criteria}


class DecideForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Decision number"), max_length=60, help_text=_("For example 12/QĐ-BCĐ.")
    )
    decision_date = forms.DateField(
        label=_("Decision date"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=DateInput,
    )
    signer = forms.CharField(label=_("Signed by"), max_length=150)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=150, required=False)
