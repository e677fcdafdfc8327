//! The SQLite store's accounts, sessions, tokens, access facts, audit log and retention.

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::date::iso;
use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::rules::Regel;
use rusqlite::{params, OptionalExtension, Row};

use crate::access::{
    chain_hash, moment, AccessStore, ApiTokenRij, AuditEntry, GebruikerRij, Inlogstap, MailRij,
    MailStand, NieuwAuditEntry, NieuweGebruiker, NieuweMail, NotitieRij, OidcAanvraagRij,
    PersoonContext, PurgeKandidaat, PurgePersoon, PurgeTelling, SessieRij, GENESIS, OIDC_COLS,
};
use crate::sqlite::{date_col, find_jongere, in_tx, invalid, Conn, SqliteStore};
use crate::{Result, StoreError};

fn mom(r: &Row<'_>, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    crate::stored::Rij::moment(r, i)
}

fn opt_mom(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    crate::stored::Rij::opt_moment(r, i)
}

fn gebruiker_row(r: &Row<'_>) -> rusqlite::Result<GebruikerRij> {
    crate::access::gebruiker(r, 0)
}

fn sessie_row(r: &Row<'_>) -> rusqlite::Result<SessieRij> {
    crate::access::sessie(r)
}

fn token_row(r: &Row<'_>) -> rusqlite::Result<ApiTokenRij> {
    crate::access::token(r)
}

fn audit_row(r: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    crate::access::audit(r)
}

use crate::access::{one_changed, AUDIT_COLS, GEBRUIKER_COLS, INDEX_EVERY, MAIL_COLS};

impl SqliteStore {
    fn write<T>(&self, body: impl FnOnce(&Conn) -> Result<T>) -> Result<T> {
        let conn = self.conn()?;
        in_tx(&conn, |c| Ok((body(c)?, true))).map(|(v, _)| v)
    }
}

impl AccessStore for SqliteStore {
    fn instelling_of(&self, naam: &str, nieuw: &str) -> Result<String> {
        self.write(|c| {
            c.execute(
                "INSERT INTO instellingen (naam, waarde) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![naam, nieuw],
            )?;
            Ok(c.query_row(
                "SELECT waarde FROM instellingen WHERE naam = ?1",
                [naam],
                |r| r.get(0),
            )?)
        })
    }

    fn instelling(&self, naam: &str) -> Result<Option<String>> {
        Ok(self
            .conn()?
            .prepare_cached("SELECT waarde FROM instellingen WHERE naam = ?1")?
            .query_row([naam], |r| r.get(0))
            .optional()?)
    }

    fn set_instelling(&self, naam: &str, waarde: Option<&str>) -> Result<()> {
        let c = self.conn()?;
        match waarde {
            Some(w) => c.execute(
                "INSERT INTO instellingen (naam, waarde) VALUES (?1, ?2)
                 ON CONFLICT (naam) DO UPDATE SET waarde = excluded.waarde",
                params![naam, w],
            )?,
            None => c.execute("DELETE FROM instellingen WHERE naam = ?1", [naam])?,
        };
        Ok(())
    }

