//! "Test this browser": the client lab's cases run by this page's own
//! `WebSocket`. The page asks wslab-echo how many cases there are, then opens
//! each case in turn and echoes every message, as the lab asks of a client;
//! the browser itself answers Pings and the Close, and decides what to do
//! with the broken frames. wslab-echo judges what the browser sent, and the
//! watch shows it. A page never sees frames, so what it can report is only
//! the close event of each case.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::services::socket::{Socket, SocketEvent};

/// A browser run's current socket; dropping it ends the run.
pub type Handle = Rc<RefCell<Option<Socket>>>;

/// Which cases to run: "all", "N" or "N-M" (1-based, inclusive).
pub fn case_range(text: &str, count: u32) -> Option<(u32, u32)> {
    let text = text.trim();
    let (first, last) = if text.is_empty() || text.eq_ignore_ascii_case("all") {
        (1, count)
    } else if let Some((a, b)) = text.split_once('-') {
        (a.trim().parse().ok()?, b.trim().parse().ok()?)
    } else {
        let n = text.parse().ok()?;
        (n, n)
    };
    (1 <= first && first <= last && last <= count).then_some((first, last))
}

/// Where a browser run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Asking for the case count.
    Counting,
    /// Case `n` of `first..=last` is running; the last case's close event.
    Case {
        /// The case running.
        n: u32,
        /// The last case of the run.
        last: u32,
        /// How the previous case ended, as the page saw it.
        seen: String,
    },
    /// Done, or stopped: why.
    Over(String),
}

impl Progress {
    /// In a sentence, for the status line.
    pub fn line(&self) -> String {
        match self {
            Progress::Counting => "This browser: asking wslab-echo for the cases…".into(),
            Progress::Case { n, last, seen } if seen.is_empty() => {
                format!("This browser: case {n} (up to {last}).")
            }
            Progress::Case { n, last, seen } => {
                format!(
                    "This browser: case {n} (up to {last}); the page saw the last one end with {seen}."
                )
            }
            Progress::Over(why) => format!("This browser: {why}"),
        }
    }
}

/// The cases of `range` run one after another with the page's `WebSocket`:
/// `run_case_url(n)` gives case n's URL; `progress` follows the run. The
/// returned handle ends the run when dropped.
pub fn start(
    count_url: String,
    run_case_url: Rc<dyn Fn(u32) -> String>,
    range: String,
    progress: Callback<Progress>,
) -> Handle {
    let socket: Handle = Rc::new(RefCell::new(None));
    progress.emit(Progress::Counting);
    let on_count = {
        let (socket, progress) = (socket.clone(), progress.clone());
        Callback::from(move |ev: SocketEvent| {
            match ev {
            SocketEvent::Text(text) => {
                let count = text.trim().parse::<u32>().unwrap_or(0);
                let Some((first, last)) = case_range(&range, count) else {
                    progress.emit(Progress::Over(format!(
                        "\"{range}\" is not a range of the {count} cases (write all, N or N-M)"
                    )));
                    return;
                };
                // The next case opens after this callback returns: the socket
                // whose handler is running must not be dropped inside it.
                let (socket, progress, urls) =
                    (socket.clone(), progress.clone(), run_case_url.clone());
                Timeout::new(0, move || {
                    run_case(socket, urls, first, last, String::new(), progress)
                })
                .forget();
            }
            SocketEvent::Closed { code: 1006, .. } => progress.emit(Progress::Over(
                "could not reach wslab-echo (close 1006). Is it running? `cargo xtask serve` starts it.".into(),
            )),
            _ => {}
        }
        })
    };
    match Socket::open(&count_url, on_count) {
        Ok(s) => *socket.borrow_mut() = Some(s),
        Err(why) => progress.emit(Progress::Over(format!("cannot open {count_url}: {why}"))),
    }
    socket
}

fn run_case(
    socket: Handle,
    urls: Rc<dyn Fn(u32) -> String>,
    n: u32,
    last: u32,
    seen: String,
    progress: Callback<Progress>,
) {
    if n > last {
        socket.borrow_mut().take();
        progress.emit(Progress::Over(format!(
            "done; the last case ended with {seen}. The verdicts are below."
        )));
        return;
    }
    progress.emit(Progress::Case {
        n,
        last,
        seen: seen.clone(),
    });
    let on_event = {
        let (socket, urls, progress) = (socket.clone(), urls.clone(), progress.clone());
        Callback::from(move |ev: SocketEvent| match ev {
            // Echo every message, as the client lab asks.
            SocketEvent::Text(text) => {
                if let Some(s) = socket.borrow().as_ref() {
                    let _ = s.send_text(&text);
                }
            }
            SocketEvent::Binary(bytes) => {
                if let Some(s) = socket.borrow().as_ref() {
                    let _ = s.send_bytes(&bytes);
                }
            }
            SocketEvent::Closed {
                code,
                reason,
                was_clean,
            } => {
                let seen = format!(
                    "close {code}{}{}",
                    if reason.is_empty() {
                        String::new()
                    } else {
                        format!(" \"{reason}\"")
                    },
                    if was_clean { "" } else { " (not clean)" }
                );
                let (socket, urls, progress) = (socket.clone(), urls.clone(), progress.clone());
                Timeout::new(0, move || {
                    run_case(socket, urls, n + 1, last, seen, progress)
                })
                .forget();
            }
            SocketEvent::Open | SocketEvent::Error => {}
        })
    };
    let url = urls(n);
    match Socket::open(&url, on_event) {
        Ok(s) => *socket.borrow_mut() = Some(s),
        Err(why) => progress.emit(Progress::Over(format!("cannot open {url}: {why}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_all_one_case_or_first_to_last() {
        assert_eq!(case_range("all", 319), Some((1, 319)));
        assert_eq!(case_range("", 319), Some((1, 319)));
        assert_eq!(case_range("5", 319), Some((5, 5)));
        assert_eq!(case_range(" 3 - 7 ", 319), Some((3, 7)));
        for bad in ["0", "7-3", "1-320", "x", "1-", "-2"] {
            assert_eq!(case_range(bad, 319), None, "{bad}");
        }
    }
}
