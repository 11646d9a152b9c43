"""Notebook friendliness: reprs you can paste back, HTML tables, records and DataFrames."""

from __future__ import annotations

import builtins
import datetime
import importlib
import json
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from types import ModuleType
from typing import Any

import attrs
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reskontro
from reskontro import (
    Allocation,
    BalanceList,
    ClosePolicy,
    DueDateChanged,
    EntriesMatched,
    Entry,
    EntryPosted,
    EntryReversed,
    EntryUnmatched,
    ItemList,
    Ledger,
    LedgerOptions,
    MatchDissolved,
    MatchRowList,
    MissingExtraError,
    Money,
    PostAgainstPost,
    ReskontroError,
    Side,
    Status,
    aging,
    automatch,
    business_days,
    display,
    dunning,
    kid,
    letters,
    receipts,
    settlement,
    statement,
    terms,
    testing,
)
from reskontro.demo import build_demo_ledger
from reskontro.formats import camt054, ocr, parse_camt054, parse_ocr
from reskontro.rates import RateTable

#: The module (``reskontro.interest`` is also the name of a function in ``reskontro``).
interest = importlib.import_module("reskontro.interest")


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


#: The public modules whose names a notebook user would import.
PUBLIC_MODULES: tuple[ModuleType, ...] = (
    reskontro, aging, automatch, display, dunning, interest, kid, receipts, settlement,
    statement, terms, camt054, ocr, business_days, letters,
)


def namespace() -> dict[str, Any]:
    """reskontro's public names, and the two standard names reprs use."""
    names: dict[str, Any] = {"datetime": datetime, "Decimal": Decimal, "RateTable": RateTable}
    for module in PUBLIC_MODULES:
        names.update({name: getattr(module, name) for name in module.__all__})
    return names


def round_trips(value: object) -> bool:
    """``eval(repr(value))`` gives back an equal value of the same type."""
    again = eval(repr(value), namespace())  # the point of the test
    return type(again) is type(value) and again == value


OCR = "\r\n".join([
    "NY000010000080800000001001234560000000000000000000000000000000000000000000000000",
    "NY090020001234567000000186011117947000000000000000000000000000000000000000000000",
    "NY09103000000011501250115100001000000000000125000            1234500009877000000",
    "NY091031000000100000000001234567890000000140125123456789030000000000000000000000",
    "NY090088000000010000000400000000000125000150125150125150125000000000000000000000",
    "NY000089000000010000000600000000000125000150125000000000000000000000000000000000",
])

CAMT = """<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
 <BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>CAMT-1</MsgId></GrpHdr><Ntfctn>
  <Ntry><Amt Ccy="NOK">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
   <BookgDt><Dt>2025-01-15</Dt></BookgDt><AcctSvcrRef>REF-1</AcctSvcrRef>
   <NtryDtls><TxDtls><AmtDtls><TxAmt><Amt Ccy="NOK">1250.00</Amt></TxAmt></AmtDtls>
    <RmtInf><Strd><CdtrRefInf><Ref>1234500009877</Ref></CdtrRefInf></Strd></RmtInf>
   </TxDtls></NtryDtls></Ntry>
 </Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"""


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    """A small ledger with a partial payment, a EUR invoice, a reversal and a text to escape."""
    return (
        Ledger("NOK")
        .post_many([
            Entry.invoice("F-1", party="10001", amount=nok("1250.00"), posted=date(2026, 1, 5),
                          due=date(2026, 1, 19), document_no="1001",
                          reference="100010010013", text="<script>alert('x')</script> & co"),
            Entry.invoice("F-2", party="10002", amount=eur("100.00"),
                          amount_local=nok("1150.00"), rate=Decimal("11.50"),
                          posted=date(2026, 1, 6), disputed=True),
            Entry.invoice("LF-1", party="20001", side=Side.PAYABLE, amount=nok("-400.00"),
                          posted=date(2026, 1, 7)),
            Entry.payment("P-1", party="10001", amount=nok("-1000.00"), posted=date(2026, 1, 20)),
        ])
        .match(["F-1", "P-1"], match_id="K-1")
        .change_due_date("F-1", date(2026, 2, 1), on=date(2026, 1, 21))
    )


