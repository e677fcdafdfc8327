//! The geography of a demo installation: sub-regions, gemeenten with their number of young
//! people, and the organisations that serve them (schools, samenwerkingsverbanden, leerplicht,
//! GGD, CJG). Small (thousands of rows even at national scale), so it is built in memory.

use std::collections::BTreeSet;
use std::ops::Range;

use leerrecht_domain::ids::{GemeenteCode, SchoolCode};
use leerrecht_domain::org::{OrgCode, OrgSoort, Organisatie};
use leerrecht_domain::person::Sector;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::names;
use super::numbers::{BrinGen, GemeenteCodeGen};
use super::Scale;

/// The seed region: CBS code, name, sub-region, CJG suffix and an approximation of the
/// number of inhabitants aged 0–23 (CBS, rounded; Haarlem by far the largest). Sums to 100_000.
const SEED: [(&str, &str, usize, &str, u32); 7] = [
    ("GM0392", "Haarlem", 0, "HLM", 44_000),
    ("GM0473", "Zandvoort", 0, "ZVT", 3_700),
    ("GM0377", "Bloemendaal", 0, "BLD", 6_600),
    ("GM0397", "Heemstede", 0, "HST", 7_400),
    ("GM0453", "Velsen", 1, "VLS", 17_300),
    ("GM0375", "Beverwijk", 1, "BVW", 11_100),
    ("GM0396", "Heemskerk", 1, "HMK", 9_900),
];
const SEED_REGIOS: [(&str, &str); 2] = [("Zuid-Kennemerland", "ZK"), ("IJmond", "IJM")];

/// Young people (0–23) the synthetic gemeenten add at national scale: with the seed region's
/// 100_000 this makes 3_000_000.
const NATIONAL_SYNTHETIC: u32 = 2_900_000;

/// School locations per number of young people (0–23) of a gemeente or sub-region.
/// PO: 8 of 24 age years, ~250 pupils a location → one per 750 young people.
pub(super) const YOUNG_PER_PO: u32 = 750;
/// VO: ~6 age years, ~1000 pupils a location → one per 4_000.
pub(super) const YOUNG_PER_VO: u32 = 4_000;
/// SO: ~1.5% of PO-age, ~100 pupils a location → one per 20_000 (per sub-region).
pub(super) const YOUNG_PER_SO: u32 = 20_000;
/// VSO: ~1.5% of VO-age, ~150 pupils a location → one per 40_000 (per sub-region).
pub(super) const YOUNG_PER_VSO: u32 = 40_000;
/// MBO: ~2 of 24 age years enrolled at once, ~1500 students a location → one per 18_000.
pub(super) const YOUNG_PER_MBO: u32 = 18_000;
/// At most this many locations under one ROC BRIN.
const MBO_LOCATIONS_PER_BRIN: usize = 6;

pub(super) struct Regio {
    pub naam: String,
    pub afkorting: String,
    pub gemeenten: Range<usize>,
}

pub(super) struct Gemeente {
    pub code: GemeenteCode,
    pub naam: String,
    pub regio: usize,
    /// Young people aged 0–23 to generate.
    pub jongeren: u32,
}

pub(super) struct School {
    pub code: SchoolCode,
    pub sector: Sector,
}

/// Index of a sector in the per-sector arrays, in the order of `Sector::ALL`.
pub(super) fn sector_index(s: Sector) -> usize {
    match s {
        Sector::Po => 0,
        Sector::So => 1,
        Sector::Vo => 2,
        Sector::Vso => 3,
        Sector::Mbo => 4,
    }
}

pub(super) struct Geo {
    pub regios: Vec<Regio>,
    pub gemeenten: Vec<Gemeente>,
    pub schools: Vec<School>,
    /// School indices per gemeente and per sector.
    pub per_gemeente: Vec<[Vec<u32>; 5]>,
    /// School indices per sub-region and per sector (never empty).
    pub per_regio: Vec<[Vec<u32>; 5]>,
    /// Every organisation, in the order the sink receives them.
    pub orgs: Vec<Organisatie>,
    pub brins: usize,
}

