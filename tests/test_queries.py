"""Queries: entries, items, open/closed views, search with sums, balances, match rows."""

from __future__ import annotations

from datetime import date

import pytest

from reskontro import (
    Allocation,
    Balance,
    CurrencyMismatchError,
    Entry,
    EntryKind,
    EntryNotFoundError,
    InvalidEntryError,
    InvalidQueryError,
    Item,
    ItemList,
    Ledger,
    MatchNotFoundError,
    MatchRow,
    Money,
    Side,
    Status,
    SubAccount,
)


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def d(day: int, month: int = 1) -> date:
    return date(2026, month, day)


CUSTOMER_1 = SubAccount(Side.RECEIVABLE, "10001", "1500")
CUSTOMER_2 = SubAccount(Side.RECEIVABLE, "10002", "1500")
SUPPLIER = SubAccount(Side.PAYABLE, "20001", "2400")


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    """Two customers (one with a EUR invoice) and a supplier, with one closed and one open match."""
    return (
        Ledger("NOK")
        .post_many([
            Entry.invoice(
                "F-1", party="10001", amount=nok("1000"), posted=d(5), due=d(19),
                document_no="1001", reference="0036633", text="Consulting January",
            ),
            Entry.invoice(
                "F-2", party="10001", amount=nok("500"), posted=d(10), due=d(2, 2),
                document_no="1002", reference="0036641",
            ),
            Entry.invoice(
                "F-3", party="10001", amount=eur("100"), amount_local=nok("1150"), posted=d(12),
                due=d(31), document_no="1003", text="Licence",
            ),
            Entry.payment(
                "P-1", party="10001", amount=nok("-1000"), posted=d(18), reference="0036633",
                text="Innbetaling",
            ),
            Entry.invoice(
                "F-10", party="10002", amount=nok("700"), posted=d(3), due=d(15),
                document_no="1010",
            ),
            Entry.credit_note(
                "K-10", party="10002", amount=nok("-200"), posted=d(8), document_no="K1010",
            ),
            Entry.invoice(
                "LF-1", party="20001", side=Side.PAYABLE, amount=nok("-8000"), posted=d(4),
                due=d(25), document_no="A-77",
            ),
            Entry.payment(
                "UT-1", party="20001", side=Side.PAYABLE, amount=nok("3000"), posted=d(20),
            ),
        ])
        .match(["F-1", "P-1"], match_id="K-1")
        .match(["F-10", "K-10"], match_id="K-2", on=d(20))
    )


# -- entries and items -----------------------------------------------------------------------------


def test_entry_by_id(ledger: Ledger) -> None:
    """entry() returns the posted entry itself."""
    assert ledger.entry("F-1").document_no == "1001"
    assert ledger.entry("F-3").amount == eur("100")


def test_unknown_entry_is_a_lookup_error(ledger: Ledger) -> None:
    """An unknown id raises EntryNotFoundError (a LookupError) naming the id."""
    with pytest.raises(EntryNotFoundError, match="F-404") as info:
        ledger.entry("F-404")
    assert isinstance(info.value, LookupError)
    assert (info.value.entry_id, info.value.value) == ("F-404", "F-404")
    with pytest.raises(EntryNotFoundError):
        ledger.item("F-404")


def test_entry_as_of_before_its_posting_is_not_found(ledger: Ledger) -> None:
    """As of the day before posting, an entry does not exist yet."""
    assert ledger.entry("P-1", as_of=d(18)).id == "P-1"
    with pytest.raises(EntryNotFoundError):
        ledger.entry("P-1", as_of=d(17))


def test_item_derives_remaining_open_match_and_due(ledger: Ledger) -> None:
    """An item is the entry plus remaining, open flag, match id and current due date."""
    item = ledger.item("F-10")
    assert isinstance(item, Item)
    assert item.entry == ledger.entry("F-10")
    assert (item.remaining, item.remaining_local) == (nok("500"), nok("500"))
    assert item.is_open
    assert item.match_id == "K-2"
    assert item.due == d(15)
    assert (item.id, item.party, item.side, item.kind) == (
        "F-10", "10002", Side.RECEIVABLE, EntryKind.INVOICE,
    )
    assert item.sub_account == CUSTOMER_2
    assert (item.amount, item.amount_local) == (nok("700"), nok("700"))


