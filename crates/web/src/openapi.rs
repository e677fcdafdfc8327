//! The OpenAPI 3 document, generated from the handlers and types, then completed by one
//! pass that gives every answer its `API-Version` header and every operation its error
//! answers as problem details: what is true of all of them is written once.

use std::sync::OnceLock;

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Doc, RefOr};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use leerrecht_app::register::import::MELDING_SOORTEN;
use leerrecht_app::zaken::meldingen::{AFSLUITREDENEN, INTREKREDENEN, STATUSSEN};
use leerrecht_domain::org::{OrgSoort, Rol};
use leerrecht_domain::person::Sector;
use leerrecht_domain::rules::Regel;
use leerrecht_domain::rules::Verzuimsoort;
use leerrecht_domain::thuiszitters::{Categorie, Oorzaak};
use leerrecht_domain::zaak::{AanbodType, Artikel, Deskundige, Sluitreden};

use crate::middleware::api_version::API_VERSION;
use crate::routes::{intake, jongeren, rmc, sessies, vrijstellingen, werk, zaakwerk};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "leerrecht API",
        version = "1.0.0",
        description = "Verzuim en thuiszitters in beeld: the register of young people, their \
            absence, meldingen, signals, the thuiszitters list, cases, worklists and figures of a \
            region. Every read of a person's data passes the need-to-know gate and is written to \
            the audit log before it is answered. A person is named by an opaque id, never by BSN; \
            look a person up by BSN with POST /jongeren/_zoek. Errors are problem details \
            (RFC 9457); invalid input lists each field in the extension member `invalidParams`.",
        contact(name = "leerrecht", email = "leerrecht@example.org", url = "https://example.org/leerrecht"),
        license(name = "EUPL-1.2", url = "https://joinup.ec.europa.eu/collection/eupl/eupl-text-eupl-12")
    ),
    servers((url = "https://{host}/api/v1",
        description = "An installation of leerrecht, behind its TLS proxy",
        variables(("host" = (default = "localhost",
            description = "The host name (and port, if not 443) of the installation"))))),
    paths(
        sessies::inloggen, sessies::uitloggen, sessies::ik, sessies::gebruikers,
        sessies::wachtwoordherstel, sessies::wachtwoord_wijzigen,
        sessies::organisaties, sessies::organisatie,
        jongeren::lijst, jongeren::zoeken, jongeren::jongere, jongeren::inschrijvingen, jongeren::verzorgers,
        jongeren::verzorger_toevoegen, jongeren::verzorger_verwijderen,
        jongeren::verzuim, intake::verzuim, jongeren::signalen,
        intake::meldingen_lezen, intake::meldingen, intake::melding_wijzigen,
        jongeren::registraties, jongeren::registratie_wijzigen,
        jongeren::zaken, jongeren::zaak, jongeren::aanbod, jongeren::aanbod_doen,
        jongeren::partner_toevoegen, jongeren::partner_verwijderen,
        jongeren::escalaties, vrijstellingen::lijst, vrijstellingen::vastleggen, werk::werklijst,
        werk::peildatum, werk::oorzaken, werk::schooljaar, werk::doelen, werk::kpi,
        werk::leerplichttelling, werk::inspectie, werk::rmc_cijfers,
        rmc::lijst, rmc::openen, zaakwerk::contactpoging,
        zaakwerk::plan, zaakwerk::ouders, zaakwerk::sluiting,
        zaakwerk::zaaknotities, zaakwerk::zaaknotitie_schrijven,
        zaakwerk::brieven, zaakwerk::brief_maken, zaakwerk::brief_pdf, zaakwerk::handhaving,
        zaakwerk::notities, zaakwerk::notitie_schrijven, zaakwerk::noodtoegang,
    ),
    components(schemas(
        crate::error::Problem,
        JongereId, Leerlingnummer, Schoolcode, Gemeentecode, Organisatiecode, Schooljaar,
        Bestandsdatum, Datumlijst, CategorieCode, OorzaakCode, SluitredenCode, ArtikelCode,
        NotitieniveauCode, NotitiesoortCode, SjabloonCode, HandhavingCode, ContactwijzeCode, ArtikelInvoer, DeskundigeCode, AanbodCode, MeldingstatusCode, NieuweMeldingstatus,
        AfsluitredenCode, VerzuimsoortCode, MeldingsoortCode, OrganisatiesoortCode, SectorCode,
        RegelCode, RolCode,
    )),
    modifiers(&Common),
    security(("bearer" = []), ("sessie" = [])),
    tags(
        (name = "sessies", description = "Inloggen en uitloggen"),
        (name = "gebruikers", description = "Wie belt er, en de accounts"),
        (name = "organisaties", description = "Het register van organisaties"),
        (name = "jongeren", description = "Jongeren en hun inschrijvingen"),
        (name = "verzuim", description = "Verzuim en signalen"),
        (name = "meldingen", description = "Verzuimmeldingen"),
        (name = "thuiszitters", description = "De thuiszitterslijst, zaken, aanbod en escalaties"),
        (name = "werklijst", description = "Wat er nu moet gebeuren"),
        (name = "rapportages", description = "De cijfers"),
    )
)]
struct ApiDoc;

