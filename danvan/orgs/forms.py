from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from danvan.orgs.models import AGENCY_KINDS, Role, Unit, UnitKind, User

AGENCY_CHOICES = [(kind.value, kind.label) for kind in UnitKind if kind in AGENCY_KINDS]
VALIDITY_CHOICES = [
    ("current", _("In force")),
    ("legacy", _("Before 1/7/2025 (legacy)")),
    ("all", _("All")),
]


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *UnitKind.choices]
    )
    validity = forms.ChoiceField(
        label=_("Validity"), required=False, choices=VALIDITY_CHOICES, initial="current"
    )


class AgencyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AGENCY_CHOICES)
    name = forms.CharField(
        label=_("Full name"),
        max_length=255,
        help_text=_("As written on documents, e.g. “Ủy ban Mặt trận Tổ quốc Việt Nam phường”."),
    )
    short_name = forms.CharField(label=_("Short name"), max_length=255, required=False)
    code = forms.CharField(label=_("Code"), max_length=20, required=False)


class UnitEditForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "code", "is_remote_area"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_agency:
            # Official codes of provinces and communes come from the statistics office.
            self.fields["code"].disabled = True


class MembershipGrantForm(forms.Form):
    login = forms.CharField(
        label=_("User"), max_length=254, help_text=_("Username or e-mail address.")
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role if r != Role.SYSTEM_ADMIN]
    )

    def clean_login(self):
        login = self.cleaned_data["login"]
        try:
            return User.objects.get_by_login(login)
        except (User.DoesNotExist, User.MultipleObjectsReturned) as exc:
            raise forms.ValidationError(_("No user has this username or e-mail.")) from exc
