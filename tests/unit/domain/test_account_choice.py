"""The Setup Assistant's choice of an expense account, without Odoo: against the real Saudi chart's expense accounts
(as read from Odoo 18 into the sandbox), by meaning, by the ledger, and never confidently wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import odoosync.sandbox
from odoosync.domain.account_choice import CONFIDENT, Account, BillLine, choose_account
from odoosync.domain.vocabulary import recognise, words

CHARTS = Path(odoosync.sandbox.__file__).parent / "charts"


def saudi_expense_accounts(version: int = 18) -> list[Account]:
    chart = json.loads((CHARTS / f"sa-{version}.json").read_text(encoding="utf-8"))
    return [
        Account(number, row["code"], row["name"], row.get("name_ar") or "")
        for number, row in enumerate(chart["accounts"], start=1)
        if row["account_type"].startswith("expense")
    ]


ACCOUNTS = saudi_expense_accounts()
BY_CODE = {account.code: account for account in ACCOUNTS}


@pytest.mark.parametrize(
    ("category", "code"),
    [
        ("Plumbing repairs", "400042"),
        ("AC repair", "400042"),
        ("صيانة المكيفات", "400042"),
        ("Guard services", "400043"),
        ("Janitorial services", "400044"),
        ("نظافة", "400044"),
        ("Property tax", "400032"),
        ("Internet", "400023"),
        ("Office supplies", "400050"),
        ("Fuel", "400048"),
        ("بنزين", "400048"),
        ("Lawyer", "400031"),
        ("محاماة", "400031"),
        ("Bank fees", "400051"),
        ("Medical insurance", "400009"),
        ("Insurance", "400040"),
        ("Utilities", "400018"),
        ("Chilled water charges", "400019"),
        ("Car maintenance", "400048"),
        ("Water leak repair", "400042"),
    ],
)
def test_the_issue_s_categories_get_the_accountant_s_account(category: str, code: str) -> None:
    choice = choose_account(category, ACCOUNTS)
    assert choice.account is not None, choice.why
    assert choice.account.code == code, choice.why
    assert choice.score >= CONFIDENT


def test_the_reason_names_the_words_recognised_and_where_they_book() -> None:
    choice = choose_account("Plumbing repairs", ACCOUNTS)
    assert choice.why == "“Plumbing” is plumbing, booked as maintenance and repairs"
    assert choose_account("كهرباء", ACCOUNTS).why == "“كهرباء” is electricity"


@pytest.mark.parametrize(
    "category",
    [
        "Electricity and cleaning",  # two expenses: which share goes where is the accountant's to say
        "Guard salaries",  # security by purpose, payroll by nature
        "Rent",  # the chart's rent accounts are the office's and the warehouse's, not a building's
        "Travel",  # flights, hotels and per diems each have their own
        "Qwerty",  # nothing known
    ],
)
def test_what_is_not_clear_gets_no_suggestion_but_the_nearest_accounts(category: str) -> None:
    choice = choose_account(category, ACCOUNTS)
    assert choice.account is None
    assert choice.score == 0
    assert len(choice.nearest) == 3


def test_two_expenses_in_one_category_name_both_accounts_first() -> None:
    choice = choose_account("Electricity and cleaning", ACCOUNTS)
    assert {a.code for a in choice.nearest[:2]} == {"400018", "400044"}
    assert "it could be any of" in choice.why


def test_the_nearest_of_a_general_word_are_its_particular_kinds_then_the_catch_all() -> None:
    assert [a.code for a in choose_account("Travel", ACCOUNTS).nearest] == ["400024", "400025", "400027"]
    assert [a.code for a in choose_account("Rent", ACCOUNTS).nearest] == ["400016", "400017", "400028"]
    assert choose_account("Electricity and cleaning", ACCOUNTS).nearest[2].code == "400028"


def test_what_the_ledger_says_wins_over_the_meaning() -> None:
    lines = [BillLine(move, "Monthly invoice", "Saudi Electricity Co.", BY_CODE["400019"].id) for move in range(12)]
    choice = choose_account("Electricity", ACCOUNTS, bill_lines=lines, vendors=["Saudi Electricity Co."])
    assert choice.account == BY_CODE["400019"]
    assert choice.why == "12 bill(s) from Saudi Electricity Co. went to 400019 Other Utility Cahrges"


def test_bill_lines_labelled_like_the_category_count_whatever_the_vendor() -> None:
    lines = [
        BillLine(1, "Plumbing - leak in 4B", "Riyadh Plumbing", BY_CODE["400028"].id),
        BillLine(2, "plumbing works", "Someone else", BY_CODE["400028"].id),
        BillLine(3, "Monthly cleaning", "CleanPro", BY_CODE["400044"].id),
    ]
    choice = choose_account("Plumbing", ACCOUNTS, bill_lines=lines)
    assert choice.account == BY_CODE["400028"]
    assert choice.why.startswith("2 bill(s) with lines like “Plumbing” went to 400028 Others")


def test_the_category_s_own_vendors_are_the_reason_named_before_lines_labelled_alike() -> None:
    # Found on a real Odoo 18 database whose other bills were labelled "Electricity": both went to one account,
    # and the reason a person reads is the vendor this category's expenses name.
    labelled = [BillLine(move, "Electricity", "Another vendor", BY_CODE["400019"].id) for move in range(3)]
    own = [BillLine(10 + move, "Invoice", "Saudi Electricity Co. 7F", BY_CODE["400019"].id) for move in range(3)]
    choice = choose_account("Electricity", ACCOUNTS, bill_lines=labelled + own, vendors=["Saudi Electricity Co. 7F"])
    assert choice.why == "3 bill(s) from Saudi Electricity Co. 7F went to 400019 Other Utility Cahrges"


def test_a_line_labelled_with_one_part_of_a_joined_category_is_not_evidence_for_it() -> None:
    lines = [BillLine(move, "Electricity", "Saudi Electricity Co.", BY_CODE["400019"].id) for move in range(3)]
    choice = choose_account("Electricity and cleaning", ACCOUNTS, bill_lines=lines)
    assert choice.account is None


def test_a_ledger_that_is_split_or_thin_says_nothing() -> None:
    split = [BillLine(n, "plumbing", "", BY_CODE["400028" if n % 2 else "400042"].id) for n in range(8)]
    assert choose_account("Plumbing", ACCOUNTS, bill_lines=split).why.startswith("“Plumbing” is plumbing")
    one = [BillLine(1, "plumbing", "", BY_CODE["400028"].id)]
    assert choose_account("Plumbing", ACCOUNTS, bill_lines=one).account == BY_CODE["400042"]


def test_the_lines_of_one_bill_count_once() -> None:
    lines = [BillLine(7, "plumbing", "", BY_CODE["400028"].id) for _ in range(5)]
    assert choose_account("Plumbing", ACCOUNTS, bill_lines=lines).account == BY_CODE["400042"]


def test_a_word_the_vocabulary_does_not_know_matches_an_account_spelled_the_same() -> None:
    choice = choose_account("Convoyance", ACCOUNTS)
    assert choice.account == BY_CODE["400049"]
    assert choice.why == "the account's name is spelled like it"


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_every_version_s_chart_gives_the_same_accounts(version: int) -> None:
    accounts = saudi_expense_accounts(version)
    for category, code in [("Elevator maintenance", "400042"), ("زكاة", "400072"), ("Salaries", "400003")]:
        choice = choose_account(category, accounts)
        assert choice.account is not None, (version, category, choice.why)
        assert choice.account.code == code, (version, category, choice.why)


def test_arabic_is_compared_without_its_interchangeable_spellings() -> None:
    assert words("الصيانة") == words("صيانه") == words("صيانات")
    assert words("إصلاحات") == words("اصلاح")
    assert words("والكهرباء") == words("كهرباء")
    assert words("Utilities") == words("utility")


def test_the_longest_phrase_says_what_a_category_is() -> None:
    assert [r.concept for r in recognise("Car maintenance")] == ["vehicle"]
    assert [r.concept for r in recognise("Chilled water")] == ["district_cooling"]
    assert [r.concept for r in recognise("Plumbing repairs")] == ["plumbing", "maintenance"]
