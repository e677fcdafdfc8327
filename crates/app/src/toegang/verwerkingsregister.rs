//! The entries of leerrecht in a gemeente's register of processing activities (GDPR art. 30),
//! written as CSV by `leerrecht privacy register` (docs/dpia.md). Each entry names a kind of
//! processing, its purpose and legal basis, whose data of which kind, who receives it (as the
//! gate lets them: docs/privacy-matrix.md), how long it is kept (the retention rules of
//! docs/domain.md §11, which `leerrecht purge` carries out) and how it is secured.

use crate::toegang::Doel;

/// One processing activity.
#[derive(Clone, Copy, Debug)]
pub struct Verwerking {
    pub code: &'static str,
    pub naam: &'static str,
    pub doel: &'static str,
    pub rechtsgrond: &'static str,
    pub betrokkenen: &'static str,
    pub persoonsgegevens: &'static str,
    pub bijzondere_gegevens: &'static str,
    pub ontvangers: &'static str,
    /// The purposes (audit codes) on which the data of this activity is read.
    pub doelen: &'static [Doel],
    pub bewaartermijn: &'static str,
}

const BEVEILIGING: &str = "toegang per rol en doel in één poort (docs/privacy-matrix.md); \
tweede factor (TOTP) voor rollen die personen zien; elke inzage en wijziging in een \
hash-geketend auditlog met gepseudonimiseerde persoonsaanduiding; geen BSN in adressen of \
logbestanden; TLS naar de database; versleutelde back-ups onder beheer van de gemeente \
(docs/security.md)";

const DOORGIFTE: &str = "geen: leerrecht draait op servers van de regio, binnen de EER";

