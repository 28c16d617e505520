//! Where cargo puts build outputs, asked of cargo itself: the target folder
//! from `cargo metadata`, an executable from `cargo build`'s JSON messages.
//! Nothing joins `target/` to a path, so `CARGO_TARGET_DIR` and
//! `build.target-dir` in any cargo config are honoured.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::install::{Result, command, render};

/// The target folder of the workspace, as `cargo metadata` reports it.
pub fn target_dir() -> Result<PathBuf> {
    target_dir_of(command("cargo"))
}

/// The target folder `cmd` (a `cargo` command, with whatever environment it
/// carries) reports.
pub fn target_dir_of(mut cmd: Command) -> Result<PathBuf> {
    let out = cmd
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!("{} failed ({})", render(&cmd), out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    string_field(&text, "target_directory")
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata gave no target_directory".to_owned())
}

/// Builds `package`'s binary of the same name with `args` (e.g. `--release`)
/// and returns the executable's path, read from cargo's JSON messages.
pub fn build_bin(package: &str, args: &[&str]) -> Result<PathBuf> {
    let mut cmd = command("cargo");
    cmd.args([
        "build",
        "-p",
        package,
        "--message-format=json-render-diagnostics",
    ])
    .args(args)
    .stderr(Stdio::inherit());
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", render(&cmd)))?;
    if !out.status.success() {
        return Err(format!("{} failed ({})", render(&cmd), out.status));
    }
    executable_in(&String::from_utf8_lossy(&out.stdout), package)
        .ok_or_else(|| format!("cargo reported no executable for {package}"))
}

/// The executable named `name` in cargo's JSON messages, one per line.
fn executable_in(messages: &str, name: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter(|l| string_field(l, "reason").as_deref() == Some("compiler-artifact"))
        .filter(|l| l.contains(&format!("\"name\":\"{name}\"")))
        .find_map(|l| string_field(l, "executable"))
        .map(PathBuf::from)
}

/// The string value of the first `"key":"…"` in a JSON text, unescaped.
/// Enough JSON for cargo's messages, which the xtask reads without a parser
/// crate (it must build with nothing but cargo).
fn string_field(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let mut out = String::new();
    let mut chars = json[start..].chars();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_read_with_their_escapes() {
        let line = r#"{"reason":"compiler-artifact","target":{"name":"wslab-echo"},"executable":"/t\\a \"b\"\u00e9/wslab-echo"}"#;
        assert_eq!(
            string_field(line, "reason").as_deref(),
            Some("compiler-artifact")
        );
        assert_eq!(
            executable_in(line, "wslab-echo"),
            Some(PathBuf::from("/t\\a \"b\"é/wslab-echo"))
        );
        assert_eq!(executable_in(line, "other"), None);
        assert_eq!(string_field("{\"x\":1}", "target_directory"), None);
    }

    #[test]
    fn the_target_folder_follows_cargo_target_dir() {
        let outside = std::env::temp_dir().join(format!("wslab-target-{}", std::process::id()));
        let mut cmd = command("cargo");
        cmd.env("CARGO_TARGET_DIR", &outside);
        assert_eq!(target_dir_of(cmd).unwrap(), outside);
        // And without it, cargo's own answer (whatever this machine's config says).
        let mut plain = command("cargo");
        plain.env_remove("CARGO_TARGET_DIR");
        assert!(target_dir_of(plain).unwrap().is_absolute());
    }
}
