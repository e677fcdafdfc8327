//! `leerrecht bench soak`: a mixed workload against a running server for a number of
//! minutes — dossiers, a person's absence, meldingen and cases, searches, worklists, reports
//! and bulk absence intake — with the latency of each kind of request, every error, and the
//! server's resident memory sampled as it goes. It prints figures and a verdict; the
//! verdict fails (exit 1) on any error or on memory that keeps growing.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

/// What the workload needs to know about the servers and the demo they serve.
pub struct SoakArgs {
    /// The API's base of each server, ending in `/api/v1` (several servers on one database:
    /// the clients take turns).
    pub urls: Vec<String>,
    pub duration: Duration,
    pub clients: usize,
    /// A leerplicht officer's session token (reads, searches, worklist, reports).
    pub session: String,
    /// A school's API token with the `verzuim:schrijven` scope (bulk intake).
    pub token: String,
    /// The school of the token.
    pub school: String,
    /// Opaque person ids, one per line.
    pub ids: PathBuf,
    /// Opaque ids of persons the officer has a ground to read the absence of (a confirmed
    /// melding, a registration or a case: docs/domain.md §10), one per line.
    pub gronden: PathBuf,
    /// Pupil numbers (BSN or onderwijsnummer) to search for, one per line.
    pub leerlingen: PathBuf,
    /// Pupils of the token's school enrolled through October 2024, one per line.
    pub pupils: PathBuf,
    /// The servers' process ids, to sample their resident memory.
    pub pids: Vec<u32>,
}

/// The kinds of request and how often each comes, out of 100.
const MIX: [(&str, u32); 8] = [
    ("dossier", 25),
    ("verzuim", 10),
    ("meldingen", 10),
    ("zaken", 5),
    ("zoeken", 15),
    ("werklijst", 15),
    ("rapportage", 15),
    ("intake", 5),
];

const DAYS: [&str; 10] = [
    "2024-10-07",
    "2024-10-08",
    "2024-10-09",
    "2024-10-10",
    "2024-10-11",
    "2024-10-14",
    "2024-10-15",
    "2024-10-16",
    "2024-10-17",
    "2024-10-18",
];

const REPORTS: [&str; 6] = [
    "peildatum?datums=2023-10-01,2024-01-01,2024-04-01,2024-07-01",
    "oorzaken?datum=2024-10-01",
    "schooljaar?jaar=2023-2024",
    "doelen?jaar=2023-2024",
    "kpi?jaar=2023-2024",
    "inspectie?datum=2024-10-01",
];

/// Rows per intake batch (at most; fewer when the school has fewer pupils × days).
const BATCH_ROWS: usize = 1_000;

#[derive(Default)]
struct Tally {
    /// Latency of each answered request, in microseconds, per kind.
    micros: BTreeMap<&'static str, Vec<u32>>,
    /// Errors per kind, with the first few messages.
    errors: BTreeMap<&'static str, u64>,
    messages: Vec<String>,
    rows_sent: u64,
}