struct Common;

/// The errors every operation may answer, besides its own.
const ERRORS: [(&str, &str); 10] = [
    (
        "400",
        "Ongeldig verzoek: een header, queryparameter of de JSON zelf",
    ),
    ("401", "Niet ingelogd, of sessie verlopen"),
    (
        "403",
        "Geen toegang (buiten uw doelgroep, of een schrijfactie zonder CSRF-token)",
    ),
    ("404", "Niet gevonden"),
    ("405", "Methode niet toegestaan"),
    ("413", "Verzoek te groot"),
    ("415", "Stuur application/json"),
    (
        "422",
        "Ongeldige invoer; invalidParams noemt elk veld of elke rij",
    ),
    ("429", "Te veel verzoeken"),
    ("503", "Tijdelijk niet beschikbaar"),
];

impl Modify for Common {
    fn modify(&self, doc: &mut Doc) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (lrt_…) of a school's system, or a session token (lrs_…)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "sessie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::COOKIE,
                "The session cookie set by POST /sessies; writes also need X-CSRF-Token",
            ))),
        );
        let version = HeaderBuilder::new()
            .schema(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .examples([API_VERSION])
                    .build(),
            )
            .description(Some("The full version of the API"))
            .build();
        let problem = Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
            "Problem",
        ))));
        for item in doc.paths.paths.values_mut() {
            let ops: [&mut Option<Operation>; 5] = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in ops.into_iter().flatten() {
                for (code, what) in ERRORS {
                    op.responses
                        .responses
                        .entry(code.to_string())
                        .or_insert_with(|| {
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(what)
                                    .content("application/problem+json", problem.clone())
                                    .build(),
                            )
                        });
                }
                for r in op.responses.responses.values_mut() {
                    if let RefOr::T(r) = r {
                        r.headers.insert("API-Version".into(), version.clone());
                    }
                }
            }
        }
        koppelen(doc);
        samenhang(doc);
    }
}

/// What JSON Schema says of members together, which the derived schemas cannot: two members
/// given both or neither (`dependentRequired`), a plan with at least one part (`anyOf`).
fn samenhang(doc: &mut Doc) {
    let Some(schemas) = doc.components.as_mut().map(|c| &mut c.schemas) else {
        return;
    };
    let beide = |a: &str, b: &str| serde_json::json!({ a: [b], b: [a] });
    let regels = [
        (
            "RegistratieWijziging",
            "dependentRequired",
            beide("categorie", "oorzaak"),
        ),
        (
            "NieuweVrijstellingVerzoek",
            "dependentRequired",
            beide("verklaring_datum", "verklaring_door"),
        ),
        (
            "NieuwPlan",
            "anyOf",
            serde_json::Value::Array(
                ["onderwijs", "zorg", "jeugdhulp"]
                    .iter()
                    .map(|m| {
                        serde_json::json!({
                            "required": [m],
                            "properties": { *m: { "const": true } }
                        })
                    })
                    .collect(),
            ),
        ),
    ];
    // A melding's new status decides which reason it takes, if any, and whether it may
    // carry the school's words.
    let status = serde_json::json!([
        {
            "properties": {
                "status": { "enum": ["geregistreerd", "in_behandeling", "ter_kennisgeving"] },
                "afsluitreden": false,
                "toelichting": false
            }
        },
        {
            "properties": {
                "status": { "const": "afgesloten" },
                "afsluitreden": { "enum": AFSLUITREDENEN },
                "toelichting": false
            },
            "required": ["afsluitreden"]
        },
        {
            "properties": {
                "status": { "const": "ingetrokken" },
                "afsluitreden": { "enum": INTREKREDENEN }
            },
            "required": ["afsluitreden"]
        }
    ]);
    let regels = regels
        .into_iter()
        .chain([("MeldingWijziging", "oneOf", status)]);
    for (naam, sleutel, waarde) in regels {
        if let Some(RefOr::T(Schema::Object(o))) = schemas.get_mut(naam) {
            o.extensions
                .get_or_insert_with(Default::default)
                .insert(sleutel.to_string(), waarde);
        }
    }
}

