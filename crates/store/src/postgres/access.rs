//! The PostgreSQL store's accounts, sessions, tokens, access facts, audit log and retention.

use ::postgres::{Client, Row};
use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::rules::Regel;

use crate::access::{
    chain_hash, AccessStore, ApiTokenRij, AuditEntry, GebruikerRij, Inlogstap, MailRij, MailStand,
    NieuwAuditEntry, NieuweGebruiker, NieuweMail, NotitieRij, PersoonContext, PurgeKandidaat,
    PurgePersoon, PurgeTelling, SessieFeiten, SessieRij, GENESIS,
};
use crate::access::{
    one_changed, OidcAanvraagRij, AUDIT_COLS, GEBRUIKER_COLS, INDEX_EVERY, MAIL_COLS, OIDC_COLS,
};
use crate::postgres::{build_jongere, i32_of, in_tx, PgStore};
use crate::{Result, StoreError};

fn gebruiker_row(r: &Row) -> GebruikerRij {
    gebruiker_row_at(r, 0)
}

/// The account whose columns ([`GEBRUIKER_COLS`]) start at column `at`.
fn gebruiker_row_at(r: &Row, at: usize) -> GebruikerRij {
    let Ok(g) = crate::access::gebruiker(r, at);
    g
}

/// `cols` with each column qualified by the table alias `t`.
fn qualified(cols: &str, t: &str) -> String {
    cols.split(',')
        .map(|c| format!("{t}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`crate::Store::sessie_feiten`] in one read: the session joined to its user, with what
/// the user's organisation serves.
pub(crate) fn sessie_feiten(store: &PgStore, h: &str) -> Result<Option<SessieFeiten>> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        format!(
            "SELECT {}, {},
                    EXISTS (SELECT 1 FROM organisaties o WHERE o.code = g.organisatie),
                    ARRAY(SELECT b.gemeente FROM organisatie_bedient b
                          WHERE b.organisatie = g.organisatie ORDER BY b.gemeente)
             FROM sessies s LEFT JOIN gebruikers g ON g.id = s.gebruiker_id
             WHERE s.token_hash = $1",
            qualified(SESSIE_COLS, "s"),
            qualified(GEBRUIKER_COLS, "g"),
        )
    });
    const N_SESSIE: usize = 7;
    let n_gebruiker = GEBRUIKER_COLS.split(',').count();
    let mut c = store.conn()?;
    let stmt = c.prepared(sql)?;
    Ok(c.query_opt(&stmt, &[&h])?.map(|r| {
        let gebruiker = r
            .get::<_, Option<i64>>(N_SESSIE)
            .map(|_| gebruiker_row_at(&r, N_SESSIE));
        let org_bekend: bool = r.get(N_SESSIE + n_gebruiker);
        SessieFeiten {
            sessie: sessie_row(&r),
            gebruiker,
            bedient: org_bekend.then(|| r.get(N_SESSIE + n_gebruiker + 1)),
        }
    }))
}

/// The gate's facts about the person `waar` selects (a condition on `jongeren j` with `$1`),
/// on the date `$2`, in one round trip: the person, with the enrolments of the day, the
/// partners and whether a MAZL referral exists gathered as arrays. Read by [`context_row`].
fn context_sql(waar: &str) -> String {
    format!(
        "SELECT j.id, j.bsn, j.onderwijsnummer, j.achternaam, j.voornamen, j.geboortedatum, j.gemeente,
                ARRAY(SELECT i.school FROM inschrijvingen i WHERE i.jongere_id = j.id
                        AND i.begindatum <= $2 AND (i.einddatum IS NULL OR i.einddatum >= $2)
                      ORDER BY i.school),
                ARRAY(SELECT coalesce(o.swv, '') FROM inschrijvingen i LEFT JOIN organisaties o ON o.code = i.school
                       WHERE i.jongere_id = j.id
                        AND i.begindatum <= $2 AND (i.einddatum IS NULL OR i.einddatum >= $2)
                      ORDER BY i.school),
                ARRAY(SELECT organisatie FROM zaak_partners b WHERE b.jongere_id = j.id
                        AND (b.tot IS NULL OR b.tot > $2) ORDER BY organisatie, zaak_id),
                EXISTS (SELECT 1 FROM signalen s WHERE s.jongere_id = j.id AND {mazl}),
                ARRAY(SELECT zaak_id FROM zaak_partners b WHERE b.jongere_id = j.id
                        AND (b.tot IS NULL OR b.tot > $2) ORDER BY organisatie, zaak_id)
         FROM jongeren j WHERE {waar}",
        mazl = crate::regels_sql("s.regel", Regel::mazl)
    )
}

fn context_row(r: &Row) -> Result<PersoonContext> {
    let jongere = build_jongere(r, 1)?;
    let scholen: Vec<String> = r.get(7);
    let swvs: Vec<String> = r.get(8);
    let scholen = scholen
        .into_iter()
        .zip(swvs)
        .map(|(s, swv)| {
            let s: SchoolCode = crate::stored::school(&s)?;
            Ok((s, (!swv.is_empty()).then_some(swv)))
        })
        .collect::<Result<Vec<_>>>()?;
    let orgs: Vec<String> = r.get(9);
    let zaken: Vec<i64> = r.get(11);
    let partner_zaken: Vec<(String, i64)> = orgs.into_iter().zip(zaken).collect();
    let mut partners: Vec<String> = partner_zaken.iter().map(|(o, _)| o.clone()).collect();
    partners.dedup();
    Ok(PersoonContext {
        id: r.get(0),
        jongere,
        scholen,
        partners,
        partner_zaken,
        mazl_verwezen: r.get(10),
        gronden: Vec::new(),
    })
}

/// [`crate::Store::persoon_context_van_id`] in one read.
pub(crate) fn persoon_context_van_id(
    store: &PgStore,
    id: i64,
    on: NaiveDate,
) -> Result<Option<PersoonContext>> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| context_sql("j.id = $1::bigint"));
    let mut c = store.conn()?;
    let stmt = c.prepared(sql)?;
    c.query_opt(&stmt, &[&id, &on])?
        .map(|r| context_row(&r))
        .transpose()
}

