"""The cube's observations: counts of legal units and establishments by territory, ESS category,
SIRENE ESS flag, NAF section, headcount band and administrative status, computed with Polars.

Which combinations are materialised (the full cross product of every level of every dimension
would be tens of millions of cells at national scale; docs/statistics.md):

* every territory (commune, EPCI, arrondissement, département, région, France) by ESS
  category × status;
* départements, régions and France also by ESS category × status × one of flag, NAF section,
  headcount band;
* France by ESS category × status × flag × NAF section × band.

Each of ESS category and status is also totalled ("_T"); only cells with a count above zero
are kept. A legal unit is counted in a territory when it has an open establishment there
(always in France); an establishment in the territory of its commune, with its legal unit's
category, flag, activity and band.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

import polars as pl

from ptce_kg.rdf.iris import AREA_SEGMENTS, COMMUNE_TYPES
from ptce_kg.rdf.namespaces import FRANCE, INSEE_GEO
from ptce_kg.reference.datasets import headcount_bands, naf_sections, reference_dir
from ptce_kg.statistics.facts import RegistryFacts

TOTAL = "_T"
UNKNOWN = "unknown"
NOT_ESS = "not-ess"
ACTIVE, CEASED = "active", "ceased"
LEGAL_UNITS, ESTABLISHMENTS = "legal-units", "establishments"
# The coded dimensions, in the order of the observation keys; "area" is always grouped on.
DIMENSIONS = ("category", "flag", "naf", "band", "status")
_LEVELS = ("commune", "epci", "arrondissement", "departement", "region")
_DETAILED_LEVELS = ("departement", "region", "france")


def _subsets(dims: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [c for n in range(len(dims) + 1) for c in combinations(dims, n)]


# (territory levels, grouping sets of coded dimensions): the materialised slices.
_CORE = _subsets(("category", "status"))
SLICES: tuple[tuple[tuple[str, ...], list[tuple[str, ...]]], ...] = (
    ((*_LEVELS, "france"), _CORE),
    (_DETAILED_LEVELS, [(*core, one) for core in _CORE for one in ("flag", "naf", "band")]),
    (("france",), [(*core, "flag", "naf", "band") for core in _CORE]),
)


def area_key(iri: str) -> str:
    """An area's key in its observations' IRIs: INSEE's path with a dash (``departement-72``,
    ``intercommunalite-200000172``, ``pays-france``), so that a query can build it."""
    return iri.removeprefix(str(INSEE_GEO)).replace("/", "-")


@lru_cache(maxsize=1)
def territory_rows() -> pl.DataFrame:
    """Commune code -> the level, key and IRI of each territory it counts in (one row per
    level), from the COG files (read by Polars: a tenth of the time of the csv module)."""
    folder = reference_dir()
    epci = pl.read_csv(folder / "epci-membres.csv", infer_schema=False).select(
        pl.col("commune"), pl.col("epci").alias("members_epci")
    )
    communes = (
        pl.read_csv(folder / "communes.csv", infer_schema=False)
        .filter(pl.col("typecom") == "COM")
        .join(
            # one EPCI per commune, the last listed, as the COG graph (reference.datasets)
            epci.unique("commune", keep="last", maintain_order=True),
            left_on="code",
            right_on="commune",
            how="left",
        )
        .select(
            pl.col("code").alias("commune"),
            pl.col("code").alias("own"),
            pl.col("members_epci").alias("epci"),
            "arrondissement",
            "departement",
            "region",
        )
    )
    segments = {"own": COMMUNE_TYPES["COM"][0], **AREA_SEGMENTS}
    return (
        communes.unpivot(index="commune", variable_name="level", value_name="code")
        .filter(pl.col("code").is_not_null() & (pl.col("code") != ""))
        .with_columns(segment=pl.col("level").replace_strict(segments, return_dtype=pl.String))
        .select(
            "commune",
            pl.col("level").replace("own", "commune"),
            (pl.col("segment") + pl.lit("-") + pl.col("code")).alias("area_key"),
            (pl.lit(str(INSEE_GEO)) + pl.col("segment") + pl.lit("/") + pl.col("code")).alias(
                "area"
            ),
        )
    )


def _units(facts: RegistryFacts, families: dict[str, str]) -> pl.DataFrame:
    """One row per legal unit (first of each SIREN) with its coded dimensions."""
    units = pl.DataFrame(
        {
            "siren": facts.unit_siren,
            "flag": facts.unit_flag,
            "state": facts.unit_state,
            "activity": facts.unit_activity,
            "band": facts.unit_band,
        },
        schema=dict.fromkeys(("siren", "flag", "state", "activity", "band"), pl.String),
    ).unique(subset="siren", keep="first", maintain_order=True)
    family = pl.DataFrame(
        {"siren": list(families), "family": list(families.values())},
        schema={"siren": pl.String, "family": pl.String},
    )
    sections = naf_sections()
    return units.join(family, on="siren", how="left").select(
        "siren",
        pl.coalesce(
            "family",
            pl.when(pl.col("flag") == "N").then(pl.lit(NOT_ESS)).otherwise(pl.lit(UNKNOWN)),
        ).alias("category"),
        pl.when(pl.col("flag").is_in(["O", "N"]))
        .then("flag")
        .otherwise(pl.lit(UNKNOWN))
        .alias("flag"),
        pl.col("activity")
        .replace_strict(sections, default=UNKNOWN, return_dtype=pl.String)
        .alias("naf"),
        pl.when(pl.col("band").is_in(list(headcount_bands())))
        .then("band")
        .otherwise(pl.lit(UNKNOWN))
        .alias("band"),
        pl.when(pl.col("state") == "C")
        .then(pl.lit(CEASED))
        .otherwise(pl.lit(ACTIVE))
        .alias("status"),
    )


def _france(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        level=pl.lit("france"), area_key=pl.lit(area_key(str(FRANCE))), area=pl.lit(str(FRANCE))
    )


def _count(located: pl.DataFrame, measure: str) -> pl.DataFrame:
    """The materialised slices of ``located`` (rows of territory, coded dimensions and ``n``,
    the number of things counted with them).

    The keys are grouped as categoricals (integers; 4x faster than the strings at 300 000
    units) and the area's IRI is joined back once at the end.
    """
    keys = located.select(
        pl.col("level"),
        *(pl.col(c).cast(pl.Categorical) for c in ("area_key", *DIMENSIONS)),
        "n",
    )
    parts = []
    for levels, grouping_sets in SLICES:
        rows = keys.filter(pl.col("level").is_in(levels))
        # Counts add up: a grouping set is summed from a finer one already counted (a few
        # thousand rows) when there is one, instead of grouping the million rows again.
        done: dict[tuple[str, ...], pl.DataFrame] = {}
        for grouped in sorted(grouping_sets, key=len, reverse=True):
            finer = [g for g in done if set(grouped) < set(g)]
            if finer:
                source = done[min(finer, key=len)]
                counted = source.group_by("area_key", *grouped).agg(pl.col("n").sum())
            else:
                counted = rows.group_by("area_key", *grouped).agg(pl.col("n").sum())
            done[grouped] = counted
            parts.append(
                counted.select(
                    pl.col("area_key").cast(pl.String),
                    *(
                        pl.col(dim).cast(pl.String) if dim in grouped else pl.lit(TOTAL).alias(dim)
                        for dim in DIMENSIONS
                    ),
                    "n",
                )
            )
    iris = located.select("area_key", "area").unique("area_key")
    return (
        pl.concat(parts)
        .join(iris, on="area_key")
        .select("area_key", "area", *DIMENSIONS, "n")
        .with_columns(measure=pl.lit(measure))
    )


def observations(facts: RegistryFacts, families: dict[str, str]) -> pl.DataFrame:
    """Every materialised observation: ``measure``, ``area_key``, ``area`` (IRI), the coded
    dimensions of ``DIMENSIONS`` (a category is an ESS family IRI or a code) and ``n``.

    Things are counted per commune first and the counts summed over the territories of each
    commune: a few rows per commune instead of one per thing and territory (six at most).
    """
    units = _units(facts, families)
    sites = pl.DataFrame(
        {
            "siret": facts.site_siret,
            "siren": facts.site_siren,
            "commune": facts.site_commune,
            "state": facts.site_state,
        },
        schema=dict.fromkeys(("siret", "siren", "commune", "state"), pl.String),
    ).unique(subset="siret", keep="first", maintain_order=True)
    areas = territory_rows()
    # a legal unit in the territories of its open establishments (once each), and in France;
    # a unit whose open establishments are all in one commune (most) counts there like an
    # establishment, the others are spread over their territories and de-duplicated
    places = sites.filter(pl.col("state") != "F").select("siren", "commune").unique()
    spread = places.group_by("siren").agg(pl.len().alias("places"))
    in_one = places.join(spread.filter(pl.col("places") == 1), on="siren").join(units, on="siren")
    in_several = (
        places.join(spread.filter(pl.col("places") > 1), on="siren")
        .join(areas, on="commune")
        .select("siren", "level", "area_key", "area")
        .unique()
        .join(units, on="siren")
    )
    unit_rows = pl.concat(
        [
            _per_commune(in_one).join(areas, on="commune"),
            in_several.group_by("level", "area_key", "area", *DIMENSIONS).agg(n=pl.len()),
            _france(units.group_by(*DIMENSIONS).agg(n=pl.len())),
        ],
        how="diagonal",
    )
    site_facts = sites.select(
        "siren",
        "commune",
        pl.when(pl.col("state") == "F")
        .then(pl.lit(CEASED))
        .otherwise(pl.lit(ACTIVE))
        .alias("status"),
    ).join(units.drop("status"), on="siren")
    per_commune = _per_commune(site_facts)
    site_rows = pl.concat(
        [per_commune.join(areas, on="commune"), _france(per_commune)], how="diagonal"
    )
    return pl.concat([_count(unit_rows, LEGAL_UNITS), _count(site_rows, ESTABLISHMENTS)])


def _per_commune(things: pl.DataFrame) -> pl.DataFrame:
    """How many of ``things`` (one row each) have each commune and combination of codes."""
    return things.group_by("commune", *DIMENSIONS).agg(n=pl.len())
