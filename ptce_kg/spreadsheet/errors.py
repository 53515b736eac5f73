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

    @property
    def field(self) -> str | None:
        """The template field (column header) concerned; None for a whole sheet or row, or a
        column known only by its position (``n° 4``)."""
        if self.column is None or self.column.startswith("n° "):
            return None
        return self.column

    def as_dict(self, file: str | None = None) -> dict[str, object]:
        """The error as a JSON object; ``file`` is the workbook or CSV folder it was found in."""
        return {
            "where": file,
            "file": file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }


class TableErrors(InputError):
    """The tables do not follow the template's Table Schemas; carries ALL the errors found.
    ``files`` names the file of each sheet when the sheets came in several files (uploaded
    CSV files); the others are in ``where``."""

    def __init__(
        self,
        errors: list[TableError],
        where: str | None = None,
        files: dict[str, str] | None = None,
    ) -> None:
        self.errors = list(errors)
        self.files = dict(files or {})
        count = len(self.errors)
        lines = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(f"{count} erreur(s) dans les tableaux / table error(s):\n{lines}", where)

    def entries(self) -> list[dict[str, object]]:
        return [error.as_dict(self.files.get(error.sheet, self.where)) for error in self.errors]


class UnsafeSpreadsheet(UnsafeInputError):
    """A workbook refused before it is read: not a workbook, too large, a decompression bomb."""
