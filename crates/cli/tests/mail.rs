//! E-mail against a real SMTP server: Python's aiosmtpd, started by the test, keeping every
//! message it receives in a maildir. `leerrecht notificaties` on the tiny demo region sends
//! each account with an address and work waiting one digest — to that address, with counts
//! and a link, naming no young person — and a notice of a changed password; a second run
//! the same day sends nothing.
//!
//! aiosmtpd comes from PyPI: `bash scripts/test.sh` installs it into `target/smtp-venv` and
//! names its Python in `LEERRECHT_SMTP_PYTHON`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{free_port, on_both_demos, Demo};

/// The Python with aiosmtpd: `LEERRECHT_SMTP_PYTHON`, or the venv test.sh makes.
fn python() -> PathBuf {
    let p = std::env::var("LEERRECHT_SMTP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/smtp-venv/bin/python")
        });
    let ok = Command::new(&p)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "the mail test needs Python with aiosmtpd at {} (LEERRECHT_SMTP_PYTHON): run `bash \
         scripts/test.sh`, which installs it",
        p.display()
    );
    p
}

/// aiosmtpd on a free port of this machine, keeping the messages in the maildir `dir`.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl SmtpServer {
    fn start(dir: &Path) -> SmtpServer {
        let port = free_port();
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer {
            child,
            port,
            dir: dir.to_path_buf(),
        }
    }

    /// Every message received so far, as text.
    fn berichten(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(rd) = std::fs::read_dir(self.dir.join(sub)) {
                for e in rd {
                    out.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
                }
            }
        }
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The value of header `naam` of a message.
fn kop<'a>(bericht: &'a str, naam: &str) -> Option<&'a str> {
    bericht
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(&format!("{naam}: ")))
}

fn digests_and_notices_reach_their_addresses(demo: Demo) {
    let work = tempfile::tempdir().unwrap();
    let maildir = work.path().join("mail");
    let server = SmtpServer::start(&maildir);
    std::fs::write(
        work.path().join("leerrecht.toml"),
        format!(
            "[server]\norigin = \"https://leerrecht.example.nl\"\n\n[smtp]\nhost = \
             \"127.0.0.1\"\nport = {}\nstarttls = false\nvan = \"leerrecht <noreply@example.nl>\"\n",
            server.port
        ),
    )
    .unwrap();
    let run = |args: &[&str]| support::ok(&demo.db, work.path(), args);
    // Every demo account that sees persons gets an address.
    let mut adressen = Vec::new();
    for (naam, _, _) in &demo.accounts {
        let adres = format!("{naam}@example.nl");
        run(&["user", "email", naam, "--email", &adres]);
        adressen.push((naam.clone(), adres));
    }
    let app = demo.app();
    let op = leerrecht_app::Actor::local_operator();
    let (lp, _, _) = demo.account("leerplicht");
    app.user_set_password(&op, lp, "een-nieuw-ingesteld-wachtwoord")
        .unwrap();
    let out = run(&["notificaties"]);
    assert!(out.contains("verzonden, 0 mislukt"), "{out}");
    let berichten = server.berichten();
    let digests: Vec<&String> = berichten
        .iter()
        .filter(|b| kop(b, "Subject").is_some_and(|s| s.contains("werklijst")))
        .collect();
    assert!(!digests.is_empty(), "{out}");
    // One line per account that got a digest, each to its own address.
    let genoemd: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(n, _)| n))
        .filter(|n| adressen.iter().any(|(a, _)| a == n))
        .collect();
    assert_eq!(genoemd.len(), digests.len(), "{out}");
    for n in &genoemd {
        let adres = &adressen.iter().find(|(a, _)| a == n).unwrap().1;
        assert!(
            digests.iter().any(|b| kop(b, "To") == Some(adres.as_str())),
            "no digest to {adres}"
        );
    }
    let notice = berichten
        .iter()
        .find(|b| kop(b, "Subject").is_some_and(|s| s.contains("wijziging")))
        .expect("the notice of the password change");
    assert_eq!(kop(notice, "To"), Some(format!("{lp}@example.nl").as_str()));
    // No young person in any mail: not a number, name, date of birth or school.
    let mut verboden = Vec::new();
    app.opslag(&op)
        .unwrap()
        .for_each_jongere(chrono::Utc::now().date_naive(), None, &mut |rij| {
            let j = &rij.jongere;
            verboden.push(j.leerling_id().to_string());
            verboden.push(j.achternaam.clone());
            verboden.push(j.geboortedatum.format("%d-%m-%Y").to_string());
            Ok(())
        })
        .unwrap();
    for o in app.organisaties(&op).unwrap() {
        if o.soort == leerrecht_domain::org::OrgSoort::School {
            verboden.push(o.naam.clone());
            verboden.push(o.code.as_str().to_string());
        }
    }
    for b in &berichten {
        // The text after the headers, as words (a short name is found as a word, not inside
        // one).
        let tekst = b.split_once("\n\n").map_or("", |(_, t)| t);
        let woorden = format!(
            " {} ",
            tekst
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .collect::<Vec<_>>()
                .join(" ")
        );
        for v in &verboden {
            assert!(!woorden.contains(&format!(" {v} ")), "{v} in a mail:\n{b}");
        }
    }
    // A second run the same day sends nothing.
    let out = run(&["notificaties"]);
    assert!(out.contains("0 verzonden"), "{out}");
    assert_eq!(server.berichten().len(), berichten.len());
}

on_both_demos! {
    digests_and_notices_reach_their_addresses: digests_and_notices_reach_their_addresses_sqlite, digests_and_notices_reach_their_addresses_postgres;
}
