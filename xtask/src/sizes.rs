//! What a reader downloads: every file of a built site with its size raw and
//! gzipped, and the first load of each build against its budget.

use std::path::Path;
use std::process::Command;

use crate::install::Result;

/// The most a first page may load (wasm + JS + the stylesheet in the page,
/// gzip -9), in bytes.
pub const FIRST_LOAD_BUDGET: u64 = 150_000;

/// What pages of one build load before they run: a build's first load.
pub struct FirstLoad {
    /// The pages, in words.
    pub what: &'static str,
    /// The build's binary: its files are `<bin>.js` and `<bin>_bg.wasm`.
    pub bin: &'static str,
    /// Whether it is held to [`FIRST_LOAD_BUDGET`] yet (the others are
    /// printed, on their way there).
    pub budgeted: bool,
}

impl FirstLoad {
    /// The files, as `assets/boot.js` loads them for those pages: in a build
    /// cut into chunks (`wslab::split`), also the chunk loader
    /// `<bin>_split.js`, which the build's script imports. Its chunks
    /// (`split_*.wasm`) arrive after the page answers input. The stylesheet
    /// is in every page (`wslab::prerender::inline_stylesheet`):
    /// [`report`] adds it.
    pub fn files(&self, dist: &Path) -> Vec<String> {
        let mut files = vec![
            "boot.js".to_owned(),
            format!("{}.js", self.bin),
            format!("{}_bg.wasm", self.bin),
        ];
        let loader = format!("{}_split.js", self.bin);
        if dist.join(&loader).exists() {
            files.push(loader);
        }
        files
    }
}

/// Every build's first load (see `assets/boot.js` and `route::Build`).
pub const FIRST_LOADS: [FirstLoad; 8] = [
    FirstLoad {
        what: "the start page, the lessons and the lifecycle (reader build)",
        bin: "wslab-reader",
        budgeted: true,
    },
    FirstLoad {
        what: "the questions (quiz build)",
        bin: "wslab-quiz",
        budgeted: true,
    },
    FirstLoad {
        what: "the URI lab (URI build)",
        bin: "wslab-uris",
        budgeted: true,
    },
    FirstLoad {
        what: "the handshake lab (handshake build)",
        bin: "wslab-handshake",
        budgeted: true,
    },
    FirstLoad {
        what: "the frame lab (frames build)",
        bin: "wslab-frames",
        budgeted: true,
    },
    FirstLoad {
        what: "the conformance lab (conformance build)",
        bin: "wslab-conformance",
        budgeted: true,
    },
    FirstLoad {
        what: "the live page and the illustrated session (live build)",
        bin: "wslab-live",
        budgeted: true,
    },
    FirstLoad {
        what: "any page on a host that answers every path with index.html (full build)",
        bin: "wslab",
        budgeted: false,
    },
];

/// A file's size raw and gzipped (gzip -9, no name or time stamp).
fn sizes(path: &Path) -> Result<(u64, u64)> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok((bytes.len() as u64, gzipped(&bytes)?))
}

/// The size of `bytes` gzipped (gzip -9, no name or time stamp).
fn gzipped(bytes: &[u8]) -> Result<u64> {
    use std::io::Write as _;
    let mut child = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("gzip has no input")?;
    // Written from another thread, so that gzip's output never fills its pipe
    // while this one is still writing.
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    writer
        .join()
        .map_err(|_| "gzip's input thread failed")?
        .map_err(|e| format!("cannot write to gzip: {e}"))?;
    if !out.status.success() {
        return Err("gzip failed".to_owned());
    }
    Ok(out.stdout.len() as u64)
}

/// The stylesheet every page carries (the `<style>` element of `index.html`),
/// raw and gzipped.
fn stylesheet(dist: &Path) -> Result<(u64, u64)> {
    let path = dist.join("index.html");
    let html = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let css = html
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map(|(css, _)| css)
        .ok_or_else(|| format!("{} holds no <style> element", path.display()))?;
    Ok((css.len() as u64, gzipped(css.as_bytes())?))
}