/// [`crate::Store::persoon_contexten`] in one read per 10,000 persons: the persons are
/// selected by arrays of BSNs and onderwijsnummers, and each row is found again by the
/// identifier it was asked for.
pub(crate) fn persoon_contexten(
    store: &PgStore,
    leerlingen: &[LeerlingId],
    on: NaiveDate,
) -> Result<std::collections::HashMap<LeerlingId, PersoonContext>> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        context_sql("(j.bsn = ANY($1::int[]) OR j.onderwijsnummer = ANY($3::int[]))")
    });
    let mut uit = std::collections::HashMap::with_capacity(leerlingen.len());
    let mut c = store.conn()?;
    let stmt = c.prepared(sql)?;
    for deel in leerlingen.chunks(10_000) {
        let gevraagd: std::collections::HashSet<LeerlingId> = deel.iter().copied().collect();
        let (mut bsns, mut onrs) = (Vec::new(), Vec::new());
        for l in deel {
            match l {
                LeerlingId::Bsn(b) => bsns.push(i32_of(b.value())),
                LeerlingId::Onderwijsnummer(o) => onrs.push(i32_of(o.value())),
            }
        }
        for r in c.query(&stmt, &[&bsns, &on, &onrs])? {
            let ctx = context_row(&r)?;
            let ids = [
                ctx.jongere.bsn().map(LeerlingId::Bsn),
                ctx.jongere
                    .onderwijsnummer()
                    .map(LeerlingId::Onderwijsnummer),
            ];
            for l in ids.into_iter().flatten() {
                if gevraagd.contains(&l) {
                    uit.insert(l, ctx.clone());
                }
            }
        }
    }
    Ok(uit)
}

const SESSIE_COLS: &str =
    "token_hash, gebruiker_id, aangemaakt, laatst_gebruikt, verloopt, ingetrokken, bron";

fn sessie_row(r: &Row) -> SessieRij {
    let Ok(s) = crate::access::sessie(r);
    s
}

const TOKEN_COLS: &str =
    "id, token_hash, organisatie, scopes, omschrijving, aangemaakt, ingetrokken";

fn token_row(r: &Row) -> ApiTokenRij {
    let Ok(t) = crate::access::token(r);
    t
}

fn audit_row(r: &Row) -> AuditEntry {
    let Ok(a) = crate::access::audit(r);
    a
}

impl PgStore {
    fn write<T>(&self, body: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        let mut conn = self.conn()?;
        in_tx(&mut conn, |c| Ok((body(c)?, true)))
    }
}

impl AccessStore for PgStore {
    fn instelling_of(&self, naam: &str, nieuw: &str) -> Result<String> {
        let mut c = self.conn()?;
        c.execute(
            "INSERT INTO instellingen (naam, waarde) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&naam, &nieuw],
        )?;
        Ok(
            c.query_one("SELECT waarde FROM instellingen WHERE naam = $1", &[&naam])?
                .get(0),
        )
    }

    fn instelling(&self, naam: &str) -> Result<Option<String>> {
        Ok(self
            .conn()?
            .query_opt("SELECT waarde FROM instellingen WHERE naam = $1", &[&naam])?
            .map(|r| r.get(0)))
    }

    fn set_instelling(&self, naam: &str, waarde: Option<&str>) -> Result<()> {
        let mut c = self.conn()?;
        match waarde {
            Some(w) => c.execute(
                "INSERT INTO instellingen (naam, waarde) VALUES ($1, $2)
                 ON CONFLICT (naam) DO UPDATE SET waarde = excluded.waarde",
                &[&naam, &w],
            )?,
            None => c.execute("DELETE FROM instellingen WHERE naam = $1", &[&naam])?,
        };
        Ok(())
    }

