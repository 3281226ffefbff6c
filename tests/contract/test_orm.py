"""Odoo's generic methods as the external API shows them, and the field differences between versions."""

from __future__ import annotations

import pytest

from tests.contract.client import OdooFault
from tests.contract.conftest import Target


def partners(odoo: Target, *names: str) -> list[int]:
    ids = odoo.client.call("res.partner", "create", [{"name": f"{odoo.prefix} {name}"} for name in names])
    assert isinstance(ids, list)
    return ids


def test_create_with_a_dict_gives_an_id_and_with_a_list_gives_ids(odoo: Target) -> None:
    single = odoo.client.call("res.partner", "create", {"name": f"{odoo.prefix} single"})
    assert isinstance(single, int)
    many = partners(odoo, "a", "b", "c")
    assert len(many) == 3
    assert len(set(many)) == 3


def test_a_create_with_one_bad_value_creates_none_of_them(odoo: Target) -> None:
    """Nothing reads a partner's country while creating it: the missing id meets the foreign key at flush, which
    Odoo reports as a ValidationError naming the constraint (real 16 to 19; the sandbox said MissingError)."""
    values = [{"name": f"{odoo.prefix} ok"}, {"name": f"{odoo.prefix} bad", "country_id": 2_000_000_000}]
    with pytest.raises(OdooFault) as caught:
        odoo.client.call("res.partner", "create", values)
    assert caught.value.name == "odoo.exceptions.ValidationError"
    if odoo.version <= 18:
        assert "Model: Contact (res.partner)\nConstraint: res_partner_country_id_fkey" in caught.value.message
    else:
        assert "The troublemaker is: 'Contact' (res.partner)" in caught.value.message
        assert "constraint: 'Country' (country_id)" in caught.value.message
    assert odoo.client.call("res.partner", "search_count", [["name", "=like", f"{odoo.prefix}%"]]) == 0


def test_a_write_of_a_missing_country_is_a_missing_record(odoo: Target) -> None:
    """A write reads the value (the address fields), so the same missing id is a MissingError there."""
    partner = odoo.client.call("res.partner", "create", {"name": f"{odoo.prefix} moving"})
    with pytest.raises(OdooFault) as caught:
        odoo.client.call("res.partner", "write", [partner], {"country_id": 2_000_000_000})
    assert caught.value.name == "odoo.exceptions.MissingError"
    assert "res.country(2000000000,)" in caught.value.message


def test_read_gives_pairs_for_many2one_and_false_for_empty(odoo: Target) -> None:
    [country] = odoo.client.call("res.country", "search", [["code", "=", "SA"]])
    [partner] = odoo.client.call("res.partner", "create", [{"name": f"{odoo.prefix} reader", "country_id": country}])
    [row] = odoo.client.call("res.partner", "read", [partner], fields=["name", "country_id", "email", "is_company"])
    assert row == {
        "id": partner,
        "name": f"{odoo.prefix} reader",
        "country_id": [country, "Saudi Arabia"],
        "email": False,
        "is_company": False,
    }


def test_write_and_unlink_answer_true(odoo: Target) -> None:
    [partner] = partners(odoo, "to change")
    assert odoo.client.call("res.partner", "write", [partner], {"email": "x@example.sa"}) is True
    assert odoo.client.call("res.partner", "read", [partner], fields=["email"])[0]["email"] == "x@example.sa"
    assert odoo.client.call("res.partner", "unlink", [partner]) is True
    assert odoo.client.call("res.partner", "search", [["id", "=", partner]]) == []


def test_domains_with_the_usual_operators(odoo: Target) -> None:
    alpha, beta, gamma = partners(odoo, "Alpha", "Beta", "Gamma")
    odoo.client.call("res.partner", "write", [beta], {"email": "beta@example.sa"})
    mine = ["name", "=like", f"{odoo.prefix}%"]

    def search(*domain: object) -> list[int]:
        return sorted(odoo.client.call("res.partner", "search", ["&", mine, *domain] if domain else [mine]))

    assert search(["name", "ilike", "alpha"]) == [alpha]
    assert search(["id", "in", [alpha, gamma]]) == [alpha, gamma]
    assert search(["id", "not in", [alpha]]) == [beta, gamma]
    assert search(["email", "=", False]) == [alpha, gamma]
    assert search(["email", "!=", False]) == [beta]
    assert search("|", ["name", "ilike", "beta"], ["name", "ilike", "gamma"]) == [beta, gamma]
    assert search("!", ["name", "ilike", "beta"]) == [alpha, gamma]
    assert search(["id", ">", beta]) == [gamma]
    assert search(["id", "<=", beta]) == [alpha, beta]


def test_archived_records_are_left_out_unless_asked_for(odoo: Target) -> None:
    kept, archived = partners(odoo, "kept", "archived")
    odoo.client.call("res.partner", "write", [archived], {"active": False})
    mine = ["name", "=like", f"{odoo.prefix}%"]
    assert odoo.client.call("res.partner", "search", [mine]) == [kept]
    assert sorted(odoo.client.call("res.partner", "search", [mine, ["active", "in", [True, False]]])) == [
        kept,
        archived,
    ]
    assert sorted(odoo.client.call("res.partner", "search", [mine], context={"active_test": False})) == [kept, archived]