def values(ledger: Ledger) -> Iterator[object]:
    """A representative instance of every public value type."""
    yield nok("1250.00")
    yield Money("7", "JPY")
    yield from (ledger.entry(i) for i in ("F-1", "F-2", "LF-1", "P-1"))
    yield Entry.invoice("F-9", party="1", amount=eur("10"), posted=date(2026, 1, 2),
                        rates=RateTable("NOK", [("EUR", date(2026, 1, 1), "11.25")]))
    yield ledger.entry("F-1").reversed("F-1-R", posted=date(2026, 1, 30), text="Storno")
    yield Side.PAYABLE
    yield reskontro.EntryKind.CREDIT_NOTE
    yield Status.OPEN
    yield ClosePolicy.LOCAL_ONLY
    yield PostAgainstPost.REFUSE
    yield ledger.entry("F-1").sub_account
    yield ledger.item("F-1")
    yield ledger.open_items()
    yield ledger.items()[1:2]
    yield ledger.balance()
    yield ledger.summary()
    yield ledger.summary()[0]
    yield ledger.get_match("K-1")
    yield ledger.match_rows()
    yield ledger.match_rows()[0]
    yield ledger.derived_entries("K-1")
    yield Allocation("P-1", "F-1", nok("100"))
    yield LedgerOptions(post_against_post=PostAgainstPost.OFF, auto_close_zero=True)
    yield Ledger("NOK")
    yield Ledger("NOK", post_against_post=PostAgainstPost.REFUSE, auto_close_zero=True)
    yield ledger
    yield EntryPosted(ledger.entry("F-2"))
    yield EntriesMatched(match_id="K-2", entry_ids=("F-2",), on=date(2026, 2, 1),
                         allocations=(Allocation("P-1", "F-1", nok("1")),),
                         close_policy=ClosePolicy.LOCAL_ONLY, extend=True)
    yield EntryUnmatched(match_id="K-1", entry_id="P-1", on=date(2026, 2, 1))
    yield MatchDissolved(match_id="K-1", on=date(2026, 2, 1))
    yield DueDateChanged(entry_id="F-1", due=None, on=date(2026, 2, 1))
    yield EntryReversed(entry_id="F-2", match_id="M9", on=date(2026, 2, 1),
                        reversal=ledger.entry("F-2").reversed("F-2-R", posted=date(2026, 2, 1)))
    yield RateTable("NOK", [("EUR", date(2026, 1, 2), "11.00"), ("SEK", date(2026, 1, 2), "1")])
    yield settlement.FxAccounts(gain="8061")
    yield settlement.GlPosting(account="8060", credit=nok("5"))
    paid_in_eur = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="9", amount=eur("1000"), amount_local=nok("11000"),
                      posted=date(2026, 1, 2)),
        Entry.payment("P-1", party="9", amount=eur("-1000"), amount_local=nok("-11500"),
                      posted=date(2026, 2, 2)),
    ]).match(["F-1", "P-1"], match_id="K-1")
    plan = settlement.plan_settlement(paid_in_eur, "K-1", on=date(2026, 2, 2))
    yield plan
    yield plan.apply(paid_in_eur)
    yield settlement.plan_settlement(plan.apply(paid_in_eur), "K-1", on=date(2026, 2, 2))
    yield settlement.plan_revaluation(
        ledger, RateTable("NOK", [("EUR", date(2026, 1, 31), "12.00")]), on=date(2026, 1, 31)
    )
    parsed_ocr = parse_ocr(OCR)
    yield parsed_ocr
    yield parsed_ocr.assignments[0]
    yield parsed_ocr.payments[0]
    parsed_camt = parse_camt054(CAMT)
    yield parsed_camt
    yield parsed_camt.payments[0]
    found = receipts.receipts_from(parsed_ocr)
    yield found[0]
    unplaced = receipts.plan_receipts(Ledger("NOK"), found)
    yield unplaced
    yield from unplaced.unresolved
    yield receipts.plan_receipts(ledger, found)
    yield receipts.Candidate(party="10001", entry_id="F-1", evidence=receipts.Evidence.AMOUNT,
                             text="open item F-1 of 10001 is exactly 1250.00")
    yield receipts.ReversalProposal(
        receipt=found[0], entry_id="BANK-1", reversal_id="BANK-2", on=date(2025, 1, 16),
        evidence=receipts.Evidence.KID_AND_AMOUNT, text="same KID and amount")
    yield kid.Algorithm.MOD11
    with_payment = ledger.post(Entry.payment(
        "P-2", party="10001", amount=nok("-250.00"), posted=date(2026, 1, 25),
        reference="100010010013"))
    plan = automatch.propose(with_payment, strategies=["kid", "balance"])
    yield plan
    yield from plan.proposals
    yield automatch.Strategy.DOCUMENT
    yield display.Column("remaining", "amount")
    report = aging.age(ledger, date(2026, 2, 28))
    yield report
    yield report.rows[0]
    yield report.items[0]
    yield aging.Buckets(bounds=(14, 30))
    yield from aging.payment_stats(ledger, date(2026, 1, 1), date(2026, 1, 31))
    yield statement_of(ledger)
    yield statement_of(ledger).lines[0]
    yield statement_of(ledger).payment
    yield statement_of(ledger).sections[0]
    yield business_days.NORWEGIAN_CALENDAR
    yield letters.LetterLayout.PER_INVOICE
    yield statement_of(ledger).creditor
    yield terms.PaymentTerms.net(14)
    yield terms.PaymentTerms.with_discount("2", 10, 30)
    yield interest.RatePeriod(start=date(2026, 1, 1), end=date(2026, 6, 30), rate="12.00")
    yield interest.NORWEGIAN_RATES
    yield interest.InterestAccounts()
    yield interest.item_interest(ledger, "F-1", on=date(2026, 3, 1))
    yield interest.plan_interest(ledger, date(2026, 3, 1))
    yield from interest.plan_interest(ledger, date(2026, 3, 1)).notes
    yield dunning.NORWEGIAN_POLICY
    yield dunning.DebtorKind.BUSINESS
    yield dunning.INKASSOSATS
    yield dunning.INKASSOSATS.rows[0]
    overdue = Ledger("NOK").post_many([
        Entry.invoice("F-1", party="1", amount=nok("100"), posted=date(2026, 1, 2),
                      due=date(2026, 1, 16)),
        Entry.invoice("F-2", party="2", amount=nok("100"), posted=date(2026, 1, 2),
                      due=date(2026, 1, 16), disputed=True),
        Entry.invoice("F-3", party="3", amount=nok("100"), posted=date(2026, 1, 2),
                      due=date(2026, 1, 16)),
        Entry.payment("P-3", party="3", amount=nok("-50"), posted=date(2026, 1, 20)),
    ])
    run = dunning.plan_dunning(overdue, None, date(2026, 2, 16))
    yield run
    yield from run.notices
    yield from run.notices[0].lines
    yield from run.held
    yield from run.skipped
    yield from run.events
    yield run.events[0].level
    yield from letters.dunning_letters(
        run.notices[0], creditor=statement.PartyDetails(name="Us AS"), layout="per_invoice")


