"""The cube's observations as N-Triples lines (W3C RDF Data Cube), built column-wise by Polars.

Each observation carries every dimension (qb's normalised form: a query needs no slice
defaults), its one measure named by ``qb:measureType``, and its dataset. Keys of the IRIs are
codes checked by the aggregation (reference codes, fixed code words), never raw input.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ptce_kg.rdf.iris import CUBE_STRUCTURE, OBSERVATIONS, SLICES, STATISTICS_DATASET, naf_iri
from ptce_kg.rdf.namespaces import FRANCE, IGEO, PTCE, QB, SDMX_DIMENSION, VOCAB
from ptce_kg.statistics.aggregate import ESTABLISHMENTS, LEGAL_UNITS, TOTAL, UNKNOWN

_LINES_PER_BATCH = 50_000
_MEASURES = {LEGAL_UNITS: str(PTCE.legalUnitCount), ESTABLISHMENTS: str(PTCE.establishmentCount)}
_NAF_SECTIONS = naf_iri("section", "A")[:-1]


def _code_iri(column: str, scheme: str) -> pl.Expr:
    return pl.lit(f"{VOCAB}{scheme}/") + pl.col(column)


def _category_iri() -> pl.Expr:
    """An ESS family IRI (from the derived graph) as it is, a code in the ess-category scheme."""
    category = pl.col("category")
    return (
        pl.when(category.str.starts_with("http"))
        .then(category)
        .otherwise(_code_iri("category", "ess-category"))
    )


def _naf_iri() -> pl.Expr:
    naf = pl.col("naf")
    return (
        pl.when(naf.is_in([UNKNOWN, TOTAL]))
        .then(_code_iri("naf", "naf-section"))
        .otherwise(pl.lit(_NAF_SECTIONS) + naf)
    )


def dataset_lines(period: str) -> list[str]:
    """The dataset node (structure, labels, ``dcterms:date`` its newest period: what the
    catalogue's territorial queries answer for), the slice of the period, and France as an
    ``igeo:Pays`` (the COG has no node for it) so that queries find it as any other area."""
    s, france = f"<{STATISTICS_DATASET}>", f"<{FRANCE}>"
    lines = [
        f"{s} <{RDF.type}> <{QB.DataSet}> .\n",
        f"{s} <{QB.structure}> <{CUBE_STRUCTURE}> .\n",
        f'{s} <{RDFS.label}> "Unités légales et établissements du répertoire par territoire '
        'et catégorie ESS"@fr .\n',
        f'{s} <{RDFS.label}> "Registry legal units and establishments by territory and ESS '
        'category"@en .\n',
        f"{france} <{RDF.type}> <{IGEO.Pays}> .\n",
        f'{france} <{IGEO.nom}> "France"@fr .\n',
    ]
    if period:
        date = f'"{period}"^^<{XSD.date}>'
        lines += [f"{s} <{DCTERMS.date}> {date} .\n", *period_lines(period)]
    return lines


def period_lines(period: str) -> list[str]:
    """The slice of one period: the dataset lists its periods (``qb:slice``), so a series
    needs no scan of the observations."""
    slice_ = f"<{SLICES}{period}>"
    return [
        f"<{STATISTICS_DATASET}> <{QB.slice}> {slice_} .\n",
        f"{slice_} <{RDF.type}> <{QB.Slice}> .\n",
        f'{slice_} <{SDMX_DIMENSION.refPeriod}> "{period}"^^<{XSD.date}> .\n',
    ]


def observation_lines(observations: pl.DataFrame, period: str) -> Iterator[list[str]]:
    """The N-Triples lines of ``observations`` (``aggregate.observations``) for ``period``
    (``YYYY-MM-DD``), in batches."""
    key = pl.concat_str(
        pl.lit(f"{OBSERVATIONS}{period}/"),
        pl.col("measure"),
        pl.lit("/"),
        pl.col("area_key"),
        pl.lit("/"),
        pl.col("category").str.split("/").list.last(),
        *(e for dim in ("flag", "naf", "band", "status") for e in (pl.lit("/"), pl.col(dim))),
    )
    subject = pl.lit("<") + key + pl.lit("> ")
    objects = {
        f"<{RDF.type}>": pl.lit(f"<{QB.Observation}>"),
        f"<{QB.dataSet}>": pl.lit(f"<{STATISTICS_DATASET}>"),
        f"<{SDMX_DIMENSION.refArea}>": pl.lit("<") + pl.col("area") + pl.lit(">"),
        f"<{SDMX_DIMENSION.refPeriod}>": pl.lit(f'"{period}"^^<{XSD.date}>'),
        f"<{PTCE.essCategory}>": pl.lit("<") + _category_iri() + pl.lit(">"),
        f"<{PTCE.essFlagCode}>": pl.lit("<") + _code_iri("flag", "sirene-ess-flag") + pl.lit(">"),
        f"<{PTCE.nafSection}>": pl.lit("<") + _naf_iri() + pl.lit(">"),
        f"<{PTCE.headcountBandCode}>": pl.lit("<")
        + _code_iri("band", "headcount-band")
        + pl.lit(">"),
        f"<{PTCE.administrativeStatus}>": pl.lit("<")
        + _code_iri("status", "administrative-status")
        + pl.lit(">"),
        f"<{QB.measureType}>": pl.lit("<")
        + pl.col("measure").replace_strict(_MEASURES, return_dtype=pl.String)
        + pl.lit(">"),
    }
    measure_line = (
        subject
        + pl.lit("<")
        + pl.col("measure").replace_strict(_MEASURES, return_dtype=pl.String)
        + pl.lit('> "')
        + pl.col("n").cast(pl.String)
        + pl.lit(f'"^^<{XSD.integer}> .\n')
    )
    for start in range(0, observations.height, _LINES_PER_BATCH // len(objects)):
        part = observations.slice(start, _LINES_PER_BATCH // len(objects))
        columns = [subject + pl.lit(p + " ") + o + pl.lit(" .\n") for p, o in objects.items()]
        lines = part.select(
            pl.concat_list(*(c.alias(str(i)) for i, c in enumerate(columns)), measure_line)
        ).to_series()
        yield [line for row in lines.to_list() for line in row]