    fn instellingen_met(&self, voorvoegsel: &str) -> Result<Vec<String>> {
        Ok(self
            .conn()?
            .query(
                "SELECT naam FROM instellingen WHERE left(naam, length($1)) = $1 ORDER BY naam",
                &[&voorvoegsel],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn add_gebruiker(&self, g: &NieuweGebruiker) -> Result<i64> {
        let row = self.conn()?.query_opt(
            "INSERT INTO gebruikers (gebruikersnaam, organisatie, rol, wachtwoord, totp_geheim, aangemaakt,
                                     wachtwoord_tijdelijk)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (gebruikersnaam) DO NOTHING RETURNING id",
            &[
                &g.gebruikersnaam,
                &g.organisatie,
                &g.rol,
                &g.wachtwoord_hash,
                &g.totp_geheim,
                &g.aangemaakt,
                &g.wachtwoord_tijdelijk,
            ],
        )?;
        match row {
            Some(r) => Ok(r.get(0)),
            None => Err(StoreError::Invalid(format!(
                "gebruikersnaam {:?} bestaat al",
                g.gebruikersnaam
            ))),
        }
    }

    fn oidc_aanvraag_bewaren(&self, a: &OidcAanvraagRij, vergeten: DateTime<Utc>) -> Result<()> {
        in_tx(&mut *self.conn()?, |c| {
            c.execute(
                "DELETE FROM oidc_aanvragen WHERE aangemaakt < $1",
                &[&vergeten],
            )?;
            c.execute(
                &format!(
                    "INSERT INTO oidc_aanvragen ({OIDC_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                ),
                &[
                    &a.sleutel,
                    &a.binding,
                    &a.issuer,
                    &a.nonce,
                    &a.verifier,
                    &a.gebruiker_id,
                    &a.aangemaakt,
                ],
            )?;
            Ok(((), true))
        })
    }

    fn oidc_aanvraag_nemen(&self, sleutel: &str) -> Result<Option<OidcAanvraagRij>> {
        let sql = format!("DELETE FROM oidc_aanvragen WHERE sleutel = $1 RETURNING {OIDC_COLS}");
        let row = self.conn()?.query_opt(&sql, &[&sleutel])?;
        Ok(row.map(|r| {
            let Ok(a) = crate::access::oidc_aanvraag(&r);
            a
        }))
    }

    fn gebruiker(&self, naam: &str) -> Result<Option<GebruikerRij>> {
        let sql = format!("SELECT {GEBRUIKER_COLS} FROM gebruikers WHERE gebruikersnaam = $1");
        Ok(self
            .conn()?
            .query_opt(&sql, &[&naam])?
            .map(|r| gebruiker_row(&r)))
    }

    fn gebruiker_by_id(&self, id: i64) -> Result<Option<GebruikerRij>> {
        let sql = format!("SELECT {GEBRUIKER_COLS} FROM gebruikers WHERE id = $1");
        Ok(self
            .conn()?
            .query_opt(&sql, &[&id])?
            .map(|r| gebruiker_row(&r)))
    }

    fn gebruikers(&self) -> Result<Vec<GebruikerRij>> {
        let sql = format!("SELECT {GEBRUIKER_COLS} FROM gebruikers ORDER BY gebruikersnaam");
        Ok(self
            .conn()?
            .query(&sql, &[])?
            .iter()
            .map(gebruiker_row)
            .collect())
    }

    fn herstelcode(&self, id: i64) -> Result<Option<(String, DateTime<Utc>)>> {
        Ok(self
            .conn()?
            .query_opt(
                "SELECT code_hash, verloopt FROM wachtwoordherstel WHERE gebruiker_id = $1",
                &[&id],
            )?
            .map(|r| (r.get(0), r.get(1))))
    }

    fn totp_aanbieden(&self, id: i64, nieuw: &str) -> Result<String> {
        let mut conn = self.conn()?;
        let gezet: Option<String> = conn
            .query_opt(
                "UPDATE gebruikers SET totp_nieuw = $2
                  WHERE id = $1 AND totp_inschrijven AND totp_nieuw IS NULL
                 RETURNING totp_nieuw",
                &[&id, &nieuw],
            )?
            .map(|r| r.get(0));
        // Not set here: offered before, or by a concurrent login whose commit this
        // statement (with a snapshot of its own) now sees.
        let geheim = match gezet {
            Some(g) => Some(g),
            None => conn
                .query_opt("SELECT totp_nieuw FROM gebruikers WHERE id = $1", &[&id])?
                .and_then(|r| r.get::<_, Option<String>>(0)),
        };
        geheim.ok_or_else(|| StoreError::Invalid("no second factor set-up asked".into()))
    }

    fn totp_bevestigen(&self, id: i64, stap: i64) -> Result<bool> {
        let n = self.conn()?.execute(
            "UPDATE gebruikers SET totp_geheim = totp_nieuw, totp_nieuw = NULL,
                 totp_inschrijven = false, totp_laatste_stap = $2
              WHERE id = $1 AND totp_inschrijven AND totp_nieuw IS NOT NULL",
            &[&id, &stap],
        )?;
        Ok(n == 1)
    }

    fn inlogpoging(&self, naam: &str, bron: &str) -> Result<Option<(u32, Option<DateTime<Utc>>)>> {
        Ok(self
            .conn()?
            .query_opt(
                "SELECT mislukt, geblokkeerd_tot FROM inlogpogingen WHERE naam = $1 AND bron = $2",
                &[&naam, &bron],
            )?
            .map(|r| (r.get::<_, i32>(0) as u32, r.get(1))))
    }

    fn set_inlogpoging(
        &self,
        naam: &str,
        bron: &str,
        mislukt: u32,
        geblokkeerd_tot: Option<DateTime<Utc>>,
        nu: DateTime<Utc>,
        vergeten: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO inlogpogingen (naam, bron, mislukt, geblokkeerd_tot, laatste)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (naam, bron) DO UPDATE SET mislukt = excluded.mislukt,
                     geblokkeerd_tot = excluded.geblokkeerd_tot, laatste = excluded.laatste",
                &[&naam, &bron, &(mislukt as i32), &geblokkeerd_tot, &nu],
            )?;
            c.execute(
                "DELETE FROM inlogpogingen WHERE laatste < $1
                   AND (geblokkeerd_tot IS NULL OR geblokkeerd_tot < $1)",
                &[&vergeten],
            )?;
            Ok(())
        })
    }

    fn clear_inlogpogingen(&self, naam: &str, bron: &str) -> Result<()> {
        self.conn()?.execute(
            "DELETE FROM inlogpogingen WHERE naam = $1 AND bron = $2",
            &[&naam, &bron],
        )?;
        Ok(())
    }

    fn mail_toevoegen(&self, m: &NieuweMail) -> Result<bool> {
        let mut conn = self.conn()?;
        mail_in(&mut conn, m)
    }

    fn mail_te_verzenden(&self, nu: DateTime<Utc>, max: u32) -> Result<Vec<MailRij>> {
        let sql = format!(
            "SELECT {MAIL_COLS} FROM mail_uit
             WHERE verzonden IS NULL AND volgende <= $1 ORDER BY volgende, id LIMIT $2"
        );
        Ok(self
            .conn()?
            .query(&sql, &[&nu, &i64::from(max)])?
            .iter()
            .map(|r| {
                let Ok(m) = crate::access::mail(r);
                m
            })
            .collect())
    }

    fn mail_poging(
        &self,
        id: i64,
        at: DateTime<Utc>,
        fout: Option<&str>,
        volgende: DateTime<Utc>,
    ) -> Result<()> {
        let n = self.conn()?.execute(
            "UPDATE mail_uit SET pogingen = pogingen + 1, fout = $3::text,
                 laatste_poging = $2::timestamptz,
                 verzonden = CASE WHEN $3::text IS NULL THEN $2::timestamptz END, volgende = $4
             WHERE id = $1 AND verzonden IS NULL",
            &[&id, &at, &fout, &volgende],
        )?;
        one_changed(n)
    }

    fn mail_stand(&self) -> Result<MailStand> {
        let mut c = self.conn()?;
        let r = c.query_one(
            "SELECT count(*) FILTER (WHERE verzonden IS NULL),
                    count(*) FILTER (WHERE verzonden IS NULL AND pogingen > 0),
                    count(*) FILTER (WHERE verzonden IS NOT NULL)
             FROM mail_uit",
            &[],
        )?;
        let (wachtend, mislukt, verzonden): (i64, i64, i64) = (r.get(0), r.get(1), r.get(2));
        let laatste_fout = c
            .query_opt(
                "SELECT fout, laatste_poging FROM mail_uit WHERE fout IS NOT NULL AND verzonden IS NULL
                 ORDER BY laatste_poging DESC LIMIT 1",
                &[],
            )?
            .map(|r| (r.get(0), r.get(1)));
        Ok(MailStand::uit((wachtend, mislukt, verzonden), laatste_fout))
    }

