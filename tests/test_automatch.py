"""Automatic matching: each strategy, partial and over-payments, and the rules every plan keeps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reskontro import (
    Entry,
    InvalidQueryError,
    Ledger,
    Money,
    PostAgainstPost,
    Side,
)
from reskontro.automatch import Strategy, apply, propose
from reskontro.testing import ledgers


def nok(amount: str) -> Money:
    return Money(amount, "NOK")


def d(day: int) -> date:
    return date(2026, 1, day)


def inv(entry_id: str, amount: str, day: int, **kw: object) -> Entry:
    return Entry.invoice(entry_id, party=str(kw.pop("party", "1")), amount=nok(amount),
                         posted=d(day), due=d(day) + timedelta(days=14),
                         **kw)  # type: ignore[arg-type]


def pay(entry_id: str, amount: str, day: int, **kw: object) -> Entry:
    return Entry.payment(entry_id, party=str(kw.pop("party", "1")), amount=nok(amount),
                         posted=d(day), **kw)  # type: ignore[arg-type]


def test_kid_settles_the_invoice_with_that_reference() -> None:
    """kid: the payment's KID names the invoice; rule and evidence say so."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, reference="100010010013"), inv("F-2", "100", 2),
        pay("P-1", "-100", 10, reference="100010010013"),
    ])
    (proposal,) = propose(ledger, strategies=["kid"]).proposals
    assert (proposal.rule, proposal.entry_ids, proposal.applied) == (Strategy.KID, ("F-1",),
                                                                      nok("100.00"))
    assert "100010010013" in proposal.evidence
    assert apply(ledger, propose(ledger)).open_items().ids == ("F-2",)


def test_partial_and_over_payments() -> None:
    """A partial payment leaves the rest on the invoice; an overpayment stays on the payment."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, reference="100010010013"),
        inv("F-2", "100", 2, reference="100020010011"),
        pay("P-1", "-60", 10, reference="100010010013"),
        pay("P-2", "-130", 10, reference="100020010011"),
    ])
    matched = apply(ledger, propose(ledger, strategies=["kid"]))
    assert [(i.id, i.remaining) for i in matched.open_items()] == [
        ("F-1", nok("40.00")), ("P-2", nok("-30.00")),
    ]


def test_one_plan_never_uses_an_invoice_twice() -> None:
    """Two payments with one KID: the second gets what the first left."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, reference="100010010013"),
        pay("P-1", "-60", 10, reference="100010010013"),
        pay("P-2", "-60", 11, reference="100010010013"),
    ])
    plan = propose(ledger, strategies=["kid"])
    assert [(p.payment_id, p.applied) for p in plan.proposals] == [
        ("P-1", nok("60.00")), ("P-2", nok("40.00")),
    ]
    assert [(p.match_id, p.joins) for p in plan.proposals] == [(None, None), (None, "P-1")]
    matched = apply(ledger, plan)
    assert matched.item("F-1").remaining == nok("0.00")
    assert matched.item("P-2").remaining == nok("-20.00")


def test_a_second_payment_joins_the_match_of_a_part_paid_invoice() -> None:
    """An invoice in a single-invoice match takes a later payment into that match."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, reference="100010010013"),
        pay("P-1", "-60", 10), pay("P-2", "-40", 12, reference="100010010013"),
    ]).match(["F-1", "P-1"], match_id="K-1")
    (proposal,) = propose(ledger, strategies=["kid"]).proposals
    assert proposal.match_id == "K-1"
    matched = apply(ledger, [proposal])
    assert matched.get_match("K-1").is_closed
    assert matched.get_match("K-1").entry_ids == ("F-1", "P-1", "P-2")


def test_document_number_must_stand_as_a_whole_word() -> None:
    """document: '1002' is found in 'faktura 1002,' but not inside '10021'."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, document_no="1002"), inv("F-2", "200", 1, document_no="10021"),
        pay("P-1", "-100", 10, text="Betaling faktura 1002, takk"),
        pay("P-2", "-5", 10, text="ref 100210"),
    ])
    plan = propose(ledger, strategies=["document"])
    assert [(p.payment_id, p.entry_ids) for p in plan.proposals] == [("P-1", ("F-1",))]
    assert plan.unmatched == ("P-2",)