/// Prints every page and asset of `dist` with its sizes, then each build's
/// first load; fails when a budgeted build's first load is over the budget.
pub fn report(dist: &Path) -> Result {
    let mut names: Vec<String> = std::fs::read_dir(dist)
        .map_err(|e| format!("cannot read {}: {e}", dist.display()))?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            [".html", ".js", ".css", ".wasm", ".svg"]
                .iter()
                .any(|x| n.ends_with(x))
        })
        .collect();
    names.sort();
    println!("{:<24} {:>11} {:>11}", "file", "raw bytes", "gzip -9");
    for name in &names {
        let (raw, gz) = sizes(&dist.join(name))?;
        println!("{name:<24} {raw:>11} {gz:>11}");
    }
    let (css_raw, css_gz) = stylesheet(dist)?;
    println!("{:<24} {css_raw:>11} {css_gz:>11}", "(stylesheet in pages)");
    let mut over = Vec::new();
    for load in &FIRST_LOADS {
        let (mut raw, mut gz) = (css_raw, css_gz);
        let files = load.files(dist);
        for file in &files {
            let (r, g) = sizes(&dist.join(file))?;
            raw += r;
            gz += g;
        }
        let verdict = if !load.budgeted {
            String::new()
        } else if gz > FIRST_LOAD_BUDGET {
            over.push(format!("{} is {gz} bytes gzip", load.what));
            format!(" (budget {FIRST_LOAD_BUDGET}: OVER)")
        } else {
            format!(" (budget {FIRST_LOAD_BUDGET}: within)")
        };
        println!(
            "first load of {}: {raw} bytes raw, {gz} bytes gzip -9{verdict}",
            load.what
        );
        println!("  = the stylesheet in the page + {}", files.join(" + "));
    }
    let chunks: Vec<&String> = names.iter().filter(|n| n.starts_with("split_")).collect();
    for chunk in chunks {
        let (raw, gz) = sizes(&dist.join(chunk))?;
        println!("after the first input: {chunk}: {raw} bytes raw, {gz} bytes gzip -9");
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "over the first-load budget of {FIRST_LOAD_BUDGET} bytes: {}",
            over.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first loads list what boot.js loads: one per build it names.
    #[test]
    fn the_first_loads_name_the_modules_boot_js_imports() {
        let boot = include_str!("../../assets/boot.js");
        assert!(
            boot.contains(r#"? "wslab-reader""#),
            "boot.js starts the reader for any page outside its table"
        );
        for bin in [
            "wslab-reader",
            "wslab-handshake",
            "wslab-uris",
            "wslab-quiz",
            "wslab-frames",
            "wslab-conformance",
            "wslab-live",
            "wslab",
        ] {
            assert!(boot.contains(&format!("\"{bin}\"")), "boot.js names {bin}");
            assert!(
                FIRST_LOADS.iter().any(|l| l.bin == bin),
                "{bin} has a first load"
            );
        }
        assert!(boot.contains("`/${build}.js`") && boot.contains("`/${build}_bg.wasm`"));
        let html = include_str!("../../index.html");
        assert!(html.contains(r#"href="assets/style.css""#) && html.contains(r#"src="/boot.js""#));
    }

    #[test]
    fn a_site_over_the_budget_fails_with_its_size() {
        let dir = std::env::temp_dir().join(format!("wslab-sizes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<style>p{}</style>").unwrap();
        for load in &FIRST_LOADS {
            for file in load.files(&dir) {
                std::fs::write(dir.join(file), b"small").unwrap();
            }
        }
        assert!(report(&dir).is_ok());
        // Random bytes do not compress: 160 kB of them is over 150 kB gzipped.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let noise: Vec<u8> = (0..160_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        std::fs::write(dir.join("wslab-quiz_bg.wasm"), &noise).unwrap();
        let err = report(&dir).unwrap_err();
        assert!(
            err.contains("budget of 150000 bytes: the questions"),
            "{err}"
        );
        // A build not held to the budget yet is only printed.
        std::fs::write(dir.join("wslab-quiz_bg.wasm"), b"small").unwrap();
        std::fs::write(dir.join("wslab_bg.wasm"), &noise).unwrap();
        assert!(report(&dir).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