    fn vergeten(
        &self,
        voor: DateTime<Utc>,
        max_pogingen: u32,
        dry_run: bool,
    ) -> Result<(u64, u64)> {
        let max = max_pogingen as i32;
        let (sessies, mails) = (
            "FROM sessies WHERE aangemaakt < $1",
            "FROM mail_uit WHERE gemaakt < $1 AND (verzonden IS NOT NULL OR pogingen >= $2)",
        );
        let mut conn = self.conn()?;
        if dry_run {
            let s: i64 = conn
                .query_one(&format!("SELECT count(*) {sessies}"), &[&voor])?
                .get(0);
            let m: i64 = conn
                .query_one(&format!("SELECT count(*) {mails}"), &[&voor, &max])?
                .get(0);
            return Ok((s as u64, m as u64));
        }
        in_tx(&mut conn, |c| {
            let s = c.execute(&format!("DELETE {sessies}"), &[&voor])?;
            let m = c.execute(&format!("DELETE {mails}"), &[&voor, &max])?;
            Ok(((s, m), true))
        })
    }

    fn inlog_wijzigen(
        &self,
        id: i64,
        stappen: &[Inlogstap],
        audit: &[NieuwAuditEntry],
    ) -> Result<()> {
        let mut conn = self.conn()?;
        let invoegen = audit_invoegen(&mut conn)?;
        in_tx(&mut conn, |c| {
            for s in stappen {
                inlogstap(c, id, s)?;
            }
            if !audit.is_empty() {
                let staart = audit_staart(c, false)?;
                append_audit_in(c, &invoegen, staart, audit)?;
            }
            Ok(((), true))
        })
    }