    fn instellingen_met(&self, voorvoegsel: &str) -> Result<Vec<String>> {
        let c = self.conn()?;
        let mut stmt = c.prepare_cached(
            "SELECT naam FROM instellingen WHERE substr(naam, 1, length(?1)) = ?1 ORDER BY naam",
        )?;
        let names = stmt
            .query_map([voorvoegsel], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(names)
    }

    fn add_gebruiker(&self, g: &NieuweGebruiker) -> Result<i64> {
        self.write(|c| {
            let taken: Option<i64> = c
                .query_row(
                    "SELECT id FROM gebruikers WHERE gebruikersnaam = ?1",
                    [&g.gebruikersnaam],
                    |r| r.get(0),
                )
                .optional()?;
            if taken.is_some() {
                return Err(StoreError::Invalid(format!(
                    "gebruikersnaam {:?} bestaat al",
                    g.gebruikersnaam
                )));
            }
            c.execute(
                "INSERT INTO gebruikers (gebruikersnaam, organisatie, rol, wachtwoord, totp_geheim, aangemaakt,
                                         wachtwoord_tijdelijk)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    g.gebruikersnaam,
                    g.organisatie,
                    g.rol,
                    g.wachtwoord_hash,
                    g.totp_geheim,
                    moment(g.aangemaakt),
                    g.wachtwoord_tijdelijk
                ],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    fn oidc_aanvraag_bewaren(&self, a: &OidcAanvraagRij, vergeten: DateTime<Utc>) -> Result<()> {
        self.write(|c| {
            c.execute(
                "DELETE FROM oidc_aanvragen WHERE aangemaakt < ?1",
                [moment(vergeten)],
            )?;
            c.execute(
                &format!(
                    "INSERT INTO oidc_aanvragen ({OIDC_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                ),
                params![
                    a.sleutel,
                    a.binding,
                    a.issuer,
                    a.nonce,
                    a.verifier,
                    a.gebruiker_id,
                    moment(a.aangemaakt)
                ],
            )?;
            Ok(())
        })
    }

    fn oidc_aanvraag_nemen(&self, sleutel: &str) -> Result<Option<OidcAanvraagRij>> {
        self.write(|c| {
            Ok(c.query_row(
                &format!("DELETE FROM oidc_aanvragen WHERE sleutel = ?1 RETURNING {OIDC_COLS}"),
                [sleutel],
                |r| crate::access::oidc_aanvraag(r),
            )
            .optional()?)
        })
    }

    fn gebruiker(&self, naam: &str) -> Result<Option<GebruikerRij>> {
        let sql = format!("SELECT {GEBRUIKER_COLS} FROM gebruikers WHERE gebruikersnaam = ?1");
        Ok(self
            .conn()?
            .prepare_cached(&sql)?
            .query_row([naam], gebruiker_row)
            .optional()?)
    }

    fn gebruiker_by_id(&self, id: i64) -> Result<Option<GebruikerRij>> {
        let sql = format!("SELECT {GEBRUIKER_COLS} FROM gebruikers WHERE id = ?1");
        Ok(self
            .conn()?
            .prepare_cached(&sql)?
            .query_row([id], gebruiker_row)
            .optional()?)
    }

    fn gebruikers(&self) -> Result<Vec<GebruikerRij>> {
        let sql = format!("SELECT {GEBRUIKER_COLS} FROM gebruikers ORDER BY gebruikersnaam");
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], gebruiker_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn herstelcode(&self, id: i64) -> Result<Option<(String, DateTime<Utc>)>> {
        Ok(self
            .conn()?
            .prepare_cached(
                "SELECT code_hash, verloopt FROM wachtwoordherstel WHERE gebruiker_id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, mom(r, 1)?)))
            .optional()?)
    }

    fn totp_aanbieden(&self, id: i64, nieuw: &str) -> Result<String> {
        self.write(|c| {
            c.execute(
                "UPDATE gebruikers SET totp_nieuw = ?2
                  WHERE id = ?1 AND totp_inschrijven = 1 AND totp_nieuw IS NULL",
                params![id, nieuw],
            )?;
            let geheim: Option<String> = c.query_row(
                "SELECT totp_nieuw FROM gebruikers WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            geheim.ok_or_else(|| StoreError::Invalid("no second factor set-up asked".into()))
        })
    }

    fn totp_bevestigen(&self, id: i64, stap: i64) -> Result<bool> {
        let n = self.conn()?.execute(
            "UPDATE gebruikers SET totp_geheim = totp_nieuw, totp_nieuw = NULL,
                 totp_inschrijven = 0, totp_laatste_stap = ?2
              WHERE id = ?1 AND totp_inschrijven = 1 AND totp_nieuw IS NOT NULL",
            params![id, stap],
        )?;
        Ok(n == 1)
    }

    fn inlogpoging(&self, naam: &str, bron: &str) -> Result<Option<(u32, Option<DateTime<Utc>>)>> {
        Ok(self
            .conn()?
            .prepare_cached(
                "SELECT mislukt, geblokkeerd_tot FROM inlogpogingen WHERE naam = ?1 AND bron = ?2",
            )?
            .query_row([naam, bron], |r| Ok((r.get(0)?, opt_mom(r, 1)?)))
            .optional()?)
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
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (naam, bron) DO UPDATE SET mislukt = excluded.mislukt,
                     geblokkeerd_tot = excluded.geblokkeerd_tot, laatste = excluded.laatste",
                params![naam, bron, mislukt, geblokkeerd_tot.map(moment), moment(nu)],
            )?;
            c.execute(
                "DELETE FROM inlogpogingen WHERE laatste < ?1
                   AND (geblokkeerd_tot IS NULL OR geblokkeerd_tot < ?1)",
                [moment(vergeten)],
            )?;
            Ok(())
        })
    }

    fn clear_inlogpogingen(&self, naam: &str, bron: &str) -> Result<()> {
        self.conn()?.execute(
            "DELETE FROM inlogpogingen WHERE naam = ?1 AND bron = ?2",
            params![naam, bron],
        )?;
        Ok(())
    }

    fn mail_toevoegen(&self, m: &NieuweMail) -> Result<bool> {
        self.write(|c| mail_in(c, m))
    }

    fn mail_te_verzenden(&self, nu: DateTime<Utc>, max: u32) -> Result<Vec<MailRij>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {MAIL_COLS} FROM mail_uit
             WHERE verzonden IS NULL AND volgende <= ?1 ORDER BY volgende, id LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![moment(nu), max], |r| crate::access::mail(r))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn mail_poging(
        &self,
        id: i64,
        at: DateTime<Utc>,
        fout: Option<&str>,
        volgende: DateTime<Utc>,
    ) -> Result<()> {
        let n = self.conn()?.execute(
            "UPDATE mail_uit SET pogingen = pogingen + 1, fout = ?3, laatste_poging = ?2,
                 verzonden = CASE WHEN ?3 IS NULL THEN ?2 END, volgende = ?4
             WHERE id = ?1 AND verzonden IS NULL",
            params![id, moment(at), fout, moment(volgende)],
        )?;
        one_changed(n)
    }

    fn mail_stand(&self) -> Result<MailStand> {
        let conn = self.conn()?;
        let (wachtend, mislukt, verzonden): (i64, i64, i64) = conn.query_row(
            "SELECT coalesce(sum(verzonden IS NULL), 0),
                    coalesce(sum(verzonden IS NULL AND pogingen > 0), 0),
                    coalesce(sum(verzonden IS NOT NULL), 0)
             FROM mail_uit",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let laatste_fout = conn
            .query_row(
                "SELECT fout, laatste_poging FROM mail_uit WHERE fout IS NOT NULL AND verzonden IS NULL
                 ORDER BY laatste_poging DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, String>(0)?, mom(r, 1)?)),
            )
            .optional()?;
        Ok(MailStand::uit((wachtend, mislukt, verzonden), laatste_fout))
    }

    fn vergeten(
        &self,
        voor: DateTime<Utc>,
        max_pogingen: u32,
        dry_run: bool,
    ) -> Result<(u64, u64)> {
        let voor = moment(voor);
        let (sessies, mails) = (
            "FROM sessies WHERE aangemaakt < ?1",
            "FROM mail_uit WHERE gemaakt < ?1 AND (verzonden IS NOT NULL OR pogingen >= ?2)",
        );
        if dry_run {
            let conn = self.conn()?;
            let tel = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<u64> {
                Ok(
                    conn.query_row(&format!("SELECT count(*) {sql}"), p, |r| r.get::<_, i64>(0))?
                        as u64,
                )
            };
            return Ok((
                tel(sessies, &[&voor])?,
                tel(mails, &[&voor, &max_pogingen])?,
            ));
        }
        self.write(|c| {
            let s = c.execute(&format!("DELETE {sessies}"), params![voor])? as u64;
            let m = c.execute(&format!("DELETE {mails}"), params![voor, max_pogingen])? as u64;
            Ok((s, m))
        })
    }

    fn inlog_wijzigen(
        &self,
        id: i64,
        stappen: &[Inlogstap],
        audit: &[NieuwAuditEntry],
    ) -> Result<()> {
        self.write(|c| {
            for s in stappen {
                inlogstap(c, id, s)?;
            }
            append_audit_in(c, audit)?;
            Ok(())
        })
    }

    fn add_sessie(&self, s: &SessieRij) -> Result<()> {
        self.conn()?.execute(
            "INSERT INTO sessies (token_hash, gebruiker_id, aangemaakt, laatst_gebruikt, verloopt, ingetrokken, bron)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                s.token_hash,
                s.gebruiker_id,
                moment(s.aangemaakt),
                moment(s.laatst_gebruikt),
                moment(s.verloopt),
                s.ingetrokken.map(moment),
                s.bron
            ],
        )?;
        Ok(())
    }