/// What a response hands on to other operations: an id, a case number, a code. Written into
/// the document as OpenAPI `links`, so that a client (or a stateful test) knows where the
/// values a request needs come from.
struct Bron {
    /// The operation and status of the response.
    operatie: &'static str,
    status: &'static str,
    /// Where in the response body the value is (a JSON pointer).
    pointer: &'static str,
}

/// A source, as a row of its table: operation, status, pointer.
const fn bron(operatie: &'static str, status: &'static str, pointer: &'static str) -> Bron {
    Bron {
        operatie,
        status,
        pointer,
    }
}

/// Where a value goes: a parameter (`path.id`, `query.jongere`) or a member of the body.
enum Doel {
    Parameter(&'static str, &'static str),
    Body(&'static str, &'static str),
}

impl Doel {
    fn operatie(&self) -> &'static str {
        match self {
            Doel::Parameter(op, _) | Doel::Body(op, _) => op,
        }
    }
}

/// The responses that name a young person, and the operations that take one.
const JONGERE_BRONNEN: [Bron; 6] = [
    bron("lijst", "200", "/jongeren/0/id"),
    bron("rmc_lijst", "200", "/0/jongere/id"),
    bron("zoeken", "200", "/id"),
    bron("jongere", "200", "/id"),
    bron("werklijst", "200", "/items/0/jongere"),
    bron("noodtoegang", "201", "/jongere"),
];
const JONGERE_DOELEN: [Doel; 18] = [
    Doel::Body("rmc_zaak_openen", "jongere"),
    Doel::Parameter("jongere", "path.id"),
    Doel::Parameter("inschrijvingen", "query.jongere"),
    Doel::Parameter("verzorgers", "query.jongere"),
    Doel::Parameter("verzuim", "query.jongere"),
    Doel::Parameter("signalen", "query.jongere"),
    Doel::Parameter("meldingen_lezen", "query.jongere"),
    Doel::Parameter("registraties", "query.jongere"),
    Doel::Parameter("zaken", "query.jongere"),
    Doel::Parameter("aanbod", "query.jongere"),
    Doel::Parameter("escalaties", "query.jongere"),
    Doel::Parameter("vrijstellingen_lijst", "query.jongere"),
    Doel::Parameter("notities", "query.jongere"),
    Doel::Body("registratie_wijzigen", "jongere"),
    Doel::Body("notitie_schrijven", "jongere"),
    Doel::Body("verzorger_toevoegen", "jongere"),
    Doel::Body("verzorger_verwijderen", "jongere"),
    Doel::Body("vrijstelling_vastleggen", "jongere"),
];