    fn add_sessie(&self, s: &SessieRij) -> Result<()> {
        self.conn()?.execute(
            "INSERT INTO sessies (token_hash, gebruiker_id, aangemaakt, laatst_gebruikt, verloopt, ingetrokken, bron)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &s.token_hash,
                &s.gebruiker_id,
                &s.aangemaakt,
                &s.laatst_gebruikt,
                &s.verloopt,
                &s.ingetrokken,
                &s.bron,
            ],
        )?;
        Ok(())
    }

    fn sessie(&self, h: &str) -> Result<Option<SessieRij>> {
        let sql = format!("SELECT {SESSIE_COLS} FROM sessies WHERE token_hash = $1");
        Ok(self.conn()?.query_opt(&sql, &[&h])?.map(|r| sessie_row(&r)))
    }

    fn touch_sessie(&self, h: &str, laatst: DateTime<Utc>, verloopt: DateTime<Utc>) -> Result<()> {
        self.conn()?.execute(
            "UPDATE sessies SET laatst_gebruikt = $2, verloopt = $3 WHERE token_hash = $1",
            &[&h, &laatst, &verloopt],
        )?;
        Ok(())
    }

    fn revoke_sessie(&self, h: &str, at: DateTime<Utc>) -> Result<bool> {
        Ok(self.conn()?.execute(
            "UPDATE sessies SET ingetrokken = $2 WHERE token_hash = $1 AND ingetrokken IS NULL",
            &[&h, &at],
        )? == 1)
    }

    fn add_api_token(&self, t: &ApiTokenRij) -> Result<i64> {
        Ok(self
            .conn()?
            .query_one(
                "INSERT INTO api_tokens (token_hash, organisatie, scopes, omschrijving, aangemaakt)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    &t.token_hash,
                    &t.organisatie,
                    &t.scopes,
                    &t.omschrijving,
                    &t.aangemaakt,
                ],
            )?
            .get(0))
    }

    fn api_token(&self, h: &str) -> Result<Option<ApiTokenRij>> {
        // Prepared once per connection: every request of a system with a token reads it.
        static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let sql = SQL
            .get_or_init(|| format!("SELECT {TOKEN_COLS} FROM api_tokens WHERE token_hash = $1"));
        let mut c = self.conn()?;
        let stmt = c.prepared(sql)?;
        Ok(c.query_opt(&stmt, &[&h])?.map(|r| token_row(&r)))
    }

    fn api_tokens(&self) -> Result<Vec<ApiTokenRij>> {
        let sql = format!("SELECT {TOKEN_COLS} FROM api_tokens ORDER BY id");
        Ok(self
            .conn()?
            .query(&sql, &[])?
            .iter()
            .map(token_row)
            .collect())
    }

    fn revoke_api_token(&self, id: i64, at: DateTime<Utc>) -> Result<bool> {
        Ok(self.conn()?.execute(
            "UPDATE api_tokens SET ingetrokken = $2 WHERE id = $1 AND ingetrokken IS NULL",
            &[&id, &at],
        )? == 1)
    }

    fn persoon_context(
        &self,
        leerling: LeerlingId,
        on: NaiveDate,
    ) -> Result<Option<PersoonContext>> {
        static BSN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        static ONR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let (sql, n) = match leerling {
            LeerlingId::Bsn(b) => (
                BSN.get_or_init(|| context_sql("j.bsn = $1::int")),
                b.value(),
            ),
            LeerlingId::Onderwijsnummer(o) => (
                ONR.get_or_init(|| context_sql("j.onderwijsnummer = $1::int")),
                o.value(),
            ),
        };
        let mut c = self.conn()?;
        let stmt = c.prepared(sql)?;
        c.query_opt(&stmt, &[&i32_of(n), &on])?
            .map(|r| context_row(&r))
            .transpose()
    }

    fn add_noodtoegang(
        &self,
        gebruiker_id: i64,
        jongere_id: i64,
        reden: &str,
        van: DateTime<Utc>,
        tot: DateTime<Utc>,
    ) -> Result<()> {
        self.conn()?.execute(
            "INSERT INTO noodtoegang (gebruiker_id, jongere_id, reden, van, tot) VALUES ($1, $2, $3, $4, $5)",
            &[&gebruiker_id, &jongere_id, &reden, &van, &tot],
        )?;
        Ok(())
    }

    fn noodtoegang(
        &self,
        gebruiker_id: i64,
        jongere_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<String>> {
        // Prepared once per connection: every read the gate refuses at first asks for a grant.
        let mut c = self.conn()?;
        let stmt = c.prepared(
            "SELECT reden FROM noodtoegang WHERE gebruiker_id = $1 AND jongere_id = $2
               AND van <= $3 AND tot > $3 ORDER BY tot DESC LIMIT 1",
        )?;
        Ok(c.query_opt(&stmt, &[&gebruiker_id, &jongere_id, &now])?
            .map(|r| r.get(0)))
    }

    fn add_partner(&self, zaak_id: i64, organisatie: &str, sinds: NaiveDate) -> Result<()> {
        self.conn()?.execute(
            "INSERT INTO zaak_partners (zaak_id, jongere_id, organisatie, sinds)
             SELECT id, jongere_id, $2, $3 FROM zaken WHERE id = $1
             ON CONFLICT (zaak_id, organisatie) DO UPDATE SET
                 sinds = CASE WHEN zaak_partners.tot IS NULL THEN zaak_partners.sinds
                              ELSE excluded.sinds END,
                 tot = NULL",
            &[&zaak_id, &organisatie, &sinds],
        )?;
        Ok(())
    }

    fn remove_partner(&self, zaak_id: i64, organisatie: &str, tot: NaiveDate) -> Result<bool> {
        Ok(self.conn()?.execute(
            "UPDATE zaak_partners SET tot = $3
             WHERE zaak_id = $1 AND organisatie = $2 AND tot IS NULL",
            &[&zaak_id, &organisatie, &tot],
        )? == 1)
    }

    fn add_notitie(
        &self,
        jongere_id: i64,
        organisatie: &str,
        gebruiker_id: i64,
        tijd: DateTime<Utc>,
        tekst: &str,
    ) -> Result<i64> {
        Ok(self
            .conn()?
            .query_one(
                "INSERT INTO medische_notities (jongere_id, organisatie, gebruiker_id, tijd, tekst)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[&jongere_id, &organisatie, &gebruiker_id, &tijd, &tekst],
            )?
            .get(0))
    }

    fn notities(&self, jongere_id: i64) -> Result<Vec<NotitieRij>> {
        Ok(self
            .conn()?
            .lees(
                "SELECT id, organisatie, gebruiker_id, tijd, tekst FROM medische_notities
                 WHERE jongere_id = $1 ORDER BY tijd, id",
                &[&jongere_id],
            )?
            .iter()
            .map(|r| NotitieRij {
                id: r.get(0),
                organisatie: r.get(1),
                gebruiker_id: r.get(2),
                tijd: r.get(3),
                tekst: r.get(4),
            })
            .collect())
    }

    fn append_audit(&self, entries: &[NieuwAuditEntry]) -> Result<Vec<i64>> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn()?;
        let invoegen = audit_invoegen(&mut conn)?;
        // After this process's own last append, in one statement that commits by itself (one
        // round trip instead of three): unless another process appended since, or the log no
        // longer holds that link, or the index by person must catch up.
        let bekend = self
            .audit_kop
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(kop) = bekend {
            let s = Schakels::na(kop, entries);
            if !s.kruist_index() {
                match s.invoegen(&mut conn, &invoegen, entries) {
                    Ok(n) if n == entries.len() as u64 => {
                        *self.audit_kop.lock().unwrap_or_else(|e| e.into_inner()) = Some(s.kop());
                        return Ok(s.seqs);
                    }
                    Ok(_) => {}
                    Err(e) if e.is_unique_violation("audit_log_pkey") => {}
                    Err(e) => return Err(e),
                }
            }
        }
        // BEGIN travels with the lock and the read of the last link.
        let geschreven = audit_staart(&mut conn, true)
            .and_then(|staart| append_audit_in(&mut conn, &invoegen, staart, entries));
        match geschreven {
            Ok(s) => {
                conn.batch_execute("COMMIT")?;
                *self.audit_kop.lock().unwrap_or_else(|e| e.into_inner()) = Some(s.kop());
                Ok(s.seqs)
            }
            Err(e) => {
                let _ = conn.batch_execute("ROLLBACK");
                Err(e)
            }
        }
    }

    fn for_each_audit(&self, f: &mut dyn FnMut(AuditEntry) -> Result<()>) -> Result<()> {
        use ::postgres::fallible_iterator::FallibleIterator;
        let mut c = self.conn()?;
        let sql = format!("SELECT {AUDIT_COLS} FROM audit_log ORDER BY seq");
        let mut tx = c.transaction()?;
        let params: [&(dyn ::postgres::types::ToSql + Sync); 0] = [];
        let mut rows = tx.query_raw(&sql, params)?;
        while let Some(r) = rows.next()? {
            f(audit_row(&r))?;
        }
        drop(rows);
        tx.commit()?;
        Ok(())
    }

    fn audit_van(&self, personen: &[String]) -> Result<Vec<AuditEntry>> {
        let sql =
            // Indexed entries through audit_persoon, the short tail after it by a scan.
            format!(
                "SELECT {AUDIT_COLS} FROM audit_log
             WHERE seq IN (SELECT seq FROM audit_persoon WHERE persoon = ANY($1))
             UNION ALL
             SELECT {AUDIT_COLS} FROM audit_log
             WHERE seq > (SELECT tot FROM audit_geindexeerd) AND persoon = ANY($1)
             ORDER BY seq"
            );
        Ok(self
            .conn()?
            .query(&sql, &[&personen])?
            .iter()
            .map(audit_row)
            .collect())
    }

    fn purge_kandidaten(&self, geboren_tot: NaiveDate) -> Result<Vec<PurgeKandidaat>> {
        let rows = self.conn()?.query(
            "SELECT id, bsn, onderwijsnummer, geboortedatum FROM jongeren
             WHERE geboortedatum <= $1 ORDER BY id",
            &[&geboren_tot],
        )?;
        rows.iter()
            .map(|r| {
                let bsn: Option<i32> = r.get(1);
                let onr: Option<i32> = r.get(2);
                let leerling = crate::postgres::absence::leerling_of(bsn, onr)?;
                Ok(PurgeKandidaat {
                    id: r.get(0),
                    leerling,
                    geboortedatum: r.get(3),
                })
            })
            .collect()
    }

    fn purge(
        &self,
        plan: &[PurgePersoon],
        meldingen_voor: NaiveDate,
        dry_run: bool,
    ) -> Result<PurgeTelling> {
        let mut conn = self.conn()?;
        in_tx(&mut conn, |c| {
            // Enrolments have no foreign key on PostgreSQL: no import may add one for a
            // person while that person is being removed.
            c.batch_execute("LOCK TABLE jongeren IN EXCLUSIVE MODE")?;
            c.batch_execute(
                "CREATE TEMP TABLE purge_plan (jongere_id BIGINT PRIMARY KEY, voor DATE NOT NULL, dossier BOOLEAN NOT NULL,
                                         persoon BOOLEAN NOT NULL, reg_voor DATE NOT NULL)
                 ON COMMIT DROP",
            )?;
            let ids: Vec<i64> = plan.iter().map(|p| p.id).collect();
            let voor: Vec<NaiveDate> = plan.iter().map(|p| p.voor).collect();
            let dossier: Vec<bool> = plan.iter().map(|p| p.dossier).collect();
            c.execute(
                "INSERT INTO purge_plan SELECT i, v, d, d, v FROM unnest($1::bigint[], $2::date[], $3::bool[]) AS u(i, v, d)",
                &[&ids, &voor, &dossier],
            )?;
            c.batch_execute("ANALYZE purge_plan")?;
            c.batch_execute(
                "CREATE TEMP TABLE purge_signaaltellingen (jongere_id BIGINT NOT NULL,
                   schooljaar INTEGER NOT NULL, av BOOLEAN NOT NULL, gemeente TEXT NOT NULL,
                   scholen TEXT NOT NULL) ON COMMIT DROP",
            )?;
            for p in plan {
                for t in &p.signaaltellingen {
                    c.execute(
                        "INSERT INTO purge_signaaltellingen VALUES ($1, $2, $3, $4, $5)",
                        &[
                            &p.id,
                            &t.schooljaar,
                            &t.av,
                            &t.gemeente,
                            &t.scholen.join("|"),
                        ],
                    )?;
                }
            }
            // The figures' anonymous rows of everything that goes, first (docs/domain.md §9.8).
            crate::postgres::cijfers::registraties_grens(c)?;
            crate::postgres::cijfers::kies_meldingen(c, meldingen_voor)?;
            crate::postgres::cijfers::bewaar_anoniem(c)?;
            // See the SQLite store: unique persons per school year and gemeente are kept.
            let sj = |d: &str| {
                format!(
                    "(extract(year FROM {d} - interval '7 months')::int::text || '-' ||
                      (extract(year FROM {d} - interval '7 months')::int + 1)::text)"
                )
            };
            let upsert = "ON CONFLICT (schooljaar, gemeente, indicator)
                          DO UPDATE SET aantal = anonieme_cijfers.aantal + excluded.aantal";
            let verzuim = crate::postgres::absence::purge_verzuim(c)?;
            c.execute(
                &format!(
                    "INSERT INTO anonieme_cijfers (schooljaar, gemeente, indicator, aantal)
                     SELECT {sj}, j.gemeente, 'signaal_' || s.regel, count(DISTINCT s.jongere_id)
                     FROM signalen s JOIN purge_plan p ON p.jongere_id = s.jongere_id
                     JOIN jongeren j ON j.id = s.jongere_id
                     WHERE s.datum < p.voor
                     GROUP BY 1, 2, 3 {upsert}",
                    sj = sj("s.datum")
                ),
                &[],
            )?;
            c.execute(
                &format!(
                    "INSERT INTO anonieme_cijfers (schooljaar, gemeente, indicator, aantal)
                     SELECT {sj}, j.gemeente, 'melding_' || m.verzuimsoort, count(*)
                     FROM meldingen m JOIN jongeren j ON j.id = m.jongere_id
                     WHERE m.id IN (SELECT id FROM purge_meldingen)
                     GROUP BY 1, 2, 3 {upsert}",
                    sj = sj("m.begindatum")
                ),
                &[],
            )?;
            let mut t = PurgeTelling {
                meldingen: c.execute(
                    "DELETE FROM meldingen WHERE id IN (SELECT id FROM purge_meldingen)",
                    &[],
                )?,
                ..PurgeTelling::default()
            };
            c.execute(
                "UPDATE purge_plan p SET persoon = false
                 WHERE persoon AND EXISTS (SELECT 1 FROM meldingen m WHERE m.jongere_id = p.jongere_id)",
                &[],
            )?;
            // What only the signals counted (their lrv signals go; for av, the record goes).
            c.execute(
                "INSERT INTO anoniem_signaaltellingen (schooljaar, av, gemeente, scholen)
                 SELECT t.schooljaar, t.av, t.gemeente, t.scholen
                 FROM purge_signaaltellingen t JOIN purge_plan p ON p.jongere_id = t.jongere_id
                 WHERE NOT t.av OR p.persoon
                 ORDER BY t.schooljaar, t.av, t.gemeente, t.scholen",
                &[],
            )?;
            let dated = |table: &str| {
                format!(
                    "DELETE FROM {table} t USING purge_plan p
                     WHERE p.jongere_id = t.jongere_id AND t.datum < p.voor"
                )
            };
            t.verzuim = verzuim;
            t.signalen = c.execute(&dated("signalen"), &[])?;
            t.registraties = c.execute(
                "DELETE FROM registraties t USING purge_plan p
                 WHERE p.jongere_id = t.jongere_id AND t.van < p.reg_voor",
                &[],
            )?;
            c.execute(
                "DELETE FROM registratie_versies t USING purge_plan p
                 WHERE p.jongere_id = t.jongere_id AND t.van < p.reg_voor",
                &[],
            )?;
            let whole = |table: &str, flag: &str| {
                format!(
                    "DELETE FROM {table} t USING purge_plan p WHERE p.jongere_id = t.jongere_id AND p.{flag}"
                )
            };
            c.execute(
                "UPDATE meldingen m SET zaak_id = NULL FROM zaken z, purge_plan p
                 WHERE m.zaak_id = z.id AND z.jongere_id = p.jongere_id AND p.dossier",
                &[],
            )?;
            c.execute(
                "DELETE FROM zaak_gebeurtenissen g USING zaken z, purge_plan p
                 WHERE g.zaak_id = z.id AND z.jongere_id = p.jongere_id AND p.dossier",
                &[],
            )?;
            t.zaaknotities = c.execute(&whole("zaaknotities", "dossier"), &[])?;
            t.brieven = c.execute(&whole("brieven", "dossier"), &[])?;
            t.partners = c.execute(&whole("zaak_partners", "dossier"), &[])?;
            t.zaken = c.execute(&whole("zaken", "dossier"), &[])?;
            t.notities = c.execute(&whole("medische_notities", "dossier"), &[])?;
            t.verzorgers = c.execute(&whole("verzorgers", "dossier"), &[])?;
            t.noodtoegang = c.execute(&whole("noodtoegang", "dossier"), &[])?;
            // No foreign key guards absence either (migration V43).
            c.execute(&whole("verzuim_blokken", "persoon"), &[])?;
            c.execute(&whole("verzuim_gewijzigd", "persoon"), &[])?;
            c.execute(&whole("verhuizingen", "persoon"), &[])?;
            t.inschrijvingen = c.execute(&whole("inschrijvingen", "persoon"), &[])?;
            c.execute(&whole("onderwijsloos", "persoon"), &[])?;
            c.execute(&whole("onderwijsloos_vuil", "persoon"), &[])?;
            t.personen = c.execute(
                "DELETE FROM jongeren j USING purge_plan p WHERE p.jongere_id = j.id AND p.persoon",
                &[],
            )?;
            Ok((t, !dry_run))
        })
    }

    fn anonieme_signaaltellingen(
        &self,
        jaar: leerrecht_domain::schoolyear::SchoolYear,
    ) -> Result<Vec<(bool, String, String)>> {
        Ok(self
            .conn()?
            .query(
                "SELECT av, gemeente, scholen FROM anoniem_signaaltellingen WHERE schooljaar = $1",
                &[&jaar.start_year()],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    fn anonieme_cijfers(&self) -> Result<Vec<(String, String, String, u64)>> {
        Ok(self
            .conn()?
            .query(
                "SELECT schooljaar, gemeente, indicator, aantal FROM anonieme_cijfers ORDER BY 1, 2, 3",
                &[],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get::<_, i64>(3) as u64))
            .collect())
    }
}

/// The insert of a batch of audit entries, prepared once per connection (every read of a
/// person writes here). It writes nothing unless the link the batch follows (`$16`, `$17`) is
/// the log's last, or the log is empty (`$16` is 0): a batch made after a link that another
/// process has appended to since, or after a link the log does not hold (a log restored to an
/// older state), writes no row; one that meets another process's batch under way fails on
/// the key of its first entry. Either way no link is written twice.
fn audit_invoegen(conn: &mut crate::postgres::Conn) -> Result<::postgres::Statement> {
    conn.prepared(
        "INSERT INTO audit_log (seq, tijd, actor, organisatie, rol, actie, persoon, record, bron,
                                reden, noodtoegang, toegestaan, vorige, hash, doel)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                              $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                              $11::bool[], $12::bool[], $13::text[], $14::text[],
                              $15::text[])
         WHERE ($16::bigint = 0
                OR EXISTS (SELECT 1 FROM audit_log WHERE seq = $16::bigint AND hash = $17::text))
           AND NOT EXISTS (SELECT 1 FROM audit_log WHERE seq = $16::bigint + 1)",
    )
}

