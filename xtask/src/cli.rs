//! Each command's usage and options. Every command answers `-h`/`--help`
//! with its own usage; an option it does not know is refused with the usage
//! and exit code 2.

/// The usage of `command`, or None if there is no such command.
pub fn usage(command: &str) -> Option<&'static str> {
    Some(match command {
        "serve" => SERVE,
        "test" => {
            "\
usage: cargo xtask test

Installs what is missing and runs every check: fmt, clippy (native and wasm32),
native tests, browser tests in headless Chromium, end-to-end tests, and the
first-load budget of the release build. Exit 0 only when all passed.
No options.
"
        }
        "dist" => {
            "\
usage: cargo xtask dist

The optimised release build into dist/, ready for any static host: every
build (one per group of pages; the README lists them), every page prerendered,
.gz and .br copies; prints each file's size and each build's first load, and
fails where a budgeted build is over 150 kB. No options.
"
        }
        "bench" => {
            "\
usage: cargo xtask bench

wire's codec next to tungstenite (criterion), the labs' update time in headless
Chromium, and first paint and first input next to the baseline build. No options.
"
        }
        "setup" => {
            "\
usage: cargo xtask setup

Only installs what is missing (wasm32 target, trunk, wasm-bindgen-cli, wasm-opt,
Chromium and chromedriver, axe-core). No options.
"
        }
        "conformance-peers" => {
            "\
usage: cargo xtask conformance-peers [--cases PATTERN]

Installs Python's websockets and Node's ws (pinned versions, from PyPI and the npm
registry, into the target folder), starts each as a plain echo server with
compression off, runs wslab-probe against it and prints every case that is not a
pass, then a table of the verdicts. Needs python3 and node; not part of `test`.

options:
  --cases PATTERN   which cases, as wslab-probe's --cases (default: all)
  -h, --help        this text
"
        }
        _ => return None,
    })
}

/// `conformance-peers`' options: the case pattern (default every case).
pub fn peers_cases(options: &[String]) -> Result<String, String> {
    match options {
        [] => Ok("*".to_owned()),
        [flag, pattern] if flag == "--cases" => Ok(pattern.clone()),
        [flag] if flag == "--cases" => Err("--cases needs a pattern".to_owned()),
        [other, ..] => Err(format!("unknown option {other:?}")),
    }
}

const SERVE: &str = "\
usage: cargo xtask serve [--port N] [--echo-port N]

Installs what is missing, starts wslab-echo, then `trunk serve`. Ctrl-C, SIGTERM or
SIGHUP stops both, and when one of them ends the other is stopped too.
Both ports are checked before anything is built; a taken port is named, with the
program holding it where the system can tell, and the command exits 2.

options:
  --port N        the app's port, http://127.0.0.1:N/ (default 8080; env WSLAB_PORT)
  --echo-port N   wslab-echo's ws:// port (default 9001; env WSLAB_ECHO_PORT); the
                  pages served are told it, so the live page, the wire view and the
                  conformance lab connect there
                  (0 for either: any free port, printed at start)
  -h, --help      this text
";

/// `cargo xtask serve`'s options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeArgs {
    /// The app's port (0: any free one).
    pub port: u16,
    /// wslab-echo's ws:// port (0: any free one).
    pub echo_port: u16,
}

impl ServeArgs {
    /// Reads the options after `serve`, over the environment's
    /// `WSLAB_PORT` and `WSLAB_ECHO_PORT` (`env` looks a variable up).
    pub fn parse(
        args: &[String],
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ServeArgs, String> {
        let mut out = ServeArgs {
            port: 8080,
            echo_port: 9001,
        };
        for (var, slot) in [
            ("WSLAB_PORT", &mut out.port),
            ("WSLAB_ECHO_PORT", &mut out.echo_port),
        ] {
            if let Some(value) = env(var) {
                *slot = port_value(&value).map_err(|e| format!("{var}: {e}"))?;
            }
        }
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (arg.as_str(), None),
            };
            let slot = match name {
                "--port" => &mut out.port,
                "--echo-port" => &mut out.echo_port,
                _ => return Err(format!("unknown option {arg:?}")),
            };
            let value = inline
                .or_else(|| args.next().cloned())
                .ok_or_else(|| format!("{name} needs a port number"))?;
            *slot = port_value(&value).map_err(|e| format!("{name}: {e}"))?;
        }
        if out.port == out.echo_port && out.port != 0 {
            return Err(format!(
                "--port and --echo-port are both {}: the app and wslab-echo need a port each",
                out.port
            ));
        }
        Ok(out)
    }
}

/// A port number, 0 to 65535.
fn port_value(text: &str) -> Result<u16, String> {
    text.parse::<u16>()
        .map_err(|_| format!("{text:?} is not a port number (0 to 65535; 0 picks a free port)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn serve_reads_flags_over_the_environment() {
        let none = |_: &str| None;
        assert_eq!(
            ServeArgs::parse(&[], none),
            Ok(ServeArgs {
                port: 8080,
                echo_port: 9001
            })
        );
        let env = |v: &str| (v == "WSLAB_ECHO_PORT").then(|| "9100".to_owned());
        assert_eq!(
            ServeArgs::parse(&args(&["--port=0"]), env),
            Ok(ServeArgs {
                port: 0,
                echo_port: 9100
            })
        );
        assert_eq!(
            ServeArgs::parse(&args(&["--echo-port", "9200"]), env)
                .unwrap()
                .echo_port,
            9200
        );
        for (bad, says) in [
            (&["--bogus"][..], "unknown option"),
            (&["--port"], "needs a port"),
            (&["--port", "70000"], "not a port number"),
            (&["--port", "9001"], "both 9001"),
        ] {
            let e = ServeArgs::parse(&args(bad), none).unwrap_err();
            assert!(e.contains(says), "{bad:?}: {e}");
        }
    }

    #[test]
    fn every_command_has_its_usage() {
        for c in ["serve", "test", "dist", "bench", "setup"] {
            assert!(
                usage(c)
                    .unwrap()
                    .starts_with(&format!("usage: cargo xtask {c}"))
            );
        }
        assert_eq!(usage("deploy"), None);
    }
}