def test_search_read_search_count_order_and_limit(odoo: Target) -> None:
    partners(odoo, "b", "a", "c")
    mine = [["name", "=like", f"{odoo.prefix}%"]]
    rows = odoo.client.call("res.partner", "search_read", mine, fields=["name"], order="name desc", limit=2)
    assert [row["name"] for row in rows] == [f"{odoo.prefix} c", f"{odoo.prefix} b"]
    assert odoo.client.call("res.partner", "search_count", mine) == 3


def test_name_search_gives_id_and_name_pairs(odoo: Target) -> None:
    [partner] = partners(odoo, "Findable")
    found = odoo.client.call("res.partner", "name_search", f"{odoo.prefix} Findable")
    assert [partner, f"{odoo.prefix} Findable"] in found


def test_fields_get_describes_types_and_relations(odoo: Target) -> None:
    fields = odoo.client.call("res.partner", "fields_get", ["name", "country_id"], attributes=["type", "relation"])
    assert fields["name"]["type"] == "char"
    assert fields["country_id"] == {"type": "many2one", "relation": "res.country"}


def test_an_unknown_field_is_an_error(odoo: Target) -> None:
    with pytest.raises(OdooFault) as caught:
        odoo.client.call("res.partner", "create", {"name": f"{odoo.prefix} x", "colour": "blue"})
    assert caught.value.name == "builtins.ValueError"


def test_accounts_belong_to_one_company_up_to_17_and_to_several_from_18(odoo: Target) -> None:
    fields = odoo.client.call("account.account", "fields_get", [], attributes=["type"])
    if odoo.version <= 17:
        assert fields["company_id"]["type"] == "many2one"
        assert "company_ids" not in fields
    else:
        assert fields["company_ids"]["type"] == "many2many"
        assert "company_id" not in fields
    assert ("deprecated" in fields) == (odoo.version <= 18)


def test_partners_have_a_mobile_number_up_to_18_only(odoo: Target) -> None:
    """odoo/odoo#189739 (18.2) removed res.partner.mobile: 19 keeps one phone number; writing mobile fails."""
    fields = odoo.client.call("res.partner", "fields_get", [], attributes=["type"])
    assert ("mobile" in fields) == (odoo.version <= 18)
    if odoo.version >= 19:
        with pytest.raises(OdooFault) as caught:
            odoo.client.call("res.partner", "create", {"name": f"{odoo.prefix} m", "mobile": "+966500000000"})
        assert caught.value.name == "builtins.ValueError"


def test_journals_are_ordered_by_sequence(odoo: Target) -> None:
    journals = odoo.client.call("account.journal", "search_read", [], fields=["sequence"], order="sequence, id")
    assert [j["sequence"] for j in journals] == sorted(j["sequence"] for j in journals)


def test_product_type_field_by_version(odoo: Target) -> None:
    fields = odoo.client.call("product.product", "fields_get", [], attributes=["type", "selection"])
    if odoo.version <= 17:
        assert {key for key, _ in fields["detailed_type"]["selection"]} >= {"consu", "service"}
    else:
        assert "detailed_type" not in fields
        assert {key for key, _ in fields["type"]["selection"]} >= {"consu", "service", "combo"}


def test_users_context_get(odoo: Target) -> None:
    context = odoo.client.call("res.users", "context_get")
    assert "lang" in context
    assert "tz" in context


def test_arabic_is_installable_and_then_usable_as_a_partner_language(odoo: Target) -> None:
    [arabic] = odoo.client.call("res.lang", "search", [["code", "=", "ar_001"]], context={"active_test": False})
    if odoo.sandbox is not None:  # a fresh database has only English active
        with pytest.raises(OdooFault) as caught:
            odoo.client.call("res.partner", "create", {"name": f"{odoo.prefix} ar", "lang": "ar_001"})
        assert caught.value.name == "builtins.ValueError"
    if odoo.sandbox is not None:
        odoo.client.call("res.lang", "write", [arabic], {"active": True})
    elif not odoo.client.call("res.lang", "read", [arabic], fields=["active"])[0]["active"]:
        pytest.skip("Arabic is not installed on the live database, and a contract test must not install it")
    partner = odoo.client.call("res.partner", "create", {"name": f"{odoo.prefix} ar", "lang": "ar_001"})
    assert odoo.client.call("res.partner", "read", [partner], fields=["lang"])[0]["lang"] == "ar_001"


def test_xml_ids_of_base_data_resolve_through_ir_model_data(odoo: Target) -> None:
    [row] = odoo.client.call(
        "ir.model.data", "search_read", [["module", "=", "base"], ["name", "=", "sa"]], fields=["model", "res_id"]
    )
    assert row["model"] == "res.country"
    assert odoo.client.call("res.country", "read", [row["res_id"]], fields=["code"])[0]["code"] == "SA"


def test_like_wildcards_and_their_escape(odoo: Target) -> None:
    """=ilike is PostgreSQL's ILIKE: % and _ are wildcards and a backslash makes them literal (real 16 to 19)."""
    made = odoo.client.call(
        "res.partner", "create", [{"name": f"{odoo.prefix} 15%"}, {"name": f"{odoo.prefix} 15% R C"}]
    )

    def named(pattern: str) -> list[int]:
        found: list[int] = odoo.client.call("res.partner", "search", [["name", "=ilike", pattern]], order="id")
        return found

    assert named(f"{odoo.prefix.lower()} 15%") == made
    assert named(f"{odoo.prefix} 15\\%") == made[:1]
    assert named(f"{odoo.prefix} 15_ R C") == made[1:]
