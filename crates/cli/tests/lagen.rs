//! The layers as ARCHITECTURE.md draws them, held by reading the source: the server's crates
//! (the web application and the command line) reach personal data through the app's use
//! cases only, never through the store past the gate (issue of purpose limitation,
//! invariant 3).

use std::path::{Path, PathBuf};

fn bronnen(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            bronnen(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every place in the crate `krate`'s source that contains `wat`.
fn plaatsen(krate: &str, wat: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(krate)
        .join("src");
    let mut files = Vec::new();
    bronnen(&root, &mut files);
    assert!(!files.is_empty(), "no source under {}", root.display());
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains(wat) {
                out.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    out
}

#[test]
fn the_server_reaches_the_store_only_through_the_gate() {
    // The store past the gate is the local operator's (demo, benchmarks, tests).
    for krate in ["web", "cli"] {
        assert_eq!(plaatsen(krate, ".opslag("), Vec::<String>::new(), "{krate}");
    }
    // A page or request never acts as the local operator.
    assert_eq!(plaatsen("web", "local_operator"), Vec::<String>::new());
}