/// Every processing activity, in the order a privacy officer reads a file: the register, what
/// the schools send, what the gemeente does with it, the doctor's part, and the system's own.
pub const VERWERKINGEN: &[Verwerking] = &[
    Verwerking {
        code: "leerplichtregister",
        naam: "Register van leerplichtigen en hun inschrijvingen",
        doel: "toezicht op de naleving van de leerplicht en de kwalificatieplicht; \
               absoluut verzuim vinden (jongeren die nergens staan ingeschreven)",
        rechtsgrond: "AVG art. 6 lid 1 sub c en e; Leerplichtwet 1969 art. 18 en 19",
        betrokkenen: "jongeren van 5 tot 23 jaar die in een gemeente van de regio wonen",
        persoonsgegevens: "BSN of onderwijsnummer, naam, geboortedatum, gemeente en \
                           verhuisdatum, inschrijvingen (school, vestiging, periode), \
                           vrijstellingen; ouders en verzorgers (naam, relatie, adres, \
                           telefoon, e-mailadres)",
        bijzondere_gegevens: "BSN (Wet algemene bepalingen burgerservicenummer)",
        ontvangers: "leerplicht van de woongemeente; de school voor haar eigen leerlingen; \
                     het samenwerkingsverband voor leerlingen van zijn scholen",
        doelen: &[Doel::Leerplichtregister, Doel::Inschrijving],
        bewaartermijn: "leerplichtdossier tot de 19e verjaardag; \
                        kwalificatieplichtdossier tot 2 jaar na het einde van de \
                        kwalificatieplicht",
    },
    Verwerking {
        code: "verzuimregistratie",
        naam: "Verzuim zoals de scholen het aanleveren",
        doel: "verzuim vroeg zien en in behandeling nemen; de school voert haar eigen \
               administratie",
        rechtsgrond: "AVG art. 6 lid 1 sub c en e; Leerplichtwet 1969 art. 21a; \
                      regionaal convenant",
        betrokkenen: "leerlingen van de aangesloten scholen",
        persoonsgegevens: "per dag: school, soort verzuim (ongeoorloofd, luxe, te laat, \
                           ziek, geoorloofd), minuten",
        bijzondere_gegevens: "gegevens over gezondheid: ziekmeldingen",
        ontvangers: "de school (eigen rijen); leerplicht alleen bij een bevestigde \
                     melding, een open zaak of een registratie, over die periode plus de \
                     terugkijkperiode, en zonder ziektedagen; de jeugdarts alleen \
                     ziektedagen na een MAZL-verwijzing",
        doelen: &[
            Doel::Inschrijving,
            Doel::Melding,
            Doel::Zaak,
            Doel::Registratie,
            Doel::Mazl,
        ],
        bewaartermijn: "als het leerplicht- of kwalificatieplichtdossier",
    },
    Verwerking {
        code: "signalering",
        naam: "Signalen uit het verzuim (16 uur, luxe, te laat, langdurig, MAZL)",
        doel: "de school wijzen op verzuim dat een melding of zorg vraagt; verwijzing naar \
               de jeugdarts bij veel ziekteverzuim (MAZL)",
        rechtsgrond: "AVG art. 6 lid 1 sub e; Leerplichtwet 1969 art. 21a; \
                      regionaal convenant; Wet publieke gezondheid art. 5 (MAZL)",
        betrokkenen: "leerlingen van de aangesloten scholen",
        persoonsgegevens: "regel, school, datum, uitleg van het signaal",
        bijzondere_gegevens: "gegevens over gezondheid: MAZL-signalen",
        ontvangers: "de school (eigen signalen en conceptmeldingen); de jeugdarts \
                     (MAZL-verwijzingen); niet leerplicht: onbevestigde signalen blijven \
                     bij de school",
        doelen: &[Doel::Inschrijving, Doel::Mazl],
        bewaartermijn: "als het leerplicht- of kwalificatieplichtdossier",
    },
    Verwerking {
        code: "verzuimmeldingen",
        naam: "Verzuimmeldingen van scholen aan leerplicht",
        doel: "de wettelijke melding van verzuim en de afhandeling door leerplicht",
        rechtsgrond: "AVG art. 6 lid 1 sub c; Leerplichtwet 1969 art. 21a en 25",
        betrokkenen: "leerlingen over wie een school meldt",
        persoonsgegevens: "soort verzuim, begin- en einddatum, gemiste uren en dagen, \
                           vermoedelijke reden, wat de school deed, status en afsluitreden",
        bijzondere_gegevens: "geen, behalve ziekte als reden in de toelichting",
        ontvangers: "leerplicht van de woongemeente; de school (eigen meldingen)",
        doelen: &[Doel::Leerplichtregister, Doel::Inschrijving],
        bewaartermijn: "5 jaar na de eerste behandeling",
    },
    Verwerking {
        code: "thuiszitters",
        naam: "De gedeelde lijst van thuiszitters en de zaken met de termijn van drie maanden",
        doel: "binnen drie maanden een passend aanbod; escaleren wanneer dat niet lukt; \
               de regionale cijfers",
        rechtsgrond: "AVG art. 6 lid 1 sub e; Leerplichtwet 1969 art. 18 en 25; \
                      Wet op het primair onderwijs art. 18a en Wet op het voortgezet \
                      onderwijs 2020 (samenwerkingsverband); regionaal convenant",
        betrokkenen: "jongeren die thuiszitten of dreigen thuis te zitten",
        persoonsgegevens: "categorie, hoofdoorzaak, periode, plan, aanbod, overleggen, \
                           escalaties, vrijstellingen, ouderbetrokkenheid, \
                           gespreksverslagen en notities, brieven aan ouders en \
                           verzorgers (naam en adres) en aan de school, handhaving (HALT, \
                           proces-verbaal)",
        bijzondere_gegevens: "gegevens over gezondheid wanneer de oorzaak ziekte is; \
                              strafrechtelijke gegevens (art. 10 AVG): HALT-verwijzingen en \
                              processen-verbaal met de beslissing van het OM",
        ontvangers: "leerplicht en het samenwerkingsverband; het CJG alleen in de zaken \
                     waaraan het is toegevoegd; een notitie 'alleen leerplicht' alleen \
                     leerplicht",
        doelen: &[Doel::Leerplichtregister, Doel::Inschrijving, Doel::Zaak],
        bewaartermijn: "als het leerplicht- of kwalificatieplichtdossier; anonieme \
                        cijfers blijven",
    },
    Verwerking {
        code: "rmc",
        naam: "Voortijdig schoolverlaters van 18 tot 23 jaar (RMC): de lijst en de RMC-zaken",
        doel: "jongeren zonder startkwalificatie die geen onderwijs volgen in beeld houden, \
               benaderen en terugleiden naar onderwijs, werk of zorg; de RMC-cijfers per \
               gemeente",
        rechtsgrond: "AVG art. 6 lid 1 sub c en e; Leerplichtwet 1969 art. 18 (gegevens van \
                      jongeren tot 23 jaar) en de regionale meld- en coördinatiefunctie \
                      voortijdig schoolverlaten",
        betrokkenen: "jongeren van 18 tot 23 jaar zonder startkwalificatie die nergens staan \
                      ingeschreven",
        persoonsgegevens: "naam, geboortedatum, gemeente, laatste school, sinds wanneer op de \
                           lijst, contactpogingen (datum, hoe, bereikt), uitkomst (terug \
                           naar onderwijs, werk, zorg, niet bereikbaar), gespreksverslagen en \
                           brieven bij de zaak",
        bijzondere_gegevens: "BSN; zorg als uitkomst zegt iets over de gezondheid",
        ontvangers: "leerplicht van de woongemeente, als RMC-functie van de regio; \
                     beleid alleen de gemaskeerde cijfers",
        doelen: &[Doel::Leerplichtregister, Doel::Zaak],
        bewaartermijn: "tot de 23e verjaardag voor wie op de RMC-lijst staat of een open \
                        RMC-zaak heeft, anders als het kwalificatieplichtdossier; anonieme \
                        cijfers blijven niet (de RMC-cijfers tellen alleen het register)",
    },
    Verwerking {
        code: "jeugdgezondheidszorg",
        naam: "Medische begeleiding bij ziekteverzuim (MAZL) en medische notities",
        doel: "de jeugdarts begeleidt een leerling met veel ziekteverzuim",
        rechtsgrond: "AVG art. 6 lid 1 sub e en art. 9 lid 2 sub h; Wet publieke \
                      gezondheid art. 5; WGBO",
        betrokkenen: "leerlingen die naar de jeugdarts zijn verwezen",
        persoonsgegevens: "ziektedagen, MAZL-verwijzingen, notities van de jeugdarts",
        bijzondere_gegevens: "gegevens over gezondheid",
        ontvangers: "alleen de jeugdarts van de GGD die de woongemeente bedient; \
                     ook de beheerder leest geen medische notities",
        doelen: &[Doel::Mazl],
        bewaartermijn: "als het leerplicht- of kwalificatieplichtdossier",
    },
    Verwerking {
        code: "auditlog",
        naam: "Logging van elke inzage en wijziging (NEN 7513)",
        doel: "verantwoording, controle op rechtmatig gebruik, inzage voor betrokkenen",
        rechtsgrond: "AVG art. 5 lid 2, art. 15 en art. 32",
        betrokkenen: "de jongeren in leerrecht (gepseudonimiseerd) en de gebruikers",
        persoonsgegevens: "wie, organisatie, rol, handeling, gepseudonimiseerde persoon, \
                           wat, wanneer, vanaf waar, doel, reden bij noodtoegang",
        bijzondere_gegevens: "geen",
        ontvangers: "leerplicht (wie zag het dossier); de beheerder (controle van de \
                     keten); de betrokkene op verzoek (leerrecht audit export)",
        doelen: &[Doel::Leerplichtregister, Doel::Beheer],
        bewaartermijn: "zolang de installatie bestaat; de persoonsaanduiding is een \
                        pseudoniem dat na vernietiging van het dossier niet meer te \
                        herleiden is zonder de sleutel",
    },
    Verwerking {
        code: "gebruikers",
        naam: "Accounts, sessies en API-tokens",
        doel: "toegang tot leerrecht voor medewerkers en systemen van de partners",
        rechtsgrond: "AVG art. 6 lid 1 sub e en art. 32",
        betrokkenen: "medewerkers van gemeenten, scholen, samenwerkingsverbanden, GGD en CJG",
        persoonsgegevens: "gebruikersnaam, organisatie, rol, wachtwoordhash, TOTP-geheim, \
                           e-mailadres, koppeling aan de identiteit bij de identiteitsaanbieder \
                           van de organisatie (single sign-on), sessies, mislukte inlogpogingen",
        bijzondere_gegevens: "geen",
        ontvangers: "de beheerder",
        doelen: &[Doel::Beheer],
        bewaartermijn: "zolang het account bestaat",
    },
];