def statement_of(ledger: Ledger) -> statement.Statement:
    """The open-items statement of customer 10001 at the end of January."""
    return statement.Statement.open_items(
        ledger, "10001", as_of=date(2026, 1, 31),
        creditor=statement.PartyDetails(name="Kaffe & <Co> AS", account_number="8601 11 17947"),
    )


def test_every_public_value_has_a_repr_that_evaluates_back(ledger: Ledger) -> None:
    """eval(repr(x)) == x for a representative instance of every public value type."""
    failures = [repr(value)[:200] for value in values(ledger) if not round_trips(value)]
    assert failures == []


def test_the_catalogue_covers_every_public_value_class(ledger: Ledger) -> None:
    """Every attrs class and table type exported by reskontro has an instance above."""
    covered = {type(value) for value in values(ledger)}
    exported = {
        obj
        for module in PUBLIC_MODULES
        for obj in (getattr(module, name) for name in module.__all__)
        if isinstance(obj, type) and (attrs.has(obj) or hasattr(obj, "to_records"))
        and not issubclass(obj, BaseException)
    }
    assert exported - covered - {display.Tabular} == set()


def test_a_large_ledger_shows_a_summary_repr() -> None:
    """A ledger of more than 20 events has a short repr instead of its whole history."""
    assert repr(build_demo_ledger()) == "<Ledger NOK: 34 events, 20 entries>"