fn free_code(soort: OrgSoort, s: &str) -> OrgCode {
    OrgCode::parse(soort, s).expect("generated codes are valid")
}

fn pick<'a>(rng: &mut ChaCha8Rng, pool: &[&'a str]) -> &'a str {
    pool.choose(rng).copied().expect("pools are not empty")
}

/// A standard normal variate (Box–Muller); `rand` 0.8 alone has no normal distribution.
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.gen::<f64>(); // (0, 1]
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn unique_name(
    rng: &mut ChaCha8Rng,
    taken: &mut BTreeSet<String>,
    make: impl Fn(&mut ChaCha8Rng) -> String,
) -> String {
    loop {
        let n = make(rng);
        if taken.insert(n.clone()) {
            return n;
        }
    }
}

fn place_name(rng: &mut ChaCha8Rng) -> String {
    let mut s = String::new();
    if rng.gen_ratio(1, 8) {
        s.push_str(pick(rng, names::VOORVOEGSELS));
    }
    s.push_str(pick(rng, names::STAMMEN));
    s.push_str(pick(rng, names::ACHTERVOEGSELS));
    s
}

fn regio_name(rng: &mut ChaCha8Rng) -> String {
    let mut s = String::from(pick(rng, names::REGIO_VOORVOEGSELS));
    s.push_str(pick(rng, names::REGIO_STAMMEN));
    s.push_str(pick(rng, names::REGIO_ACHTERVOEGSELS));
    s
}

/// The gemeenten and sub-regions of a scale.
fn gemeenten(scale: Scale, rng: &mut ChaCha8Rng, seed: u64) -> (Vec<Regio>, Vec<Gemeente>) {
    let mut regios = Vec::new();
    let mut gemeenten = Vec::new();
    let mut taken_names = BTreeSet::new();
    let divisor = if scale == Scale::Tiny { 100 } else { 1 };
    for (r, (naam, afk)) in SEED_REGIOS.iter().enumerate() {
        let first = gemeenten.len();
        for (code, gnaam, gr, _, jongeren) in SEED.iter().filter(|s| s.2 == r) {
            taken_names.insert(gnaam.to_string());
            gemeenten.push(Gemeente {
                code: code.parse().expect("seed codes are valid"),
                naam: gnaam.to_string(),
                regio: *gr,
                jongeren: jongeren / divisor,
            });
        }
        taken_names.insert(naam.to_string());
        regios.push(Regio {
            naam: naam.to_string(),
            afkorting: afk.to_string(),
            gemeenten: first..gemeenten.len(),
        });
    }
    if scale != Scale::National {
        return (regios, gemeenten);
    }

    // Sizes of synthetic gemeenten: log-normal around 8_000 young people (a Dutch gemeente
    // of ~30_000 inhabitants), clipped to 1_200..=180_000, the last one taking the rest.
    let mut codes = GemeenteCodeGen::new(seed);
    let mut remaining = NATIONAL_SYNTHETIC;
    let mut regio_taken = BTreeSet::new();
    regio_taken.extend(SEED_REGIOS.iter().map(|r| r.0.to_string()));
    while remaining > 0 {
        let naam = unique_name(rng, &mut regio_taken, regio_name);
        let letters: String = naam
            .split('-')
            .filter_map(|p| p.chars().next())
            .chain(
                naam.rsplit('-')
                    .next()
                    .into_iter()
                    .flat_map(|p| p.chars().skip(1).take(1)),
            )
            .collect::<String>()
            .to_uppercase();
        let afkorting = format!("{letters}{:02}", regios.len());
        let first = gemeenten.len();
        let count = rng.gen_range(3..=9);
        for _ in 0..count {
            if remaining == 0 {
                break;
            }
            let sample = (8_000.0 * (0.85 * normal(rng)).exp()).clamp(1_200.0, 180_000.0) as u32;
            let mut n = sample.min(remaining);
            if remaining - n < 1_200 {
                n = remaining;
            }
            remaining -= n;
            let code = format!("GM{:04}", codes.next_code());
            gemeenten.push(Gemeente {
                code: code.parse().expect("GM + 4 digits"),
                naam: unique_name(rng, &mut taken_names, place_name),
                regio: regios.len(),
                jongeren: n,
            });
        }
        regios.push(Regio {
            naam,
            afkorting,
            gemeenten: first..gemeenten.len(),
        });
    }
    (regios, gemeenten)
}

