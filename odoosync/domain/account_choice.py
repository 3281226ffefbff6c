"""Which expense account a category books to: what the company's own ledger says first, then what the category
means (the vocabulary), then, for a word the vocabulary does not know, an account spelled nearly the same.

A wrong confident suggestion costs the accountant more than none: below `CONFIDENT` nothing is suggested, and the
nearest accounts are shown instead for a person to pick from. Pure: the accounts and bill lines are given.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from odoosync.domain.vocabulary import BY_KEY, CATCH_ALL, ancestors, recognise, words

CONFIDENT = 80  # the lowest score suggested
FROM_THE_LEDGER = 95
MEANING = 90  # the category's own concept has an account; 5 less for each step up to the account it books to
SPELLING_AT_LEAST = 90  # rapidfuzz token_set_ratio an unknown word needs (its score is 10 less)
LEDGER_AT_LEAST = 2  # bills that agree before the ledger is taken as saying something
LEDGER_SHARE = 0.75  # of the matching bill lines, the share that must have gone to one account
NEAREST = 3
# Words that join two things: "Electricity and cleaning" is two expenses, not the repair of one.
CONJUNCTION = re.compile(r"(?:\band\b|&|\+|/|,|،|(?:^|\s)و(?=ال))", re.IGNORECASE)


@dataclass(frozen=True)
class Account:
    id: int
    code: str
    name: str
    name_ar: str = ""

    @property
    def shown(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class BillLine:
    """A line of a posted vendor bill in Odoo: what the accountant booked, and where."""

    move_id: int
    label: str
    partner: str
    account_id: int


@dataclass(frozen=True)
class Choice:
    account: Account | None  # None: nothing fits well enough
    score: int
    why: str
    nearest: tuple[Account, ...] = field(default=())  # when nothing is suggested: the closest, best first


@lru_cache(maxsize=8192)
def _read(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A name's or a label's words and concepts, read once: every category is compared with the same bill lines
    and accounts."""
    return words(text), frozenset(r.concept for r in recognise(text))


def account_concepts(account: Account) -> set[str]:
    return {concept for name in (account.name, account.name_ar) if name for concept in _read(name)[1]}


def _from_the_ledger(
    category: str,
    concepts: set[str],
    accounts: dict[int, Account],
    lines: Sequence[BillLine],
    vendors: set[tuple[str, ...]],
) -> Choice | None:
    wanted = words(category)
    by_vendor: Counter[int] = Counter()
    by_label: Counter[int] = Counter()
    vendor_names: dict[int, Counter[str]] = {}
    seen_from_vendor: set[tuple[int, int]] = set()
    seen_like: set[tuple[int, int]] = set()
    for line in lines:
        if line.account_id not in accounts:
            continue
        bill = (line.move_id, line.account_id)
        label, said = _read(line.label)
        # A label is like the category when it says all the category says: "Electricity" is not evidence for
        # "Electricity and cleaning".
        like = (bool(concepts) and concepts <= said) or (
            bool(wanted) and any(label[i : i + len(wanted)] == wanted for i in range(len(label)))
        )
        if like and bill not in seen_like:
            seen_like.add(bill)
            by_label[line.account_id] += 1
        if line.partner and _read(line.partner)[0] in vendors and bill not in seen_from_vendor:
            seen_from_vendor.add(bill)
            by_vendor[line.account_id] += 1
            vendor_names.setdefault(line.account_id, Counter())[line.partner] += 1
    # The category's own vendors first: they are what its expenses name, where a label may be anybody's.
    for counts, reason in ((by_vendor, "vendor"), (by_label, "label")):
        total = sum(counts.values())
        if total < LEDGER_AT_LEAST:
            continue
        account_id, bills = counts.most_common(1)[0]
        if bills < LEDGER_AT_LEAST or bills / total < LEDGER_SHARE:
            continue
        account = accounts[account_id]
        if reason == "vendor":
            vendor = vendor_names[account_id].most_common(1)[0][0]
            why = f"{bills} bill(s) from {vendor} went to {account.shown}"
        else:
            why = f"{bills} bill(s) with lines like “{category.strip()}” went to {account.shown}"
        if bills < total:
            why += f" ({total - bills} elsewhere)"
        return Choice(account, FROM_THE_LEDGER, why)
    return None


@dataclass(frozen=True)
class _Fit:
    """How an account fits one concept of the category."""

    distance: int  # steps from the concept to the account's: 0 its own account, 1 the account it books to…
    extras: int  # concepts of the account besides it ("Depreciation Of Motor Vehicles" for fuel)
    booked_as: str


def _fit(concept: str, has: set[str]) -> _Fit | None:
    steps = list(ancestors(concept))
    for general in list(steps):  # a general word means its main child when the chart has nothing for it
        main = BY_KEY[general].main
        if main is not None:
            steps.append(main)
    for distance, key in enumerate(steps):
        if key in has:
            return _Fit(distance, len(has - {key, CATCH_ALL}), key)
    return None


@dataclass(frozen=True)
class _Meaning:
    concept: str
    said: str
    accounts: tuple[Account, ...]  # the best fits, more than one when they tie
    fit: _Fit | None


def _meanings(recognised: Sequence[tuple[str, str]], accounts: Sequence[Account]) -> list[_Meaning]:
    concepts = {account.id: account_concepts(account) for account in accounts}
    meanings = []
    for concept, said in recognised:
        fits = [(fit, a) for a in accounts if (fit := _fit(concept, concepts[a.id])) is not None]
        if not fits:
            meanings.append(_Meaning(concept, said, (), None))
            continue
        best = min((f.distance, f.extras) for f, _ in fits)
        tied = tuple(a for f, a in sorted(fits, key=lambda p: p[1].code) if (f.distance, f.extras) == best)
        meanings.append(_Meaning(concept, said, tied, next(f for f, a in fits if a == tied[0])))
    return meanings