@given(testing.money())
def test_money_repr_evaluates_back(amount: Money) -> None:
    """Any Money's repr evaluates to an equal Money."""
    assert round_trips(amount)


@given(testing.entries(foreign_currencies=("EUR", "JPY")))
def test_entry_repr_evaluates_back(entry: Entry) -> None:
    """Any Entry's repr evaluates to an equal Entry (flags, rates and all)."""
    assert round_trips(entry)


@given(st.data())
def test_query_results_repr_evaluates_back(data: st.DataObject) -> None:
    """Open items, match rows and the summary of any generated ledger evaluate back."""
    ledger = data.draw(testing.ledgers())
    for value in (ledger.open_items(), ledger.match_rows(), ledger.summary()):
        assert round_trips(value)


# -- HTML -------------------------------------------------------------------------------


def test_item_list_html_escapes_entry_text(ledger: Ledger) -> None:
    """Caller text in an entry shows escaped in the HTML table, never as markup."""
    table = ledger.items()._repr_html_()
    assert "<script>" not in table
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in table
    assert table.count("<tr>") == 1 + 4  # the header and one row per item
    assert "<caption>4 items, remaining 1000.00 NOK</caption>" in table


def test_every_table_escapes_caller_text() -> None:
    """Party numbers and match ids with markup are escaped in every table and the ledger."""
    bad = "<b>10001</b>"
    ledger = Ledger("NOK").post_many([
        Entry.invoice("F-<1>", party=bad, amount=nok("10"), posted=date(2026, 1, 2)),
        Entry.payment("P-1", party=bad, amount=nok("-4"), posted=date(2026, 1, 3)),
    ]).match(["F-<1>", "P-1"], match_id="<i>K</i>")
    for shown in (ledger.open_items(), ledger.match_rows(), ledger.summary(), ledger):
        table = shown._repr_html_()
        assert "<b>" not in table
        assert "<i>" not in table
        assert "&lt;b&gt;10001&lt;/b&gt;" in table


def test_ledger_html_shows_its_summary(ledger: Ledger) -> None:
    """The ledger's HTML names its currency, size and sub-accounts with their balances."""
    table = ledger._repr_html_()
    assert "Ledger in NOK: 6 events, 4 entries; 3 sub-accounts, balance 1000.00 NOK" in table
    assert "<th>balance_EUR</th>" in table
    assert '<td style="text-align: right">1150.00</td>' in table


def test_reports_show_as_escaped_tables(ledger: Ledger) -> None:
    """Aging reports and statements show as HTML tables with caller text escaped."""
    shown = statement_of(ledger)._repr_html_()
    assert "<script>" not in shown
    assert "&lt;script&gt;" in shown
    report = aging.age(ledger, date(2026, 2, 28))._repr_html_()
    assert "<th>31-60</th>" in report