def test_item_as_of_before_its_match(ledger: Ledger) -> None:
    """Before the match date an item is unmatched and open at its full amount."""
    item = ledger.item("F-10", as_of=d(19))
    assert item.match_id is None
    assert item.remaining == nok("700")


def test_closed_items_print_zero_on_the_currency_grid(ledger: Ledger) -> None:
    """A closed item's remaining is 0.00 NOK (quantized), not a bare 0."""
    assert repr(ledger.item("F-1").remaining) == "Money('0.00', 'NOK')"
    assert repr(ledger.item("F-1").remaining_local) == "Money('0.00', 'NOK')"


def test_overdue_flags_against_a_given_date(ledger: Ledger) -> None:
    """An open item is overdue after its due date; closed items never are."""
    f3 = ledger.item("F-3")
    assert not f3.is_overdue(d(31))
    assert f3.is_overdue(d(1, 2))
    assert f3.days_overdue(d(10, 2)) == 10
    assert f3.days_overdue(d(30)) == 0
    assert not ledger.item("F-1").is_overdue(d(1, 3))
    assert ledger.item("F-1").days_overdue(d(1, 3)) == 0


# -- open, closed, all -----------------------------------------------------------------------------


def test_open_closed_and_all_items_of_the_whole_ledger(ledger: Ledger) -> None:
    """The whole ledger splits into open and closed items; all items is both."""
    assert set(ledger.open_items().ids) == {"F-2", "F-3", "F-10", "LF-1", "UT-1"}
    assert set(ledger.closed_items().ids) == {"F-1", "P-1", "K-10"}
    assert len(ledger.items()) == 8
    assert ledger.items(Status.OPEN) == ledger.open_items()
    assert ledger.items(Status.CLOSED) == ledger.closed_items()


def test_items_per_party(ledger: Ledger) -> None:
    """Items of one party, in posting order."""
    assert ledger.items(party="10001").ids == ("F-1", "F-2", "F-3", "P-1")
    assert ledger.open_items(party="10001").ids == ("F-2", "F-3")
    assert ledger.closed_items(party="10001").ids == ("F-1", "P-1")
    assert ledger.open_items(party="99999").ids == ()


def test_items_per_sub_account_side_and_account(ledger: Ledger) -> None:
    """Items filter by the public SubAccount key, by side and by control account."""
    assert ledger.items(sub_account=SUPPLIER).ids == ("LF-1", "UT-1")
    assert ledger.open_items(sub_account=CUSTOMER_2).ids == ("F-10",)
    assert set(ledger.items(side=Side.PAYABLE).ids) == {"LF-1", "UT-1"}
    assert set(ledger.open_items(side=Side.RECEIVABLE).ids) == {"F-2", "F-3", "F-10"}
    assert set(ledger.items(account="2400").ids) == {"LF-1", "UT-1"}


def test_open_items_as_of_a_date(ledger: Ledger) -> None:
    """Year-end style: open items as they stood at the end of a day."""
    assert ledger.open_items(as_of=d(4)).ids == ("F-10", "LF-1")
    assert set(ledger.open_items(as_of=d(17)).ids) == {"F-1", "F-2", "F-3", "F-10", "K-10", "LF-1"}
    assert ledger.open_items(as_of=d(31, 12)) == ledger.open_items()
    assert ledger.open_items(as_of=date(2025, 12, 31)).ids == ()


# -- search ----------------------------------------------------------------------------------------


def test_search_by_party_with_the_sum_of_found_items(ledger: Ledger) -> None:
    """A search result carries the sum of the filtered items and of their remaining amounts."""
    found = ledger.search(party="10001")
    assert found.total.local == nok("1650")
    assert found.total["NOK"] == nok("500")
    assert found.total["EUR"] == eur("100")
    assert found.remaining.local == nok("1650")


def test_search_by_kind(ledger: Ledger) -> None:
    """kind accepts one kind or several."""
    assert set(ledger.search(kind=EntryKind.PAYMENT).ids) == {"P-1", "UT-1"}
    assert set(ledger.search(kind=[EntryKind.CREDIT_NOTE, EntryKind.PAYMENT]).ids) == {
        "P-1", "UT-1", "K-10",
    }


