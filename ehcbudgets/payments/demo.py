"""The demo's direct payments: the council's bank details, and the agreed budget's direct payments set up, sent,
consented to by the parent and paid once by a run one finance officer prepared and another approved."""

from datetime import date

from ehcbudgets.accounts.models import Role, User
from ehcbudgets.budgets.models import Budget, BudgetStatus

from . import selectors, services
from .models import BankDetails


def build_payments(*, council, on: date) -> None:
    """Make the demo's payments through the services, as the pages would."""
    BankDetails.objects.create(
        council=council,
        service_user_number=f"{900000 + council.pk:06d}",
        service_user_name=council.name.upper()[:18],
        sort_code="309430",
        account_number=f"{10000000 + council.pk:08d}",
        prepaid_provider="Demo Prepaid Cards",
        prepaid_funding_reference=f"FUND-{council.code.upper()}",
    )
    officer = User.objects.get(council=council, role=Role.CASE_OFFICER)
    preparer, approver = User.objects.filter(council=council, role=Role.FINANCE_OFFICER).order_by("pk")[:2]
    for budget in Budget.objects.filter(council=council, status=BudgetStatus.APPROVED):
        if not services.agreeable_lines(budget):
            continue
        agreement = services.agreement_create(
            actor=officer,
            budget=budget,
            start_date=budget.period_start,
            payment_method="prepaid_card",
            card_account_reference=f"DEMO-{budget.child.council_reference}",
            excluded_payees="Anyone who lives in the family home",
        )
        agreement = services.agreement_send(actor=officer, agreement=agreement)
        parent = agreement.recipient.user
        if parent is None:
            services.agreement_consent(actor=officer, agreement=agreement, channel="paper", consented_on=on)
        else:
            services.agreement_consent(actor=parent, agreement=agreement)
    if selectors.due_summary(council=council, up_to=on)["count"]:
        run = services.payment_run_prepare(actor=preparer, council=council, pay_up_to=on)
        services.payment_run_approve(actor=approver, run=run)
