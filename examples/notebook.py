"""A notebook session: a ledger, its open items and aging as DataFrames, and a statement.

The cells are marked ``# %%``: VS Code, PyCharm and Jupytext open the file as
a notebook, and ``python examples/notebook.py`` runs it top to bottom as a
script. In a notebook, leave a table as the last line of a cell (``items``,
``ledger.summary()``) to see it as an HTML table; here every table is printed
as a pandas DataFrame instead. It needs the ``pandas`` extra
(``pip install "reskontro[pandas]"``). The statement is written to a
temporary directory, or to the directory given as the first argument.
"""

# %% [markdown]
# # A month of a small wholesaler's customer ledger

# %%
from __future__ import annotations

import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd

from reskontro import Entry, Ledger, Money, automatch
from reskontro.aging import age
from reskontro.rendering import render_html, render_text
from reskontro.statement import PartyDetails, Statement

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 20)


def nok(amount: str) -> Money:
    """An amount in Norwegian kroner."""
    return Money(amount, "NOK")


# %% [markdown]
# ## Post a month of invoices and payments

# %%
invoices = [
    ("F-1001", "10001", "12500.00", date(2026, 1, 5), "100010010013"),
    ("F-1002", "10002", "8000.00", date(2026, 1, 8), "100020010029"),
    ("F-1003", "10001", "3125.00", date(2026, 1, 12), "100010030011"),
    ("F-1004", "10003", "6250.00", date(2026, 1, 14), "100030040016"),
    ("F-1005", "10002", "1875.00", date(2026, 2, 2), "100020050017"),
]
ledger = Ledger("NOK").post_many(
    Entry.invoice(invoice_id, party=party, amount=nok(amount), posted=posted,
                  due=date.fromordinal(posted.toordinal() + 14),
                  document_no=invoice_id[2:], reference=kid)
    for invoice_id, party, amount, posted, kid in invoices
)
ledger = ledger.post_many([
    Entry.payment("P-1", party="10001", amount=nok("-12500.00"), posted=date(2026, 1, 19),
                  reference="100010010013"),
    Entry.payment("P-2", party="10002", amount=nok("-5000.00"), posted=date(2026, 1, 23),
                  reference="100020010029"),
    Entry.payment("P-3", party="10003", amount=nok("-2000.00"), posted=date(2026, 2, 3),
                  text="Delbetaling faktura 1004"),
])

# %% [markdown]
# ## Match the payments automatically, and look at the plan first

# %%
plan = automatch.propose(ledger, strategies=["kid", "document", "balance"])
for proposal in plan.proposals:
    print(f"{proposal.payment_id} -> {', '.join(proposal.entry_ids)} ({proposal.rule})")
ledger = automatch.apply(ledger, plan)

# %% [markdown]
# ## The ledger summary and the open items as DataFrames

# %%
print()
print(ledger.summary().to_pandas().to_string(index=False))

# %%
items = ledger.open_items()
frame = items.to_pandas()
print()
print(frame[["id", "party", "due", "amount", "remaining", "match_id"]].to_string(index=False))
print(f"\nopen items: {len(frame)}, remaining {frame['remaining_local'].sum()} NOK")

# %% [markdown]
# Amounts stay exact ``Decimal`` values, so group totals add up to the øre.

# %%
by_party = frame.groupby("party")["remaining_local"].sum()
assert by_party.sum() == ledger.balance().local.amount == Decimal("12250.00")
print()
print(by_party.to_string())

# %% [markdown]
# ## Aging as of the end of February

# %%
month_end = date(2026, 2, 28)
report = age(ledger, month_end)
print()
print(report.to_pandas().to_string(index=False))

# %% [markdown]
# ## A statement for customer 10001, as text and as an HTML file

# %%
creditor = PartyDetails(name="Kaffegrossisten AS", account_number="8601 11 17947")
statement = Statement.open_items(ledger, "10001", as_of=month_end, creditor=creditor)
print()
print(render_text(statement, locale="nb_NO"))

# %%
out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
page = out_dir / "statement-10001.html"
page.write_text(render_html(statement, locale="nb_NO"), encoding="utf-8")
print(f"wrote {page.name} ({page.stat().st_size} bytes)")
