//! Installs the tools wslab needs, each step skipping itself when the right
//! version is already there. Only package registries are used: crates.io
//! (trunk, wasm-bindgen-cli, wasm-split-cli), npm (binaryen's wasm-opt, esbuild) and Debian (chromium).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

/// trunk 0.22 needs rustc ≥ 1.96.1; 0.21.14 builds with 1.95.
pub const TRUNK_VERSION: &str = "0.21.14";
/// wasm-split-cli, which cuts the builds with chunks (`wslab::split`): the
/// release of the family of the app's `wasm_split_helpers` that reads
/// rustc 1.95's output.
pub const WASM_SPLIT_VERSION: &str = "0.2.4";
/// Debian's binaryen 108 cannot read current wasm-bindgen output; npm's 132 can.
pub const BINARYEN_VERSION: &str = "132";
/// esbuild, which minifies the release build's scripts and stylesheet
/// (`wslab::minify`, run by the post-build hook): npm's package ships the
/// binary for this platform.
pub const ESBUILD_VERSION: &str = "0.28.2";
/// Debian's Chromium and its WebDriver.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub type Result<T = ()> = std::result::Result<T, String>;

/// axe-core, the accessibility checker the end-to-end tests inject.
pub const AXE_VERSION: &str = "4";

/// Which optional tools a command needs.
#[derive(Clone, Copy)]
pub struct Needs {
    /// Chromium, chromedriver and axe-core (the browser tests).
    pub browser: bool,
    /// wasm-opt, esbuild, gzip and brotli (a release build and its copies).
    pub release_tools: bool,
}

impl Needs {
    pub fn everything() -> Self {
        Needs {
            browser: true,
            release_tools: true,
        }
    }
}

/// Where the tests find axe-core.
pub fn axe_script() -> PathBuf {
    root().join(".tools/node_modules/axe-core/axe.min.js")
}

/// Installs everything `needs` asks for, plus the wasm32 target, trunk and wasm-bindgen-cli.
pub fn all(needs: Needs) -> Result {
    wasm_target()?;
    trunk()?;
    wasm_bindgen()?;
    wasm_split()?;
    crates()?;
    if needs.release_tools {
        wasm_opt()?;
        esbuild()?;
        compressors()?;
    }
    if needs.browser {
        chromium()?;
        axe()?;
    }
    Ok(())
}

/// Every crate the lockfile names, for every target: Trunk builds with
/// `--offline` (Trunk.toml), and crates only the wasm32 builds with chunks
/// use (their `split-*` features) are otherwise fetched by nothing before it.
/// Quick when they are all in cargo's cache already.
fn crates() -> Result {
    step("cargo fetch --locked (every crate the builds use, so Trunk can build offline)");
    run(command("cargo").args(["fetch", "--locked", "--quiet"]))
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one folder below the workspace root")
        .to_path_buf()
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

fn tools_bin() -> PathBuf {
    root().join(".tools/node_modules/.bin")
}

/// PATH with cargo's bin folder and the project's tools folder first.
pub fn path_env() -> OsString {
    let mut paths = vec![tools_bin(), cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(paths).unwrap_or_default()
}

/// Set once by a command whose builds are made once and not edited (`cargo
/// xtask test`): cargo's incremental caches would only take disk.
static ONE_SHOT_BUILDS: AtomicBool = AtomicBool::new(false);

/// From now on, cargo run by [`command`] (directly or under trunk) keeps no
/// incremental cache, unless the caller's environment sets
/// `CARGO_INCREMENTAL` itself. On a clean checkout the caches are about a
/// third of the target folder and save nothing.
pub fn one_shot_builds() {
    ONE_SHOT_BUILDS.store(true, Ordering::Relaxed);
}

/// A command run from the workspace root with the project's PATH, and trunk
/// told never to ask the network for updates.
pub fn command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root())
        .env("PATH", path_env())
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    if ONE_SHOT_BUILDS.load(Ordering::Relaxed) && std::env::var_os("CARGO_INCREMENTAL").is_none() {
        cmd.env("CARGO_INCREMENTAL", "0");
    }
    cmd
}

/// Prints a step in the same style everywhere.
pub fn step(text: &str) {
    println!("\n==> {text}");
}

/// Runs a command to completion, failing with its name when it fails.
pub fn run(cmd: &mut Command) -> Result {
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{:?} failed ({status})", render(cmd)))
    }
}

/// A command as a person would type it.
pub fn render(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first line a tool prints for `--version`, or None when it is missing.
fn version_of(program: &str) -> Option<String> {
    let out = command(program)
        .arg("--version")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned()
    })
}