REPAIR_WORDS = frozenset(words("repair maintenance fix servicing صيانة اصلاح اصلاحات ترميم"))


def _is_repair(meaning: _Meaning) -> bool:
    """Said with a word of repair ("leak repair", "صيانة"), of the maintenance family: not "generator" alone."""
    return "maintenance" in ancestors(meaning.concept) and bool(REPAIR_WORDS & set(words(meaning.said)))


def _by_meaning(category: str, meanings: list[_Meaning]) -> Choice | None:
    """One account when every concept of the category that has one agrees; a repair of something when one says
    repair ("water pump repair" is maintenance); none when they point at different accounts or tie."""
    placed = [m for m in meanings if m.accounts]
    if not placed:
        return None
    targets = {m.accounts for m in placed}
    chosen: _Meaning | None = None
    note = ""
    closest = 0
    if len(targets) == 1 and len(placed[0].accounts) == 1:
        # The reason names the most particular word ("Plumbing" of "Plumbing repairs"); the score, the closest.
        chosen = max(placed, key=lambda m: m.fit.distance if m.fit else -1)
        closest = min(m.fit.distance for m in placed if m.fit)
    elif not CONJUNCTION.search(category):
        repairs = [m for m in placed if _is_repair(m) and len(m.accounts) == 1]
        if repairs and len({m.accounts for m in repairs}) == 1:
            chosen = repairs[0]
            others = ", ".join(f"“{m.said}”" for m in placed if m not in repairs)
            note = f" (a repair: {others} say of what)"
    if chosen is None or chosen.fit is None:
        rivals = list(dict.fromkeys(a for m in placed for a in m.accounts))
        why = "it could be any of " + ", ".join(a.shown for a in rivals[:NEAREST])
        return Choice(None, 0, why, tuple(rivals[:NEAREST]))
    why = f"“{chosen.said}” is {BY_KEY[chosen.concept].label}"
    if chosen.fit.booked_as in ancestors(chosen.concept) and chosen.fit.booked_as != chosen.concept:
        why += f", booked as {BY_KEY[chosen.fit.booked_as].label}"
    elif chosen.fit.booked_as != chosen.concept:  # a general word, on the account of what it mostly means
        why += f": the chart's account for {BY_KEY[chosen.fit.booked_as].label}"
    distance = closest if not note else chosen.fit.distance
    score = MEANING - 5 * min(distance, 2) - (5 if note else 0)
    return Choice(chosen.accounts[0], score, why + note)


def _spelling(category: str, account: Account) -> int:
    wanted = " ".join(words(category))
    names = [" ".join(words(name)) for name in (account.name, account.name_ar) if name]
    return max((round(fuzz.token_set_ratio(wanted, name)) for name in names), default=0)


def _closeness(category: str, account: Account) -> int:
    wanted = " ".join(words(category))
    return max(
        (round(fuzz.ratio(wanted, " ".join(words(name)))) for name in (account.name, account.name_ar) if name),
        default=0,
    )


def choose_account(
    category: str,
    accounts: Sequence[Account],
    *,
    bill_lines: Sequence[BillLine] = (),
    vendors: Iterable[str] = (),
) -> Choice:
    """The account `category` books to, with the reason, or none and the nearest accounts."""
    recognised = [(r.concept, r.said) for r in recognise(category)]
    concepts = {concept for concept, _ in recognised}
    by_id = {account.id: account for account in accounts}
    ledger = _from_the_ledger(category, concepts, by_id, bill_lines, {words(v) for v in vendors if v.strip()})
    if ledger is not None:
        return ledger
    meaning = _by_meaning(category, _meanings(recognised, accounts))
    if meaning is not None:
        if meaning.account is None:
            return Choice(None, 0, meaning.why, _nearest(category, meaning.nearest, accounts))
        return meaning
    if concepts:
        known = ", ".join(BY_KEY[c].label for c in dict.fromkeys(concepts))
        why = f"recognised {known}, but the chart has no account for it"
        return Choice(None, 0, why, _nearest(category, [], accounts))
    spelled = sorted(
        ((_spelling(category, a), _closeness(category, a), a) for a in accounts),
        key=lambda t: (-t[0], -t[1], t[2].code),
    )
    if spelled and spelled[0][0] >= SPELLING_AT_LEAST:
        score, _, account = spelled[0]
        return Choice(account, score - 10, "the account's name is spelled like it")
    return Choice(None, 0, "no account's name or meaning matches", _nearest(category, [], accounts))


def _nearest(category: str, first: Sequence[Account], accounts: Sequence[Account]) -> tuple[Account, ...]:
    """The accounts a person most likely wants: those the meaning points at; the particular kinds of what the
    category names in general ("Travel": air tickets, hotels, per diems); the chart's plain catch-all (Others);
    then those spelled most alike."""
    concepts = {r.concept for r in recognise(category)}
    narrower = [
        a for a in accounts if any(concepts & set(ancestors(c)) for c in account_concepts(a) if c not in concepts)
    ]
    catch_all = [a for a in accounts if account_concepts(a) == {CATCH_ALL}]
    spelled = sorted(accounts, key=lambda a: (-_spelling(category, a), -_closeness(category, a), a.code))
    ordered = [*first, *sorted(narrower, key=lambda a: a.code), *(catch_all if concepts else []), *spelled]
    return tuple(dict.fromkeys(ordered))[:NEAREST]