def test_balance_applies_to_the_oldest_due_first_and_only_earlier_postings() -> None:
    """balance: oldest due first, invoices posted after the payment are left alone."""
    ledger = Ledger("NOK").post_many([
        inv("F-2", "100", 5), inv("F-1", "100", 2), inv("F-3", "100", 20),
        pay("P-1", "-150", 10),
    ])
    (proposal,) = propose(ledger, strategies=["balance"]).proposals
    assert proposal.entry_ids == ("F-1", "F-2")
    matched = apply(ledger, [proposal])
    assert [(i.id, i.remaining) for i in matched.open_items()] == [
        ("F-2", nok("50.00")), ("F-3", nok("100.00")),
    ]


def test_amount_needs_a_unique_invoice_of_exactly_that_amount() -> None:
    """amount: one invoice of exactly the amount is matched; two of them are not."""
    one = Ledger("NOK").post_many([inv("F-1", "75", 1), inv("F-2", "80", 1),
                                   pay("P-1", "-75", 10)])
    assert [p.entry_ids for p in propose(one, strategies=["amount"]).proposals] == [("F-1",)]
    two = one.post(inv("F-3", "75", 2))
    assert propose(two, strategies=["amount"]).proposals == ()


def test_strategies_run_in_the_callers_order() -> None:
    """The first strategy that finds something wins for each payment."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1), inv("F-2", "100", 2, document_no="77"),
        pay("P-1", "-100", 10, text="faktura 77"),
    ])
    first = propose(ledger, strategies=["balance", "document"]).proposals[0]
    assert (first.rule, first.entry_ids) == (Strategy.BALANCE, ("F-1",))
    second = propose(ledger, strategies=["document", "balance"]).proposals[0]
    assert (second.rule, second.entry_ids) == (Strategy.DOCUMENT, ("F-2",))


def test_never_across_parties_sides_or_accounts() -> None:
    """A KID on another party's, side's or account's invoice is not used."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, party="2", reference="100010010013"),
        inv("F-2", "100", 1, account="1510", reference="100010010013"),
        Entry.invoice("LF-1", party="1", side=Side.PAYABLE, amount=nok("-100"), posted=d(1),
                      reference="100010010013"),
        pay("P-1", "-100", 10, reference="100010010013"),
    ])
    plan = propose(ledger, strategies=["kid", "balance", "amount"])
    assert plan.proposals == ()
    assert plan.unmatched == ("P-1",)


def test_invoices_of_a_many_invoice_match_are_left_alone() -> None:
    """Post against post: a payment never joins a match that holds several invoices."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, reference="100010010013"), inv("F-2", "100", 1),
        pay("P-0", "-50", 5), pay("P-1", "-100", 10, reference="100010010013"),
    ]).match(["F-1", "F-2", "P-0"])
    assert propose(ledger, strategies=["kid"]).proposals == ()


def test_unknown_strategy_is_refused() -> None:
    """An unknown strategy name raises InvalidQueryError."""
    with pytest.raises(InvalidQueryError):
        propose(Ledger("NOK"), strategies=["magic"])


def test_proposing_changes_nothing() -> None:
    """propose only reads the ledger."""
    ledger = Ledger("NOK").post_many([inv("F-1", "100", 1), pay("P-1", "-100", 10)])
    before = ledger.to_dict()
    propose(ledger, strategies=["balance"])
    assert ledger.to_dict() == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(post_against_post=PostAgainstPost.REFUSE), st.permutations(list(Strategy)))
def test_automatic_matching_keeps_every_rule(ledger: Ledger, order: list[Strategy]) -> None:
    """On any ledger: no balance changes, no sub-account is crossed, post against post holds."""
    plan = propose(ledger, strategies=order)
    matched = apply(ledger, plan)  # REFUSE: a post-against-post breach would raise
    assert matched.balances() == ledger.balances()
    for proposal in plan.proposals:
        subs = {ledger.entry(i).sub_account for i in (*proposal.entry_ids, proposal.payment_id)}
        assert len(subs) == 1
        assert proposal.applied.amount > 0


def test_a_payment_naming_its_invoice_is_placed_before_the_balance_method() -> None:
    """Strategies run in passes: an earlier payment without KID cannot take a KID's invoice."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, reference="100010010013"), inv("F-2", "100", 2),
        pay("P-1", "-100", 10),  # no KID: the balance method would take F-1, the oldest
        pay("P-2", "-100", 11, reference="100010010013"),
    ])
    plan = propose(ledger, strategies=["kid", "balance"])
    assert [(p.payment_id, p.rule, p.entry_ids) for p in plan.proposals] == [
        ("P-1", Strategy.BALANCE, ("F-2",)), ("P-2", Strategy.KID, ("F-1",)),
    ]