def test_search_by_document_number_and_reference(ledger: Ledger) -> None:
    """Document number and KID match exactly, leading zeros included."""
    assert ledger.search(document_no="1002").ids == ("F-2",)
    assert ledger.search(reference="0036633").ids == ("F-1", "P-1")
    assert ledger.search(reference="36633").ids == ()


def test_search_by_amount_range_is_inclusive_and_signed(ledger: Ledger) -> None:
    """Amount bounds compare the signed transaction amount, inclusive."""
    assert set(ledger.search(min_amount="500", max_amount="700").ids) == {"F-2", "F-10"}
    assert set(ledger.search(max_amount=-1000).ids) == {"P-1", "LF-1"}
    assert ledger.search(min_amount="3000").ids == ("UT-1",)


def test_search_by_currency(ledger: Ledger) -> None:
    """currency keeps entries in that transaction currency."""
    found = ledger.search(currency="EUR")
    assert found.ids == ("F-3",)
    assert found.total.local == nok("1150")


def test_search_by_posted_and_due_date_ranges(ledger: Ledger) -> None:
    """Posting and due date bounds are inclusive; items without due date fall out of due ranges."""
    assert set(ledger.search(posted_from=d(10), posted_to=d(18)).ids) == {"F-2", "F-3", "P-1"}
    assert set(ledger.search(due_from=d(19), due_to=d(31)).ids) == {"F-1", "F-3", "LF-1"}
    assert "P-1" not in ledger.search(due_to=d(31, 12)).ids


def test_search_overdue_against_a_date(ledger: Ledger) -> None:
    """overdue_on keeps open items due before that date."""
    assert set(ledger.search(overdue_on=d(26)).ids) == {"F-10", "LF-1"}
    assert set(ledger.search(overdue_on=d(1, 2)).ids) == {"F-3", "F-10", "LF-1"}


def test_search_by_text_is_case_insensitive_on_text_and_document_number(ledger: Ledger) -> None:
    """text finds a case-insensitive substring of the text or the document number."""
    assert ledger.search(text="consulting").ids == ("F-1",)
    assert ledger.search(text="LICENCE").ids == ("F-3",)
    assert ledger.search(text="k1010").ids == ("K-10",)


def test_search_combines_criteria_and_status(ledger: Ledger) -> None:
    """All criteria must hold, including open/closed status and a custom predicate."""
    found = ledger.search(status=Status.OPEN, party="10001", kind=EntryKind.INVOICE)
    assert found.ids == ("F-2", "F-3")
    assert found.remaining.local == nok("1650")
    assert ledger.search(status=Status.CLOSED, kind=EntryKind.INVOICE).ids == ("F-1",)
    assert ledger.search(where=lambda item: item.entry.document_no == "A-77").ids == ("LF-1",)


def test_search_within_a_match(ledger: Ledger) -> None:
    """match_id keeps the members of one match."""
    assert ledger.search(match_id="K-2").ids == ("F-10", "K-10")
    with pytest.raises(MatchNotFoundError):
        ledger.search(match_id="K-404")


def test_search_as_of(ledger: Ledger) -> None:
    """A search as of a date sees the ledger of that date."""
    found = ledger.search(party="10001", status=Status.OPEN, as_of=d(17))
    assert found.ids == ("F-1", "F-2", "F-3")
    assert found.remaining.local == nok("2650")


# -- balances --------------------------------------------------------------------------------------


def test_balance_per_party_in_local_and_per_currency(ledger: Ledger) -> None:
    """A party's balance is the sum of its entries, locally and per transaction currency."""
    balance = ledger.balance(party="10001")
    assert balance == Balance(nok("1650"), (eur("100"), nok("500")))
    assert balance["SEK"] == Money("0", "SEK")


def test_balance_per_sub_account_side_account_and_ledger(ledger: Ledger) -> None:
    """Balances sum by sub-account, side, account or the whole ledger."""
    assert ledger.balance(sub_account=CUSTOMER_2).local == nok("500")
    assert ledger.balance(side=Side.RECEIVABLE).local == nok("2150")
    assert ledger.balance(side=Side.PAYABLE).local == nok("-5000")
    assert ledger.balance(account="2400").local == nok("-5000")
    assert ledger.balance().local == nok("-2850")
    assert ledger.balance(party="nobody") == Balance(nok("0"), ())


