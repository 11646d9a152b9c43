"""Tables for notebooks and DataFrame libraries: records, HTML and pandas.

Every table-like value in reskontro (the items of a query, the match rows,
the balances per sub-account, and the reports built on them) offers the same
three views:

* ``to_records()``: a list of flat dicts, one per row, with the same keys in
  the same order in every row. The values are plain Python scalars chosen to
  stay exact: ``str`` for ids, codes and enum values, ``decimal.Decimal`` for
  amounts (never float), ``datetime.date`` for dates, ``int``, ``bool`` and
  ``None``. ``json.dumps(records, default=str)`` turns them into JSON with
  amounts as exact decimal strings and dates in ISO format.
* ``_repr_html_()``: an HTML table, which Jupyter and other notebooks show
  when the value is the last expression of a cell. Every cell is escaped, so
  text from your data (an entry's ``text``, a party number) is shown, never
  run as markup.
* ``to_pandas()``: a :class:`pandas.DataFrame` of the records. pandas is an
  optional extra (``pip install "reskontro[pandas]"``), imported only when
  this method is called, so ``import reskontro`` never imports it; without it
  the method raises :class:`~reskontro.exceptions.MissingExtraError`.

The DataFrame's columns follow the records. Amounts stay ``Decimal`` in
``object`` columns, so sums are exact (convert with ``.astype(float)`` if you
choose to); dates become ``datetime64[ns]`` (a missing date is ``NaT``); text
is pandas' nullable ``string`` dtype; counts are ``int64`` and flags ``bool``.

This module holds the shared machinery: :class:`Column` describes a column,
:func:`html_table` and :func:`to_dataframe` build the two views from records,
and the :class:`Tabular` mixin gives a class both methods from its
``to_records()``.

>>> from datetime import date
>>> from decimal import Decimal
>>> records = [{"id": "F-1", "due": date(2026, 1, 19), "remaining": Decimal("1250.00")}]
>>> print(html_table(records, title="Open <items>"))  # doctest: +ELLIPSIS
<table class="reskontro">
<caption>Open &lt;items&gt;</caption>
<thead><tr><th>id</th><th>due</th><th>remaining</th></tr></thead>
<tbody>
<tr><td>F-1</td><td>2026-01-19</td><td style="text-align: right">1250.00</td></tr>
</tbody>
</table>
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal, final

import attrs

from reskontro.exceptions import MissingExtraError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Column", "Tabular", "html_table", "infer_columns", "to_dataframe"]

#: What a column holds: decides its alignment in HTML and its pandas dtype.
Kind = Literal["text", "amount", "date", "int", "bool"]

#: Rows shown by ``_repr_html_`` before the table is cut short.
MAX_HTML_ROWS: Final = 60


@final
@attrs.frozen
class Column:
    """A column of a table: its name (the record key) and what it holds.

    *kind* is one of ``"text"``, ``"amount"`` (a ``Decimal``), ``"date"``,
    ``"int"`` and ``"bool"``.

    >>> Column("remaining", "amount")
    Column(name='remaining', kind='amount')
    """

    name: str
    kind: Kind = "text"


def infer_columns(records: Sequence[Mapping[str, Any]]) -> tuple[Column, ...]:
    """The columns of *records*: the keys of the first record, kinds from the values.

    A column's kind comes from its first value that is not ``None``; a column
    that is ``None`` in every record is text.

    >>> from decimal import Decimal
    >>> infer_columns([{"id": "F-1", "amount": None}, {"id": "F-2", "amount": Decimal(1)}])
    (Column(name='id', kind='text'), Column(name='amount', kind='amount'))
    >>> infer_columns([])
    ()
    """
    if not records:
        return ()
    columns = []
    for name in records[0]:
        value = next((r.get(name) for r in records if r.get(name) is not None), None)
        columns.append(Column(name, _kind_of(value)))
    return tuple(columns)


def _kind_of(value: object) -> Kind:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, Decimal):
        return "amount"
    if isinstance(value, date):
        return "date"
    return "text"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def html_table(
    records: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[Column] | None = None,
    title: str | None = None,
    max_rows: int = MAX_HTML_ROWS,
) -> str:
    """An HTML table of *records*, every header and cell escaped.

    Amounts and counts are right-aligned. Beyond *max_rows* rows the table
    shows the first ones and says how many it left out.

    Args:
        records: the rows, as ``to_records()`` gives them.
        columns: the columns to show, in order (default: inferred from the records).
        title: a caption above the table.
        max_rows: the most rows to show.

    >>> table = html_table([{"text": "<script>alert(1)</script>"}])
    >>> "<script>" in table, "&lt;script&gt;alert(1)&lt;/script&gt;" in table
    (False, True)
    """
    cols = tuple(columns) if columns is not None else infer_columns(records)
    out = ['<table class="reskontro">']
    if title:
        out.append(f"<caption>{html.escape(title)}</caption>")
    out.append(
        "<thead><tr>"
        + "".join(f"<th>{html.escape(c.name)}</th>" for c in cols)
        + "</tr></thead>"
    )
    out.append("<tbody>")
    right = ' style="text-align: right"'
    for record in records[:max_rows]:
        cells = (
            f"<td{right if c.kind in ('amount', 'int') else ''}>"
            f"{html.escape(_cell(record.get(c.name)))}</td>"
            for c in cols
        )
        out.append("<tr>" + "".join(cells) + "</tr>")
    if len(records) > max_rows:
        out.append(
            f'<tr><td colspan="{max(len(cols), 1)}">'
            f"… {len(records) - max_rows} more rows (to_records() or to_pandas() has them all)"
            "</td></tr>"
        )
    out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise MissingExtraError(
            'to_pandas() needs pandas, which is not installed: pip install "reskontro[pandas]"',
            field="extra",
            value="pandas",
        ) from None
    return pandas


def to_dataframe(
    records: Sequence[Mapping[str, Any]], *, columns: Sequence[Column] | None = None
) -> pd.DataFrame:
    """A :class:`pandas.DataFrame` of *records*, with a dtype per column kind.

    Amounts stay exact ``Decimal`` values (``object`` dtype), dates become
    ``datetime64[ns]``, text the nullable ``string`` dtype, counts ``int64``
    and flags ``bool``. An empty table keeps its columns when *columns* is
    given.

    Raises:
        MissingExtraError: pandas is not installed (the ``pandas`` extra).

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> frame = to_dataframe(
    ...     [{"id": "F-1", "due": date(2026, 1, 19), "remaining": Decimal("5.00")}])
    >>> [str(t) for t in frame.dtypes]
    ['string', 'datetime64[ns]', 'object']
    >>> frame["remaining"].sum()
    Decimal('5.00')
    """
    pandas = _pandas()
    cols = tuple(columns) if columns is not None else infer_columns(records)
    data = {}
    for column in cols:
        values = [record.get(column.name) for record in records]
        if column.kind == "amount":
            data[column.name] = pandas.Series(values, dtype=object)
        elif column.kind == "date":
            data[column.name] = pandas.Series(pandas.to_datetime(values), dtype="datetime64[ns]")
        elif column.kind == "int":
            data[column.name] = pandas.Series(
                values, dtype="Int64" if None in values else "int64"
            )
        elif column.kind == "bool":
            data[column.name] = pandas.Series(values, dtype="boolean" if None in values else bool)
        else:
            data[column.name] = pandas.Series(values, dtype="string")
    frame: pd.DataFrame = pandas.DataFrame(data, columns=[c.name for c in cols])
    return frame


class Tabular:
    """Mixin: ``_repr_html_`` and ``to_pandas`` for a class with ``to_records()``.

    A class sets ``_columns`` (its :class:`Column` tuple, so an empty table
    keeps its columns; inferred from the records when ``None``), or overrides
    ``_table_columns`` when its columns depend on its rows, and may override
    ``_table_title`` for the caption.

    >>> class Pair(Tabular):
    ...     _columns = (Column("a", "int"),)
    ...     def to_records(self):
    ...         return [{"a": 1}, {"a": 2}]
    >>> list(Pair().to_pandas()["a"])
    [1, 2]
    """

    __slots__ = ()

    _columns: ClassVar[tuple[Column, ...] | None] = None

    def to_records(self) -> list[dict[str, Any]]:  # pragma: no cover - every subclass has one
        """The rows as flat dicts (see the module docstring for the value types)."""
        raise NotImplementedError

    def _table_columns(self) -> tuple[Column, ...] | None:
        return self._columns

    def _table_title(self) -> str | None:
        return None

    def _repr_html_(self) -> str:
        """The table as HTML, for notebooks (every cell escaped)."""
        return html_table(
            self.to_records(), columns=self._table_columns(), title=self._table_title()
        )

    def to_pandas(self) -> pd.DataFrame:
        """The records as a :class:`pandas.DataFrame` (needs the ``pandas`` extra).

        Raises:
            MissingExtraError: pandas is not installed.
        """
        return to_dataframe(self.to_records(), columns=self._table_columns())