/// Opens the transaction of an append (with `begin`; otherwise the caller's transaction is
/// open), serialises it with the appenders of every process (readers carry on) and reads the
/// chain's last link: one round trip, since every read of a person appends.
fn audit_staart(c: &mut Client, begin: bool) -> Result<(i64, String)> {
    const STAART: &str = "LOCK TABLE audit_log IN EXCLUSIVE MODE;
                          SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
    let berichten = if begin {
        c.simple_query(&format!("BEGIN; {STAART}"))
    } else {
        c.simple_query(STAART)
    }?;
    for b in berichten {
        if let ::postgres::SimpleQueryMessage::Row(r) = b {
            let seq = r.get(0).and_then(|v| v.parse().ok());
            let hash = r.get(1);
            return match (seq, hash) {
                (Some(seq), Some(hash)) => Ok((seq, hash.to_string())),
                _ => Err(StoreError::Invalid(
                    "audit_log: unreadable last link".into(),
                )),
            };
        }
    }
    Ok((0, GENESIS.to_string()))
}

/// Appends `entries` after the chain's last link `staart` ([`audit_staart`]) inside the
/// caller's transaction, and returns the new last link.
fn append_audit_in(
    c: &mut Client,
    invoegen: &::postgres::Statement,
    staart: (i64, String),
    entries: &[NieuwAuditEntry],
) -> Result<Schakels> {
    let s = Schakels::na(staart, entries);
    if entries.is_empty() {
        return Ok(s);
    }
    if s.invoegen(c, invoegen, entries)? != entries.len() as u64 {
        return Err(StoreError::Invalid(
            "audit_log: the last link changed while the log was locked".into(),
        ));
    }
    if s.kruist_index() {
        let last = s.kop().0;
        c.batch_execute(&format!(
            "INSERT INTO audit_persoon (persoon, seq)
             SELECT persoon, seq FROM audit_log
             WHERE seq > (SELECT tot FROM audit_geindexeerd) AND persoon IS NOT NULL
             ORDER BY persoon, seq;
             UPDATE audit_geindexeerd SET tot = {last};"
        ))?;
    }
    Ok(s)
}

