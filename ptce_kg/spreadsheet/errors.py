"""Table errors: every problem found in a spreadsheet, located by sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass

from ptce_kg.errors import InputError, UnsafeInputError


@dataclass(frozen=True)
class TableError:
    """One problem in one place. ``row`` is the spreadsheet row (header = 1); ``row`` and
    ``column`` are None when the problem concerns a whole sheet or a whole row."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = [f"feuille {self.sheet}"]
        if self.row is not None:
            place.append(f"ligne {self.row}")
        if self.column is not None:
            place.append(f"colonne {self.column}")
        return f"{', '.join(place)} : {self.message}"


class TableErrors(InputError):
    """The tables do not follow the template's Table Schemas; carries ALL the errors found."""

    def __init__(self, errors: list[TableError], where: str | None = None) -> None:
        self.errors = list(errors)
        count = len(self.errors)
        lines = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(f"{count} erreur(s) dans les tableaux / table error(s):\n{lines}", where)


class UnsafeSpreadsheet(UnsafeInputError):
    """A workbook refused before it is read: not a workbook, too large, a decompression bomb."""