pub fn run(args: SoakArgs) -> anyhow::Result<bool> {
    let read = |p: &PathBuf| -> anyhow::Result<Vec<String>> {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
        let lines: Vec<String> = text
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        anyhow::ensure!(!lines.is_empty(), "{} is empty", p.display());
        Ok(lines)
    };
    let data = Arc::new(Data {
        ids: read(&args.ids)?,
        gronden: read(&args.gronden)?,
        leerlingen: read(&args.leerlingen)?,
        pupils: read(&args.pupils)?,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(soak(args, data))
}

struct Data {
    ids: Vec<String>,
    gronden: Vec<String>,
    leerlingen: Vec<String>,
    pupils: Vec<String>,
}

async fn soak(args: SoakArgs, data: Arc<Data>) -> anyhow::Result<bool> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(args.clients)
        .build()?;
    let args = Arc::new(args);
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let batch = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for w in 0..args.clients {
        let (client, args, data, stop, done, failed, batch) = (
            client.clone(),
            args.clone(),
            data.clone(),
            stop.clone(),
            done.clone(),
            failed.clone(),
            batch.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            // A small generator of its own per client (xorshift), seeded by its number.
            let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ ((w as u64 + 1) << 17);
            let mut next = move || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            // Clients are spread over the servers.
            let url = &args.urls[w % args.urls.len()];
            while !stop.load(Ordering::Relaxed) {
                let mut pick = (next() % 100) as u32;
                let kind = MIX
                    .iter()
                    .find(|(_, weight)| {
                        if pick < *weight {
                            true
                        } else {
                            pick -= weight;
                            false
                        }
                    })
                    .map_or("dossier", |(k, _)| *k);
                let r = next() as usize;
                let request = build(&client, &args, url, &data, kind, r, &batch, &mut tally);
                let t = Instant::now();
                let outcome = match request.send().await {
                    Ok(resp) => {
                        let status = resp.status();
                        let body = resp.bytes().await;
                        match body {
                            Ok(_) if status.is_success() => Ok(()),
                            Ok(b) => Err(format!(
                                "{kind}: {status}: {}",
                                String::from_utf8_lossy(&b[..b.len().min(200)])
                            )),
                            Err(e) => Err(format!("{kind}: {e}")),
                        }
                    }
                    Err(e) => Err(format!("{kind}: {e}")),
                };
                let micros = t.elapsed().as_micros().min(u32::MAX as u128) as u32;
                done.fetch_add(1, Ordering::Relaxed);
                match outcome {
                    Ok(()) => tally.micros.entry(kind).or_default().push(micros),
                    Err(m) => {
                        failed.fetch_add(1, Ordering::Relaxed);
                        *tally.errors.entry(kind).or_default() += 1;
                        if tally.messages.len() < 5 {
                            tally.messages.push(m);
                        }
                    }
                }
            }
            tally
        }));
    }

    // Memory of each server and progress every ten seconds.
    let mut rss: Vec<Vec<(f64, f64)>> = vec![Vec::new(); args.pids.len()];
    let heads: String = (1..=args.pids.len().max(1))
        .map(|i| format!(" {:>9}", format!("RSS{i} MiB")))
        .collect();
    println!("{:>7} {:>10} {:>7}{heads}", "seconds", "requests", "errors");
    while started.elapsed() < args.duration {
        let left = args.duration.saturating_sub(started.elapsed());
        tokio::time::sleep(left.min(Duration::from_secs(10))).await;
        let mut cols = String::new();
        for (i, pid) in args.pids.iter().enumerate() {
            let mib = rss_mib(*pid);
            if let Some(m) = mib {
                rss[i].push((started.elapsed().as_secs_f64(), m));
            }
            cols.push_str(&format!(
                " {:>9}",
                mib.map_or("?".into(), |m| format!("{m:.1}"))
            ));
        }
        if args.pids.is_empty() {
            cols.push_str(&format!(" {:>9}", "?"));
        }
        println!(
            "{:>7.0} {:>10} {:>7}{cols}",
            started.elapsed().as_secs_f64(),
            done.load(Ordering::Relaxed),
            failed.load(Ordering::Relaxed),
        );
    }
    stop.store(true, Ordering::Relaxed);
    let mut all = Tally::default();
    for w in workers {
        let t = w.await?;
        for (k, v) in t.micros {
            all.micros.entry(k).or_default().extend(v);
        }
        for (k, n) in t.errors {
            *all.errors.entry(k).or_default() += n;
        }
        all.messages.extend(t.messages);
        all.rows_sent += t.rows_sent;
    }
    let secs = started.elapsed().as_secs_f64();
    Ok(report(&all, &rss, secs))
}

#[allow(clippy::too_many_arguments)]
fn build(
    client: &reqwest::Client,
    args: &SoakArgs,
    url: &str,
    data: &Data,
    kind: &'static str,
    r: usize,
    batch: &AtomicU64,
    tally: &mut Tally,
) -> reqwest::RequestBuilder {
    let id = &data.ids[r % data.ids.len()];
    let officer = |b: reqwest::RequestBuilder| b.bearer_auth(&args.session);
    // The officer reads a person's absence and meldingen on a ground of the file only; the
    // signals are the school's, and no request of the officer's asks for them.
    let met_grond = &data.gronden[r % data.gronden.len()];
    match kind {
        "verzuim" => officer(client.get(format!("{url}/verzuim?jongere={met_grond}"))),
        "meldingen" => officer(client.get(format!("{url}/meldingen?jongere={met_grond}"))),
        "zaken" => officer(client.get(format!("{url}/zaken?jongere={id}"))),
        "zoeken" => {
            officer(client.post(format!("{url}/jongeren/_zoek")).json(
                &serde_json::json!({ "leerling": data.leerlingen[r % data.leerlingen.len()] }),
            ))
        }
        "werklijst" => officer(client.get(format!("{url}/werklijst"))),
        "rapportage" => {
            officer(client.get(format!("{url}/rapportages/{}", REPORTS[r % REPORTS.len()])))
        }
        "intake" => {
            // Every batch changes the minutes, so every row is written.
            let n = batch.fetch_add(1, Ordering::Relaxed);
            let minuten = 30 + n % 300;
            let per = (BATCH_ROWS / data.pupils.len()).clamp(1, DAYS.len());
            let mut rijen = Vec::with_capacity(BATCH_ROWS);
            'pupils: for p in &data.pupils {
                for d in &DAYS[..per] {
                    if rijen.len() == BATCH_ROWS {
                        break 'pupils;
                    }
                    rijen.push(serde_json::json!({
                        "leerling": p, "school": args.school, "datum": d,
                        "soort": "ongeoorloofd", "minuten": minuten,
                    }));
                }
            }
            tally.rows_sent += rijen.len() as u64;
            client
                .post(format!("{url}/verzuim"))
                .bearer_auth(&args.token)
                .json(&serde_json::json!({ "rijen": rijen }))
        }
        _ => officer(client.get(format!("{url}/jongeren/{id}"))),
    }
}