/// The header of the CSV.
pub const KOPPEN: [&str; 12] = [
    "code",
    "verwerking",
    "verwerkingsverantwoordelijke",
    "doel",
    "rechtsgrond",
    "betrokkenen",
    "persoonsgegevens",
    "bijzondere_persoonsgegevens",
    "ontvangers",
    "doelcodes_in_auditlog",
    "bewaartermijn",
    "doorgifte_en_beveiliging",
];

/// The register as CSV (`;`-separated, UTF-8 with a byte order mark, as every export), for
/// the controller `verantwoordelijke`.
pub fn csv(verantwoordelijke: &str) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::from("\u{feff}".as_bytes()));
    w.write_record(KOPPEN)?;
    let compact = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for v in VERWERKINGEN {
        let doelen: Vec<&str> = v.doelen.iter().map(|d| d.code()).collect();
        w.write_record([
            v.code.to_string(),
            compact(v.naam),
            compact(verantwoordelijke),
            compact(v.doel),
            compact(v.rechtsgrond),
            compact(v.betrokkenen),
            compact(v.persoonsgegevens),
            compact(v.bijzondere_gegevens),
            compact(v.ontvangers),
            doelen.join(","),
            compact(v.bewaartermijn),
            format!("{DOORGIFTE}; {}", compact(BEVEILIGING)),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
