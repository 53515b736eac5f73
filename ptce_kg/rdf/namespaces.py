"""IRIs used across ptce-kg: the PTCE ontology namespace and pinned external namespaces.

``PTCE`` is a DefinedNamespace generated from ``ontology/ptce.ttl``
(``python -m ptce_kg.tools.gen_namespace``): an unknown term such as ``PTCE.Pôle`` raises
AttributeError instead of silently minting a wrong IRI. A test keeps it equal to the TTL.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/ptce/"
ONTOLOGY = URIRef(BASE + "ontology")
ONTOLOGY_VERSION = URIRef(BASE + "ontology/0.1.0")

# Pinned external namespaces (design.md §1).
ORG = Namespace("http://www.w3.org/ns/org#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
PROV = Namespace("http://www.w3.org/ns/prov#")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
INSEE_GEO = Namespace("http://id.insee.fr/geo/")
NAF = Namespace("http://id.insee.fr/codes/nafr2/")

VOCAB = Namespace(BASE + "vocab/")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
LEGAL_FORM = Namespace(BASE + "vocab/legal-form/")
ANNUAIRE = Namespace("https://annuaire-entreprises.data.gouv.fr/entreprise/")
LAW_ARTICLE = Namespace("https://www.legifrance.gouv.fr/eli/loi/2014/7/31/ERNX1315311L/jo/article_")


class PTCE(DefinedNamespace):
    """Terms of the PTCE ontology (https://w3id.org/ptce/ontology#)."""

    _NS = Namespace("https://w3id.org/ptce/ontology#")
    _fail = True

    # BEGIN GENERATED from ontology/ptce.ttl by ptce_kg.tools.gen_namespace
    # Classes
    Actor: URIRef  # Actor
    Cluster: URIRef  # Business cluster
    CommonStrategy: URIRef  # Common and continuous strategy
    CompetitivenessCluster: URIRef  # Competitiveness cluster
    Cooperation: URIRef  # Cooperation
    EconomicActivity: URIRef  # Economic activity
    Establishment: URIRef  # Establishment
    FinancialYear: URIRef  # Closed financial year
    JobObservation: URIRef  # Job observation
    LegalUnit: URIRef  # Legal unit
    LocalSkill: URIRef  # Local human resource
    Membership: URIRef  # Pole membership
    NaturalPerson: URIRef  # Natural person
    Organization: URIRef  # Organisation
    PartnerLink: URIRef  # Partner link
    Pole: URIRef  # Territorial pole of economic cooperation (PTCE)
    Project: URIRef  # Project
    ReserveIncorporation: URIRef  # Incorporation of reserves into capital
    StateSupport: URIRef  # State support
    Statutes: URIRef  # Statutes
    TerritorialGrouping: URIRef  # Pole (territorial grouping)
    Territory: URIRef  # Territory
    # Object properties
    activity: URIRef  # main activity
    activityType: URIRef  # activity type
    actorCategory: URIRef  # actor category
    commune: URIRef  # commune
    concernsProject: URIRef  # concerns project
    cooperationLevel: URIRef  # cooperation level
    economicActivity: URIRef  # economic activity
    essEvidence: URIRef  # ESS evidence
    essFamily: URIRef  # ESS family
    establishmentOf: URIRef  # establishment of
    financialYear: URIRef  # financial year
    hasEstablishment: URIRef  # has establishment
    innovationType: URIRef  # innovation type
    jobObservation: URIRef  # job observation
    jobUnit: URIRef  # job unit
    leadStructure: URIRef  # lead structure
    legalForm: URIRef  # legal form
    linkNature: URIRef  # link nature
    linkedGrouping: URIRef  # linked grouping
    linkedPartner: URIRef  # linked partner
    localSkill: URIRef  # local skill
    municipalArrondissement: URIRef  # municipal arrondissement
    partOfArea: URIRef  # part of area
    participant: URIRef  # participant
    partner: URIRef  # partner
    perimeterArea: URIRef  # perimeter area
    project: URIRef  # project
    projectDimension: URIRef  # project dimension
    reserveIncorporation: URIRef  # reserve incorporation
    sector: URIRef  # sector
    servesStrategy: URIRef  # serves strategy
    sharedBy: URIRef  # shared by
    skillKind: URIRef  # skill kind
    socialUtilityObjective: URIRef  # social utility objective
    stateSupport: URIRef  # State support
    statutes: URIRef  # statutes
    strategy: URIRef  # strategy
    strategyMode: URIRef  # strategy mode
    territory: URIRef  # territory
    theme: URIRef  # theme
    withinGrouping: URIRef  # within grouping
    # Datatype properties
    activityCode: URIRef  # activity code
    activityNomenclature: URIRef  # activity classification
    administrativeState: URIRef  # administrative state
    allocDevFund: URIRef  # allocation to the development fund
    allocRetainedAndReserves: URIRef  # allocation to retained earnings and reserves
    availableReserves: URIRef  # available reserves
    awardYear: URIRef  # award year
    borderlineEss: URIRef  # borderline ESS
    capitalAmortisationAllowed: URIRef  # capital amortisation allowed
    cogVintage: URIRef  # COG vintage
    communeCode: URIRef  # commune code
    cooperationObject: URIRef  # cooperation object
    creationDate: URIRef  # creation date
    democraticGovernance: URIRef  # democratic governance
    devFundRate: URIRef  # development fund rate
    directoryEssClaim: URIRef  # ESS according to the company directory
    email: URIRef  # email
    endDate: URIRef  # end date
    essRegistryMention: URIRef  # ESS registry mention
    fictitiousExample: URIRef  # fictitious example
    firstIncorporation: URIRef  # first incorporation
    fiscalYear: URIRef  # fiscal year
    headOffice: URIRef  # head office
    headcountBand: URIRef  # headcount band
    inEssFranceList: URIRef  # in the ESS France list
    incorporatedAmount: URIRef  # incorporated amount
    incorporationDate: URIRef  # incorporation date
    jobCount: URIRef  # job count
    liquidationSurplusToEss: URIRef  # liquidation surplus to an ESS enterprise
    localDevelopmentContribution: URIRef  # sustainable local development contribution
    locatedInPoleTerritory: URIRef  # located in the pole's territory
    membersKnown: URIRef  # members known
    missionCompanyFlag: URIRef  # mission company flag
    nonLossCapitalReductionAllowed: URIRef  # non-loss capital reduction allowed
    observationDate: URIRef  # observation date
    ongoing: URIRef  # ongoing
    priorLosses: URIRef  # prior losses
    profit: URIRef  # profit
    programme: URIRef  # programme
    purposeBeyondProfitSharing: URIRef  # purpose beyond profit sharing
    rank: URIRef  # rank
    reserveIncreaseSinceLast: URIRef  # reserve increase since the previous incorporation
    reservesIndivisible: URIRef  # indivisible reserves
    retainedRate: URIRef  # retained rate
    rnaId: URIRef  # RNA number
    shareCapital: URIRef  # share capital
    shareProfitToActivity: URIRef  # share of profit to the activity
    siren: URIRef  # SIREN number
    sireneEssFlag: URIRef  # SIRENE ESS flag
    siret: URIRef  # SIRET number
    socialUtilityIsPrincipal: URIRef  # social utility as main aim
    startDate: URIRef  # start date
    totalReserves: URIRef  # total reserves
    website: URIRef  # website
    # END GENERATED


def vocab(scheme: str, notation: str) -> URIRef:
    """IRI of a concept, e.g. ``vocab("cooperation-level", "strategic")``."""
    return URIRef(f"{VOCAB}{scheme}/{notation}")