    fn sessie(&self, token_hash: &str) -> Result<Option<SessieRij>> {
        Ok(self
            .conn()?
            .prepare_cached(
                "SELECT token_hash, gebruiker_id, aangemaakt, laatst_gebruikt, verloopt, ingetrokken, bron
                 FROM sessies WHERE token_hash = ?1",
            )?
            .query_row([token_hash], sessie_row)
            .optional()?)
    }

    fn touch_sessie(&self, h: &str, laatst: DateTime<Utc>, verloopt: DateTime<Utc>) -> Result<()> {
        self.conn()?.execute(
            "UPDATE sessies SET laatst_gebruikt = ?2, verloopt = ?3 WHERE token_hash = ?1",
            params![h, moment(laatst), moment(verloopt)],
        )?;
        Ok(())
    }

    fn revoke_sessie(&self, h: &str, at: DateTime<Utc>) -> Result<bool> {
        Ok(self.conn()?.execute(
            "UPDATE sessies SET ingetrokken = ?2 WHERE token_hash = ?1 AND ingetrokken IS NULL",
            params![h, moment(at)],
        )? == 1)
    }

    fn add_api_token(&self, t: &ApiTokenRij) -> Result<i64> {
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO api_tokens (token_hash, organisatie, scopes, omschrijving, aangemaakt)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                t.token_hash,
                t.organisatie,
                t.scopes,
                t.omschrijving,
                moment(t.aangemaakt)
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }

