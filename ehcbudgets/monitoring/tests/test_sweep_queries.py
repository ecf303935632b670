"""A sweep reads a batch of agreements in a fixed number of queries, however many agreements the batch holds
(ARCHITECTURE: scale plan; ADR 11)."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ehcbudgets.monitoring import sweeps
from ehcbudgets.people.tests.factories import ChildFactory

from .conftest import TODAY, fund, record


def _reads(council, ids) -> int:
    with CaptureQueriesContext(connection) as queries:
        sweeps.hits_for(council=council, agreement_ids=ids, on=TODAY)
        sweeps.review_triggers_for(council=council, on=TODAY)
    return len(queries)


def test_reading_three_agreements_takes_as_many_queries_as_reading_one(
    funded, dp, pb, council, finance, finance2, on_day, officer, parent_user
):
    record(parent_user, funded, "60.00", payee="Acme Care Ltd")
    one = _reads(council, [funded.pk])
    others = []
    for _ in range(2):
        case = pb.case(child=ChildFactory(council=council))
        others.append(dp.active(case))
    fund(finance, finance2, others[0], on_day)  # one run pays both
    for agreement in others:
        record(officer, agreement, str(Decimal("70.00")), payee="Acme Care Ltd")
    three = _reads(council, [funded.pk, *(a.pk for a in others)])
    assert three == one
