import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from danvan.orgs.models import Unit, UnitSuccession
from danvan.orgs.unitdata import DEFAULT_PATH, UnitsFileError, parse_units_data

SMALL = {
    "source": "test",
    "units": [
        {
            "key": "P1",
            "code": "01",
            "kind": "province",
            "name": "Thành phố Hà Nội",
            "short_name": "Hà Nội",
            "parent": None,
            "valid_from": "2025-07-01",
            "valid_to": None,
        },
        {
            "key": "C1",
            "code": "00004",
            "kind": "commune",
            "name": "Phường Ba Đình",
            "short_name": "Ba Đình",
            "parent": "P1",
            "valid_from": "2025-07-01",
            "valid_to": None,
        },
        {
            "key": "LP1",
            "code": "01",
            "kind": "province",
            "name": "Thành phố Hà Nội",
            "short_name": "Hà Nội",
            "parent": None,
            "valid_from": None,
            "valid_to": "2025-06-30",
        },
        {
            "key": "LD1",
            "code": "001",
            "kind": "district",
            "name": "Quận Ba Đình",
            "short_name": "Ba Đình",
            "parent": "LP1",
            "valid_from": None,
            "valid_to": "2025-06-30",
        },
        {
            "key": "LC1",
            "code": "00001",
            "kind": "commune",
            "name": "Phường Phúc Xá",
            "short_name": "Phúc Xá",
            "parent": "LD1",
            "valid_from": None,
            "valid_to": "2025-06-30",
        },
    ],
    "successions": [
        {"predecessor": "LP1", "successor": "P1", "date": "2025-07-01"},
        {"predecessor": "LC1", "successor": "C1", "date": "2025-07-01"},
    ],
}


def write(tmp_path, data) -> str:
    path = tmp_path / "units.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_load_builds_the_tree_and_a_second_run_changes_nothing(tmp_path):
    path = write(tmp_path, SMALL)
    call_command("load_units", file=path, stdout=open("/dev/null", "w"))  # noqa: SIM115
    commune = Unit.objects.get(external_key="LC1")
    assert [a.external_key for a in Unit.objects.get_ancestors(commune)] == ["LP1", "LD1"]
    assert (
        Unit.objects.get_children(Unit.objects.get(external_key="P1")).get().name
        == "Phường Ba Đình"
    )
    assert Unit.objects.get(external_key="LD1").numchild == 1
    before = list(Unit.objects.values_list("pk", "path", "name", "updated_at"))
    history_rows = Unit.history.count()
    call_command("load_units", file=path, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Unit.objects.values_list("pk", "path", "name", "updated_at")) == before
    assert Unit.history.count() == history_rows
    assert UnitSuccession.objects.count() == 2


@pytest.mark.django_db
def test_a_renamed_unit_is_updated_in_place(tmp_path):
    call_command("load_units", file=write(tmp_path, SMALL), stdout=open("/dev/null", "w"))  # noqa: SIM115
    pk = Unit.objects.get(external_key="C1").pk
    data = json.loads(json.dumps(SMALL))
    data["units"][1]["name"] = "Phường Ba Đình mới"
    data["units"].append(
        {
            "key": "C2",
            "code": "00008",
            "kind": "commune",
            "name": "Phường Ngọc Hà",
            "short_name": "Ngọc Hà",
            "parent": "P1",
            "valid_from": "2025-07-01",
            "valid_to": None,
        }
    )
    call_command("load_units", file=write(tmp_path, data), stdout=open("/dev/null", "w"))  # noqa: SIM115
    renamed = Unit.objects.get(pk=pk)
    assert renamed.name == "Phường Ba Đình mới"
    assert "ba dinh moi" in renamed.search_text
    province = Unit.objects.get(external_key="P1")
    assert province.numchild == 2
    assert sorted(c.external_key for c in Unit.objects.get_children(province)) == ["C1", "C2"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["units"][1].update(parent="NOPE"), "parent 'NOPE'"),
        (lambda d: d["units"][1].update(kind="village"), "unknown kind"),
        (lambda d: d["units"][0].update(valid_from="01/07/2025"), "not a YYYY-MM-DD date"),
        (lambda d: d["units"][1].update(name=""), "'name' is missing"),
        (lambda d: d["units"].append(dict(d["units"][0])), "duplicate key"),
        (
            lambda d: d["successions"].append(
                {"predecessor": "X", "successor": "P1", "date": "2025-07-01"}
            ),
            "unknown unit key",
        ),
        (lambda d: d["units"][0].update(parent="C1"), "cycle"),
        (lambda d: d.pop("units"), "'units' list"),
    ],
)
def test_malformed_data_is_refused_with_the_place_of_the_error(mutate, message):
    data = json.loads(json.dumps(SMALL))
    mutate(data)
    with pytest.raises(UnitsFileError, match=message):
        parse_units_data(data)


@pytest.mark.django_db
def test_a_malformed_file_aborts_and_changes_nothing(tmp_path):
    call_command("load_units", file=write(tmp_path, SMALL), stdout=open("/dev/null", "w"))  # noqa: SIM115
    count = Unit.objects.count()
    bad = tmp_path / "bad.json"
    bad.write_text('{"units": [', encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("load_units", file=str(bad))
    data = json.loads(json.dumps(SMALL))
    data["units"].append(
        {"key": "C9", "code": "9", "kind": "commune", "name": "Xã X", "parent": "MISSING"}
    )
    with pytest.raises(CommandError, match="MISSING"):
        call_command("load_units", file=write(tmp_path, data))
    assert Unit.objects.count() == count


@pytest.mark.slow
@pytest.mark.django_db
def test_the_real_file_has_34_provinces_and_3321_communes():
    call_command("load_units", stdout=open("/dev/null", "w"))  # noqa: SIM115
    in_force = Unit.objects.valid_on(dt.date(2026, 1, 1))
    assert in_force.filter(kind="province").count() == 34
    assert in_force.filter(kind="commune").count() == 3321
    assert in_force.filter(kind="district").count() == 0
    closed = Unit.objects.filter(valid_to=dt.date(2025, 6, 30))
    assert closed.filter(kind="province").count() == 63
    assert closed.filter(kind="district").exists()
    assert not Unit.objects.valid_on(dt.date(2025, 7, 1)).filter(external_key__startswith="L")
    ninh_thuan = Unit.objects.get(external_key="LP58")
    assert ninh_thuan.name == "Tỉnh Ninh Thuận"
    assert [s.successor.name for s in ninh_thuan.successor_links.all()] == ["Tỉnh Khánh Hòa"]
    assert Unit.objects.search("dak lak").valid_on(dt.date(2026, 1, 1)).get().code == "66"
    assert DEFAULT_PATH.stat().st_size < 5_000_000