/// The links of a batch of audit entries after the link `na`: each entry's number, the hash
/// it follows and its own.
pub(crate) struct Schakels {
    na: (i64, String),
    seqs: Vec<i64>,
    vorigen: Vec<String>,
    hashes: Vec<String>,
}

impl Schakels {
    fn na(na: (i64, String), entries: &[NieuwAuditEntry]) -> Self {
        let (mut seq, mut vorige) = na.clone();
        let mut s = Schakels {
            na,
            seqs: Vec::with_capacity(entries.len()),
            vorigen: Vec::with_capacity(entries.len()),
            hashes: Vec::with_capacity(entries.len()),
        };
        for e in entries {
            seq += 1;
            let hash = chain_hash(&vorige, seq, e);
            s.seqs.push(seq);
            s.vorigen.push(std::mem::replace(&mut vorige, hash.clone()));
            s.hashes.push(hash);
        }
        s
    }

    /// The last link after the batch.
    fn kop(&self) -> (i64, String) {
        match (self.seqs.last(), self.hashes.last()) {
            (Some(seq), Some(hash)) => (*seq, hash.clone()),
            _ => self.na.clone(),
        }
    }

    /// Whether the batch passes a multiple of [`INDEX_EVERY`], when the index by person
    /// catches up.
    fn kruist_index(&self) -> bool {
        let last = self.kop().0;
        last / INDEX_EVERY > (last - self.seqs.len() as i64) / INDEX_EVERY
    }

