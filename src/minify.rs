//! Minifying a release build's scripts and stylesheet, after Trunk's build
//! and [`split`](crate::split): every ES module the pages load (`boot.js`,
//! each build's JS and chunk loader) and the stylesheet, with esbuild (npm's
//! package, which `cargo xtask setup` installs). Names the modules export and
//! the properties wasm-bindgen's imports are looked up by are kept; comments
//! and white space go. The service worker is left as written (its cache name
//! is filled in later, and it is not part of a first load).

use std::path::Path;
use std::process::Command;

/// Minifies the scripts (`*.js` but the service worker, as ES modules) and
/// stylesheets (`*.css`) at the top of `site`, each in place.
pub fn run(site: &Path) -> Result<(), String> {
    let entries =
        std::fs::read_dir(site).map_err(|e| format!("cannot read {}: {e}", site.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", site.display()))?
            .path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name != "sw.js" && (name.ends_with(".js") || name.ends_with(".css")) {
            files.push(path);
        }
    }
    files.sort();
    for path in files {
        let mut command = Command::new("esbuild");
        command
            .arg(&path)
            .args(["--minify", "--log-level=warning", "--allow-overwrite"])
            .arg(format!("--outfile={}", path.display()));
        if path.extension().is_some_and(|e| e == "js") {
            command.arg("--format=esm");
        }
        let status = command.status().map_err(|e| {
            format!("cannot run esbuild: {e} (cargo xtask setup installs it into .tools)")
        })?;
        if !status.success() {
            return Err(format!("esbuild failed on {} ({status})", path.display()));
        }
    }
    Ok(())
}
