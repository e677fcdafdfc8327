//! The [`crate::Store`] methods that both databases implement the same way: hand the arguments,
//! after a connection from the pool, to the function of the same name in the database's own
//! module. The list is written once here, so that a method added to or changed in the trait is
//! wired up for both databases in one place.

/// Expands, inside `impl Store for …` of a store with a `conn()` method, to the methods that
/// forward to `crate::$db::{cases, cijfers, absence}`. A database's function takes its
/// connection as `&Connection`, `&Conn` or `&mut Client`; a mutable borrow of the pooled
/// connection serves all of them.
macro_rules! forwarded_store_methods {
    ($db:ident) => {
        fn import_meldingen(
            &self,
            rows: Rows<'_, MeldingRij>,
            decide: Decide<'_>,
            markering: Option<&str>,
        ) -> Result<ImportOutcome> {
            let mut conn = self.conn()?;
            crate::$db::absence::import_meldingen(&mut conn, rows, decide, markering)
        }

        fn import_registraties(
            &self,
            rows: Rows<'_, Registratie>,
            decide: Decide<'_>,
        ) -> Result<ImportOutcome> {
            let mut conn = self.conn()?;
            crate::$db::cases::import_registraties(&mut conn, rows, decide)
        }

        fn import_verzorgers(
            &self,
            rows: Rows<'_, leerrecht_domain::verzorger::Verzorger>,
            decide: Decide<'_>,
        ) -> Result<ImportOutcome> {
            let mut conn = self.conn()?;
            crate::$db::verzorgers::import_verzorgers(&mut conn, rows, decide)
        }

        fn verzorgers_wijzigen(
            &self,
            leerling: LeerlingId,
            wijzig: crate::VerzorgerWijziger<'_>,
        ) -> Result<std::result::Result<(), String>> {
            let mut conn = self.conn()?;
            crate::$db::verzorgers::verzorgers_wijzigen(&mut conn, leerling, wijzig)
        }

        fn verzorgers_van(
            &self,
            leerling: LeerlingId,
        ) -> Result<Vec<leerrecht_domain::verzorger::Verzorger>> {
            let mut conn = self.conn()?;
            crate::$db::verzorgers::verzorgers_van(&mut conn, leerling)
        }

        fn zaak_openen(
            &self,
            leerling: LeerlingId,
            soort: ZaakSoort,
            organisatie: &str,
            datum: NaiveDate,
            tijd: DateTime<Utc>,
            wie: &str,
            wie_organisatie: Option<&str>,
        ) -> Result<std::result::Result<i64, String>> {
            let mut conn = self.conn()?;
            crate::$db::cases::zaak_openen(
                &mut conn,
                leerling,
                soort,
                organisatie,
                datum,
                tijd,
                wie,
                wie_organisatie,
            )
        }

        fn zaak(&self, id: i64) -> Result<Option<ZaakRij>> {
            let mut conn = self.conn()?;
            crate::$db::cases::zaak(&mut conn, id)
        }

        fn zaken_van(&self, leerling: LeerlingId) -> Result<Vec<ZaakRij>> {
            let mut conn = self.conn()?;
            crate::$db::cases::zaken_van(&mut conn, leerling)
        }

        fn open_zaken(&self, soort: ZaakSoort) -> Result<Vec<ZaakRij>> {
            let mut conn = self.conn()?;
            crate::$db::cases::open_zaken(&mut conn, soort)
        }

        fn open_zaken_met_gemeente(&self) -> Result<Vec<(ZaakRij, String)>> {
            let mut conn = self.conn()?;
            crate::$db::cases::open_zaken_met_gemeente(&mut conn)
        }

        fn zaken_soort(&self, soort: ZaakSoort) -> Result<Vec<ZaakRij>> {
            let mut conn = self.conn()?;
            crate::$db::cases::zaken_soort(&mut conn, soort)
        }

        fn rmc_kandidaten(
            &self,
            geboren_van: NaiveDate,
            geboren_tot: NaiveDate,
        ) -> Result<Vec<crate::RmcKandidaat>> {
            let mut conn = self.conn()?;
            crate::$db::cases::rmc_kandidaten(&mut conn, geboren_van, geboren_tot)
        }

        fn zaak_events(&self, id: i64) -> Result<Vec<ZaakEvent>> {
            let mut conn = self.conn()?;
            crate::$db::cases::zaak_events(&mut conn, id)
        }

        fn zaaknotitie_toevoegen(&self, n: &crate::Zaaknotitie) -> Result<i64> {
            let mut conn = self.conn()?;
            crate::$db::cases::zaaknotitie_toevoegen(&mut conn, n)
        }

        fn zaken_met_handhaving(&self, organisatie: &str) -> Result<Vec<ZaakRij>> {
            let mut conn = self.conn()?;
            crate::$db::cases::zaken_met_handhaving(&mut conn, organisatie)
        }

        fn zaken_overgedragen(&self, organisatie: &str) -> Result<Vec<ZaakRij>> {
            let mut conn = self.conn()?;
            crate::$db::cases::zaken_overgedragen(&mut conn, organisatie)
        }

        fn zaken_overgedragen_door(&self, organisatie: &str) -> Result<Vec<ZaakRij>> {
            let mut conn = self.conn()?;
            crate::$db::cases::zaken_overgedragen_door(&mut conn, organisatie)
        }

        fn brief_toevoegen(&self, b: &crate::Brief, pdf: &[u8]) -> Result<i64> {
            let mut conn = self.conn()?;
            crate::$db::cases::brief_toevoegen(&mut conn, b, pdf)
        }

        fn brieven(&self, zaak: i64) -> Result<Vec<crate::Brief>> {
            let mut conn = self.conn()?;
            crate::$db::cases::brieven(&mut conn, zaak)
        }

        fn brief(&self, id: i64) -> Result<Option<(crate::Brief, Vec<u8>)>> {
            let mut conn = self.conn()?;
            crate::$db::cases::brief(&mut conn, id)
        }

        fn zaaknotities(&self, zaak: i64) -> Result<Vec<crate::Zaaknotitie>> {
            let mut conn = self.conn()?;
            crate::$db::cases::zaaknotities(&mut conn, zaak)
        }

        fn zaak_event_toevoegen(
            &self,
            id: i64,
            volgnummer: u32,
            tijd: DateTime<Utc>,
            wie: &str,
            wie_organisatie: Option<&str>,
            gebeurtenis: &Gebeurtenis,
        ) -> Result<std::result::Result<(), String>> {
            let mut conn = self.conn()?;
            crate::$db::cases::zaak_event_toevoegen(
                &mut conn,
                id,
                volgnummer,
                tijd,
                wie,
                wie_organisatie,
                gebeurtenis,
            )
        }

        fn melding(&self, id: i64) -> Result<Option<MeldingStaat>> {
            let mut conn = self.conn()?;
            crate::$db::cases::melding(&mut conn, id)
        }

        fn meldingen_van(&self, leerling: LeerlingId) -> Result<Vec<MeldingStaat>> {
            let mut conn = self.conn()?;
            crate::$db::cases::meldingen_van(&mut conn, leerling)
        }

        fn melding_zetten(&self, id: i64, zetting: crate::MeldingZetting<'_>) -> Result<bool> {
            let mut conn = self.conn()?;
            crate::$db::cases::melding_zetten(&mut conn, id, zetting)
        }

        fn meldingen_afgehandeld_op(&self, momenten: &[(i64, DateTime<Utc>)]) -> Result<usize> {
            let mut conn = self.conn()?;
            crate::$db::cases::meldingen_afgehandeld_op(&mut conn, momenten)
        }

        fn concepten(&self, van: NaiveDate, tot: NaiveDate) -> Result<Vec<crate::Concept>> {
            let mut conn = self.conn()?;
            crate::$db::cases::concepten(&mut conn, van, tot)
        }

        fn thuiszitters_op(&self, on: NaiveDate) -> Result<Vec<LeerlingId>> {
            let mut conn = self.conn()?;
            crate::$db::cases::thuiszitters_op(&mut conn, on, false)
        }

        fn geregistreerden_op(&self, on: NaiveDate) -> Result<Vec<LeerlingId>> {
            let mut conn = self.conn()?;
            crate::$db::cases::thuiszitters_op(&mut conn, on, true)
        }

        fn for_each_werk(
            &self,
            on: NaiveDate,
            sinds: NaiveDate,
            status: &str,
            school: Option<&str>,
            f: &mut dyn FnMut(WerkRij) -> Result<()>,
        ) -> Result<()> {
            let mut conn = self.conn()?;
            crate::$db::cases::for_each_werk(&mut conn, on, sinds, status, school, f)
        }

        fn meldingen_zonder_zaak(&self) -> Result<Vec<MeldingStaat>> {
            let mut conn = self.conn()?;
            crate::$db::cases::meldingen_zonder_zaak(&mut conn)
        }

        fn registraties_op(&self, on: NaiveDate) -> Result<Vec<(Categorie, Oorzaak, String)>> {
            let mut conn = self.conn()?;
            crate::$db::cases::registraties_op(&mut conn, on)
        }

        fn registraties(&self, leerling: LeerlingId) -> Result<Option<Vec<Registratie>>> {
            let mut conn = self.conn()?;
            crate::$db::cases::registraties(&mut conn, leerling)
        }

        fn registratie_wijzigen(
            &self,
            leerling: LeerlingId,
            nieuw: Option<(Categorie, Oorzaak)>,
            per: NaiveDate,
        ) -> Result<std::result::Result<(), String>> {
            let mut conn = self.conn()?;
            crate::$db::cases::registratie_wijzigen(&mut conn, leerling, nieuw, per)
        }

        fn cijfer_meldingen_anoniem(
            &self,
            van: NaiveDate,
            tot: NaiveDate,
            bekend_op: Option<DateTime<Utc>>,
            f: &mut dyn FnMut(leerrecht_domain::cijfers::Melding<'_>),
        ) -> Result<()> {
            let mut conn = self.conn()?;
            crate::$db::cijfers::cijfer_meldingen_anoniem(&mut conn, van, tot, bekend_op, f)
        }

        fn cijfer_meldingen(
            &self,
            van: NaiveDate,
            tot: NaiveDate,
            bekend_op: Option<DateTime<Utc>>,
            f: &mut dyn FnMut(leerrecht_domain::cijfers::Melding<'_>),
        ) -> Result<()> {
            let mut conn = self.conn()?;
            crate::$db::cijfers::cijfer_meldingen(&mut conn, van, tot, bekend_op, f)
        }

        fn regelversies(&self) -> Result<Vec<(NaiveDate, String)>> {
            let mut conn = self.conn()?;
            crate::$db::absence::regelversies(&mut conn)
        }

        fn add_regelversie(&self, van: NaiveDate, regels: &str) -> Result<()> {
            let mut conn = self.conn()?;
            crate::$db::absence::add_regelversie(&mut conn, van, regels)
        }

        fn bring_signals_up_to_date(
            &self,
            all: bool,
            maak: Beoordelaars<'_>,
        ) -> Result<SignaalRun> {
            crate::$db::absence::bring_signals_up_to_date(self, all, maak)
        }

        fn signalen(
            &self,
            until: NaiveDate,
            regel: Option<&str>,
            met_uitleg: bool,
            f: &mut dyn FnMut(SignaalRij) -> Result<()>,
        ) -> Result<()> {
            let mut conn = self.conn()?;
            crate::$db::absence::signalen(&mut conn, until, regel, met_uitleg, f)
        }

        fn av_kandidaten(
            &self,
            on: NaiveDate,
            ranges: BirthRanges,
            f: &mut dyn FnMut(AvKandidaat) -> Result<()>,
        ) -> Result<()> {
            let mut conn = self.conn()?;
            crate::$db::absence::av_kandidaten(&mut conn, on, ranges, f)
        }
    };
}

pub(crate) use forwarded_store_methods;