def test_balance_as_of(ledger: Ledger) -> None:
    """A balance as of a date counts only the entries posted by then."""
    assert ledger.balance(party="10001", as_of=d(17)).local == nok("2650")
    assert ledger.balance(as_of=d(2)).is_zero


def test_balances_of_every_sub_account(ledger: Ledger) -> None:
    """balances() maps each SubAccount to its Balance, sorted by key, as a fresh dict."""
    balances = ledger.balances()
    assert list(balances) == [SUPPLIER, CUSTOMER_1, CUSTOMER_2]
    assert balances[CUSTOMER_1].local == nok("1650")
    assert list(ledger.balances(side=Side.RECEIVABLE)) == [CUSTOMER_1, CUSTOMER_2]
    balances.clear()
    assert len(ledger.balances()) == 3


def test_sub_accounts_and_parties(ledger: Ledger) -> None:
    """The ledger lists its sub-accounts and parties, sorted."""
    assert ledger.sub_accounts() == (SUPPLIER, CUSTOMER_1, CUSTOMER_2)
    assert ledger.parties() == ("10001", "10002", "20001")
    assert ledger.parties(side=Side.PAYABLE) == ("20001",)
    assert ledger.parties(as_of=d(3)) == ("10002",)
    assert ledger.sub_accounts(as_of=d(4)) == (SUPPLIER, CUSTOMER_2)


def test_balance_values_add_and_refuse_mixed_local_currencies() -> None:
    """Balances add per currency; balances in two local currencies do not add."""
    a = Balance(nok("10"), (eur("1"),))
    b = Balance(nok("5"), (eur("2"), nok("3")))
    assert a + b == Balance(nok("15"), (eur("3"), nok("3")))
    with pytest.raises(CurrencyMismatchError):
        a + Balance(Money("1", "SEK"), ())
    assert Balance.zero("NOK").is_zero


# -- matches and match rows ------------------------------------------------------------------------


def test_match_rows_show_count_id_oldest_invoice_and_outstanding(ledger: Ledger) -> None:
    """A match row lists entry count, match id, oldest invoice's document no. and outstanding."""
    assert ledger.match_rows() == (
        MatchRow(
            match_id="K-1", sub_account=CUSTOMER_1, entry_count=2, document_no="1001",
            outstanding_local=nok("0"), outstanding=(nok("0"),), is_closed=True,
        ),
        MatchRow(
            match_id="K-2", sub_account=CUSTOMER_2, entry_count=2, document_no="1010",
            outstanding_local=nok("500"), outstanding=(nok("500"),), is_closed=False,
        ),
    )


def test_match_row_names_the_oldest_invoice() -> None:
    """With several invoices, the row shows the document number of the oldest one."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-2", party="1", amount=nok("100"), posted=d(9), document_no="2002"),
        Entry.invoice("F-1", party="1", amount=nok("100"), posted=d(2), document_no="2001"),
        Entry.payment("P-1", party="1", amount=nok("-200"), posted=d(10)),
    ]).match(["F-2", "F-1", "P-1"])
    (row,) = ledger.match_rows()
    assert row.document_no == "2001"
    assert row.entry_count == 3
    assert row.is_closed


def test_match_rows_filter_by_status_party_and_date(ledger: Ledger) -> None:
    """Match rows filter by open/closed, party, sub-account and as_of."""
    assert [r.match_id for r in ledger.match_rows(status=Status.OPEN)] == ["K-2"]
    assert [r.match_id for r in ledger.match_rows(status=Status.CLOSED)] == ["K-1"]
    assert [r.match_id for r in ledger.match_rows(party="10002")] == ["K-2"]
    assert [r.match_id for r in ledger.match_rows(sub_account=CUSTOMER_1)] == ["K-1"]
    assert [r.match_id for r in ledger.match_rows(as_of=d(19))] == ["K-1"]


def test_match_of_and_allocations_of_an_entry(ledger: Ledger) -> None:
    """An entry's match and its allocations in force; none for an unmatched entry."""
    found = ledger.match_of("K-10")
    assert found is not None
    assert found.id == "K-2"
    assert ledger.allocations("K-10") == (Allocation("K-10", "F-10", nok("200")),)
    assert ledger.allocations("F-1") == (Allocation("P-1", "F-1", nok("1000")),)
    assert ledger.match_of("F-2") is None
    assert ledger.allocations("F-2") == ()
    assert ledger.match_of("K-10", as_of=d(19)) is None
    assert ledger.allocations("K-10", as_of=d(19)) == ()
    assert ledger.allocations("F-1", as_of=d(18)) == (Allocation("P-1", "F-1", nok("1000")),)
    with pytest.raises(EntryNotFoundError):
        ledger.match_of("F-404")