/// The responses that name a case, and the operations on one.
const ZAAK_BRONNEN: [Bron; 13] = [
    bron("rmc_zaak_openen", "201", "/zaak"),
    bron("rmc_lijst", "200", "/0/zaak"),
    bron("zaken", "200", "/0/id"),
    bron("zaak", "200", "/id"),
    bron("meldingen_lezen", "200", "/0/zaak"),
    bron("aanbod", "200", "/0/zaak"),
    bron("aanbod_doen", "201", "/zaak"),
    bron("escalaties", "200", "/0/zaak"),
    bron("vrijstellingen_lijst", "200", "/0/zaak"),
    bron("vrijstelling_vastleggen", "201", "/zaak"),
    bron("partner_toevoegen", "201", "/zaak"),
    bron("zaaknotitie_schrijven", "201", "/zaak"),
    bron("brief_maken", "201", "/zaak"),
];
const ZAAK_DOELEN: [Doel; 12] = [
    Doel::Parameter("contactpoging", "path.id"),
    Doel::Parameter("handhaving", "path.id"),
    Doel::Parameter("brieven", "path.id"),
    Doel::Parameter("brief_maken", "path.id"),
    Doel::Parameter("zaaknotities", "path.id"),
    Doel::Parameter("zaaknotitie_schrijven", "path.id"),
    Doel::Parameter("zaak", "path.id"),
    Doel::Parameter("partner_toevoegen", "path.id"),
    Doel::Parameter("plan", "path.id"),
    Doel::Parameter("ouders", "path.id"),
    Doel::Parameter("sluiting", "path.id"),
    Doel::Body("aanbod_doen", "zaak"),
];

/// The responses that name an organisation, and the operations that take one.
const ORGANISATIE_BRONNEN: [Bron; 2] = [
    bron("organisaties", "200", "/0/code"),
    bron("organisatie", "200", "/code"),
];
const ORGANISATIE_DOELEN: [Doel; 2] = [
    Doel::Parameter("organisatie", "path.code"),
    Doel::Body("partner_toevoegen", "organisatie"),
];

/// Writes the links between the operations into their responses.
fn koppelen(doc: &mut Doc) {
    let mut links: Vec<(&Bron, String, utoipa::openapi::link::Link)> = Vec::new();
    let groepen: [(&str, &[Bron], &[Doel]); 3] = [
        ("jongere", &JONGERE_BRONNEN, &JONGERE_DOELEN),
        ("zaak", &ZAAK_BRONNEN, &ZAAK_DOELEN),
        ("organisatie", &ORGANISATIE_BRONNEN, &ORGANISATIE_DOELEN),
    ];
    for (wat, bronnen, doelen) in groepen {
        for bron in bronnen {
            for doel in doelen {
                if doel.operatie() == bron.operatie {
                    continue;
                }
                let waarde = format!("$response.body#{}", bron.pointer);
                let link = LinkBuilder::new().operation_id(doel.operatie());
                let link = match doel {
                    Doel::Parameter(_, p) => link.parameter(*p, waarde),
                    Doel::Body(_, m) => link.request_body(Some(serde_json::json!({ *m: waarde }))),
                };
                let link = link
                    .description(format!(
                        "De {wat} uit dit antwoord ({}) voor {}",
                        bron.pointer,
                        doel.operatie()
                    ))
                    .build();
                links.push((bron, format!("{}_{}", doel.operatie(), wat), link));
            }
        }
    }
    // The partner just added, to remove again.
    let partner = bron("partner_toevoegen", "201", "/zaak");
    links.push((
        &partner,
        "partner_verwijderen".into(),
        LinkBuilder::new()
            .operation_id("partner_verwijderen")
            .parameter("path.id", "$response.body#/zaak")
            .parameter("path.organisatie", "$response.body#/organisatie")
            .description(
                "De zaak en de partner uit dit antwoord, om de partner weer te verwijderen",
            )
            .build(),
    ));
    // The melding's number, for a change of its status.
    let melding = bron("meldingen_lezen", "200", "/0/id");
    links.push((
        &melding,
        "melding_wijzigen".into(),
        LinkBuilder::new()
            .operation_id("melding_wijzigen")
            .parameter("path.id", "$response.body#/0/id")
            .description(
                "Het nummer van de eerste melding uit dit antwoord, om haar status te wijzigen",
            )
            .build(),
    ));
    for item in doc.paths.paths.values_mut() {
        let ops: [&mut Option<Operation>; 5] = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in ops.into_iter().flatten() {
            let Some(id) = op.operation_id.clone() else {
                continue;
            };
            for (bron, naam, link) in &links {
                if bron.operatie != id {
                    continue;
                }
                if let Some(RefOr::T(r)) = op.responses.responses.get_mut(bron.status) {
                    r.links.insert(naam.clone(), RefOr::T(link.clone()));
                }
            }
        }
    }
}

