"""IRIs used across ptce-kg: the PTCE ontology namespace and pinned external namespaces.

``PTCE`` is a DefinedNamespace generated from ``ontology/ptce.ttl``
(``python -m ptce_kg.tools.gen_namespace``): an unknown term such as ``PTCE.Pôle`` raises
AttributeError instead of silently minting a wrong IRI. A test keeps it equal to the TTL.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import PROV as PROV  # one PROV: rdflib's, re-exported
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/ptce/"
ONTOLOGY = URIRef(BASE + "ontology")
ONTOLOGY_VERSION = URIRef(BASE + "ontology/0.1.0")

# Pinned external namespaces (design.md §1). W3C namespaces that rdflib defines (RDF, RDFS,
# OWL, SKOS, XSD, DCTERMS, DCAT, PROV, VOID, SH…) come from ``rdflib.namespace``.
ORG = Namespace("http://www.w3.org/ns/org#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
INSEE = Namespace("http://id.insee.fr/")
INSEE_GEO = Namespace(INSEE + "geo/")
NAF = Namespace(INSEE + "codes/nafr2/")
FRANCE = URIRef(INSEE + "geo/pays/france")  # INSEE's IRI of France (the cube's national area)
QB = Namespace("http://purl.org/linked-data/cube#")  # W3C RDF Data Cube
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")

VOCAB = Namespace(BASE + "vocab/")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
SHAPES = Namespace(BASE + "shapes#")  # the helper terms of shapes/ (ptcesh:)
LEGAL_FORM = Namespace(BASE + "vocab/legal-form/")
ANNUAIRE = Namespace("https://annuaire-entreprises.data.gouv.fr/entreprise/")
ANNUAIRE_ESTABLISHMENT = Namespace("https://annuaire-entreprises.data.gouv.fr/etablissement/")
LAW_ARTICLE = Namespace("https://www.legifrance.gouv.fr/eli/loi/2014/7/31/ERNX1315311L/jo/article_")


class PTCE(DefinedNamespace):
    """Terms of the PTCE ontology (https://w3id.org/ptce/ontology#)."""

    _NS = Namespace(BASE + "ontology#")
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
    EsusApproval: URIRef  # ESUS approval
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
    administrativeStatus: URIRef  # administrative status
    commune: URIRef  # commune
    concernsProject: URIRef  # concerns project
    cooperationLevel: URIRef  # cooperation level
    departement: URIRef  # département
    economicActivity: URIRef  # economic activity
    epci: URIRef  # EPCI
    essCategory: URIRef  # ESS category
    essEvidence: URIRef  # ESS evidence
    essFamily: URIRef  # ESS family
    essFlagCode: URIRef  # SIRENE ESS flag code
    establishmentOf: URIRef  # establishment of
    esusApproval: URIRef  # ESUS approval
    financialYear: URIRef  # financial year
    hasEstablishment: URIRef  # has establishment
    headcountBandCode: URIRef  # employer size band code
    innovationType: URIRef  # innovation type
    issuingPrefecture: URIRef  # issuing prefecture
    jobObservation: URIRef  # job observation
    jobUnit: URIRef  # job unit
    leadStructure: URIRef  # lead structure
    legalForm: URIRef  # legal form
    linkNature: URIRef  # link nature
    linkedGrouping: URIRef  # linked grouping
    linkedPartner: URIRef  # linked partner
    localSkill: URIRef  # local skill
    municipalArrondissement: URIRef  # municipal arrondissement
    nafSection: URIRef  # NAF section
    partOfArea: URIRef  # part of area
    participant: URIRef  # participant
    partner: URIRef  # partner
    perimeterArea: URIRef  # perimeter area
    project: URIRef  # project
    projectDimension: URIRef  # project dimension
    pursuedObjective: URIRef  # pursued objective
    region: URIRef  # région
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
    touchesDepartement: URIRef  # touches département
    touchesRegion: URIRef  # touches région
    withinGrouping: URIRef  # within grouping
    # Datatype properties
    activityCode: URIRef  # activity code
    activityNomenclature: URIRef  # activity classification
    administrativeState: URIRef  # administrative state
    allocDevFund: URIRef  # allocation to the development fund
    allocRetainedAndReserves: URIRef  # allocation to retained earnings and reserves
    approvalByRight: URIRef  # approval by right
    approvalDate: URIRef  # approval date
    availableReserves: URIRef  # available reserves
    avgTop5Pay: URIRef  # average pay of the five best paid
    awardYear: URIRef  # award year
    borderlineEss: URIRef  # borderline ESS
    branchMinimum: URIRef  # annual branch minimum wage
    capitalAmortisationAllowed: URIRef  # capital amortisation allowed
    cogVintage: URIRef  # COG vintage
    communeCode: URIRef  # commune code
    cooperationObject: URIRef  # cooperation object
    creationDate: URIRef  # creation date
    democraticGovernance: URIRef  # democratic governance
    devFundRate: URIRef  # development fund rate
    directoryEssClaim: URIRef  # ESS according to the company directory
    dividends: URIRef  # dividends paid
    email: URIRef  # email
    endDate: URIRef  # end date
    equity: URIRef  # equity
    essRegistryMention: URIRef  # ESS registry mention
    establishmentCount: URIRef  # number of establishments
    expiryDate: URIRef  # expiry date
    fictitiousExample: URIRef  # fictitious example
    firstIncorporation: URIRef  # first incorporation
    fiscalYear: URIRef  # fiscal year
    headOffice: URIRef  # head office
    headcountBand: URIRef  # headcount band
    inEssFranceList: URIRef  # in the ESS France list
    incorporatedAmount: URIRef  # incorporated amount
    incorporationDate: URIRef  # incorporation date
    jobCount: URIRef  # job count
    legalUnitCount: URIRef  # number of legal units
    liquidationSurplusToEss: URIRef  # liquidation surplus to an ESS enterprise
    listedOnMarket: URIRef  # listed on a market
    localDevelopmentContribution: URIRef  # sustainable local development contribution
    locatedInPoleTerritory: URIRef  # located in the pole's territory
    membersKnown: URIRef  # members known
    missionCompanyFlag: URIRef  # mission company flag
    nonBankFinancing: URIRef  # non-bank financing
    nonBankFinancingPay: URIRef  # pay for non-bank financing
    nonLossCapitalReductionAllowed: URIRef  # non-loss capital reduction allowed
    observationDate: URIRef  # observation date
    ongoing: URIRef  # ongoing
    opexSocialUtility: URIRef  # social-utility operating expenses
    opexTotal: URIRef  # total operating expenses
    priorLosses: URIRef  # prior losses
    profit: URIRef  # profit
    profitMajorityToActivity: URIRef  # most profits kept for the activity
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
    smicAnnualFullTime: URIRef  # annual full-time minimum wage
    socialUtilityIsPrincipal: URIRef  # social utility as main aim
    startDate: URIRef  # start date
    tmoRate: URIRef  # average bond yield
    topPay: URIRef  # top pay
    totalReserves: URIRef  # total reserves
    website: URIRef  # website
    # END GENERATED


def vocab(scheme: str, notation: str) -> URIRef:
    """IRI of a concept, e.g. ``vocab("cooperation-level", "strategic")``."""
    return URIRef(f"{VOCAB}{scheme}/{notation}")
