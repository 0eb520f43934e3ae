"""CSV for spreadsheet programs, which run a cell starting with ``=``, ``+``,
``-`` or ``@`` as a formula (``=HYPERLINK(...)``, ``=cmd|...``): such a cell,
and one starting with a tab or a carriage return, is written with a leading
``'``, which the programs show as text. Every CSV the portal writes goes
through ``csv_writer``."""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Writer:
    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> _Writer:
    """``csv.writer(stream)`` whose cells are never formulas."""
    return _Writer(stream, **kwargs)
