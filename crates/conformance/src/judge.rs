//! Judging: what was observed, held against what a case expects. A pure
//! function, tested on observations written by hand.

use crate::case::{Expect, HandshakeExpect, Reply, Timing, describe_replies};
use crate::report::Verdict;

/// Something the server sent, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Got {
    /// A whole message.
    Message {
        /// Text (true) or binary.
        text: bool,
        /// Its payload.
        payload: Vec<u8>,
    },
    /// A Ping.
    Ping(Vec<u8>),
    /// A Pong.
    Pong(Vec<u8>),
    /// A Close: its code (None for an empty payload) and reason.
    Close(Option<u16>, String),
    /// A frame a client must refuse, and why.
    Broken(String),
}

/// Which end is under test.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Peer {
    /// A server, tested by the probe (a client).
    #[default]
    Server,
    /// A client, tested by wslab-echo (a server).
    Client,
}

/// Everything a case saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// Which end is under test (the judge's sentences name it).
    pub peer: Peer,
    /// The connection could not be opened, or the request not sent.
    pub connect_error: Option<String>,
    /// No usable answer to the opening request came.
    pub handshake_error: Option<String>,
    /// The answer's status.
    pub status: Option<u16>,
    /// The answer's head.
    pub response: Option<String>,
    /// What a client must refuse in the answer.
    pub handshake_problems: Vec<String>,
    /// What the server sent, each with how many steps were done when it came.
    pub got: Vec<(usize, Got)>,
    /// How many steps the case has.
    pub steps: usize,
    /// How many steps were done.
    pub steps_done: usize,
    /// Whether the probe has sent a Close.
    pub close_sent: bool,
    /// Where in `got` the probe started its own closing handshake, if it did.
    pub probe_closed_at: Option<usize>,
    /// Whether the server ended the TCP connection.
    pub tcp_closed: bool,
    /// A write failed (the server had gone).
    pub write_error: Option<String>,
    /// A read failed.
    pub read_error: Option<String>,
    /// Bytes the tester wrote (the quiet window grows with them:
    /// [`Timing::quiet_after`]).
    pub sent: u64,
}

impl Observed {
    /// The server's Close: where it came in `got`, and its code.
    pub fn server_close(&self) -> Option<(usize, Option<u16>, &str)> {
        self.got.iter().enumerate().find_map(|(i, (_, g))| match g {
            Got::Close(code, reason) => Some((i, *code, reason.as_str())),
            _ => None,
        })
    }

    /// The first frame the server sent that a client must refuse.
    pub fn broken_frame(&self) -> Option<&str> {
        self.got.iter().find_map(|(_, g)| match g {
            Got::Broken(why) => Some(why.as_str()),
            _ => None,
        })
    }

    /// Whether the server sent a frame a client must refuse.
    pub fn broken(&self) -> bool {
        self.broken_frame().is_some()
    }

    /// Messages and Pongs before the server's Close, in order.
    pub fn replies(&self) -> Vec<Reply> {
        let end = self.server_close().map_or(self.got.len(), |(i, ..)| i);
        self.got[..end]
            .iter()
            .filter_map(|(_, g)| match g {
                Got::Message { text, payload } => Some(Reply::Message {
                    text: *text,
                    payload: payload.clone(),
                }),
                Got::Pong(p) => Some(Reply::Pong(p.clone())),
                _ => None,
            })
            .collect()
    }

    /// Frames after the server's Close: data messages (which §5.5.1 forbids)
    /// and control frames (which it does not).
    fn after_close(&self) -> (usize, usize) {
        let Some((i, ..)) = self.server_close() else {
            return (0, 0);
        };
        let after = &self.got[i + 1..];
        let data = after
            .iter()
            .filter(|(_, g)| matches!(g, Got::Message { .. }))
            .count();
        let control = after
            .iter()
            .filter(|(_, g)| matches!(g, Got::Ping(_) | Got::Pong(_) | Got::Close(..)))
            .count();
        (data, control)
    }
}

fn code_text(code: Option<u16>, reason: &str) -> String {
    let name = code
        .and_then(wire::close::lookup)
        .map(|i| format!(" ({})", i.name))
        .unwrap_or_default();
    match code {
        None => "an empty Close (no code)".into(),
        Some(c) if reason.is_empty() => format!("Close {c}{name}"),
        Some(c) => format!("Close {c}{name}, reason {reason:?}"),
    }
}

fn reply_text(r: &Reply) -> String {
    let payload = match r {
        Reply::Message { payload, .. } | Reply::Pong(payload) => payload,
    };
    let shown = match std::str::from_utf8(payload) {
        Ok(s) if payload.len() <= 40 => format!(" {s:?}"),
        _ if payload.len() <= 16 => format!(" {}", wire::hex::to_hex(payload)),
        _ => String::new(),
    };
    format!("{}{shown}", describe_replies(std::slice::from_ref(r)))
}