/// The resident memory of a process, from /proc.
fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

/// Prints the figures; true when there was no error and no server's memory kept growing.
fn report(all: &Tally, rss: &[Vec<(f64, f64)>], secs: f64) -> bool {
    println!();
    println!(
        "{:<11} {:>9} {:>7} {:>8} {:>8} {:>8} {:>9}",
        "kind", "requests", "errors", "p50 ms", "p99 ms", "max ms", "req/s"
    );
    let mut total = Vec::new();
    let mut errors = 0;
    for (kind, _) in MIX {
        let mut v = all.micros.get(kind).cloned().unwrap_or_default();
        v.sort_unstable();
        let e = all.errors.get(kind).copied().unwrap_or(0);
        errors += e;
        println!(
            "{:<11} {:>9} {:>7} {:>8.1} {:>8.1} {:>8.1} {:>9.1}",
            kind,
            v.len() as u64 + e,
            e,
            percentile(&v, 0.5),
            percentile(&v, 0.99),
            percentile(&v, 1.0),
            v.len() as f64 / secs
        );
        total.extend(v);
    }
    total.sort_unstable();
    println!(
        "{:<11} {:>9} {:>7} {:>8.1} {:>8.1} {:>8.1} {:>9.1}",
        "all",
        total.len() as u64 + errors,
        errors,
        percentile(&total, 0.5),
        percentile(&total, 0.99),
        percentile(&total, 1.0),
        total.len() as f64 / secs
    );
    println!(
        "absence rows sent in batches: {} ({:.0} rows/s)",
        all.rows_sent,
        all.rows_sent as f64 / secs
    );
    for m in &all.messages {
        println!("error: {m}");
    }
    let mut growing = false;
    for (i, samples) in rss.iter().enumerate() {
        let server = if rss.len() > 1 {
            format!("server {} memory", i + 1)
        } else {
            "server memory".to_string()
        };
        match memory_growth(samples) {
            Some(g) => {
                println!(
                    "{server}: {:.1} MiB after the first minute, {:.1} MiB in the last minute, \
                     peak {:.1} MiB; growth {:+.1} MiB",
                    g.first, g.last, g.peak, g.growth
                );
                growing |= g.growing();
            }
            None => println!(
                "{server}: peak {:.1} MiB, last {:.1} MiB (too short a run to judge growth)",
                samples.iter().map(|(_, m)| *m).fold(0.0, f64::max),
                samples.last().map_or(0.0, |(_, m)| *m)
            ),
        }
    }
    let ok = errors == 0 && !growing;
    println!(
        "verdict: {}",
        if ok {
            "no errors, no memory growth"
        } else if errors > 0 {
            "FAILED: errors"
        } else {
            "FAILED: memory kept growing"
        }
    );
    ok
}

struct Growth {
    first: f64,
    last: f64,
    peak: f64,
    growth: f64,
}

impl Growth {
    /// Growth past warm-up that is more than noise: caches fill in the first minute and
    /// then stay put; a leak keeps going.
    fn growing(&self) -> bool {
        self.growth > 16.0 && self.growth > self.first * 0.1
    }
}

/// Mean RSS over the samples of the second minute (after warm-up) against that of the last
/// minute; None when the run was too short to tell.
fn memory_growth(rss: &[(f64, f64)]) -> Option<Growth> {
    let end = rss.last()?.0;
    if end < 150.0 {
        return None;
    }
    let mean = |from: f64, to: f64| {
        let v: Vec<f64> = rss
            .iter()
            .filter(|(t, _)| *t > from && *t <= to)
            .map(|(_, m)| *m)
            .collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let first = mean(60.0, 120.0)?;
    let last = mean(end - 60.0, end)?;
    Some(Growth {
        first,
        last,
        peak: rss.iter().map(|(_, m)| *m).fold(0.0, f64::max),
        growth: last - first,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_sample_at_or_above_the_rank() {
        let v: Vec<u32> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&v, 1.0), 100.0);
        assert_eq!(percentile(&[], 0.99), 0.0);
    }

    #[test]
    fn memory_that_levels_off_is_not_growth_but_a_steady_climb_is() {
        let level: Vec<(f64, f64)> = (1..=60)
            .map(|i| (i as f64 * 10.0, if i < 6 { 60.0 + i as f64 } else { 110.0 }))
            .collect();
        assert!(!memory_growth(&level).unwrap().growing());
        let leak: Vec<(f64, f64)> = (1..=60)
            .map(|i| (i as f64 * 10.0, 100.0 + i as f64))
            .collect();
        assert!(memory_growth(&leak).unwrap().growing());
        assert!(memory_growth(&leak[..10]).is_none(), "too short to tell");
    }
}
