//! The identifier and date parsers: any text is either refused or parsed into a value whose
//! printed form parses back to the same value; nothing panics.
#![no_main]

use leerrecht_domain::date::{iso, parse_date};
use leerrecht_domain::ids::{Brin, Bsn, GemeenteCode, LeerlingId, Onderwijsnummer, SchoolCode};
use leerrecht_domain::org::{OrgCode, OrgSoort};
use libfuzzer_sys::fuzz_target;
use std::str::FromStr;

fn round_trip<T>(s: &str)
where
    T: FromStr + ToString + PartialEq + std::fmt::Debug,
    T::Err: std::fmt::Debug,
{
    if let Ok(v) = s.parse::<T>() {
        let again = v.to_string().parse::<T>();
        assert!(again.as_ref().ok() == Some(&v), "{s:?} → {v:?} → {again:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    round_trip::<Bsn>(s);
    round_trip::<Onderwijsnummer>(s);
    round_trip::<Brin>(s);
    round_trip::<SchoolCode>(s);
    round_trip::<GemeenteCode>(s);
    if let Ok(l) = s.parse::<LeerlingId>() {
        // A value is a BSN or an onderwijsnummer, never both: the checksums differ.
        let text = l.to_string();
        assert!(text.parse::<Bsn>().is_ok() != text.parse::<Onderwijsnummer>().is_ok());
        assert_eq!(text.parse::<LeerlingId>().ok(), Some(l));
    }
    if let Ok(d) = parse_date(s) {
        assert_eq!(parse_date(&iso(d)), Ok(d));
    }
    for soort in ["gemeente", "school", "swv", "leerplicht", "ggd", "cjg"] {
        let soort: OrgSoort = soort.parse().expect("a known kind");
        if let Ok(code) = OrgCode::parse(soort, s) {
            assert_eq!(OrgCode::parse(soort, code.as_str()).ok(), Some(code));
        }
    }
    let _ = s.parse::<OrgSoort>();
    let _ = s.parse::<leerrecht_domain::org::Rol>();
    let _ = s.parse::<leerrecht_domain::schoolyear::SchoolYear>();
});