    fn api_token(&self, h: &str) -> Result<Option<ApiTokenRij>> {
        Ok(self
            .conn()?
            .prepare_cached(
                "SELECT id, token_hash, organisatie, scopes, omschrijving, aangemaakt, ingetrokken
                 FROM api_tokens WHERE token_hash = ?1",
            )?
            .query_row([h], token_row)
            .optional()?)
    }

    fn api_tokens(&self) -> Result<Vec<ApiTokenRij>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT id, token_hash, organisatie, scopes, omschrijving, aangemaakt, ingetrokken
             FROM api_tokens ORDER BY id",
        )?;
        let rows = stmt.query_map([], token_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn revoke_api_token(&self, id: i64, at: DateTime<Utc>) -> Result<bool> {
        Ok(self.conn()?.execute(
            "UPDATE api_tokens SET ingetrokken = ?2 WHERE id = ?1 AND ingetrokken IS NULL",
            params![id, moment(at)],
        )? == 1)
    }

    fn persoon_context(
        &self,
        leerling: LeerlingId,
        on: NaiveDate,
    ) -> Result<Option<PersoonContext>> {
        let conn = self.conn()?;
        let Some(p) = find_jongere(&conn, leerling)? else {
            return Ok(None);
        };
        // Every enrolment with its SWV, and the partners and MAZL referral on each row; a
        // second statement for those two only when there is no enrolment. Dates are filtered
        // here: a date bound to a range predicate makes SQLite (built with STAT4) re-plan the
        // statement on every call. The SWV comes from a correlated subquery, which SQLite
        // runs several times faster here than the equivalent join.
        let mut scholen = Vec::new();
        let mut partner_zaken: Vec<(String, i64)> = Vec::new();
        let mut mazl_verwezen = false;
        // Each partner as organisation, case and end date (empty while it lasts), separated
        // by the unit separator, the partners by the record separator.
        const PARTNERS: &str = "(SELECT group_concat(b.organisatie || char(31) || b.zaak_id
                                   || char(31) || coalesce(b.tot, ''), char(30))
                                 FROM zaak_partners b WHERE b.jongere_id = ?1)";
        let mazl = format!(
            "EXISTS (SELECT 1 FROM signalen s WHERE s.jongere_id = ?1 AND {})",
            crate::regels_sql("s.regel", Regel::mazl)
        );
        let vandaag = iso(on);
        let mut read_extra = |r: &rusqlite::Row<'_>, at: usize| -> Result<()> {
            if let Some(list) = r.get::<_, Option<String>>(at)? {
                for p in list.split('\u{1e}') {
                    let mut f = p.split('\u{1f}');
                    let (Some(org), Some(zaak), Some(tot)) = (f.next(), f.next(), f.next()) else {
                        continue;
                    };
                    // Removed on `tot`: no longer a partner from that day on.
                    if !tot.is_empty() && tot <= vandaag.as_str() {
                        continue;
                    }
                    let zaak = zaak.parse().map_err(|e| invalid("zaak_partners", e))?;
                    partner_zaken.push((org.to_string(), zaak));
                }
                partner_zaken.sort();
            }
            mazl_verwezen = r.get(at + 1)?;
            Ok(())
        };
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT i.school, (SELECT swv FROM organisaties o WHERE o.code = i.school),
                    i.begindatum, i.einddatum, {PARTNERS}, {mazl}
             FROM inschrijvingen i WHERE i.jongere_id = ?1"
        ))?;
        let mut rows = stmt.query(params![p.id])?;
        let mut any = false;
        while let Some(r) = rows.next()? {
            if !any {
                read_extra(r, 4)?;
                any = true;
            }
            let (b, e) = (date_col(r, 2)?, crate::sqlite::opt_date_col(r, 3)?);
            if b > on || e.is_some_and(|e| e < on) {
                continue;
            }
            let s: String = r.get(0)?;
            let school: SchoolCode = crate::stored::school(&s)?;
            scholen.push((school, r.get::<_, Option<String>>(1)?));
        }
        drop(rows);
        if !any {
            let mut stmt = conn.prepare_cached(&format!("SELECT {PARTNERS}, {mazl}"))?;
            let mut rows = stmt.query(params![p.id])?;
            if let Some(r) = rows.next()? {
                read_extra(r, 0)?;
            }
        }
        let mut partners: Vec<String> = partner_zaken.iter().map(|(o, _)| o.clone()).collect();
        partners.dedup();
        Ok(Some(PersoonContext {
            id: p.id,
            jongere: p.jongere,
            scholen,
            partners,
            partner_zaken,
            mazl_verwezen,
            gronden: Vec::new(),
        }))
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
            "INSERT INTO noodtoegang (gebruiker_id, jongere_id, reden, van, tot) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![gebruiker_id, jongere_id, reden, moment(van), moment(tot)],
        )?;
        Ok(())
    }

    fn noodtoegang(
        &self,
        gebruiker_id: i64,
        jongere_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<String>> {
        let now = moment(now);
        Ok(self
            .conn()?
            .prepare_cached(
                "SELECT reden FROM noodtoegang WHERE gebruiker_id = ?1 AND jongere_id = ?2
                   AND van <= ?3 AND tot > ?3 ORDER BY tot DESC LIMIT 1",
            )?
            .query_row(params![gebruiker_id, jongere_id, now], |r| r.get(0))
            .optional()?)
    }

    fn add_partner(&self, zaak_id: i64, organisatie: &str, sinds: NaiveDate) -> Result<()> {
        self.conn()?.execute(
            "INSERT INTO zaak_partners (zaak_id, jongere_id, organisatie, sinds)
             SELECT id, jongere_id, ?2, ?3 FROM zaken WHERE id = ?1
             ON CONFLICT (zaak_id, organisatie) DO UPDATE SET
                 sinds = CASE WHEN zaak_partners.tot IS NULL THEN zaak_partners.sinds
                              ELSE excluded.sinds END,
                 tot = NULL",
            params![zaak_id, organisatie, iso(sinds)],
        )?;
        Ok(())
    }

    fn remove_partner(&self, zaak_id: i64, organisatie: &str, tot: NaiveDate) -> Result<bool> {
        Ok(self.conn()?.execute(
            "UPDATE zaak_partners SET tot = ?3
             WHERE zaak_id = ?1 AND organisatie = ?2 AND tot IS NULL",
            params![zaak_id, organisatie, iso(tot)],
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
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO medische_notities (jongere_id, organisatie, gebruiker_id, tijd, tekst)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![jongere_id, organisatie, gebruiker_id, moment(tijd), tekst],
        )?;
        Ok(conn.last_insert_rowid())
    }

    fn notities(&self, jongere_id: i64) -> Result<Vec<NotitieRij>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, organisatie, gebruiker_id, tijd, tekst FROM medische_notities
             WHERE jongere_id = ?1 ORDER BY tijd, id",
        )?;
        let rows = stmt.query_map([jongere_id], |r| {
            Ok(NotitieRij {
                id: r.get(0)?,
                organisatie: r.get(1)?,
                gebruiker_id: r.get(2)?,
                tijd: mom(r, 3)?,
                tekst: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn append_audit(&self, entries: &[NieuwAuditEntry]) -> Result<Vec<i64>> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        // BEGIN IMMEDIATE takes the write lock first, so the last link read here is the one
        // this batch chains to, whichever process writes next.
        self.write(|c| append_audit_in(c, entries))
    }

    fn for_each_audit(&self, f: &mut dyn FnMut(AuditEntry) -> Result<()>) -> Result<()> {
        let conn = self.conn()?;
        let sql = format!("SELECT {AUDIT_COLS} FROM audit_log ORDER BY seq");
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(audit_row(r)?)?;
        }
        Ok(())
    }

    fn audit_van(&self, personen: &[String]) -> Result<Vec<AuditEntry>> {
        let conn = self.conn()?;
        // Indexed entries through audit_persoon, the short tail after it by a scan.
        let sql = format!(
            "SELECT {AUDIT_COLS} FROM audit_log
             WHERE seq IN (SELECT seq FROM audit_persoon WHERE persoon = ?1)
             UNION ALL
             SELECT {AUDIT_COLS} FROM audit_log
             WHERE seq > (SELECT tot FROM audit_geindexeerd) AND persoon = ?1
             ORDER BY seq"
        );
        let mut out = Vec::new();
        for p in personen {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([p], audit_row)?;
            for r in rows {
                out.push(r?);
            }
        }
        out.sort_by_key(|e| e.seq);
        out.dedup_by_key(|e| e.seq);
        Ok(out)
    }

    fn purge_kandidaten(&self, geboren_tot: NaiveDate) -> Result<Vec<PurgeKandidaat>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT id, bsn, onderwijsnummer, geboortedatum FROM jongeren
             WHERE geboortedatum <= ?1 ORDER BY id",
        )?;
        let mut rows = stmt.query([iso(geboren_tot)])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let leerling = crate::sqlite::leerling_of(r.get(1)?, r.get(2)?)?;
            out.push(PurgeKandidaat {
                id: r.get(0)?,
                leerling,
                geboortedatum: date_col(r, 3)?,
            });
        }
        Ok(out)
    }

    fn purge(
        &self,
        plan: &[PurgePersoon],
        meldingen_voor: NaiveDate,
        dry_run: bool,
    ) -> Result<PurgeTelling> {
        let conn = self.conn()?;
        let (telling, _) = in_tx(&conn, |c| {
            c.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS purge_plan (
                     jongere_id INTEGER PRIMARY KEY, voor TEXT NOT NULL, dossier INTEGER NOT NULL,
                     persoon INTEGER NOT NULL, reg_voor TEXT NOT NULL);
                 DELETE FROM purge_plan;",
            )?;
            {
                let mut ins = c.prepare_cached(
                    "INSERT INTO purge_plan (jongere_id, voor, dossier, persoon, reg_voor) VALUES (?1, ?2, ?3, ?3, ?2)",
                )?;
                for p in plan {
                    ins.execute(params![p.id, iso(p.voor), p.dossier])?;
                }
            }
            c.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS purge_signaaltellingen (
                     jongere_id INTEGER NOT NULL, schooljaar INTEGER NOT NULL, av INTEGER NOT NULL,
                     gemeente TEXT NOT NULL, scholen TEXT NOT NULL);
                 DELETE FROM temp.purge_signaaltellingen;",
            )?;
            {
                let mut ins = c.prepare_cached(
                    "INSERT INTO temp.purge_signaaltellingen (jongere_id, schooljaar, av, gemeente, scholen)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for p in plan {
                    for t in &p.signaaltellingen {
                        ins.execute(params![
                            p.id,
                            t.schooljaar,
                            t.av,
                            t.gemeente,
                            t.scholen.join("|")
                        ])?;
                    }
                }
            }
            let mv = iso(meldingen_voor);
            // The figures' anonymous rows of everything that goes, first (docs/domain.md §9.8).
            crate::sqlite::cijfers::registraties_grens(c)?;
            crate::sqlite::cijfers::kies_meldingen(c, &mv)?;
            crate::sqlite::cijfers::bewaar_anoniem(c)?;
            // What is kept: unique persons per school year and gemeente, counted before the
            // rows that name them go. A school year is never split between two purges of one
            // person, because leerplicht ends on the last day of a school year.
            const SCHOOLJAAR: &str = "(CAST(strftime('%Y', {d}, '-7 months') AS INTEGER) || '-' ||
                                       (CAST(strftime('%Y', {d}, '-7 months') AS INTEGER) + 1))";
            let sj = |d: &str| SCHOOLJAAR.replace("{d}", d);
            let upsert = "ON CONFLICT (schooljaar, gemeente, indicator)
                          DO UPDATE SET aantal = aantal + excluded.aantal";
            let verzuim = crate::sqlite::absence::purge_verzuim(c)?;
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
                [],
            )?;
            c.execute(
                &format!(
                    "INSERT INTO anonieme_cijfers (schooljaar, gemeente, indicator, aantal)
                     SELECT {sj}, j.gemeente, 'melding_' || m.verzuimsoort, count(*)
                     FROM meldingen m JOIN jongeren j ON j.id = m.jongere_id
                     WHERE m.id IN (SELECT id FROM temp.purge_meldingen)
                     GROUP BY 1, 2, 3 {upsert}",
                    sj = sj("m.begindatum")
                ),
                [],
            )?;
            let mut t = PurgeTelling {
                meldingen: c.execute(
                    "DELETE FROM meldingen WHERE id IN (SELECT id FROM temp.purge_meldingen)",
                    [],
                )? as u64,
                ..PurgeTelling::default()
            };
            // A person whose meldingen are still within their period keeps the record.
            c.execute(
                "UPDATE purge_plan SET persoon = 0
                 WHERE persoon = 1 AND EXISTS (SELECT 1 FROM meldingen m WHERE m.jongere_id = purge_plan.jongere_id)",
                [],
            )?;
            // What only the signals counted (their lrv signals go; for av, the record goes).
            c.execute(
                "INSERT INTO anoniem_signaaltellingen (schooljaar, av, gemeente, scholen)
                 SELECT t.schooljaar, t.av, t.gemeente, t.scholen
                 FROM temp.purge_signaaltellingen t JOIN purge_plan p ON p.jongere_id = t.jongere_id
                 WHERE t.av = 0 OR p.persoon = 1
                 ORDER BY t.schooljaar, t.av, t.gemeente, t.scholen",
                [],
            )?;
            let dated = |table: &str| {
                format!(
                    "DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM purge_plan p
                       WHERE p.jongere_id = {table}.jongere_id AND {table}.datum < p.voor)"
                )
            };
            t.verzuim = verzuim;
            t.signalen = c.execute(&dated("signalen"), [])? as u64;
            t.registraties = c.execute(
                "DELETE FROM registraties WHERE EXISTS (SELECT 1 FROM purge_plan p
                   WHERE p.jongere_id = registraties.jongere_id AND registraties.van < p.reg_voor)",
                [],
            )? as u64;
            c.execute(
                "DELETE FROM registratie_versies WHERE EXISTS (SELECT 1 FROM purge_plan p
                   WHERE p.jongere_id = registratie_versies.jongere_id AND registratie_versies.van < p.reg_voor)",
                [],
            )?;
            let whole = |table: &str, flag: &str| {
                format!(
                    "DELETE FROM {table} WHERE jongere_id IN (SELECT jongere_id FROM purge_plan WHERE {flag} = 1)"
                )
            };
            c.execute(
                "UPDATE meldingen SET zaak_id = NULL WHERE zaak_id IN (SELECT id FROM zaken
                   WHERE jongere_id IN (SELECT jongere_id FROM purge_plan WHERE dossier = 1))",
                [],
            )?;
            t.zaaknotities = c.execute(&whole("zaaknotities", "dossier"), [])? as u64;
            t.brieven = c.execute(&whole("brieven", "dossier"), [])? as u64;
            c.execute(
                "DELETE FROM zaak_gebeurtenissen WHERE zaak_id IN (SELECT id FROM zaken
                   WHERE jongere_id IN (SELECT jongere_id FROM purge_plan WHERE dossier = 1))",
                [],
            )?;
            t.partners = c.execute(&whole("zaak_partners", "dossier"), [])? as u64;
            t.zaken = c.execute(&whole("zaken", "dossier"), [])? as u64;
            t.notities = c.execute(&whole("medische_notities", "dossier"), [])? as u64;
            t.verzorgers = c.execute(&whole("verzorgers", "dossier"), [])? as u64;
            t.noodtoegang = c.execute(&whole("noodtoegang", "dossier"), [])? as u64;
            c.execute(&whole("verzuim_gewijzigd", "persoon"), [])?;
            c.execute(&whole("verhuizingen", "persoon"), [])?;
            t.inschrijvingen = c.execute(&whole("inschrijvingen", "persoon"), [])? as u64;
            c.execute(&whole("onderwijsloos", "persoon"), [])?;
            c.execute(&whole("onderwijsloos_vuil", "persoon"), [])?;
            t.personen = c.execute(
                "DELETE FROM jongeren WHERE id IN (SELECT jongere_id FROM purge_plan WHERE persoon = 1)",
                [],
            )? as u64;
            Ok((t, !dry_run))
        })?;
        Ok(telling)
    }

    fn anonieme_signaaltellingen(
        &self,
        jaar: leerrecht_domain::schoolyear::SchoolYear,
    ) -> Result<Vec<(bool, String, String)>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT av, gemeente, scholen FROM anoniem_signaaltellingen WHERE schooljaar = ?1",
        )?;
        let rows = stmt.query_map([jaar.start_year()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn anonieme_cijfers(&self) -> Result<Vec<(String, String, String, u64)>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT schooljaar, gemeente, indicator, aantal FROM anonieme_cijfers ORDER BY 1, 2, 3",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)? as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Appends `entries` to the audit chain inside the caller's write transaction (which holds
/// the write lock, so the last link read here is the one they chain to).
fn append_audit_in(c: &Conn, entries: &[NieuwAuditEntry]) -> Result<Vec<i64>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let (mut seq, mut vorige): (i64, String) = c
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    let mut stmt = c.prepare_cached(
        "INSERT INTO audit_log (seq, tijd, actor, organisatie, rol, actie, persoon, record, bron,
                                reden, noodtoegang, toegestaan, vorige, hash, doel)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    let mut seqs = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let hash = chain_hash(&vorige, seq, e);
        stmt.execute(params![
            seq,
            e.tijd,
            e.actor,
            e.organisatie,
            e.rol,
            e.actie,
            e.persoon,
            e.record,
            e.bron,
            e.reden,
            e.noodtoegang,
            e.toegestaan,
            vorige,
            hash,
            e.doel
        ])?;
        vorige = hash;
        seqs.push(seq);
    }
    let last = *seqs.last().expect("entries is not empty");
    if last / INDEX_EVERY > (last - seqs.len() as i64) / INDEX_EVERY {
        c.prepare_cached(
            "INSERT INTO audit_persoon (persoon, seq)
             SELECT persoon, seq FROM audit_log
             WHERE seq > (SELECT tot FROM audit_geindexeerd) AND persoon IS NOT NULL
             ORDER BY persoon, seq",
        )?
        .execute([])?;
        c.prepare_cached("UPDATE audit_geindexeerd SET tot = ?1")?
            .execute([last])?;
    }
    Ok(seqs)
}