def test_reports_to_pandas(ledger: Ledger) -> None:
    """Aging and statement DataFrames keep amounts exact and dates as datetimes."""
    report = aging.age(ledger, date(2026, 2, 28)).to_pandas()
    assert list(report.columns)[:2] == ["side", "party"]
    assert report["total"].sum() == Decimal("1000.00")
    lines = statement_of(ledger).to_pandas()
    assert str(lines["posted"].dtype) == "datetime64[ns]"
    assert lines["remaining"].tolist() == [Decimal("250.00")]
    run = dunning.plan_dunning(ledger, None, date(2026, 2, 16))
    notices = run.to_pandas()
    assert notices["entry_id"].tolist() == ["F-1"]
    assert notices["days_overdue"].dtype == "int64"
    assert "<caption>Dunning run of 2026-02-16: 1 notices" in run._repr_html_()
    empty = dunning.plan_dunning(Ledger("NOK"), None, date(2026, 2, 16)).to_pandas()
    assert "notice_fee" in empty.columns


def test_match_rows_html(ledger: Ledger) -> None:
    """Match rows show as a table with one row per match."""
    table = ledger.match_rows()._repr_html_()
    assert "<caption>1 match</caption>" in table
    assert "<td>K-1</td>" in table


def test_html_tables_are_cut_short() -> None:
    """Beyond the row limit, the HTML says how many rows it left out."""
    table = display.html_table([{"n": i} for i in range(100)], max_rows=10)
    assert table.count("<tr>") == 1 + 10 + 1
    assert "… 90 more rows" in table


# -- records ---------------------------------------------------------------------------------


def test_records_are_flat_exact_and_json_ready(ledger: Ledger) -> None:
    """Records hold str, Decimal, date, int, bool or None, and dump to JSON with default=str."""
    scalar = (str, Decimal, date, int, bool, type(None))
    for table in (ledger.items(), ledger.match_rows(), ledger.summary()):
        records = table.to_records()
        assert records
        assert all(isinstance(v, scalar) for r in records for v in r.values())
        assert len({tuple(r) for r in records}) == 1  # the same keys in every row
        json.loads(json.dumps(records, default=str))


def test_match_row_records(ledger: Ledger) -> None:
    """A match row's record splits the sub-account and gives the outstanding amounts."""
    assert ledger.match_rows().to_records() == [{
        "match_id": "K-1", "side": "receivable", "party": "10001", "account": "1500",
        "entry_count": 2, "document_no": "1001", "currency": "NOK",
        "outstanding": Decimal("250.00"), "outstanding_local": Decimal("250.00"),
        "is_closed": False,
    }]


def test_summary_records_have_a_column_per_currency(ledger: Ledger) -> None:
    """With a foreign currency in the ledger, each row has a balance per currency."""
    records = ledger.summary().to_records()
    rows = [(r["party"], r["open_items"], r["balance_local"], r["balance_EUR"]) for r in records]
    assert rows == [
        ("20001", 1, Decimal("-400.00"), Decimal("0.00")),  # payable sorts first
        ("10001", 1, Decimal("250.00"), Decimal("0.00")),
        ("10002", 1, Decimal("1150.00"), Decimal("100.00")),
    ]
    local_only = Ledger("NOK").post(
        Entry.invoice("F-1", party="1", amount=nok("1"), posted=date(2026, 1, 2)))
    assert list(local_only.summary().to_records()[0]) == [
        "side", "party", "account", "open_items", "balance_local",
    ]


def test_summary_totals_and_side_filter(ledger: Ledger) -> None:
    """The summary adds up to the ledger's balance, and filters by side and date."""
    assert ledger.summary().total == ledger.balance()
    assert [str(r.sub_account) for r in ledger.summary(side=Side.PAYABLE)] == [
        "supplier 20001 / 2400"
    ]
    assert ledger.summary(as_of=date(2026, 1, 5)).total.local == nok("1250.00")
    assert isinstance(ledger.summary()[0:1], BalanceList)


