# ruff: noqa: F401, F811 - fixtures shared with the payments and spending tests are imported to be requested by name
"""Monitoring fixtures: the payments world (a council, a case, the standard PA agreement £3,411.20 from 1 April 2026
to 31 March 2027 paid 4-weekly, first payment £50.01) and the spending helpers.

`funded` is that agreement with its first two payments (£50.01 on 1 April, £280.10 on 6 April) released on Friday
1 May 2026, which is then today: the recipient holds £330.11."""

import pytest

from ehcbudgets.payments.tests.conftest import (
    SET_UP_ON,
    _letters_quick,
    agreement,
    bank,
    case,
    catalogue,
    dp,
    finance,
    finance2,
    manager,
    on_day,
    other_manager,
    parent_user,
    pb,
    quick_pdf,
)
from ehcbudgets.spending.tests.test_records import TODAY, fund, record


@pytest.fixture
def funded(agreement, finance, finance2, on_day):
    """The standard agreement with £330.11 paid in; today is 1 May 2026."""
    return fund(finance, finance2, agreement, on_day)