fn wasm_target() -> Result {
    let out = command("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to add the wasm32 target: {e}"))?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("ok: wasm32-unknown-unknown target");
        return Ok(());
    }
    step("installing the wasm32-unknown-unknown target");
    run(command("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn trunk() -> Result {
    let want = format!("trunk {TRUNK_VERSION}");
    if version_of("trunk").as_deref() == Some(want.as_str()) {
        println!("ok: {want}");
        return Ok(());
    }
    step(&format!("installing {want} (a few minutes the first time)"));
    run(command("cargo").args(["install", "--locked", &format!("trunk@{TRUNK_VERSION}")]))
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    Err("Cargo.lock names no wasm-bindgen package".into())
}

fn wasm_bindgen() -> Result {
    let version = wasm_bindgen_version()?;
    let trunk_toml = std::fs::read_to_string(root().join("Trunk.toml"))
        .map_err(|e| format!("cannot read Trunk.toml: {e}"))?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{version}\"")) {
        return Err(format!(
            "Trunk.toml's [tools] wasm_bindgen must be \"{version}\", the version in Cargo.lock"
        ));
    }
    let want = format!("wasm-bindgen {version}");
    if version_of("wasm-bindgen").as_deref() == Some(want.as_str()) {
        println!("ok: {want}");
        return Ok(());
    }
    step(&format!(
        "installing wasm-bindgen-cli {version} (about two minutes)"
    ));
    // Not --locked: the CLI's own lockfile pins a webpki-roots release the
    // registry no longer serves.
    run(command("cargo").args([
        "install",
        "--force",
        "wasm-bindgen-cli",
        "--version",
        &version,
    ]))
}

/// wasm-split-cli has no `--version`: cargo's list of what it installed
/// says which one is there.
fn wasm_split() -> Result {
    let package = "wasm_split_cli_support";
    let want = format!("{package} v{WASM_SPLIT_VERSION}:");
    let listed = command("cargo")
        .args(["install", "--list"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l == want)
        })
        .unwrap_or(false);
    if listed && runs("wasm-split-cli") {
        println!("ok: wasm-split-cli ({package} {WASM_SPLIT_VERSION})");
        return Ok(());
    }
    step(&format!(
        "installing wasm-split-cli ({package} {WASM_SPLIT_VERSION}, about two minutes)"
    ));
    run(command("cargo").args([
        "install",
        "--locked",
        "--force",
        &format!("{package}@{WASM_SPLIT_VERSION}"),
        "--features",
        "build-binary",
    ]))
}

/// Whether a tool runs (its `--help` succeeds).
fn runs(program: &str) -> bool {
    command(program)
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn apt_install(packages: &[&str]) -> Result {
    let list = packages.join(" ");
    if !is_root() {
        return Err(format!(
            "{list} missing; install them with:\n  sudo apt-get update && sudo apt-get install -y {list}"
        ));
    }
    step(&format!("installing Debian packages: {list}"));
    run(Command::new("apt-get")
        .arg("update")
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// gzip and brotli, for the precompressed copies `cargo xtask dist` writes.
fn compressors() -> Result {
    let missing: Vec<&str> = ["gzip", "brotli"]
        .into_iter()
        .filter(|tool| version_of(tool).is_none())
        .collect();
    if missing.is_empty() {
        println!("ok: gzip and brotli");
        return Ok(());
    }
    apt_install(&missing)
}

fn chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        println!("ok: chromium and chromedriver");
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

fn npm_install(package: &str) -> Result {
    if version_of("npm").is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    let dir = root().join(".tools");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    run(command("npm").args([
        "install",
        "--no-audit",
        "--no-fund",
        "--prefix",
        ".tools",
        package,
    ]))
}

fn axe() -> Result {
    if axe_script().exists() {
        println!("ok: axe-core");
        return Ok(());
    }
    step(&format!(
        "installing axe-core@{AXE_VERSION} from npm into .tools/ (for the accessibility tests)"
    ));
    npm_install(&format!("axe-core@{AXE_VERSION}"))
}

fn esbuild() -> Result {
    if version_of("esbuild").is_some_and(|v| v.trim() == ESBUILD_VERSION) {
        println!("ok: esbuild {ESBUILD_VERSION}");
        return Ok(());
    }
    step(&format!(
        "installing esbuild@{ESBUILD_VERSION} from npm into .tools/ (minifies the release build's scripts and stylesheet)"
    ));
    npm_install(&format!("esbuild@{ESBUILD_VERSION}"))
}

fn wasm_opt() -> Result {
    if version_of("wasm-opt").is_some_and(|v| v.contains(&format!("version {BINARYEN_VERSION}"))) {
        println!("ok: wasm-opt (binaryen {BINARYEN_VERSION})");
        return Ok(());
    }
    step(&format!(
        "installing wasm-opt from npm's binaryen@{BINARYEN_VERSION} into .tools/"
    ));
    npm_install(&format!("binaryen@{BINARYEN_VERSION}"))
}
