"""Demo data: the province of Khánh Hòa (which absorbed Ninh Thuận on 1/7/2025) with agencies,
two staffed communes and one demo user per role. Idempotent: a second run changes nothing.

Needs the administrative units (``manage.py load_units``) first.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from danvan.orgs.models import Membership, Role, Unit, UnitKind, User

DEMO_PASSWORD = "danvan-demo"  # noqa: S105 - printed for the demo, never used in production

# (parent key, kind, full name, short name)
PROVINCE_AGENCIES = [
    (UnitKind.DEPARTMENT, "Sở Nội vụ tỉnh Khánh Hòa", "Sở Nội vụ"),
    (UnitKind.DEPARTMENT, "Thanh tra tỉnh Khánh Hòa", "Thanh tra tỉnh"),
    (UnitKind.PARTY, "Ban Tuyên giáo và Dân vận Tỉnh ủy Khánh Hòa", "Ban Tuyên giáo và Dân vận"),
    (UnitKind.FRONT, "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Khánh Hòa", "UBMTTQ tỉnh"),
    (UnitKind.MASS_ORG, "Hội Liên hiệp Phụ nữ tỉnh Khánh Hòa", "Hội LHPN tỉnh"),
    (UnitKind.MASS_ORG, "Tỉnh đoàn Khánh Hòa", "Tỉnh đoàn"),
]
COMMUNE_AGENCIES = [
    (UnitKind.PARTY, "Đảng ủy {name}", "Đảng ủy"),
    (UnitKind.FRONT, "Ủy ban Mặt trận Tổ quốc Việt Nam {name}", "UBMTTQ"),
    (UnitKind.MASS_ORG, "Hội Nông dân {name}", "Hội Nông dân"),
    (UnitKind.DEPARTMENT, "Văn phòng HĐND và UBND {name}", "Văn phòng"),
]
ROLE_SUFFIX = {
    Role.OFFICER: ("canbo", "Cán bộ"),
    Role.LEADER: ("lanhdao", "Lãnh đạo"),
    Role.REVIEWER: ("thamdinh", "Người thẩm định"),
    Role.COUNCIL_MEMBER: ("hoidong", "Thành viên hội đồng"),
    Role.UNIT_ADMIN: ("quantri", "Quản trị đơn vị"),
    Role.OBSERVER: ("quansat", "Người theo dõi"),
}
# Login prefix and the unit's name in the users' full names.
STAFFED = [
    ("tinh", "tỉnh Khánh Hòa"),
    ("nhatrang", "phường Nha Trang"),
    ("phanrang", "phường Phan Rang"),
]
REMOTE_COMMUNES = [
    "Xã Bác Ái",
    "Xã Bác Ái Tây",
    "Xã Bác Ái Đông",
    "Xã Khánh Sơn",
    "Xã Tây Khánh Sơn",
    "Xã Đông Khánh Sơn",
    "Xã Phước Hà",
]


class Command(BaseCommand):
    help = "Create the demo province, agencies and users (idempotent) and print the logins."

    @transaction.atomic
    def handle(self, *args, **options):
        try:
            province = Unit.objects.get(external_key="P56")
        except Unit.DoesNotExist as exc:
            raise CommandError("Load the units first: manage.py load_units") from exc
        nha_trang = Unit.objects.get(external_key="C22366")
        phan_rang = (
            Unit.objects.filter(path__startswith=province.path, kind=UnitKind.COMMUNE)
            .current()
            .get(name="Phường Phan Rang")
        )
        created = 0
        for kind, name, short in PROVINCE_AGENCIES:
            created += self._agency(province, kind, name, short)
        for commune in (nha_trang, phan_rang):
            for kind, name, short in COMMUNE_AGENCIES:
                created += self._agency(
                    commune,
                    kind,
                    name.format(name=commune.name[0].lower() + commune.name[1:]),
                    short,
                )
        cell_parent = Unit.objects.get(path__startswith=nha_trang.path, name__startswith="Đảng ủy")
        created += self._agency(cell_parent, UnitKind.PARTY, "Chi bộ Khu phố Vĩnh Phước 1", "")
        # Mountain communes flagged as remote areas (demo choice, for the legal deadlines
        # of later modules): the former Bác Ái and Khánh Sơn districts, and Phước Hà.
        Unit.objects.filter(
            path__startswith=province.path, kind=UnitKind.COMMUNE, name__in=REMOTE_COMMUNES
        ).update(is_remote_area=True)

        logins = []
        admin, admin_created = User.objects.get_or_create(
            username="admin",
            defaults={"full_name": "Quản trị hệ thống", "email": "admin@danvan.local"},
        )
        if admin_created:
            admin.is_staff = admin.is_superuser = True
            admin.set_password(DEMO_PASSWORD)
            admin.save()
            created += 1
        created += self._member(admin, province, Role.SYSTEM_ADMIN)
        logins.append(("admin", Role.SYSTEM_ADMIN.label, province.name))

        units = {"tinh": province, "nhatrang": nha_trang, "phanrang": phan_rang}
        for prefix, label in STAFFED:
            unit = units[prefix]
            for role, (suffix, title) in ROLE_SUFFIX.items():
                username = f"{prefix}.{suffix}"
                user, was_new = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "full_name": f"{title} {label}",
                        "email": f"{username}@danvan.local",
                    },
                )
                if was_new:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                    created += 1
                created += self._member(user, unit, role)
                logins.append((username, role.label, unit.name))

        department = Unit.objects.get(
            path__startswith=province.path, name="Sở Nội vụ tỉnh Khánh Hòa"
        )
        user, was_new = User.objects.get_or_create(
            username="sonoivu.canbo",
            defaults={"full_name": "Cán bộ Sở Nội vụ", "email": "sonoivu.canbo@danvan.local"},
        )
        if was_new:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
        created += self._member(user, department, Role.OFFICER)
        logins.append(("sonoivu.canbo", Role.OFFICER.label, department.name))

        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} rows created)."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, unit_name in logins:
            self.stdout.write(f"  {username:<18} {role!s:<28} {unit_name}")

    def _agency(self, parent: Unit, kind: str, name: str, short_name: str) -> int:
        parent.refresh_from_db()
        exists = Unit.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1, name=name
        ).exists()
        if exists:
            return 0
        Unit.objects.add_child(
            parent,
            {
                "kind": kind,
                "name": name,
                "short_name": short_name,
                "valid_from": parent.valid_from,
                "is_remote_area": parent.is_remote_area,
            },
        )
        return 1

    def _member(self, user: User, unit: Unit, role: str) -> int:
        _membership, was_new = Membership.objects.get_or_create(user=user, unit=unit, role=role)
        return int(was_new)