def test_match_rows_stay_a_tuple(ledger: Ledger) -> None:
    """match_rows still returns a tuple that equals a plain tuple of its rows."""
    rows = ledger.match_rows()
    assert isinstance(rows, tuple)
    assert isinstance(rows, MatchRowList)
    assert rows == tuple(rows)
    assert Ledger("NOK").match_rows() == ()


# -- pandas ----------------------------------------------------------------------------------


def test_item_list_to_pandas_columns_and_dtypes(ledger: Ledger) -> None:
    """Open items as a DataFrame: the record columns, exact amounts, real dates, strings."""
    frame = ledger.open_items().to_pandas()
    assert list(frame.columns) == list(ledger.open_items().to_records()[0])
    assert len(frame) == 3
    assert frame["remaining_local"].dtype == object
    assert frame["remaining_local"].sum() == Decimal("1000.00")
    assert all(isinstance(v, Decimal) for v in frame["amount"])
    assert str(frame["posted"].dtype) == "datetime64[ns]"
    assert str(frame["due"].dtype) == "datetime64[ns]"
    assert frame["due"].isna().tolist() == [False, True, True]
    assert frame.loc[0, "due"] == pd.Timestamp("2026-02-01")  # the changed due date
    assert frame["is_open"].dtype == bool
    assert str(frame["id"].dtype) == "string"
    assert frame["match_id"].isna().tolist() == [False, True, True]


def test_empty_tables_keep_their_columns() -> None:
    """An empty query still gives a DataFrame with the right columns and dtypes."""
    frame = Ledger("NOK").open_items().to_pandas()
    assert len(frame) == 0
    assert list(frame.columns)[:3] == ["id", "side", "party"]
    assert str(frame["posted"].dtype) == "datetime64[ns]"
    assert frame["amount"].dtype == object
    rows = Ledger("NOK").match_rows().to_pandas()
    assert rows["entry_count"].dtype == "int64"
    assert list(Ledger("NOK").summary().to_pandas().columns) == [
        "side", "party", "account", "open_items", "balance_local",
    ]


def test_summary_and_match_rows_to_pandas(ledger: Ledger) -> None:
    """The summary and the match rows convert with counts as int64 and amounts exact."""
    summary = ledger.summary().to_pandas()
    assert summary["open_items"].dtype == "int64"
    assert summary["balance_local"].sum() == Decimal("1000.00")
    rows = ledger.match_rows().to_pandas()
    assert rows.loc[0, "outstanding"] == Decimal("250.00")
    assert rows["is_closed"].dtype == bool


def test_to_pandas_without_pandas_names_the_extra(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pandas, to_pandas raises MissingExtraError with the pip command."""
    real_import: Callable[..., Any] = builtins.__import__

    def no_pandas(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    for table in (ledger.open_items(), ledger.match_rows(), ledger.summary()):
        with pytest.raises(MissingExtraError) as caught:
            table.to_pandas()
        error = caught.value
        assert isinstance(error, ReskontroError)
        assert isinstance(error, ImportError)
        assert error.extra == "pandas"
        assert 'pip install "reskontro[pandas]"' in str(error)
    # the other views need nothing optional
    assert ledger.open_items().to_records()
    assert "<table" in ledger.open_items()._repr_html_()


def test_importing_reskontro_does_not_import_pandas() -> None:
    """A fresh interpreter imports reskontro (and its tables) without pandas."""
    import subprocess
    import sys

    code = (
        "import sys, reskontro, reskontro.display, reskontro.items; "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_item_list_is_still_a_sequence(ledger: Ledger) -> None:
    """The table methods do not change ItemList's sequence behaviour or equality."""
    items = ledger.items()
    assert isinstance(items, ItemList)
    assert items[0].id == "F-1"
    assert items == ledger.items()
    assert hash(items) == hash(ledger.items())