    /// Inserts the entries with their links; the number of rows written (none when the link
    /// they follow is not in the log, see [`audit_invoegen`]).
    fn invoegen(
        &self,
        c: &mut Client,
        invoegen: &::postgres::Statement,
        entries: &[NieuwAuditEntry],
    ) -> Result<u64> {
        let text = |f: fn(&NieuwAuditEntry) -> &str| entries.iter().map(f).collect::<Vec<_>>();
        let opt =
            |f: fn(&NieuwAuditEntry) -> Option<&str>| entries.iter().map(f).collect::<Vec<_>>();
        let flag = |f: fn(&NieuwAuditEntry) -> bool| entries.iter().map(f).collect::<Vec<_>>();
        Ok(c.execute(
            invoegen,
            &[
                &self.seqs,
                &text(|e| &e.tijd),
                &text(|e| &e.actor),
                &opt(|e| e.organisatie.as_deref()),
                &opt(|e| e.rol.as_deref()),
                &text(|e| &e.actie),
                &opt(|e| e.persoon.as_deref()),
                &opt(|e| e.record.as_deref()),
                &text(|e| &e.bron),
                &opt(|e| e.reden.as_deref()),
                &flag(|e| e.noodtoegang),
                &flag(|e| e.toegestaan),
                &self.vorigen,
                &self.hashes,
                &opt(|e| e.doel.as_deref()),
                &self.na.0,
                &self.na.1,
            ],
        )?)
    }
}

/// One step of a change of credentials of account `id`, inside the caller's transaction.
fn inlogstap(c: &mut Client, id: i64, s: &Inlogstap) -> Result<()> {
    let n = match s {
        Inlogstap::Wachtwoord(hash) | Inlogstap::TijdelijkWachtwoord(hash) => c.execute(
            "UPDATE gebruikers SET wachtwoord = $2, wachtwoord_tijdelijk = $3 WHERE id = $1",
            &[&id, hash, &matches!(s, Inlogstap::TijdelijkWachtwoord(_))],
        )?,
        Inlogstap::TotpGeheim(geheim) => c.execute(
            "UPDATE gebruikers SET totp_geheim = $2, totp_laatste_stap = NULL, totp_inschrijven = false,
                 totp_nieuw = NULL WHERE id = $1",
            &[&id, geheim],
        )?,
        Inlogstap::TotpVragen => c.execute(
            "UPDATE gebruikers SET totp_inschrijven = true, totp_nieuw = NULL, totp_geheim = NULL,
                 totp_laatste_stap = NULL WHERE id = $1",
            &[&id],
        )?,
        Inlogstap::Actief(actief) => c.execute(
            "UPDATE gebruikers SET actief = $2 WHERE id = $1",
            &[&id, actief],
        )?,
        Inlogstap::LoginState {
            mislukt,
            geblokkeerd_tot,
            stap,
        } => c.execute(
            "UPDATE gebruikers SET mislukte_pogingen = $2, geblokkeerd_tot = $3,
                 totp_laatste_stap = coalesce($4, totp_laatste_stap) WHERE id = $1",
            &[&id, &(*mislukt as i32), geblokkeerd_tot, stap],
        )?,
        Inlogstap::Herstelcode(code_hash, verloopt) => {
            c.execute(
                "INSERT INTO wachtwoordherstel (gebruiker_id, code_hash, verloopt) VALUES ($1, $2, $3)
                 ON CONFLICT (gebruiker_id) DO UPDATE SET code_hash = excluded.code_hash,
                                                          verloopt = excluded.verloopt",
                &[&id, code_hash, verloopt],
            )?;
            return Ok(());
        }
        Inlogstap::HerstelcodeWissen => {
            c.execute(
                "DELETE FROM wachtwoordherstel WHERE gebruiker_id = $1",
                &[&id],
            )?;
            return Ok(());
        }
        Inlogstap::InlogpogingenWissen(naam) => {
            c.execute("DELETE FROM inlogpogingen WHERE naam = $1", &[naam])?;
            return Ok(());
        }
        Inlogstap::SessiesBeeindigen(at) => {
            c.execute(
                "UPDATE sessies SET ingetrokken = $2 WHERE gebruiker_id = $1 AND ingetrokken IS NULL",
                &[&id, at],
            )?;
            return Ok(());
        }
        Inlogstap::Email(email) => c.execute(
            "UPDATE gebruikers SET email = $2 WHERE id = $1",
            &[&id, email],
        )?,
        Inlogstap::SsoKoppeling(k) => c.execute(
            "UPDATE gebruikers SET sso_koppeling = $2 WHERE id = $1",
            &[&id, k],
        )?,
        Inlogstap::Mail(m) => {
            mail_in(c, m)?;
            return Ok(());
        }
    };
    one_changed(n)
}

/// Queues `m` in the caller's transaction unless its key was queued before.
fn mail_in(c: &mut Client, m: &NieuweMail) -> Result<bool> {
    Ok(c.execute(
        "INSERT INTO mail_uit (sleutel, aan, onderwerp, tekst, gemaakt, volgende)
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (sleutel) DO NOTHING",
        &[&m.sleutel, &m.aan, &m.onderwerp, &m.tekst, &m.gemaakt],
    )? == 1)
}
