//! Cutting a build into the module a page starts and the chunks it loads
//! later (`components::later`), after Trunk's build: Trunk cannot (it runs
//! wasm-bindgen on the whole module), so `wslab-prerender`, Trunk's
//! post-build hook, does it first for each build with chunks
//! (`route::Build::chunks`):
//!
//! 1. asks cargo for the build's wasm, built as Trunk built it (same binary,
//!    feature — `route::Build::split_feature` — and profile: nothing is
//!    compiled again), linked with its relocations (`build.rs`);
//! 2. `wasm-split-cli` cuts it: the main module, one `split_<chunk>.wasm`
//!    per split point, and the script that loads them;
//! 3. `wasm-bindgen` makes the main module's JS and wasm, in place of
//!    Trunk's; the loader script becomes `<bin>_split.js`;
//! 4. in release, `wasm-opt -Oz` shrinks the main module and each chunk, as
//!    Trunk does for every other build.
//!
//! The tools are the ones `cargo xtask setup` installs; a missing one is
//! named with that command.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::route::Build;

/// The loader script wasm-split-cli writes, which the main module's JS imports.
const LOADER: &str = "__wasm_split.js";

/// Whether Trunk built in release (`TRUNK_PROFILE`), and so with the
/// `wasm-release` cargo profile (index.html's `data-cargo-profile-release`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Profile {
    /// `trunk build`, `trunk serve`: cargo's `dev` profile.
    Debug,
    /// `trunk build --release`: cargo's `wasm-release` profile, then wasm-opt.
    Release,
}

impl Profile {
    /// From Trunk's `TRUNK_PROFILE` (`debug` or `release`).
    pub fn from_trunk(value: &str) -> Result<Profile, String> {
        match value {
            "debug" => Ok(Profile::Debug),
            "release" => Ok(Profile::Release),
            other => Err(format!(
                "TRUNK_PROFILE is {other:?}; Trunk sets debug or release"
            )),
        }
    }

    fn cargo_args(self) -> &'static [&'static str] {
        match self {
            Profile::Debug => &[],
            Profile::Release => &["--profile", "wasm-release"],
        }
    }
}

/// Cuts every build with chunks, writing its files into `site` (Trunk's
/// staging folder). `manifest` is the workspace's `Cargo.toml`.
pub fn run(site: &Path, manifest: &Path, profile: Profile) -> Result<(), String> {
    for build in Build::ALL {
        if !build.chunks().is_empty() {
            cut(build, site, manifest, profile)?;
        }
    }
    Ok(())
}

fn cut(build: Build, site: &Path, manifest: &Path, profile: Profile) -> Result<(), String> {
    let bin = build.bin();
    let feature = build
        .split_feature()
        .ok_or_else(|| format!("{bin} has no chunks to cut"))?;
    let wasm = cargo_wasm(bin, &feature, manifest, profile)?;
    let work = wasm
        .parent()
        .ok_or_else(|| format!("{} has no folder", wasm.display()))?
        .join("split")
        .join(bin);
    if work.exists() {
        std::fs::remove_dir_all(&work)
            .map_err(|e| format!("cannot empty {}: {e}", work.display()))?;
    }
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot make {}: {e}", work.display()))?;
    tool(
        Command::new("wasm-split-cli")
            .args(["--target", "web", "--out-name", bin])
            .arg(&wasm)
            .arg(&work),
        "wasm-split-cli",
    )?;
    let chunks = chunks_in(&work, bin)?;
    let expected: Vec<String> = build
        .chunks()
        .iter()
        .map(|c| format!("split_{c}.wasm"))
        .collect();
    if chunks != expected {
        return Err(format!(
            "{bin} was cut into {chunks:?}, but route::Build::chunks names {expected:?}"
        ));
    }
    tool(
        Command::new("wasm-bindgen")
            .args(["--target", "web", "--keep-lld-exports", "--no-typescript"])
            .arg("--out-dir")
            .arg(site)
            .args(["--out-name", bin])
            .arg(work.join(format!("{bin}.wasm"))),
        "wasm-bindgen",
    )?;
    let script = site.join(format!("{bin}.js"));
    let text = read(&script)?;
    // The script imports the loader under its new name; the wasm module
    // still names it `./__wasm_split.js` among its imports, which stays.
    let import = format!("from \"./{LOADER}\"");
    if text.matches(&import).count() != 1 {
        return Err(format!(
            "{} does not import {LOADER} once",
            script.display()
        ));
    }
    let loader = format!("{bin}_split.js");
    write(
        &script,
        &text.replace(&import, &format!("from \"./{loader}\"")),
    )?;
    write(&site.join(&loader), &read(&work.join(LOADER))?)?;
    let mut modules = vec![site.join(format!("{bin}_bg.wasm"))];
    for chunk in &chunks {
        let to = site.join(chunk);
        std::fs::copy(work.join(chunk), &to)
            .map_err(|e| format!("cannot write {}: {e}", to.display()))?;
        modules.push(to);
    }
    if profile == Profile::Release {
        for module in &modules {
            let shrunk = module.with_extension("opt.wasm");
            tool(
                Command::new("wasm-opt")
                    .arg("-Oz")
                    .arg(module)
                    .arg("-o")
                    .arg(&shrunk),
                "wasm-opt",
            )?;
            std::fs::rename(&shrunk, module)
                .map_err(|e| format!("cannot write {}: {e}", module.display()))?;
        }
    }
    println!("wslab-split: {bin} with {}", chunks.join(", "));
    Ok(())
}

/// The build's wasm as cargo made it, asked of cargo.
fn cargo_wasm(
    bin: &str,
    feature: &str,
    manifest: &Path,
    profile: Profile,
) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["build", "--offline", "--target", "wasm32-unknown-unknown"])
        .arg("--manifest-path")
        .arg(manifest)
        .args(["--bin", bin, "--features", feature])
        .args(profile.cargo_args())
        .args(["--message-format", "json-render-diagnostics"])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo could not build {bin} with its chunks"));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == bin)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| format!("cargo named no wasm for {bin}"))
}

/// The chunks wasm-split-cli wrote, by name; a shared module (code that two
/// chunks reach) is refused.
fn chunks_in(dir: &Path, bin: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for entry in
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?
    {
        let name = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.starts_with("split_") && name.ends_with(".wasm") {
            names.push(name);
        } else if name.ends_with(".wasm") && name != format!("{bin}.wasm") {
            // Code reached from two chunks goes into a shared module of
            // its own, which nothing here would ship.
            return Err(format!(
                "wasm-split-cli wrote {name} for {bin}: code that two chunks use; give the parts that share it one chunk"
            ));
        }
    }
    names.sort();
    Ok(names)
}

fn tool(command: &mut Command, name: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {name}: {e} (cargo xtask setup installs it)"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