/// A string schema: its description and examples, and then a code list or a pattern.
fn tekst(beschrijving: &str, voorbeelden: &[&str]) -> ObjectBuilder {
    let schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(beschrijving));
    if voorbeelden.is_empty() {
        schema
    } else {
        schema.examples(voorbeelden.iter().map(|v| serde_json::Value::from(*v)))
    }
}

/// A code list as a string schema with `enum`.
fn codes<V: Into<String>>(
    beschrijving: &str,
    waarden: impl IntoIterator<Item = V>,
) -> ObjectBuilder {
    let waarden: Vec<String> = waarden.into_iter().map(Into::into).collect();
    tekst(beschrijving, &[waarden[0].as_str()]).enum_values(Some(waarden))
}

/// A schema of the document's own, named by the type: the formats and code lists the server
/// checks, taken from the rules themselves where they hold a list.
macro_rules! schema {
    ($(#[$m:meta])* $naam:ident => $bouw:expr) => {
        $(#[$m])*
        #[allow(dead_code)] // named as a `value_type` only
        pub struct $naam;
        impl PartialSchema for $naam {
            fn schema() -> RefOr<Schema> {
                RefOr::T(Schema::Object($bouw.build()))
            }
        }
        impl ToSchema for $naam {}
    };
}

/// The pattern of an opaque person id (as the server reads it: hexadecimal in either case).
pub const JONGERE_ID: &str = "^[0-9a-fA-F]{32}$";
/// A date in either of the files' two styles.
const DATUM: &str = "(?:[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[1-9]|[12][0-9]|3[01])-(?:0[1-9]|1[0-2])-[0-9]{4})";

schema!(
    /// The opaque id of a young person.
    JongereId => tekst(
        "Het ondoorzichtige id van een jongere (32 hexadecimale cijfers), uit een lijst, een \
         zoekvraag of de werklijst; nooit een BSN. Een id dat niemand aanwijst krijgt 403, \
         net als een jongere buiten uw doelgroep. (Geen voorbeeld: een verzonnen id wijst \
         niemand aan.)",
        &[],
    )
    .pattern(Some(JONGERE_ID))
);
schema!(
    /// A BSN or onderwijsnummer.
    Leerlingnummer => tekst(
        "Een BSN of onderwijsnummer: negen cijfers (voorloopnullen mogen wegblijven) die de \
         11-proef van een BSN of die van een onderwijsnummer doorstaan.",
        &["111222333", "101222331"],
    )
    .pattern(Some("^[0-9]{1,9}$"))
);
schema!(
    /// The code of a school location.
    Schoolcode => tekst(
        "De code van een schoolvestiging: het BRIN-nummer (twee cijfers, twee hoofdletters) \
         en een vestigingsnummer van twee cijfers.",
        &["05KO00"],
    )
    .pattern(Some("^[0-9]{2}[A-Z]{2}[0-9]{2}$"))
);
schema!(
    /// A CBS gemeentecode.
    Gemeentecode => tekst("Een CBS-gemeentecode: GM en vier cijfers.", &["GM0392"])
        .pattern(Some("^GM[0-9]{4}$"))
);
schema!(
    /// The code of an organisation.
    Organisatiecode => tekst(
        "De code van een organisatie: een gemeentecode, een schoolcode, of 1 tot 40 letters, \
         cijfers, '-', '_' of '.'.",
        &["GM0392", "51AY00", "SWV-PO-ZK"],
    )
    .pattern(Some("^[A-Za-z0-9._-]{1,40}$"))
);
schema!(
    /// A school year.
    Schooljaar => tekst(
        "Een schooljaar (1 augustus tot en met 31 juli) als twee opeenvolgende jaren, van \
         2000-2001 tot en met 2099-2100.",
        &["2024-2025"],
    )
    .enum_values(Some((2000..2100).map(|j| format!("{j}-{}", j + 1))))
);
schema!(
    /// A date as the files write it.
    Bestandsdatum => tekst(
        "Een datum als in de bestanden: JJJJ-MM-DD of DD-MM-JJJJ.",
        &["2025-01-13", "13-01-2025"],
    )
    .pattern(Some(format!("^{DATUM}$")))
);
schema!(
    /// Dates, comma-separated.
    Datumlijst => tekst(
        "Een of meer datums, gescheiden door komma's, elk als JJJJ-MM-DD of DD-MM-JJJJ.",
        &["2025-01-01,2025-10-01"],
    )
    .pattern(Some(format!("^{DATUM}(?:,{DATUM})*$")))
);
schema!(
    /// A category on the thuiszitters list.
    CategorieCode => codes(
        "Een categorie op de thuiszitterslijst.",
        Categorie::ALL.iter().map(|c| c.code()),
    )
);
schema!(
    /// A main cause.
    OorzaakCode => codes(
        "De hoofdoorzaak van een registratie.",
        Oorzaak::ALL.iter().map(|o| o.code()),
    )
);
schema!(
    /// Why a case is closed.
    SluitredenCode => codes(
        "Waarom leerplicht een zaak sluit; bij overig is een toelichting nodig.",
        Sluitreden::ALL.iter().map(|r| r.code()),
    )
);
schema!(
    /// Who may read a note on a case.
    NotitieniveauCode => codes(
        "Wie een notitie bij een zaak mag lezen: zaak (iedereen die de zaak ziet) of leerplicht (alleen leerplicht).",
        leerrecht_domain::zaak::Vertrouwelijkheid::ALL.iter().map(|v| v.code()),
    )
);
schema!(
    /// A step of enforcement.
    HandhavingCode => codes(
        "Een stap van handhaving: een HALT-verwijzing en de uitkomst, een proces-verbaal en de beslissing van het OM.",
        leerrecht_app::zaken::handhaving::STAPPEN.iter().map(|(c, _)| *c),
    )
);
schema!(
    /// How the RMC tried to reach a young person.
    ContactwijzeCode => codes(
        "Hoe het RMC contact zocht: brief, telefoon, email, huisbezoek of gesprek.",
        leerrecht_domain::zaak::Contactwijze::ALL.iter().map(|w| w.code()),
    )
);
schema!(
    /// The template of a letter.
    SjabloonCode => codes(
        "De brief: uitnodiging, waarschuwing, oproep, bevestiging_melding (aan de school) of besluit_vrijstelling.",
        leerrecht_domain::brief::Sjabloon::ALL.iter().map(|s| s.code()),
    )
);
schema!(
    /// What a note on a case records.
    NotitiesoortCode => codes(
        "Gesprek (een gespreksverslag) of notitie.",
        leerrecht_domain::zaak::NotitieSoort::ALL.iter().map(|s| s.code()),
    )
);
schema!(
    /// The article of an exemption.
    ArtikelCode => codes(
        "Het artikel van de Leerplichtwet waarop een vrijstelling berust.",
        Artikel::ALL.iter().map(|a| a.code()),
    )
);
schema!(
    /// The article of an exemption as a request may give it.
    ArtikelInvoer => codes(
        "Het artikel van een vrijstelling; ook de codes van voorheen worden gelezen (5a is \
         art. 5 sub a, 5a_reizend is art. 5a), in hoofd- of kleine letters.",
        Artikel::ALL
            .iter()
            .map(|a| a.code())
            .chain(Artikel::ALL.iter().map(|a| a.oude_code())),
    )
);
schema!(
    /// Who wrote a statement.
    DeskundigeCode => codes(
        "Wie de verklaring schreef die een vrijstelling op grond van art. 5 sub a vraagt.",
        Deskundige::ALL.iter().map(|d| d.code()),
    )
);
schema!(
    /// The kind of a suitable offer.
    AanbodCode => codes(
        "Het soort passend aanbod.",
        AanbodType::ALL.iter().map(|a| a.code()),
    )
);
schema!(
    /// A melding's status.
    MeldingstatusCode => codes(
        "De status van een melding; concept is een voorstel uit een signaal.",
        STATUSSEN,
    )
);
schema!(
    /// The status a melding may be given.
    NieuweMeldingstatus => codes(
        "De nieuwe status: geregistreerd bevestigt een concept (de school), in_behandeling, \
         ter_kennisgeving en afgesloten beantwoorden een melding (leerplicht), ingetrokken \
         trekt haar in (de school).",
        STATUSSEN.into_iter().filter(|s| *s != "concept"),
    )
);
schema!(
    /// Why a melding is closed or withdrawn.
    AfsluitredenCode => codes(
        "Waarom een melding wordt afgesloten (bij afgesloten) of ingetrokken (bij ingetrokken: \
         achteraf_geoorloofd, ziek_achteraf_gemeld of administratieve_fout).",
        AFSLUITREDENEN.into_iter().chain(INTREKREDENEN),
    )
);
schema!(
    /// A kind of absence.
    VerzuimsoortCode => codes(
        "Het soort verzuim.",
        Verzuimsoort::ALL.iter().map(|v| v.code()),
    )
);
schema!(
    /// The kind of a melding.
    MeldingsoortCode => codes("Het soort melding (het verzuim).", MELDING_SOORTEN)
);
schema!(
    /// The kind of an organisation.
    OrganisatiesoortCode => codes(
        "Het soort organisatie.",
        OrgSoort::ALL.iter().map(|o| o.code()),
    )
);
schema!(
    /// A school sector.
    SectorCode => codes("De sector van een inschrijving.", Sector::ALL.iter().map(|s| s.code()))
);
schema!(
    /// A rule that makes signals.
    RegelCode => codes(
        "De regel die een signaal maakte.",
        Regel::ALL.iter().map(|r| r.code()),
    )
);
schema!(
    /// A user's role.
    RolCode => codes("De rol van een gebruiker.", Rol::ALL.iter().map(|r| r.code()))
);

/// The document as JSON (built once).
pub fn openapi_json() -> String {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let doc = ApiDoc::openapi()
            .to_pretty_json()
            .expect("OpenAPI serialises");
        link_namen(&doc)
    })
    .clone()
}