/// How the answers differ from the expected ones, or None when they match.
fn compare(want: &[Reply], got: &[Reply]) -> Option<String> {
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        if w != g {
            return Some(format!(
                "answer {}: expected {}, got {}",
                i + 1,
                reply_text(w),
                reply_text(g)
            ));
        }
    }
    match got.len().cmp(&want.len()) {
        std::cmp::Ordering::Less => Some(format!(
            "expected {} answer{}, got {}{}",
            want.len(),
            if want.len() == 1 { "" } else { "s" },
            got.len(),
            match want.get(got.len()) {
                Some(r) => format!(" (missing: {})", reply_text(r)),
                None => String::new(),
            }
        )),
        std::cmp::Ordering::Greater => Some(format!(
            "expected {} answer{}, got {} (the extra one: {})",
            want.len(),
            if want.len() == 1 { "" } else { "s" },
            got.len(),
            reply_text(&got[want.len()])
        )),
        std::cmp::Ordering::Equal => None,
    }
}

/// The verdict for what was observed, with what happened in a sentence or two.
/// The sentences are written for a server under test; for a client the two
/// ends trade names (the tester, wslab-echo, is then the server).
pub fn judge(expect: &Expect, o: &Observed, timing: &Timing) -> (Verdict, String) {
    let (verdict, said) = judge_server(expect, o, timing);
    match o.peer {
        Peer::Server => (verdict, said),
        Peer::Client => (verdict, swap_ends(&said)),
    }
}