def test_matches_per_party_and_as_of(ledger: Ledger) -> None:
    """matches() lists live matches in creation order, per party and as of a date."""
    assert [m.id for m in ledger.matches()] == ["K-1", "K-2"]
    assert [m.id for m in ledger.matches(party="10002")] == ["K-2"]
    assert [m.id for m in ledger.matches(sub_account=CUSTOMER_1)] == ["K-1"]
    assert [m.id for m in ledger.matches(as_of=d(18))] == ["K-1"]
    with pytest.raises(MatchNotFoundError):
        ledger.get_match("K-2", as_of=d(19))


# -- item lists ------------------------------------------------------------------------------------


def test_item_list_is_a_read_only_sequence(ledger: Ledger) -> None:
    """ItemList indexes, slices (to an ItemList), iterates and compares by content."""
    items = ledger.items(party="10001")
    assert isinstance(items, ItemList)
    assert items[0].id == "F-1"
    assert items[-1].id == "P-1"
    assert isinstance(items[1:3], ItemList)
    assert items[1:3].ids == ("F-2", "F-3")
    assert [item.id for item in items] == list(items.ids)
    assert items == ledger.items(party="10001")
    assert items != ledger.items(party="10002")
    assert hash(items) == hash(ledger.items(party="10001"))


def test_item_list_records_for_tables(ledger: Ledger) -> None:
    """to_records gives one plain dict per item, with the derived fields."""
    (record,) = ledger.search(document_no="1003").to_records()
    assert record["id"] == "F-3"
    assert record["currency"] == "EUR"
    assert record["amount_local"] == nok("1150").amount
    assert record["remaining"] == eur("100").amount
    assert record["is_open"] is True
    assert record["match_id"] is None
    assert record["due"] == d(31)


def test_query_filters_of_the_wrong_type_are_refused() -> None:
    """An int party, a string side or a bad kind raise InvalidQueryError, not an empty result."""
    ledger = Ledger("NOK").post(
        Entry.invoice("F-1", party="10001", amount=Money("100", "NOK"), posted=date(2026, 1, 2))
    )
    for call in (
        lambda: ledger.open_items(party=10001),  # type: ignore[arg-type]
        lambda: ledger.balance(party=10001),  # type: ignore[arg-type]
        lambda: ledger.items(side="customer"),  # type: ignore[arg-type]
        lambda: ledger.search(kind="bill"),
        lambda: ledger.match_rows(party=10001),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidQueryError) as info:
            call()
        assert isinstance(info.value, ValueError)
        assert info.value.field in {"party", "side", "kind"}


def test_kind_may_be_named_by_its_value() -> None:
    """search(kind="invoice") finds invoices, as kind=EntryKind.INVOICE does."""
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=Money("100", "NOK"), posted=date(2026, 1, 2)),
        Entry.payment("P-1", party="1", amount=Money("-10", "NOK"), posted=date(2026, 1, 3)),
    ])
    assert ledger.search(kind="invoice").ids == ("F-1",)
    assert ledger.search(kind=["invoice", "payment"]).ids == ("F-1", "P-1")


def test_post_of_a_list_points_to_post_many() -> None:
    """post([...]) says to use post_many, and changes nothing."""
    ledger = Ledger("NOK")
    entry = Entry.invoice("F-1", party="1", amount=Money("1", "NOK"), posted=date(2026, 1, 2))
    with pytest.raises(InvalidEntryError, match="post_many"):
        ledger.post([entry])  # type: ignore[arg-type]
    assert ledger.event_count == 0