def cn(entry_id: str, amount: str, day: int, **kw: object) -> Entry:
    return Entry.credit_note(entry_id, party=str(kw.pop("party", "1")), amount=nok(amount),
                             posted=d(day), **kw)  # type: ignore[arg-type]


def test_a_credit_note_naming_its_invoice_is_proposed_against_it() -> None:
    """By document number in its text or reference, or by the invoice's KID as reference."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, document_no="1001"),
        inv("F-2", "200", 1, document_no="1002"),
        inv("F-3", "300", 1, reference="100010010013"),
        inv("F-4", "400", 1, document_no="1004"),
        cn("K-1", "-100", 3, text="Kreditnota for faktura 1001"),
        cn("K-2", "-50", 3, reference="1002"),
        cn("K-3", "-300", 3, reference="100010010013"),
        cn("K-4", "-10", 3, text="rabatt"),  # names nothing: left alone
    ])
    plan = propose(ledger)
    assert [(p.payment_id, p.rule, p.entry_ids) for p in plan.proposals] == [
        ("K-1", Strategy.DOCUMENT, ("F-1",)),
        ("K-2", Strategy.DOCUMENT, ("F-2",)),
        ("K-3", Strategy.KID, ("F-3",)),
    ]
    assert plan.unmatched == ()
    matched = apply(ledger, plan)
    assert [(i.id, i.remaining) for i in matched.open_items()] == [
        ("F-2", nok("150.00")), ("F-4", nok("400.00")), ("K-4", nok("-10.00")),
    ]
    assert propose(ledger, payments=["K-4"]).unmatched == ("K-4",)


def test_a_credit_note_goes_first_and_the_payment_joins_its_match() -> None:
    """One run: the credit note takes its share; the payment for the rest joins that match."""
    ledger = Ledger("NOK", post_against_post=PostAgainstPost.REFUSE).post_many([
        inv("F-1", "100", 1, document_no="1001", reference="100010010013"),
        pay("P-1", "-70", 5, reference="100010010013"),
        cn("K-1", "-30", 6, text="kreditnota 1001"),
    ])
    plan = propose(ledger)
    assert [(p.payment_id, p.applied, p.joins) for p in plan.proposals] == [
        ("P-1", nok("70.00"), "K-1"), ("K-1", nok("30.00"), None),
    ]
    matched = apply(ledger, plan)
    match = matched.match_of("F-1")
    assert match is not None
    assert match.is_closed
    assert set(match.entry_ids) == {"F-1", "K-1", "P-1"}


def test_balance_joins_the_credited_invoice_first_keeping_oldest_due_first() -> None:
    """The oldest invoice, credited in part, takes the payment into its match; post against post."""
    ledger = Ledger("NOK", post_against_post=PostAgainstPost.REFUSE).post_many([
        inv("F-1", "100", 1), inv("F-2", "100", 2), inv("F-3", "100", 3),
        cn("K-1", "-40", 4), pay("P-1", "-60", 10), pay("P-2", "-250", 11),
    ]).match(["F-2", "K-1"], match_id="K")
    plan = propose(ledger, strategies=["balance"])
    assert [(p.payment_id, p.entry_ids, p.match_id, p.applied) for p in plan.proposals] == [
        ("P-1", ("F-1",), None, nok("60.00")),
        # F-1's rest is in the new match of P-1 now: P-2 joins it, F-1 being the oldest
        ("P-2", ("F-1",), None, nok("40.00")),
    ]
    matched = apply(ledger, plan)  # REFUSE: a breach would raise
    assert [(i.id, i.remaining) for i in matched.open_items()] == [
        ("F-2", nok("60.00")), ("F-3", nok("100.00")), ("P-2", nok("-210.00")),
    ]
    only = ledger.post(pay("P-3", "-500", 12))
    plan = propose(only, strategies=["balance"], payments=["P-3"])
    (proposal,) = plan.proposals
    assert (proposal.entry_ids, proposal.match_id) == (("F-1",), None)
    credited_first = Ledger("NOK").post_many([
        inv("F-1", "100", 1), inv("F-2", "100", 2), cn("K-1", "-40", 3), pay("P-1", "-500", 10),
    ]).match(["F-1", "K-1"], match_id="K")
    (joined,) = propose(credited_first, strategies=["balance"]).proposals
    assert (joined.entry_ids, joined.match_id, joined.applied) == (("F-1",), "K", nok("60.00"))
    after = apply(credited_first, [joined])
    assert [(i.id, i.remaining) for i in after.open_items()] == [
        ("F-2", nok("100.00")), ("P-1", nok("-440.00")),  # the rest stays on the payment
    ]


# -- the explicit link: Entry.applies_to --------------------------------------------


def test_a_credit_note_linked_to_its_invoice_is_proposed_against_it_first() -> None:
    """The link wins over the text and the reference, and the evidence names it."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, document_no="1001"),
        inv("F-2", "200", 1, document_no="1002", reference="100010010013"),
        # its text names 1001 and its reference is F-2's KID, but it is linked to F-2
        cn("K-1", "-50", 3, text="Kreditnota 1001", reference="100010010013",
           applies_to="F-2"),
        cn("K-2", "-30", 3, applies_to="F-1"),  # nothing but the link
    ])
    plan = propose(ledger)
    assert [(p.payment_id, p.rule, p.entry_ids, p.evidence) for p in plan.proposals] == [
        ("K-1", Strategy.LINK, ("F-2",), "credit note K-1 applies to F-2"),
        ("K-2", Strategy.LINK, ("F-1",), "credit note K-2 applies to F-1"),
    ]
    # the command line's default strategies (kid, document, balance) use the link too
    assert propose(ledger, strategies=["kid", "document", "balance"]) == plan
    assert propose(ledger, strategies=["link"]) == plan
    # without a naming strategy no credit note is placed, linked or not
    assert propose(ledger, strategies=["balance", "amount"]).proposals == ()
    matched = apply(ledger, plan)
    assert [(i.id, i.remaining) for i in matched.open_items()] == [
        ("F-1", nok("70.00")), ("F-2", nok("150.00")),
    ]