struct Builder<'a> {
    rng: &'a mut ChaCha8Rng,
    brins: BrinGen,
    brin_count: usize,
    geo_schools: Vec<School>,
    per_gemeente: Vec<[Vec<u32>; 5]>,
    per_regio: Vec<[Vec<u32>; 5]>,
    orgs: Vec<Organisatie>,
}

impl Builder<'_> {
    /// One BRIN with locations in the given gemeenten (location 00, 01, …).
    fn brin(
        &mut self,
        sector: Sector,
        locations: &[usize],
        namen: &[String],
        gemeenten: &[Gemeente],
        regios: &[Regio],
        swv: Option<&OrgCode>,
    ) {
        let brin = self.brins.next_brin();
        self.brin_count += 1;
        for (l, (&g, naam)) in locations.iter().zip(namen).enumerate() {
            let mut code = String::with_capacity(6);
            code.extend(brin.iter().map(|&b| b as char));
            code.push_str(&format!("{l:02}"));
            let code: SchoolCode = code.parse().expect("generated BRIN codes are valid");
            let gem = &gemeenten[g];
            let idx = self.geo_schools.len() as u32;
            self.per_gemeente[g][sector_index(sector)].push(idx);
            self.per_regio[gem.regio][sector_index(sector)].push(idx);
            self.orgs.push(Organisatie {
                code: OrgCode::from(&code),
                soort: OrgSoort::School,
                naam: naam.clone(),
                gemeente: Some(gem.code.clone()),
                regio: Some(regios[gem.regio].naam.clone()),
                swv: swv.cloned(),
                bedient: Vec::new(),
            });
            self.geo_schools.push(School { code, sector });
        }
    }

    /// How many locations the next BRIN of a sector gets.
    fn locations(&mut self, sector: Sector) -> usize {
        let r = self.rng.gen_range(0..100);
        match sector {
            // A few primary schools have a dependance.
            Sector::Po if r < 12 => 2,
            Sector::Po if r < 15 => 3,
            // Scholengemeenschappen often have several locations.
            Sector::Vo if r < 30 => 2,
            Sector::Vo if r < 40 => 3,
            _ => 1,
        }
    }

    fn school_name(&mut self, sector: Sector) -> String {
        let rng = &mut *self.rng;
        match sector {
            Sector::Po => format!(
                "{} {}",
                pick(rng, names::PO_SOORT),
                pick(rng, names::PO_NAAM)
            ),
            Sector::Vo => format!(
                "{} {}",
                pick(rng, names::VO_NAAM),
                pick(rng, names::VO_SOORT)
            ),
            Sector::So => format!("SO {}", pick(rng, names::SPECIAAL_NAAM)),
            Sector::Vso => format!("VSO {}", pick(rng, names::SPECIAAL_NAAM)),
            Sector::Mbo => String::from("ROC"),
        }
    }

    /// `n` locations of a sector in gemeente `g`, grouped into BRINs.
    #[allow(clippy::too_many_arguments)]
    fn schools_in(
        &mut self,
        sector: Sector,
        g: usize,
        n: usize,
        gemeenten: &[Gemeente],
        regios: &[Regio],
        swv: Option<&OrgCode>,
    ) {
        let mut left = n;
        while left > 0 {
            let k = self.locations(sector).min(left);
            left -= k;
            let base = self.school_name(sector);
            let namen: Vec<String> = (0..k)
                .map(|l| {
                    if l == 0 {
                        base.clone()
                    } else {
                        format!("{base}, locatie {}", pick(self.rng, names::WIJKEN))
                    }
                })
                .collect();
            self.brin(sector, &vec![g; k], &namen, gemeenten, regios, swv);
        }
    }

    /// A gemeente of a sub-region, drawn with probability proportional to its young people.
    fn weighted_gemeente(&mut self, gemeenten: &[Gemeente], range: Range<usize>) -> usize {
        let total: u32 = gemeenten[range.clone()].iter().map(|g| g.jongeren).sum();
        let mut x = self.rng.gen_range(0..total.max(1));
        for g in range.clone() {
            if x < gemeenten[g].jongeren {
                return g;
            }
            x -= gemeenten[g].jongeren;
        }
        range.start
    }
}