/// utoipa writes a link's members in snake case (`operation_id`, `request_body`); the
/// specification names them in camel case. No other member of the document has these names
/// (a test counts them), so they are renamed in the text.
fn link_namen(doc: &str) -> String {
    doc.replace("\"operation_id\": ", "\"operationId\": ")
        .replace("\"request_body\": ", "\"requestBody\": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> serde_json::Value {
        serde_json::from_str(&openapi_json()).expect("the document is JSON")
    }

    #[test]
    fn only_links_are_renamed() {
        let typed = ApiDoc::openapi();
        let links: usize = typed
            .paths
            .paths
            .values()
            .flat_map(|item| [&item.get, &item.post, &item.put, &item.patch, &item.delete])
            .flatten()
            .flat_map(|op| op.responses.responses.values())
            .map(|r| match r {
                RefOr::T(r) => r.links.len(),
                RefOr::Ref(_) => 0,
            })
            .sum();
        assert!(links > 50, "{links} links");
        let text = typed.to_pretty_json().unwrap();
        assert_eq!(text.matches("\"operation_id\": ").count(), links);
        assert!(!openapi_json().contains("\"operation_id\""));
    }

    #[test]
    fn every_link_names_an_operation_and_its_parameters() {
        let d = doc();
        let mut ops = std::collections::BTreeMap::new();
        for item in d["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                if let Some(id) = op["operationId"].as_str() {
                    ops.insert(id.to_string(), op.clone());
                }
            }
        }
        let mut n = 0;
        for op in ops.values() {
            for r in op["responses"].as_object().unwrap().values() {
                let Some(links) = r["links"].as_object() else {
                    continue;
                };
                for (naam, link) in links {
                    n += 1;
                    let doel = &ops[link["operationId"].as_str().expect(naam)];
                    for p in link["parameters"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|p| p.0)
                    {
                        let (plek, naam) = p.split_once('.').unwrap();
                        assert!(
                            doel["parameters"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .any(|q| q["in"] == plek && q["name"] == naam),
                            "{p} of {}",
                            link["operationId"]
                        );
                    }
                    if let Some(body) = link["requestBody"].as_object() {
                        let schema =
                            &doel["requestBody"]["content"]["application/json"]["schema"]["$ref"];
                        let naam = schema.as_str().unwrap().rsplit('/').next().unwrap();
                        for m in body.keys() {
                            assert!(
                                d["components"]["schemas"][naam]["properties"][m].is_object(),
                                "{m} of {naam}"
                            );
                        }
                    }
                }
            }
        }
        assert!(n > 50);
    }
}