/// "server" and "client" traded, "the probe" named as wslab-echo: a
/// sentence written for a server under test, said of a client.
pub fn swap_ends(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while !rest.is_empty() {
        let swaps = [
            ("server", "client"),
            ("Server", "Client"),
            ("client", "server"),
            ("Client", "Server"),
            ("The probe", "wslab-echo"),
            ("the probe", "wslab-echo"),
        ];
        match swaps.iter().find(|(from, _)| rest.starts_with(from)) {
            Some((from, to)) => {
                out.push_str(to);
                rest = &rest[from.len()..];
            }
            None => {
                let c = rest.chars().next().unwrap_or(' ');
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

fn judge_server(expect: &Expect, o: &Observed, timing: &Timing) -> (Verdict, String) {
    let quiet = crate::report::seconds(timing.quiet_after(o.sent));
    if let Some(e) = &o.connect_error {
        return (Fail, format!("Could not connect: {e}."));
    }
    if let Expect::Handshake(h) = expect {
        return judge_handshake(*h, o, &quiet);
    }
    if let Some(refused) = handshake_failed(expect, o) {
        return refused;
    }
    if let Some(why) = o.broken_frame() {
        return (
            Fail,
            format!("The server sent a frame a client must refuse: {why}."),
        );
    }
    let seen = Seen {
        o,
        quiet: &quiet,
        replies: o.replies(),
    };
    match expect {
        Expect::Answers {
            replies,
            too_big_ok,
            silence_ok,
        } => seen.answers(replies, *too_big_ok, *silence_ok),
        Expect::Pongs(pings) => seen.pongs(pings),
        Expect::Fails { must: false, .. } => no_must(expect, o, timing),
        Expect::Fails {
            before,
            codes,
            fast,
            ..
        } => seen.fails(before, codes, *fast),
        Expect::Closes {
            before,
            codes,
            silence_ok,
        } => seen.closes(before, codes, *silence_ok),
        Expect::Either(why) => seen.either(why),
        Expect::Handshake(h) => judge_handshake(*h, o, &quiet),
    }
}

use Verdict::*;

/// The opening handshake of a case that needs a connection, when it failed.
fn handshake_failed(expect: &Expect, o: &Observed) -> Option<(Verdict, String)> {
    if let Some(e) = &o.handshake_error {
        // Data sent before the 101 breaks the client's MUST, not the server's.
        if let Expect::Answers {
            silence_ok: Some(why),
            ..
        } = expect
        {
            return Some((
                Info,
                format!("The opening handshake did not complete: {e}. Allowed: {why}."),
            ));
        }
        return Some((
            Fail,
            format!("The opening handshake did not complete: {e}."),
        ));
    }
    (o.status != Some(101) || !o.handshake_problems.is_empty()).then(|| {
        (
            Fail,
            format!(
                "The opening handshake failed (status {}): {}.",
                o.status.map_or("none".into(), |s| s.to_string()),
                o.handshake_problems.join("; ")
            ),
        )
    })
}

/// A case whose receiver no MUST binds: what would fail is non-strict.
fn no_must(expect: &Expect, o: &Observed, timing: &Timing) -> (Verdict, String) {
    let Expect::Fails {
        before,
        codes,
        fast,
        ..
    } = expect
    else {
        return judge_server(expect, o, timing);
    };
    let strict = Expect::Fails {
        before: before.clone(),
        codes: codes.clone(),
        fast: *fast,
        must: true,
    };
    match judge_server(&strict, o, timing) {
        (Fail, why) => (
            NonStrict,
            format!("{why} RFC 6455 puts no MUST on the receiver here, so this is not a failure."),
        ),
        other => other,
    }
}

/// A verdict for an outcome the RFC allows: what would pass is info, with
/// the reason; anything worse stays as it is.
fn allowed((verdict, said): (Verdict, String), why: &str) -> (Verdict, String) {
    match verdict {
        Pass => (Info, format!("{said} Allowed: {why}.")),
        other => (other, said),
    }
}

/// What a connected case saw: the observation, its answers before the
/// server's Close, and the quiet time in words.
struct Seen<'a> {
    o: &'a Observed,
    quiet: &'a str,
    replies: Vec<Reply>,
}

impl Seen<'_> {
    /// The server's Close as the end of a closing handshake, after `lead`:
    /// nothing may follow it (§5.5.1), its code should be one of `codes`
    /// (any, when `None`), and the server closes the TCP connection first
    /// (§7.1.1). The one place these sentences are written.
    fn close_reply(
        &self,
        lead: &str,
        code: Option<u16>,
        reason: &str,
        codes: Option<&[Option<u16>]>,
    ) -> (Verdict, String) {
        let said = code_text(code, reason);
        let (data, control) = self.o.after_close();
        if data > 0 {
            return (
                Fail,
                format!(
                    "{lead} It answered with {said} and then sent {data} data message(s); RFC 6455 §5.5.1: \"The application MUST NOT send any more data frames after sending a Close frame.\""
                ),
            );
        }
        if control > 0 {
            return (
                NonStrict,
                format!(
                    "{lead} It answered with {said} and then sent {control} more control frame(s); §5.5.1 forbids only data frames after a Close, but a closing endpoint has nothing more to say."
                ),
            );
        }
        if let Some(codes) = codes.filter(|c| !c.contains(&code)) {
            let want: Vec<String> = codes
                .iter()
                .map(|c| c.map_or("an empty Close".into(), |c| c.to_string()))
                .collect();
            return (
                NonStrict,
                format!(
                    "{lead} It answered with {said}; expected {}.",
                    want.join(" or ")
                ),
            );
        }
        // Closing the TCP connection is the server's part (§7.1.1): a client
        // waits for it, so only a server under test is held to it.
        if !self.o.tcp_closed && self.o.peer == Peer::Server {
            return (
                NonStrict,
                format!(
                    "{lead} It answered with {said} but kept the TCP connection open for {}; the server closes it first (RFC 6455 §7.1.1).",
                    self.quiet
                ),
            );
        }
        (Pass, format!("{lead} It answered with {said}."))
    }

    /// After the right answers: the probe's Close, answered.
    fn closing(&self, lead: String) -> (Verdict, String) {
        match self.o.server_close() {
            Some((_, code, reason)) if self.o.probe_closed_at.is_some() => {
                self.close_reply(&format!("{lead} The probe closed."), code, reason, None)
            }
            Some((_, code, reason)) => (
                NonStrict,
                format!(
                    "{lead} Then the server closed on its own with {}.",
                    code_text(code, reason)
                ),
            ),
            None if self.o.tcp_closed => (
                NonStrict,
                format!(
                    "{lead} The server dropped the TCP connection without a closing handshake."
                ),
            ),
            None => (
                NonStrict,
                format!(
                    "{lead} The server did not answer the probe's Close within {}.",
                    self.quiet
                ),
            ),
        }
    }

    fn answers(
        &self,
        want: &[Reply],
        too_big_ok: bool,
        silence_ok: Option<&str>,
    ) -> (Verdict, String) {
        let replies = &self.replies;
        if let Some((i, code, reason)) = self.o.server_close()
            && self.o.probe_closed_at.is_none_or(|at| i < at)
            && compare(want, replies).is_some()
        {
            if too_big_ok && matches!(code, Some(1009 | 1008)) {
                return (
                    NonStrict,
                    format!(
                        "The server refused the message with {} (a server may limit message sizes and fragment counts, RFC 6455 §10.4).",
                        code_text(code, reason)
                    ),
                );
            }
            return (
                Fail,
                format!(
                    "The server closed with {} after {} of {} answers instead of answering.",
                    code_text(code, reason),
                    replies.len(),
                    want.len()
                ),
            );
        }
        match (compare(want, replies), silence_ok) {
            (Some(_), Some(why)) if replies.is_empty() => allowed(
                self.closing(format!(
                    "The server sent none of the answers ({}).",
                    describe_replies(want)
                )),
                why,
            ),
            (Some(diff), _) => (Fail, format!("Wrong answers: {diff}.")),
            (None, _) => self.closing(if want.is_empty() {
                "The server sent nothing back, as it should.".into()
            } else {
                format!("The server answered with {}.", describe_replies(want))
            }),
        }
    }

    fn pongs(&self, pings: &[Vec<u8>]) -> (Verdict, String) {
        let replies = &self.replies;
        let pongs: Vec<&Vec<u8>> = replies
            .iter()
            .filter_map(|r| match r {
                Reply::Pong(p) => Some(p),
                Reply::Message { .. } => None,
            })
            .collect();
        if replies.len() != pongs.len() {
            return (Fail, "The server answered Pings with data messages.".into());
        }
        let all = pongs.len() == pings.len() && pongs.iter().zip(pings).all(|(a, b)| *a == b);
        let latest = pongs.last().is_some_and(|p| Some(*p) == pings.last())
            && pongs.iter().all(|p| pings.contains(p));
        if all {
            self.closing(format!(
                "The server answered all {} Pings, in order.",
                pings.len()
            ))
        } else if latest {
            self.closing(format!(
                "The server answered {} of {} Pings, the most recent among them (allowed, RFC 6455 §5.5.3).",
                pongs.len(),
                pings.len()
            ))
        } else {
            let want: Vec<Reply> = pings.iter().cloned().map(Reply::Pong).collect();
            (
                Fail,
                format!(
                    "Wrong Pongs: {}.",
                    compare(&want, replies).unwrap_or_default()
                ),
            )
        }
    }

    fn fails(&self, before: &[Reply], codes: &[u16], fast: bool) -> (Verdict, String) {
        let (o, replies) = (self.o, &self.replies);
        match compare(before, replies) {
            Some(diff) if replies.len() > before.len() || !before.starts_with(replies) => {
                return (
                    Fail,
                    format!("The server answered what it should have refused: {diff}."),
                );
            }
            _ => {}
        }
        let missing = if replies.len() < before.len() {
            format!(
                " (it failed before answering {} of the valid messages before the bad one)",
                before.len() - replies.len()
            )
        } else {
            String::new()
        };
        let Some((i, code, reason)) = o.server_close() else {
            return if o.tcp_closed {
                (
                    NonStrict,
                    format!(
                        "The server dropped the TCP connection without a Close frame; a Close with {} tells the client why (RFC 6455 §7.1.7){missing}.",
                        codes_list(codes)
                    ),
                )
            } else {
                (
                    Fail,
                    format!(
                        "The server did not fail the connection: it was still open {} after the last frame.",
                        self.quiet
                    ),
                )
            };
        };
        let said = code_text(code, reason);
        let good_code = code.is_some_and(|c| codes.contains(&c));
        let answered = o.probe_closed_at.is_some_and(|at| at <= i);
        if answered && !good_code && matches!(code, None | Some(1000)) {
            (
                Fail,
                format!(
                    "The server answered the probe's Close with {said} as if it were valid, instead of failing with {}.",
                    codes_list(codes)
                ),
            )
        } else if !good_code {
            (
                NonStrict,
                format!(
                    "The server failed the connection, but with {said}; this error is named by {}{missing}.",
                    codes_list(codes)
                ),
            )
        } else if fast && o.got[i].0 >= o.steps {
            (
                NonStrict,
                format!(
                    "The server failed with {said}, but only after the whole message had arrived; failing as soon as the bad bytes arrive spares it buffering a message it will refuse (RFC 6455 §8.1 sets no time){missing}."
                ),
            )
        } else if !missing.is_empty() {
            (
                NonStrict,
                format!("The server failed with {said}{missing}."),
            )
        } else {
            (
                Pass,
                format!("The server failed the connection with {said}."),
            )
        }
    }

    fn closes(
        &self,
        before: &[Reply],
        codes: &[Option<u16>],
        silence_ok: Option<&str>,
    ) -> (Verdict, String) {
        let (o, replies) = (self.o, &self.replies);
        // Answers past the expected ones answer frames the probe sent after
        // its Close: the server delayed its Close for them (§5.5.1: "as soon
        // as practical", a SHOULD).
        let late = replies.len() > before.len() && replies.starts_with(before);
        let lead = match (compare(before, replies), silence_ok) {
            (None, _) => "The probe closed.".to_owned(),
            (Some(_), Some(_)) if replies.is_empty() => format!(
                "The server answered the Close without sending {} first.",
                describe_replies(before)
            ),
            (Some(_), _) if late => format!(
                "The server answered {} sent after the probe's Close before answering the Close itself; the Close reply SHOULD go out as soon as practical (RFC 6455 §5.5.1).",
                describe_replies(&replies[before.len()..])
            ),
            (Some(diff), _) => {
                return (Fail, format!("Wrong answers before the Close: {diff}."));
            }
        };
        let verdict = match o.server_close() {
            Some((_, code, reason)) => self.close_reply(&lead, code, reason, Some(codes)),
            None if o.tcp_closed => (
                NonStrict,
                format!(
                    "{lead} The server dropped the TCP connection without answering the Close."
                ),
            ),
            None => (
                Fail,
                format!(
                    "{lead} The server did not answer the Close within {}.",
                    self.quiet
                ),
            ),
        };
        match silence_ok {
            _ if late => match verdict {
                (Pass, said) => (NonStrict, said),
                other => other,
            },
            Some(why) if compare(before, replies).is_some() => allowed(verdict, why),
            _ => verdict,
        }
    }

    fn either(&self, why: &str) -> (Verdict, String) {
        let o = self.o;
        let what = if self.replies.is_empty() {
            "nothing".to_owned()
        } else {
            describe_replies(&self.replies)
        };
        let end = match o.server_close() {
            Some((_, code, reason)) if o.probe_closed_at.is_none() => {
                format!("then closed with {}", code_text(code, reason))
            }
            Some(_) => "then completed the probe's closing handshake".to_owned(),
            None if o.tcp_closed => "then dropped the TCP connection".to_owned(),
            None => "and stayed open".to_owned(),
        };
        (
            Info,
            format!("The server answered with {what}, {end}. Either is allowed: {why}."),
        )
    }
}

fn codes_list(codes: &[u16]) -> String {
    let all: Vec<String> = codes.iter().map(|c| code_text(Some(*c), "")).collect();
    all.join(" or ")
}

/// Why declining a valid handshake is non-strict, not a failure.
const DECLINED: &str = "RFC 6455 §4.2.1 describes this request as a valid handshake. A server may decline any handshake, but every client that writes the request this way is turned away.";

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn judge_handshake(h: HandshakeExpect, o: &Observed, quiet: &str) -> (Verdict, String) {
    use Verdict::*;
    if let Some(e) = &o.handshake_error {
        return match h {
            // Closing without an answer declines the handshake: allowed
            // (§4.2.2 step 5 binds a server that chooses to accept), and
            // HTTP lets either side close at any time.
            HandshakeExpect::Accepts { .. } => (
                NonStrict,
                format!(
                    "{}. {DECLINED} RFC 9112 §9.5: \"A client, server, or proxy MAY close the transport connection at any time.\"",
                    upper_first(e)
                ),
            ),
            // An invalid request MUST get an HTTP error (§4.2.1).
            HandshakeExpect::Refuses { .. } => (Fail, format!("{}.", upper_first(e))),
        };
    }
    let status = o.status;
    match h {
        HandshakeExpect::Accepts { .. } => {
            if status == Some(101) && o.handshake_problems.is_empty() {
                let close = o.server_close();
                match close {
                    Some((_, code, reason)) if o.probe_closed_at.is_some() && o.tcp_closed => (
                        Pass,
                        format!(
                            "101 Switching Protocols with the right Sec-WebSocket-Accept; the probe's Close was answered with {}.",
                            code_text(code, reason)
                        ),
                    ),
                    Some((_, code, reason)) => (
                        NonStrict,
                        format!(
                            "101 Switching Protocols, but then {} {}.",
                            code_text(code, reason),
                            if o.tcp_closed {
                                ""
                            } else {
                                "and the TCP connection stayed open"
                            }
                        ),
                    ),
                    None => (
                        NonStrict,
                        format!(
                            "101 Switching Protocols, but the probe's Close got no answer within {quiet}."
                        ),
                    ),
                }
            } else if status.is_some_and(|s| (400..=599).contains(&s)) {
                // A server may decline any handshake (§4.2.2 step 5: "If the
                // server chooses to accept"): no MUST is broken, but clients
                // that write the request this way cannot connect.
                (
                    NonStrict,
                    format!(
                        "The server refused with {}. {DECLINED}",
                        status.unwrap_or_default()
                    ),
                )
            } else {
                (
                    Fail,
                    format!(
                        "The server answered {}: {}.",
                        status.map_or("without a status".into(), |s| s.to_string()),
                        o.handshake_problems.join("; ")
                    ),
                )
            }
        }
        HandshakeExpect::Refuses {
            status: want,
            version_header,
            may_accept,
        } => {
            let has_version = o.response.as_deref().is_some_and(|r| {
                r.lines().any(|l| {
                    l.split_once(':').is_some_and(|(n, v)| {
                        n.trim().eq_ignore_ascii_case("sec-websocket-version")
                            && v.split(',').any(|t| t.trim() == wire::handshake::VERSION)
                    })
                })
            });
            // §4.2.1: "an appropriate error code (such as 400 Bad Request)";
            // any 4xx refuses, and 505 is the one for an HTTP version.
            let refusing = |s: u16| (400..=499).contains(&s) || s == 505;
            match status {
                Some(101) if o.handshake_problems.is_empty() && may_accept.is_some() => (
                    Info,
                    format!(
                        "The server switched protocols. Allowed: {}.",
                        may_accept.unwrap_or_default()
                    ),
                ),
                Some(s) if refusing(s) && version_header && !has_version => (
                    NonStrict,
                    format!(
                        "Refused with {s}, but without a Sec-WebSocket-Version header naming the versions the server speaks (RFC 6455 §4.4: the server MUST send one)."
                    ),
                ),
                Some(s) if refusing(s) => (
                    Pass,
                    format!(
                        "Refused with {s}{} (the RFC asks for \"an appropriate error code (such as {want} ...)\", §4.2.1).",
                        if version_header {
                            " and Sec-WebSocket-Version: 13"
                        } else {
                            ""
                        }
                    ),
                ),
                Some(s @ 500..=599) => (
                    NonStrict,
                    format!(
                        "Refused with {s}, a server error, for a request the client got wrong; §4.2.1 asks for an appropriate error code such as {want}."
                    ),
                ),
                Some(101) => (
                    Fail,
                    "The server switched protocols for a request it must refuse.".into(),
                ),
                Some(s) => (
                    Fail,
                    format!(
                        "The server answered {s}; a request it cannot upgrade gets a 4xx status."
                    ),
                ),
                None => (Fail, "The server's answer has no status line.".into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn open() -> Observed {
        Observed {
            status: Some(101),
            response: Some("HTTP/1.1 101 Switching Protocols".into()),
            steps: 1,
            steps_done: 1,
            ..Observed::default()
        }
    }

    fn t() -> Timing {
        Timing {
            quiet: Duration::from_millis(500),
            ..Timing::default()
        }
    }

    fn text_got(s: &str) -> Got {
        Got::Message {
            text: true,
            payload: s.as_bytes().to_vec(),
        }
    }

    fn echo(s: &str) -> Reply {
        Reply::Message {
            text: true,
            payload: s.as_bytes().to_vec(),
        }
    }

    fn answered(mut o: Observed, replies: &[Got]) -> Observed {
        for r in replies {
            o.got.push((1, r.clone()));
        }
        o.close_sent = true;
        o.probe_closed_at = Some(o.got.len());
        o.got.push((1, Got::Close(Some(1000), String::new())));
        o.tcp_closed = true;
        o
    }

    #[test]
    fn an_echo_and_a_clean_close_pass() {
        let want = Expect::Answers {
            replies: vec![echo("hi")],
            too_big_ok: false,
            silence_ok: None,
        };
        let o = answered(
            open(),
            &[Got::Message {
                text: true,
                payload: b"hi".to_vec(),
            }],
        );
        assert_eq!(judge(&want, &o, &t()).0, Verdict::Pass);
    }

    #[test]
    fn a_wrong_or_missing_echo_fails_and_says_which() {
        let want = Expect::Answers {
            replies: vec![echo("hi")],
            too_big_ok: false,
            silence_ok: None,
        };
        let o = answered(
            open(),
            &[Got::Message {
                text: false,
                payload: b"hi".to_vec(),
            }],
        );
        let (v, why) = judge(&want, &o, &t());
        assert_eq!(v, Verdict::Fail);
        assert!(why.contains("answer 1: expected a text message"), "{why}");
        let (v, why) = judge(&want, &answered(open(), &[]), &t());
        assert_eq!(v, Verdict::Fail);
        assert!(why.contains("missing"), "{why}");
    }

    #[test]
    fn no_closing_handshake_is_non_strict() {
        let want = Expect::Answers {
            replies: vec![],
            too_big_ok: false,
            silence_ok: None,
        };
        let mut o = open();
        o.probe_closed_at = Some(0);
        o.tcp_closed = true;
        assert_eq!(judge(&want, &o, &t()).0, Verdict::NonStrict);
    }

    #[test]
    fn failing_with_the_named_code_passes_another_code_is_non_strict_staying_open_fails() {
        let want = Expect::Fails {
            before: vec![],
            codes: vec![1002],
            fast: false,
            must: true,
        };
        let mut o = open();
        o.got.push((1, Got::Close(Some(1002), "RSV1".into())));
        o.tcp_closed = true;
        assert_eq!(judge(&want, &o, &t()).0, Verdict::Pass);
        o.got[0].1 = Got::Close(Some(1000), String::new());
        assert_eq!(judge(&want, &o, &t()).0, Verdict::NonStrict);
        o.got.clear();
        assert_eq!(judge(&want, &o, &t()).0, Verdict::NonStrict, "TCP dropped");
        o.tcp_closed = false;
        let (v, why) = judge(&want, &o, &t());
        assert_eq!(v, Verdict::Fail);
        assert!(why.contains("still open"), "{why}");
    }

    #[test]
    fn echoing_the_bad_frame_fails() {
        let want = Expect::Fails {
            before: vec![echo("ok")],
            codes: vec![1007],
            fast: false,
            must: true,
        };
        let mut o = open();
        o.got.push((
            1,
            Got::Message {
                text: true,
                payload: b"ok".to_vec(),
            },
        ));
        o.got.push((
            1,
            Got::Message {
                text: true,
                payload: vec![0xC0, 0xAF],
            },
        ));
        let (v, why) = judge(&want, &o, &t());
        assert_eq!(v, Verdict::Fail);
        assert!(why.contains("refused"), "{why}");
    }

    #[test]
    fn failing_late_is_non_strict_when_the_case_asks_for_fast() {
        let want = Expect::Fails {
            before: vec![],
            codes: vec![1007],
            fast: true,
            must: true,
        };
        let mut o = open();
        o.steps = 3;
        o.got.push((3, Got::Close(Some(1007), String::new())));
        o.tcp_closed = true;
        assert_eq!(judge(&want, &o, &t()).0, Verdict::NonStrict);
        o.got[0].0 = 1;
        assert_eq!(judge(&want, &o, &t()).0, Verdict::Pass);
    }

    #[test]
    fn only_the_latest_pong_passes() {
        let pings = vec![b"1".to_vec(), b"2".to_vec()];
        let o = answered(open(), &[Got::Pong(b"2".to_vec())]);
        assert_eq!(
            judge(&Expect::Pongs(pings.clone()), &o, &t()).0,
            Verdict::Pass
        );
        let o = answered(open(), &[Got::Pong(b"1".to_vec())]);
        assert_eq!(judge(&Expect::Pongs(pings), &o, &t()).0, Verdict::Fail);
    }

    #[test]
    fn data_after_the_servers_close_fails_a_control_frame_is_non_strict() {
        let want = Expect::Closes {
            before: vec![],
            codes: vec![Some(1000)],
            silence_ok: None,
        };
        let mut o = open();
        o.close_sent = true;
        o.got.push((1, Got::Close(Some(1000), String::new())));
        o.got.push((1, text_got("late")));
        o.tcp_closed = true;
        let (v, why) = judge(&want, &o, &t());
        assert_eq!(v, Verdict::Fail);
        assert!(why.contains("MUST NOT send any more data frames"), "{why}");
        o.got.pop();
        o.got.push((1, Got::Pong(vec![])));
        let (v, why) = judge(&want, &o, &t());
        assert_eq!(v, Verdict::NonStrict, "{why}");
        o.got.pop();
        assert_eq!(judge(&want, &o, &t()).0, Verdict::Pass);
    }

    #[test]
    fn answering_frames_sent_after_the_probes_close_first_is_non_strict() {
        // The probe sent a Close, then a Ping; the server answered the Ping,
        // then the Close: a SHOULD ("as soon as practical") bent, no MUST.
        let want = Expect::Closes {
            before: vec![],
            codes: vec![Some(1000)],
            silence_ok: None,
        };
        let mut o = open();
        o.close_sent = true;
        o.got.push((1, Got::Pong(b"too late".to_vec())));
        o.got.push((1, Got::Close(Some(1000), String::new())));
        o.tcp_closed = true;
        let (v, why) = judge(&want, &o, &t());
        assert_eq!(v, Verdict::NonStrict, "{why}");
        assert!(why.contains("as soon as practical"), "{why}");
    }

    #[test]
    fn refusing_a_valid_handshake_is_non_strict_a_bad_101_fails() {
        let want = Expect::Handshake(HandshakeExpect::Accepts { check: None });
        let mut o = Observed {
            status: Some(400),
            ..Observed::default()
        };
        let (v, why) = judge(&want, &o, &t());
        assert_eq!(v, Verdict::NonStrict, "{why}");
        o.status = Some(101);
        o.handshake_problems = vec!["Sec-WebSocket-Accept is wrong".into()];
        assert_eq!(judge(&want, &o, &t()).0, Verdict::Fail);
    }

    #[test]
    fn handshake_refusals_are_judged_by_status_and_version_list() {
        let want = Expect::Handshake(HandshakeExpect::Refuses {
            status: 426,
            version_header: true,
            may_accept: None,
        });
        let mut o = Observed {
            status: Some(426),
            response: Some("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13".into()),
            ..Observed::default()
        };
        assert_eq!(judge(&want, &o, &t()).0, Verdict::Pass);
        o.response = Some("HTTP/1.1 426 Upgrade Required".into());
        let (v, why) = judge(&want, &o, &t());
        assert_eq!(v, Verdict::NonStrict);
        assert!(why.contains("§4.4"), "{why}");
        o.status = Some(101);
        assert_eq!(judge(&want, &o, &t()).0, Verdict::Fail);
    }

    /// Relaxed rule 2: "an appropriate error code (such as 400 Bad Request)".
    #[test]
    fn any_4xx_or_505_refuses_a_bad_handshake() {
        let want = Expect::Handshake(HandshakeExpect::Refuses {
            status: 400,
            version_header: false,
            may_accept: None,
        });
        for (status, verdict) in [
            (400, Verdict::Pass),
            (405, Verdict::Pass),
            (426, Verdict::Pass),
            (505, Verdict::Pass),
            (500, Verdict::NonStrict),
            (200, Verdict::Fail),
            (101, Verdict::Fail),
        ] {
            let o = Observed {
                status: Some(status),
                response: Some(format!("HTTP/1.1 {status} X")),
                ..Observed::default()
            };
            assert_eq!(judge(&want, &o, &t()).0, verdict, "{status}");
        }
    }

    /// Relaxed rule 3: a server that speaks version 8 may accept it.
    #[test]
    fn accepting_an_older_version_on_purpose_is_info() {
        let want = Expect::Handshake(HandshakeExpect::Refuses {
            status: 426,
            version_header: true,
            may_accept: Some("hybi-08 frames as version 13 does"),
        });
        let (v, why) = judge(&want, &open(), &t());
        assert_eq!(v, Verdict::Info);
        assert!(why.contains("hybi-08"), "{why}");
    }

    /// Relaxed rule 1: answering a Close at once without echoing the message before it.
    #[test]
    fn a_close_answered_before_the_echo_is_info() {
        let want = Expect::Closes {
            before: vec![echo("Hello")],
            codes: vec![Some(1000)],
            silence_ok: Some("§5.5.1: as soon as practical"),
        };
        let mut o = open();
        o.close_sent = true;
        o.probe_closed_at = Some(0);
        o.got.push((1, Got::Close(Some(1000), String::new())));
        o.tcp_closed = true;
        let (v, why) = judge(&want, &o, &t());
        assert_eq!(v, Verdict::Info);
        assert!(
            why.contains("without sending a text message") && why.contains("§5.5.1"),
            "{why}"
        );
        // Echoed first: a pass.
        o.got.insert(
            0,
            (
                1,
                Got::Message {
                    text: true,
                    payload: b"Hello".to_vec(),
                },
            ),
        );
        assert_eq!(judge(&want, &o, &t()).0, Verdict::Pass);
    }

    /// Relaxed rule 4: codes above 4999 put no duty on the receiver.
    #[test]
    fn answering_an_undefined_code_with_1000_is_info() {
        let want = Expect::Either("RFC 6455 §7.4.2 defines no status code above 4999");
        let o = answered(open(), &[]);
        let (v, why) = judge(&want, &o, &t());
        assert_eq!(v, Verdict::Info);
        assert!(why.contains("above 4999"), "{why}");
    }

    /// Relaxed rule 5: no MUST tells the receiver of a 1-byte Close what to do.
    #[test]
    fn without_a_must_not_failing_is_non_strict() {
        let want = Expect::Fails {
            before: vec![],
            codes: vec![1002],
            fast: false,
            must: false,
        };
        let mut o = open();
        o.close_sent = true;
        o.probe_closed_at = Some(0);
        o.got.push((1, Got::Close(None, String::new())));
        o.tcp_closed = true;
        let (v, why) = judge(&want, &o, &t());
        assert_eq!(v, Verdict::NonStrict);
        assert!(why.contains("no MUST"), "{why}");
        o.got[0].1 = Got::Close(Some(1002), String::new());
        assert_eq!(judge(&want, &o, &t()).0, Verdict::Pass);
    }

    /// Relaxed rule 6: bytes sent before the 101 may be dropped.
    #[test]
    fn dropping_data_sent_before_the_101_is_info() {
        let want = Expect::Answers {
            replies: vec![echo("early")],
            too_big_ok: false,
            silence_ok: Some("§4.1: the client MUST wait for the 101"),
        };
        let (v, why) = judge(&want, &answered(open(), &[]), &t());
        assert_eq!(v, Verdict::Info);
        assert!(why.contains("MUST wait"), "{why}");
        // A server that refuses the whole handshake for them is not at fault either.
        let refused = Observed {
            handshake_error: Some("the server closed the connection".into()),
            ..Observed::default()
        };
        assert_eq!(judge(&want, &refused, &t()).0, Verdict::Info);
    }

    /// Relaxed rule 7: a size or fragment-count policy may refuse with 1008.
    #[test]
    fn refusing_a_big_message_with_1008_or_1009_is_non_strict() {
        let want = Expect::Answers {
            replies: vec![echo("big")],
            too_big_ok: true,
            silence_ok: None,
        };
        for code in [1008, 1009] {
            let mut o = open();
            o.got
                .push((1, Got::Close(Some(code), "too many fragments".into())));
            o.tcp_closed = true;
            let (v, why) = judge(&want, &o, &t());
            assert_eq!(v, Verdict::NonStrict, "{code}");
            assert!(why.contains("§10.4"), "{why}");
        }
    }

    /// Closing instead of answering declines a valid handshake (non-strict);
    /// an invalid one MUST get an HTTP error (fail).
    #[test]
    fn closing_without_an_answer_declines_a_valid_request_and_fails_an_invalid_one() {
        let o = Observed {
            handshake_error: Some("the server closed the connection without answering".into()),
            ..Observed::default()
        };
        let valid = Expect::Handshake(HandshakeExpect::Accepts { check: None });
        let (v, why) = judge(&valid, &o, &t());
        assert_eq!(v, Verdict::NonStrict);
        assert!(why.starts_with("The server closed"), "{why}");
        assert!(why.contains("MAY close the transport connection"), "{why}");
        let invalid = Expect::Handshake(HandshakeExpect::Refuses {
            status: 400,
            version_header: false,
            may_accept: None,
        });
        assert_eq!(judge(&invalid, &o, &t()).0, Verdict::Fail);
    }

    #[test]
    fn a_server_that_cannot_be_reached_fails_with_the_reason() {
        let o = Observed {
            connect_error: Some("connection refused".into()),
            ..Observed::default()
        };
        let (v, why) = judge(&Expect::Either("either"), &o, &t());
        assert_eq!(v, Verdict::Fail);
        assert!(why.contains("connection refused"));
    }

    #[test]
    fn a_malformed_frame_from_the_server_fails() {
        let mut o = open();
        o.got.push((1, Got::Broken("masked".into())));
        let want = Expect::Answers {
            replies: vec![],
            too_big_ok: false,
            silence_ok: None,
        };
        assert_eq!(judge(&want, &o, &t()).0, Verdict::Fail);
    }
}