fn largest(gemeenten: &[Gemeente], range: Range<usize>) -> usize {
    // First of the largest, so ties do not depend on anything but the list order.
    range.clone().fold(range.start, |best, g| {
        if gemeenten[g].jongeren > gemeenten[best].jongeren {
            g
        } else {
            best
        }
    })
}

fn per(n: u32, per: u32) -> usize {
    ((n + per / 2) / per) as usize
}

pub(super) fn build(scale: Scale, seed: u64, rng: &mut ChaCha8Rng) -> Geo {
    let (regios, gemeenten) = gemeenten(scale, rng, seed);
    let mut orgs = Vec::new();

    for g in &gemeenten {
        orgs.push(Organisatie {
            code: OrgCode::from(&g.code),
            soort: OrgSoort::Gemeente,
            naam: g.naam.clone(),
            gemeente: Some(g.code.clone()),
            regio: Some(regios[g.regio].naam.clone()),
            swv: None,
            bedient: Vec::new(),
        });
    }

    // Samenwerkingsverbanden PO and VO per sub-region.
    let mut swv_codes = Vec::with_capacity(regios.len());
    for r in &regios {
        let hoofd = &gemeenten[largest(&gemeenten, r.gemeenten.clone())];
        let po = free_code(OrgSoort::Swv, &format!("SWV-PO-{}", r.afkorting));
        let vo = free_code(OrgSoort::Swv, &format!("SWV-VO-{}", r.afkorting));
        for (code, naam) in [
            (
                &po,
                format!("Samenwerkingsverband Passend Primair Onderwijs {}", r.naam),
            ),
            (&vo, format!("Samenwerkingsverband VO/VSO {}", r.naam)),
        ] {
            orgs.push(Organisatie {
                code: code.clone(),
                soort: OrgSoort::Swv,
                naam,
                gemeente: Some(hoofd.code.clone()),
                regio: Some(r.naam.clone()),
                swv: None,
                bedient: Vec::new(),
            });
        }
        swv_codes.push((po, vo));
    }

    let mut b = Builder {
        rng,
        brins: BrinGen::new(seed),
        brin_count: 0,
        geo_schools: Vec::new(),
        per_gemeente: vec![Default::default(); gemeenten.len()],
        per_regio: vec![Default::default(); regios.len()],
        orgs,
    };
    for (ri, r) in regios.iter().enumerate() {
        let (swv_po, swv_vo) = (&swv_codes[ri].0, &swv_codes[ri].1);
        let range = r.gemeenten.clone();
        let jongeren: u32 = gemeenten[range.clone()].iter().map(|g| g.jongeren).sum();
        let hoofd = largest(&gemeenten, range.clone());

        // Primary schools: every gemeente has at least one.
        for g in range.clone() {
            let n = per(gemeenten[g].jongeren, YOUNG_PER_PO).max(1);
            b.schools_in(Sector::Po, g, n, &gemeenten, &regios, Some(swv_po));
        }
        // Secondary schools where there are enough pupils, and at least one per sub-region.
        let mut vo_total = 0;
        for g in range.clone() {
            let n = per(gemeenten[g].jongeren, YOUNG_PER_VO);
            vo_total += n;
            b.schools_in(Sector::Vo, g, n, &gemeenten, &regios, Some(swv_vo));
        }
        if vo_total == 0 {
            b.schools_in(Sector::Vo, hoofd, 1, &gemeenten, &regios, Some(swv_vo));
        }
        // Special education per sub-region: the first in the largest gemeente.
        for (sector, per_loc, swv) in [
            (Sector::So, YOUNG_PER_SO, swv_po),
            (Sector::Vso, YOUNG_PER_VSO, swv_vo),
        ] {
            let n = per(jongeren, per_loc).max(1);
            for i in 0..n {
                let g = if i == 0 {
                    hoofd
                } else {
                    b.weighted_gemeente(&gemeenten, range.clone())
                };
                b.schools_in(sector, g, 1, &gemeenten, &regios, Some(swv));
            }
        }
        // MBO: one or more ROCs per sub-region with several locations each; no SWV.
        let n = per(jongeren, YOUNG_PER_MBO).max(2);
        let locations: Vec<usize> = (0..n)
            .map(|i| {
                if i == 0 {
                    hoofd
                } else {
                    b.weighted_gemeente(&gemeenten, range.clone())
                }
            })
            .collect();
        for (c, chunk) in locations.chunks(MBO_LOCATIONS_PER_BRIN).enumerate() {
            let roc = if c == 0 {
                format!("ROC {}", r.naam)
            } else {
                format!("ROC {} {}", r.naam, c + 1)
            };
            let namen: Vec<String> = chunk
                .iter()
                .map(|&g| {
                    format!(
                        "{roc}, {} {}",
                        gemeenten[g].naam,
                        pick(b.rng, names::WIJKEN)
                    )
                })
                .collect();
            b.brin(Sector::Mbo, chunk, &namen, &gemeenten, &regios, None);
        }
    }

    // Leerplicht bureaus and GGDs per sub-region; the seed region shares one of each.
    let mut orgs = b.orgs;
    let seed_count = SEED_REGIOS.len();
    let mut diensten = Vec::new();
    let seed_gemeenten: Vec<GemeenteCode> = regios[..seed_count]
        .iter()
        .flat_map(|r| {
            gemeenten[r.gemeenten.clone()]
                .iter()
                .map(|g| g.code.clone())
        })
        .collect();
    for (soort, seed_code, seed_naam, prefix, naam) in [
        (
            OrgSoort::Leerplicht,
            "RBL-ZKIJ",
            "Regionaal Bureau Leerplicht Zuid-Kennemerland en IJmond",
            "RBL",
            "Regionaal Bureau Leerplicht",
        ),
        (OrgSoort::Ggd, "GGD-KEN", "GGD Kennemerland", "GGD", "GGD"),
    ] {
        diensten.push((
            soort,
            seed_code.to_string(),
            seed_naam.to_string(),
            gemeenten[0].code.clone(),
            None,
            seed_gemeenten.clone(),
        ));
        for r in &regios[seed_count..] {
            diensten.push((
                soort,
                format!("{prefix}-{}", r.afkorting),
                format!("{naam} {}", r.naam),
                gemeenten[largest(&gemeenten, r.gemeenten.clone())]
                    .code
                    .clone(),
                Some(r.naam.clone()),
                gemeenten[r.gemeenten.clone()]
                    .iter()
                    .map(|g| g.code.clone())
                    .collect(),
            ));
        }
    }
    // A CJG (in IJmond: jeugdteam) per gemeente.
    for g in &gemeenten {
        let (code, naam) = match SEED.iter().find(|s| s.0 == g.code.as_str()) {
            // IJmond calls its CJG a jeugdteam.
            Some(s) if s.2 == 1 => (format!("CJG-{}", s.3), format!("Jeugdteam {}", g.naam)),
            Some(s) => (format!("CJG-{}", s.3), format!("CJG {}", g.naam)),
            None => (format!("CJG-{}", g.code), format!("CJG {}", g.naam)),
        };
        diensten.push((
            OrgSoort::Cjg,
            code,
            naam,
            g.code.clone(),
            Some(regios[g.regio].naam.clone()),
            vec![g.code.clone()],
        ));
    }
    for (soort, code, naam, gemeente, regio, bedient) in diensten {
        orgs.push(Organisatie {
            code: free_code(soort, &code),
            soort,
            naam,
            gemeente: Some(gemeente),
            regio,
            swv: None,
            bedient,
        });
    }

    Geo {
        regios,
        gemeenten,
        schools: b.geo_schools,
        per_gemeente: b.per_gemeente,
        per_regio: b.per_regio,
        orgs,
        brins: b.brin_count,
    }
}
