import datetime as dt

import factory

from danvan.orgs.models import Membership, Role, Unit, UnitKind, UnitSuccession, User


def make_root(**fields) -> Unit:
    fields.setdefault("kind", UnitKind.PROVINCE)
    fields.setdefault("valid_from", dt.date(2025, 7, 1))
    return Unit.objects.add_root(fields)


def make_child(parent: Unit, **fields) -> Unit:
    fields.setdefault("kind", UnitKind.COMMUNE)
    fields.setdefault("valid_from", parent.valid_from)
    return Unit.objects.add_child(parent, fields)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    full_name = factory.Faker("name", locale="vi_VN")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.OFFICER


class SuccessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitSuccession

    date = dt.date(2025, 7, 1)
