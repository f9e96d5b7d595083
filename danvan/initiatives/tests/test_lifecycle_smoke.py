import pytest

from danvan.initiatives.models import Status
from danvan.initiatives.tests.factories import PATH_TO, make_initiative


@pytest.mark.parametrize("status", list(PATH_TO))
def test_every_status_is_reachable_through_the_services(campaign, tree, status):
    initiative = make_initiative(campaign, tree.commune_a, status=status)
    assert initiative.status == status
    if status == Status.RECOGNISED:
        assert initiative.recognitions.get().level.rank == 1
    if status == Status.PROPOSED:
        assert initiative.level.rank == 2