def test_a_link_outside_the_sub_account_or_to_nothing_open_is_ignored() -> None:
    """Another customer's or control account's invoice, an unknown or settled id: no proposal."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, party="1", document_no="1001"),
        inv("F-2", "100", 1, party="2"),
        inv("F-3", "100", 1, party="1", account="1510"),
        inv("F-4", "100", 1, party="1"),
        pay("P-4", "-100", 2, party="1"),
        cn("K-1", "-10", 3, party="1", applies_to="F-2"),   # another customer's
        cn("K-2", "-10", 3, party="1", applies_to="F-3"),   # another control account
        cn("K-3", "-10", 3, party="1", applies_to="NOPE"),  # unknown
        cn("K-4", "-10", 3, party="1", applies_to="P-4"),   # not an invoice
    ]).match(["F-4", "P-4"])
    ledger = ledger.post(cn("K-5", "-10", 4, party="1", applies_to="F-4"))  # settled
    plan = propose(ledger)
    assert plan.proposals == ()
    assert plan.unmatched == ()  # credit notes are listed only when named
    named = propose(ledger, payments=["K-1", "K-2", "K-3", "K-4", "K-5"])
    assert named.unmatched == ("K-1", "K-2", "K-3", "K-4", "K-5")
    # an ignored link leaves the entry to the other strategies, as if it had none
    text = ledger.post(cn("K-6", "-10", 5, party="1", applies_to="F-2", text="Kreditnota 1001"))
    (proposal,) = propose(text).proposals
    assert (proposal.payment_id, proposal.rule, proposal.entry_ids) == (
        "K-6", Strategy.DOCUMENT, ("F-1",))


def test_a_payment_linked_to_its_invoice_is_placed_by_the_link() -> None:
    """A payment's applies_to is used like a credit note's, before KID and balance."""
    ledger = Ledger("NOK").post_many([
        inv("F-1", "100", 1, reference="100010010013"),
        inv("F-2", "100", 2),
        pay("P-1", "-100", 5, reference="100010010013", applies_to="F-2"),
    ])
    (proposal,) = propose(ledger).proposals
    assert (proposal.rule, proposal.entry_ids) == (Strategy.LINK, ("F-2",))
    assert proposal.evidence == "payment P-1 applies to F-2"


def test_a_linked_credit_note_and_a_payment_share_the_invoice() -> None:
    """The credit note takes its share by the link; the payment for the rest joins its match."""
    ledger = Ledger("NOK", post_against_post=PostAgainstPost.REFUSE).post_many([
        inv("F-1", "100", 1, reference="100010010013"),
        pay("P-1", "-70", 5, reference="100010010013"),
        cn("K-1", "-30", 6, applies_to="F-1"),
    ])
    plan = propose(ledger)
    assert [(p.payment_id, p.rule, p.joins) for p in plan.proposals] == [
        ("P-1", Strategy.KID, "K-1"), ("K-1", Strategy.LINK, None),
    ]
    match = apply(ledger, plan).match_of("F-1")
    assert match is not None
    assert match.is_closed