/// One step of a change of credentials of account `id`, inside the caller's transaction.
fn inlogstap(c: &Conn, id: i64, s: &Inlogstap) -> Result<()> {
    let n = match s {
        Inlogstap::Wachtwoord(hash) | Inlogstap::TijdelijkWachtwoord(hash) => c.execute(
            "UPDATE gebruikers SET wachtwoord = ?2, wachtwoord_tijdelijk = ?3 WHERE id = ?1",
            params![id, hash, matches!(s, Inlogstap::TijdelijkWachtwoord(_))],
        )?,
        Inlogstap::TotpGeheim(geheim) => c.execute(
            "UPDATE gebruikers SET totp_geheim = ?2, totp_laatste_stap = NULL, totp_inschrijven = 0,
                 totp_nieuw = NULL WHERE id = ?1",
            params![id, geheim],
        )?,
        Inlogstap::TotpVragen => c.execute(
            "UPDATE gebruikers SET totp_inschrijven = 1, totp_nieuw = NULL, totp_geheim = NULL,
                 totp_laatste_stap = NULL WHERE id = ?1",
            [id],
        )?,
        Inlogstap::Actief(actief) => c.execute(
            "UPDATE gebruikers SET actief = ?2 WHERE id = ?1",
            params![id, actief],
        )?,
        Inlogstap::LoginState {
            mislukt,
            geblokkeerd_tot,
            stap,
        } => c.execute(
            "UPDATE gebruikers SET mislukte_pogingen = ?2, geblokkeerd_tot = ?3,
                 totp_laatste_stap = coalesce(?4, totp_laatste_stap) WHERE id = ?1",
            params![id, mislukt, geblokkeerd_tot.map(moment), stap],
        )?,
        Inlogstap::Herstelcode(code_hash, verloopt) => {
            c.execute(
                "INSERT INTO wachtwoordherstel (gebruiker_id, code_hash, verloopt) VALUES (?1, ?2, ?3)
                 ON CONFLICT (gebruiker_id) DO UPDATE SET code_hash = excluded.code_hash,
                                                          verloopt = excluded.verloopt",
                params![id, code_hash, moment(*verloopt)],
            )?;
            return Ok(());
        }
        Inlogstap::HerstelcodeWissen => {
            c.execute("DELETE FROM wachtwoordherstel WHERE gebruiker_id = ?1", [id])?;
            return Ok(());
        }
        Inlogstap::InlogpogingenWissen(naam) => {
            c.execute("DELETE FROM inlogpogingen WHERE naam = ?1", [naam])?;
            return Ok(());
        }
        Inlogstap::SessiesBeeindigen(at) => {
            c.execute(
                "UPDATE sessies SET ingetrokken = ?2 WHERE gebruiker_id = ?1 AND ingetrokken IS NULL",
                params![id, moment(*at)],
            )?;
            return Ok(());
        }
        Inlogstap::Email(email) => c.execute(
            "UPDATE gebruikers SET email = ?2 WHERE id = ?1",
            params![id, email],
        )?,
        Inlogstap::SsoKoppeling(k) => c.execute(
            "UPDATE gebruikers SET sso_koppeling = ?2 WHERE id = ?1",
            params![id, k],
        )?,
        Inlogstap::Mail(m) => {
            mail_in(c, m)?;
            return Ok(());
        }
    };
    one_changed(n)
}

/// Queues `m` in the caller's transaction unless its key was queued before.
fn mail_in(c: &Conn, m: &NieuweMail) -> Result<bool> {
    let t = moment(m.gemaakt);
    Ok(c.prepare_cached(
        "INSERT INTO mail_uit (sleutel, aan, onderwerp, tekst, gemaakt, volgende)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (sleutel) DO NOTHING",
    )?
    .execute(params![m.sleutel, m.aan, m.onderwerp, m.tekst, t])?
        == 1)
}
