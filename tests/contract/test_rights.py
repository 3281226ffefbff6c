"""What the user may ask and see: has_group's calling convention, and the analytic models that stay hidden until
the Analytic Accounting setting is on (both measured on real 16 to 19)."""

from __future__ import annotations

import pytest

from tests.contract.client import OdooFault
from tests.contract.conftest import Target

BILLING = "account.group_account_invoice"
ANALYTIC = "analytic.group_analytic_accounting"


def has_group(odoo: Target, group: str) -> bool:
    ids = [[odoo.client.uid]] if odoo.version >= 18 else []
    answer = odoo.client.call("res.users", "has_group", *ids, group_ext_id=group)
    assert isinstance(answer, bool)
    return answer


def test_has_group_is_asked_of_the_model_up_to_17_and_of_the_user_from_18(odoo: Target) -> None:
    """res_users.py: an @api.model method up to 17 (it answers for the caller), a method of the user record from 18.
    Given the user's id on 17, Odoo takes the id for the group and refuses the keyword."""
    assert has_group(odoo, BILLING) is True
    the_other_way = [] if odoo.version >= 18 else [[odoo.client.uid]]
    with pytest.raises(OdooFault) as caught:
        odoo.client.call("res.users", "has_group", *the_other_way, group_ext_id=BILLING)
    if odoo.version <= 17:
        assert caught.value.name == "builtins.TypeError"
        assert "got multiple values for argument 'group_ext_id'" in caught.value.message
    else:
        assert caught.value.name == "builtins.IndexError"


def test_analytic_plans_are_hidden_until_analytic_accounting_is_on(odoo: Target) -> None:
    """A new database's admin (Billing administrator) may read analytic accounts but neither read plans nor create
    analytic accounts: analytic/security gives those to the Analytic Accounting group and to accountants."""
    if has_group(odoo, ANALYTIC):
        pytest.skip("Analytic Accounting is on in this database")
    odoo.client.call("account.analytic.account", "search", [], limit=1)
    with pytest.raises(OdooFault) as caught:
        odoo.client.call("account.analytic.plan", "search", [], limit=1)
    assert caught.value.name == "odoo.exceptions.AccessError"
    technical = "Technical/" if odoo.version <= 18 else ""
    assert caught.value.message == (
        "You are not allowed to access 'Analytic Plans' (account.analytic.plan) records.\n\n"
        "This operation is allowed for the following groups:\n"
        f"\t- {technical}Analytic Accounting\n\t- {technical}Show Full Accounting Features\n\n"
        "Contact your administrator to request access if necessary."
    )


def analytic_accounting_on(odoo: Target) -> None:
    """For the tests that need analytic accounts: on in the sandbox; on a live database only if it is already."""
    if has_group(odoo, ANALYTIC):
        return
    if odoo.sandbox is None:
        pytest.skip(
            "Analytic Accounting is off in this database, and turning it on changes its settings: enable it in Odoo "
            "(Invoicing → Configuration → Settings → Analytic Accounting) to run this test"
        )
    settings = odoo.client.call("res.config.settings", "create", {"group_analytic_accounting": True})
    odoo.client.call("res.config.settings", "execute", [settings])


def test_the_analytic_accounting_setting_opens_plans_to_every_internal_user(odoo: Target) -> None:
    """res.config.settings group_analytic_accounting: execute gives the group to base.group_user's members. On a
    live database this is a change of its settings, which a test of odoosync makes only in the sandbox."""
    if odoo.sandbox is None:
        pytest.skip("changes the database's settings: only on the sandbox")
    defaults = odoo.client.call("res.config.settings", "default_get", ["group_analytic_accounting"])
    assert defaults == {"group_analytic_accounting": False}
    settings = odoo.client.call("res.config.settings", "create", {"group_analytic_accounting": True})
    odoo.client.call("res.config.settings", "execute", [settings])
    assert has_group(odoo, ANALYTIC) is True
    assert isinstance(odoo.client.call("account.analytic.plan", "search", []), list)


def test_an_administrator_reads_the_database_uuid(odoo: Target) -> None:
    """ir.config_parameter `database.uuid`: what tells one database from another whatever address reaches it
    (odoosync connect); system parameters are for administrators (base.group_system) only."""
    [row] = odoo.client.call(
        "ir.config_parameter", "search_read", [["key", "=", "database.uuid"]], fields=["key", "value"]
    )
    assert len(str(row["value"])) == 36
    assert str(row["value"]).count("-") == 4
