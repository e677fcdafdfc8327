//! The OpenAPI 3 document, generated from the handlers and types, then completed by one
//! pass that gives every answer its `API-Version` header and every operation its error
//! answers as problem details: what is true of all of them is written once.

use std::sync::OnceLock;

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Doc, RefOr, Server};
use utoipa::{Modify, OpenApi};

use crate::middleware::api_version::API_VERSION;
use crate::routes::{intake, jongeren, sessies, vrijstellingen, werk, zaakwerk};

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
    servers((url = "/api/v1", description = "This server")),
    paths(
        sessies::inloggen, sessies::uitloggen, sessies::ik, sessies::gebruikers,
        sessies::wachtwoordherstel, sessies::wachtwoord_wijzigen,
        sessies::organisaties, sessies::organisatie,
        jongeren::lijst, jongeren::zoeken, jongeren::jongere, jongeren::inschrijvingen,
        jongeren::verzuim, intake::verzuim, jongeren::signalen,
        intake::meldingen_lezen, intake::meldingen, intake::melding_wijzigen,
        jongeren::registraties, jongeren::registratie_wijzigen,
        jongeren::zaken, jongeren::zaak, jongeren::aanbod, jongeren::aanbod_doen,
        jongeren::partner_toevoegen, jongeren::partner_verwijderen,
        jongeren::escalaties, vrijstellingen::lijst, vrijstellingen::vastleggen, werk::werklijst,
        werk::peildatum, werk::oorzaken, werk::schooljaar, werk::doelen, werk::kpi,
        werk::leerplichttelling, werk::inspectie,
        zaakwerk::plan, zaakwerk::ouders, zaakwerk::sluiting,
        zaakwerk::notities, zaakwerk::notitie_schrijven, zaakwerk::noodtoegang,
    ),
    components(schemas(crate::error::Problem)),
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
            .schema(ObjectBuilder::new().schema_type(Type::String).build())
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
        let _ = Server::new("/api/v1");
        let _ = API_VERSION;
    }
}

/// The document as JSON (built once).
pub fn openapi_json() -> String {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .expect("OpenAPI serialises")
    })
    .clone()
}
