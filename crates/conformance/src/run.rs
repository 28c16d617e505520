//! Running one case over a [`Transport`]: the opening handshake, the steps,
//! reading what comes back as a client does (answering Pings and Closes),
//! then judging it. No sockets here: the transport brings the bytes, so the
//! whole of it runs against scripted servers in tests.

use std::future::Future;
use std::time::{Duration, Instant};

use wire::close::ClosePayload;
use wire::decode::{DecodeOptions, Role, Split, Splitter};
use wire::frame::Frame;
use wire::handshake::{HeadRead, HeadReader, check_request, check_response_to};
use wire::opcode::OpCode;

use crate::case::{Expect, Out, Parts, Step};
use crate::cases::{Body, Case};
use crate::judge::{Got, Observed, Peer, judge, swap_ends};
use crate::report::{CaseResult, FrameView, MAX_FRAME_HEX, MAX_FRAMES, Side, Verdict};

/// What a read brought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recv {
    /// This many bytes.
    Data(usize),
    /// The peer closed the connection.
    Closed,
    /// Nothing arrived within the wait.
    Quiet,
}

/// One connection to the server under test.
pub trait Transport {
    /// Writes every byte.
    fn send(&mut self, bytes: &[u8]) -> impl Future<Output = Result<(), String>>;
    /// Reads what arrives within `wait`.
    fn recv(
        &mut self,
        buf: &mut [u8],
        wait: Duration,
    ) -> impl Future<Output = Result<Recv, String>>;
}

/// Opens connections to the server under test, one per case.
pub trait Connector {
    /// The connection.
    type Conn: Transport;
    /// Connects (with its own deadline); the error says why not, in a sentence.
    fn connect(&mut self) -> impl Future<Output = Result<Self::Conn, String>>;
    /// The resource name and Host header of the target.
    fn parts(&self) -> (String, String);
    /// Fresh random bytes, for keys and masks.
    fn random(&mut self, out: &mut [u8]);
}

pub use crate::case::Timing;

/// Fresh random bytes, for keys and masks.
pub trait Keys {
    /// Fills `out`.
    fn random(&mut self, out: &mut [u8]);
}

impl<C: Connector> Keys for C {
    fn random(&mut self, out: &mut [u8]) {
        Connector::random(self, out);
    }
}

/// The longest response head read.
const MAX_RESPONSE_HEAD: usize = 16 * 1024;

struct Run<'a, T: Transport> {
    conn: T,
    splitter: Splitter,
    observed: Observed,
    frames: Vec<FrameView>,
    left_out: usize,
    /// A data message being put together: opcode and bytes so far.
    partial: Option<(bool, Vec<u8>)>,
    deadline: Instant,
    timing: &'a Timing,
    buf: Vec<u8>,
}

fn view(from: Side, raw: &[u8], frame: &Frame) -> FrameView {
    // The summary and payload in the words every view of a frame uses; the
    // probe agrees on no extension, so RSV1 is all that marks DEFLATE data.
    let said = wire::describe::meaning(frame, frame.rsv[0], None);
    FrameView {
        from,
        summary: format!("{}: {said}", wire::describe::summary(frame)),
        hex: (raw.len() <= MAX_FRAME_HEX).then(|| wire::hex::to_hex(raw)),
        len: raw.len(),
    }
}

impl<'a, T: Transport> Run<'a, T> {
    /// A run over `conn`: the peer's frames are read with the masking rule of
    /// its role (`observed.peer`), within the case's deadline.
    fn new(conn: T, observed: Observed, started: Instant, timing: &'a Timing) -> Self {
        let peer = match observed.peer {
            Peer::Server => Role::Server,
            Peer::Client => Role::Client,
        };
        Run {
            conn,
            splitter: Splitter::new(DecodeOptions::for_sender(peer)),
            observed,
            frames: Vec::new(),
            left_out: 0,
            partial: None,
            deadline: started + timing.case,
            timing,
            buf: vec![0u8; 64 * 1024],
        }
    }

    /// The tester's side and the peer's, as the report names them.
    fn sides(&self) -> (Side, Side) {
        match self.observed.peer {
            Peer::Server => (Side::Probe, Side::Server),
            Peer::Client => (Side::Echo, Side::Client),
        }
    }

    /// Whether the tester is the client (and so masks what it sends).
    fn tester_masks(&self) -> bool {
        self.observed.peer == Peer::Server
    }

    /// Whether the connection is over: the peer closed it, or (a client
    /// under test) both Closes have crossed, so the server — the tester —
    /// closes it (§7.1.1).
    fn ended(&self) -> bool {
        let o = &self.observed;
        o.tcp_closed || (o.peer == Peer::Client && o.close_sent && o.server_close().is_some())
    }

    fn keep(&mut self, v: FrameView) {
        if self.frames.len() < MAX_FRAMES {
            self.frames.push(v);
        } else {
            self.left_out += 1;
        }
    }

    fn left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    async fn write(&mut self, bytes: &[u8], chunk: Option<usize>) -> bool {
        if self.observed.tcp_closed {
            return false;
        }
        let size = chunk.unwrap_or(bytes.len()).max(1);
        for piece in bytes.chunks(size) {
            if let Err(e) = self.conn.send(piece).await {
                self.observed.write_error = Some(e);
                return false;
            }
            self.observed.sent = self.observed.sent.saturating_add(piece.len() as u64);
        }
        true
    }

    async fn send_frame(&mut self, frame: Frame, key: [u8; 4]) {
        let masked = self.tester_masks();
        let out = Out::Frame {
            frame: frame.clone(),
            masked,
            form: None,
        };
        let bytes = out.encode(key);
        let shown = if masked { frame.masked(key) } else { frame };
        self.keep(view(self.sides().0, &bytes, &shown));
        self.write(&bytes, None).await;
    }

    /// One read of at most `wait`; frames are taken apart and answered as a
    /// client answers them. Returns false when nothing more can come.
    async fn pump<C: Keys>(&mut self, wait: Duration, c: &mut C) -> bool {
        if self.ended() || self.observed.broken() {
            return false;
        }
        let wait = wait.min(self.left());
        let mut buf = std::mem::take(&mut self.buf);
        let got = self.conn.recv(&mut buf, wait).await;
        let more = match got {
            Ok(Recv::Data(n)) => {
                let n = n.min(buf.len());
                self.take(&buf[..n], c).await;
                true
            }
            Ok(Recv::Closed) => {
                self.observed.tcp_closed = true;
                false
            }
            Ok(Recv::Quiet) => false,
            Err(e) => {
                self.observed.read_error = Some(e);
                self.observed.tcp_closed = true;
                false
            }
        };
        self.buf = buf;
        more
    }

    async fn take<C: Keys>(&mut self, bytes: &[u8], c: &mut C) {
        let step = self.observed.steps_done;
        for split in self.splitter.push(bytes) {
            match split {
                Split::Error(e) => {
                    self.observed.got.push((step, Got::Broken(e.to_string())));
                }
                Split::Frame { raw, frame } => {
                    let frame = frame.frame;
                    self.keep(view(self.sides().1, &raw, &frame));
                    let peer = match self.observed.peer {
                        Peer::Server => "server",
                        Peer::Client => "client",
                    };
                    let got = match frame.opcode {
                        OpCode::Text | OpCode::Binary => {
                            if self.partial.is_some() {
                                Some(Got::Broken(format!(
                                    "a new data frame started before the {peer}'s previous message ended (RFC 6455 §5.4)"
                                )))
                            } else if frame.fin {
                                Some(Got::Message {
                                    text: frame.opcode == OpCode::Text,
                                    payload: frame.payload,
                                })
                            } else {
                                self.partial = Some((frame.opcode == OpCode::Text, frame.payload));
                                None
                            }
                        }
                        OpCode::Continuation => match self.partial.as_mut() {
                            None => Some(Got::Broken(
                                "a continuation frame with no message to continue (RFC 6455 §5.4)"
                                    .into(),
                            )),
                            Some((_, so_far)) => {
                                so_far.extend_from_slice(&frame.payload);
                                if frame.fin {
                                    self.partial
                                        .take()
                                        .map(|(text, payload)| Got::Message { text, payload })
                                } else {
                                    None
                                }
                            }
                        },
                        OpCode::Ping => {
                            if !self.observed.close_sent {
                                let mut key = [0u8; 4];
                                c.random(&mut key);
                                self.send_frame(
                                    Frame::new(OpCode::Pong, frame.payload.clone()),
                                    key,
                                )
                                .await;
                            }
                            Some(Got::Ping(frame.payload))
                        }
                        OpCode::Pong => Some(Got::Pong(frame.payload)),
                        OpCode::Close => {
                            let parsed = ClosePayload::parse(&frame.payload);
                            if !self.observed.close_sent {
                                // A client answers a Close with a Close, echoing the code (§5.5.1).
                                let echo = match &parsed {
                                    Ok(ClosePayload {
                                        code: Some(code), ..
                                    }) => code.to_be_bytes().to_vec(),
                                    _ => Vec::new(),
                                };
                                self.observed.close_sent = true;
                                let mut key = [0u8; 4];
                                c.random(&mut key);
                                self.send_frame(Frame::new(OpCode::Close, echo), key).await;
                            }
                            Some(match parsed {
                                Ok(p) => Got::Close(p.code, p.reason),
                                Err(e) => {
                                    Got::Broken(format!("the {peer}'s Close is malformed: {e}"))
                                }
                            })
                        }
                        OpCode::ReservedData(_) | OpCode::ReservedControl(_) => None,
                    };
                    if let Some(got) = got {
                        self.observed.got.push((step, got));
                    }
                }
            }
        }
    }

    /// Reads until `done` holds, the peer goes quiet (for `timing.quiet`,
    /// longer after big messages: [`Timing::quiet_after`]), the connection
    /// ends or the case's deadline passes.
    async fn settle<C: Keys>(&mut self, c: &mut C, done: impl Fn(&Observed) -> bool) {
        while !done(&self.observed) && !self.ended() && !self.left().is_zero() {
            let quiet = self.timing.quiet_after(self.observed.sent);
            if !self.pump(quiet, c).await {
                break;
            }
        }
    }

    /// Reads for `ms` milliseconds, whatever comes.
    async fn listen<C: Keys>(&mut self, ms: u64, c: &mut C) {
        let until = Instant::now() + Duration::from_millis(ms);
        while Instant::now() < until && !self.left().is_zero() {
            let wait = until.saturating_duration_since(Instant::now());
            if !self.pump(wait, c).await && (self.observed.tcp_closed || self.observed.broken()) {
                break;
            }
        }
    }
}

/// Reads the response head: its text, and any bytes that came after it.
/// `early` is what came while the request was still being written.
async fn read_head<T: Transport>(
    conn: &mut T,
    early: &[u8],
    wait: Duration,
) -> Result<(String, Vec<u8>), String> {
    let mut reader = HeadReader::new(MAX_RESPONSE_HEAD);
    let mut buf = vec![0u8; 4096];
    let until = Instant::now() + wait;
    let mut seen = early.len();
    if !early.is_empty() {
        match reader.push(early) {
            HeadRead::Incomplete => {}
            HeadRead::Complete { head, rest } => return Ok((head, rest)),
            HeadRead::TooLong => return Err(too_long()),
        }
    }
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match conn.recv(&mut buf, left).await? {
            Recv::Data(n) => {
                seen += n;
                match reader.push(&buf[..n.min(buf.len())]) {
                    HeadRead::Incomplete => {}
                    HeadRead::Complete { head, rest } => return Ok((head, rest)),
                    HeadRead::TooLong => return Err(too_long()),
                }
            }
            Recv::Closed if seen == 0 => {
                return Err(
                    "the server closed the connection without answering the opening request".into(),
                );
            }
            Recv::Closed => {
                return Err(format!(
                    "the server closed the connection after {seen} bytes, before the end of its response head"
                ));
            }
            Recv::Quiet => {
                return Err(format!(
                    "no answer to the opening request within {}{}",
                    crate::report::seconds(wait),
                    if seen > 0 {
                        format!(" ({seen} bytes came, but not a whole HTTP response head)")
                    } else {
                        String::new()
                    }
                ));
            }
        }
    }
}

fn too_long() -> String {
    format!(
        "the answer to the opening request has no end of its head within {MAX_RESPONSE_HEAD} bytes: not an HTTP response"
    )
}

/// How long the probe listens between the pieces of a request it writes in
/// pieces: long enough that each piece reaches the server on its own (a
/// server's reads then see the pieces the case promises, on any machine),
/// and that an early answer or close stops the writing.
const PIECE_GAP: Duration = Duration::from_millis(1);

/// How writing the opening request ended.
enum Sent {
    /// Every byte went.
    All,
    /// The server answered before the request was whole: its first bytes.
    Answered(Vec<u8>),
    /// The server closed (or reset) the connection after this many bytes.
    Closed(usize, String),
}

/// Writes the opening request: whole, or in pieces of `chunk` bytes with
/// [`PIECE_GAP`] of listening after each.
async fn send_request<T: Transport>(
    run: &mut Run<'_, T>,
    request: &[u8],
    chunk: Option<usize>,
) -> Result<Sent, String> {
    let Some(size) = chunk else {
        return if run.write(request, None).await {
            Ok(Sent::All)
        } else {
            Err(run.observed.write_error.clone().unwrap_or_default())
        };
    };
    let mut buf = vec![0u8; 4096];
    let mut sent = 0usize;
    for piece in request.chunks(size.max(1)) {
        if let Err(e) = run.conn.send(piece).await {
            return if sent == 0 {
                Err(e)
            } else {
                Ok(Sent::Closed(sent, e))
            };
        }
        sent += piece.len();
        if sent == request.len() {
            break;
        }
        match run.conn.recv(&mut buf, PIECE_GAP).await {
            Ok(Recv::Quiet) => {}
            Ok(Recv::Data(n)) => return Ok(Sent::Answered(buf[..n.min(buf.len())].to_vec())),
            Ok(Recv::Closed) => return Ok(Sent::Closed(sent, String::new())),
            Err(e) => return Ok(Sent::Closed(sent, e)),
        }
    }
    Ok(Sent::All)
}

/// Runs one case and judges it.
pub async fn run_case<C: Connector>(c: &mut C, case: &Case, timing: &Timing) -> CaseResult {
    let started = Instant::now();
    let body = (case.body)();
    let mut observed = Observed {
        steps: body.steps.len(),
        ..Observed::default()
    };
    let mut frames = Vec::new();
    let mut left_out = 0;
    match c.connect().await {
        Err(e) => observed.connect_error = Some(e),
        Ok(conn) => {
            let mut run = Run::new(conn, observed, started, timing);
            play(&mut run, c, case, &body).await;
            observed = run.observed;
            frames = run.frames;
            left_out = run.left_out;
        }
    }
    let (verdict, detail) = judge(&body.expect, &observed, timing);
    CaseResult {
        response: observed.response.clone(),
        frames,
        frames_left_out: left_out,
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        ..result(case, &body.expect, verdict, detail)
    }
}

/// Runs one client case over a connection whose opening handshake is done
/// (wslab-echo answered it; `rest` is what came after the request's head),
/// with wslab-echo as the server: its frames go out unmasked, the client's
/// are read as a server reads them (each must be masked), and wslab-echo
/// ends the connection once both Closes have crossed (§7.1.1). The caller
/// drops `conn` afterwards, which closes the TCP connection.
pub async fn run_client_case<T: Transport, K: Keys>(
    conn: T,
    rest: &[u8],
    keys: &mut K,
    case: &Case,
    timing: &Timing,
) -> CaseResult {
    let started = Instant::now();
    let body = (case.body)();
    let observed = Observed {
        peer: Peer::Client,
        steps: body.steps.len(),
        status: Some(101),
        ..Observed::default()
    };
    let mut run = Run::new(conn, observed, started, timing);
    if !rest.is_empty() {
        run.take(rest, keys).await;
    }
    exchange(&mut run, keys, &body.steps, &body.expect).await;
    let (verdict, detail) = judge(&body.expect, &run.observed, timing);
    let said = result(case, &body.expect, verdict, detail);
    CaseResult {
        frames: run.frames,
        frames_left_out: run.left_out,
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        // The case's sentences are written for a server under test.
        expected: swap_ends(&said.expected),
        non_strict: swap_ends(&said.non_strict),
        why: if case.why_for_client {
            said.why.clone()
        } else {
            swap_ends(&said.why)
        },
        ..said
    }
}

/// The result of `case` with `verdict` and `detail`, with no response, no
/// frames and no time yet.
pub fn result(case: &Case, expect: &Expect, verdict: Verdict, detail: String) -> CaseResult {
    CaseResult {
        id: case.id.clone(),
        group: case.group,
        title: case.title.clone(),
        expected: expect.describe(),
        non_strict: expect.non_strict(),
        codes: expect.codes(),
        rfc: case.rfc.to_owned(),
        why: case.why.to_owned(),
        fail_rule: case.basis.fail.map(|q| q.rule()),
        non_strict_rule: case
            .basis
            .non_strict
            .or_else(|| expect.non_strict_rule())
            .map(|q| q.rule()),
        verdict,
        detail,
        response: None,
        frames: Vec::new(),
        frames_left_out: 0,
        millis: 0,
    }
}

async fn play<C: Connector, T: Transport>(
    run: &mut Run<'_, T>,
    c: &mut C,
    case: &Case,
    body: &Body,
) {
    let (resource, host) = c.parts();
    let mut key = [0u8; 16];
    Connector::random(c, &mut key);
    let parts = Parts {
        resource,
        host,
        key: wire::handshake::generate_key(key),
    };
    let head = (case.request.head)(&parts);
    let mut first = head.clone().into_bytes();
    let mut steps = body.steps.as_slice();
    if case.request.with_first_step
        && let Some((Step::Send { frames, .. }, rest)) = steps.split_first()
    {
        for out in frames {
            let bytes = encode_out(run, c, out);
            first.extend_from_slice(&bytes);
        }
        steps = rest;
        run.observed.steps_done = 1;
    }
    let early = match send_request(run, &first, case.request.chunk).await {
        Ok(Sent::All) => Vec::new(),
        Ok(Sent::Answered(bytes)) => bytes,
        Ok(Sent::Closed(sent, e)) => {
            run.observed.tcp_closed = true;
            run.observed.handshake_error = Some(format!(
                "the server closed the connection after {sent} of the request's {} bytes, without answering{}",
                first.len(),
                if e.is_empty() {
                    String::new()
                } else {
                    format!(" ({e})")
                }
            ));
            return;
        }
        Err(e) => {
            run.observed.connect_error = Some(format!("could not send the opening request: {e}"));
            return;
        }
    };
    let wait = run.timing.handshake.min(run.left());
    let (response, rest) = match read_head(&mut run.conn, &early, wait).await {
        Ok(r) => r,
        Err(e) => {
            run.observed.handshake_error = Some(e);
            return;
        }
    };
    let request = check_request(&head).request;
    let check = check_response_to(&request, &response);
    run.observed.status = check.status;
    run.observed.response = Some(response.clone());
    // The probe judges by RFC 6455: what only a browser refuses is not a failure here.
    run.observed.handshake_problems = check
        .problems
        .iter()
        .filter(|p| !p.browser_only())
        .map(|p| format!("{} ({})", p.message, p.section))
        .collect();
    if let Expect::Handshake(crate::case::HandshakeExpect::Accepts { check: Some(f) }) = body.expect
        && let Some(problem) = f(&response)
    {
        run.observed.handshake_problems.push(problem);
    }
    if check.status != Some(101) || !run.observed.handshake_problems.is_empty() {
        return;
    }
    if !rest.is_empty() {
        run.take(&rest, c).await;
    }
    exchange(run, c, steps, &body.expect).await;
}

/// After the opening handshake, either way round: the case's steps, then
/// reading until what it expects has come, and the closing handshake.
async fn exchange<C: Keys, T: Transport>(
    run: &mut Run<'_, T>,
    c: &mut C,
    steps: &[Step],
    expect: &Expect,
) {
    for step in steps {
        match step {
            Step::Send { frames, chunk } => {
                let mut bytes = Vec::new();
                for out in frames {
                    bytes.extend(encode_out(run, c, out));
                }
                if frames
                    .iter()
                    .any(|o| matches!(o, Out::Frame { frame, .. } if frame.opcode == OpCode::Close))
                {
                    run.observed.close_sent = true;
                    run.observed
                        .probe_closed_at
                        .get_or_insert(run.observed.got.len());
                }
                let ok = run.write(&bytes, *chunk).await;
                run.observed.steps_done += 1;
                if !ok {
                    break;
                }
                // Take what is already there, without waiting.
                run.pump(Duration::ZERO, c).await;
            }
            Step::Listen(ms) => {
                run.listen(*ms, c).await;
                run.observed.steps_done += 1;
            }
        }
    }
    match expect {
        Expect::Answers { replies, .. } => {
            let want = replies.len();
            run.settle(c, |o| {
                o.replies().len() >= want || o.server_close().is_some()
            })
            .await;
            close_politely(run, c).await;
        }
        Expect::Pongs(pings) => {
            let want = pings.len();
            run.settle(c, |o| {
                o.replies().len() >= want || o.server_close().is_some()
            })
            .await;
            close_politely(run, c).await;
        }
        Expect::Handshake(_) => close_politely(run, c).await,
        Expect::Fails { .. } | Expect::Closes { .. } | Expect::Either(_) => {
            run.settle(c, |o| o.tcp_closed).await;
            if matches!(expect, Expect::Either(_)) {
                close_politely(run, c).await;
            }
        }
    }
}

/// Starts the closing handshake (unless one started) and reads to the end.
async fn close_politely<C: Keys, T: Transport>(run: &mut Run<'_, T>, c: &mut C) {
    if !run.observed.close_sent && !run.observed.tcp_closed && !run.observed.broken() {
        run.observed.close_sent = true;
        run.observed.probe_closed_at = Some(run.observed.got.len());
        let mut key = [0u8; 4];
        c.random(&mut key);
        run.send_frame(
            Frame::new(OpCode::Close, 1000u16.to_be_bytes().to_vec()),
            key,
        )
        .await;
    }
    run.settle(c, |o| o.tcp_closed).await;
}

fn encode_out<C: Keys, T: Transport>(run: &mut Run<'_, T>, c: &mut C, out: &Out) -> Vec<u8> {
    let mut key = [0u8; 4];
    c.random(&mut key);
    let bytes = out.encode(key);
    let shown = match out {
        Out::Frame { frame, masked, .. } => {
            let f = if *masked {
                frame.clone().masked(key)
            } else {
                frame.clone()
            };
            view(run.sides().0, &bytes, &f)
        }
        Out::Raw(raw) => FrameView {
            from: run.sides().0,
            summary: format!(
                "{} bytes written as they are (a header no encoder writes)",
                raw.len()
            ),
            hex: (raw.len() <= MAX_FRAME_HEX).then(|| wire::hex::to_hex(raw)),
            len: raw.len(),
        },
    };
    run.keep(shown);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::handshake::respond;

    /// What an in-memory peer's `recv` gives: its pending bytes, else its
    /// close, else nothing.
    fn hand_over(out: &mut Vec<u8>, closed: bool, buf: &mut [u8]) -> Recv {
        if !out.is_empty() {
            let n = out.len().min(buf.len());
            buf[..n].copy_from_slice(&out[..n]);
            out.drain(..n);
            Recv::Data(n)
        } else if closed {
            Recv::Closed
        } else {
            Recv::Quiet
        }
    }

    /// A server in memory: it answers the handshake, Pings (unless told
    /// not to) and Closes; no sockets.
    struct Scripted {
        answers_pings: bool,
        handshaken: bool,
        out: Vec<u8>,
        closed: bool,
        splitter: Splitter,
    }

    impl Transport for Scripted {
        async fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
            if !self.handshaken {
                self.handshaken = true;
                let text = String::from_utf8_lossy(bytes);
                self.out
                    .extend(respond(&check_request(&text), &[], None).text.into_bytes());
                return Ok(());
            }
            for split in self.splitter.push(bytes) {
                if let Split::Frame { frame, .. } = split {
                    let f = frame.frame;
                    match f.opcode {
                        OpCode::Ping if self.answers_pings => self
                            .out
                            .extend(Frame::new(OpCode::Pong, f.payload).encode()),
                        OpCode::Close => {
                            self.out
                                .extend(Frame::new(OpCode::Close, f.payload).encode());
                            self.closed = true;
                        }
                        _ => {}
                    }
                }
            }
            Ok(())
        }

        async fn recv(&mut self, buf: &mut [u8], _wait: Duration) -> Result<Recv, String> {
            Ok(hand_over(&mut self.out, self.closed, buf))
        }
    }

    struct Script(bool);

    impl Connector for Script {
        type Conn = Scripted;
        async fn connect(&mut self) -> Result<Scripted, String> {
            Ok(Scripted {
                answers_pings: self.0,
                handshaken: false,
                out: Vec::new(),
                closed: false,
                splitter: Splitter::new(DecodeOptions::for_sender(Role::Client)),
            })
        }
        fn parts(&self) -> (String, String) {
            ("/".into(), "example.test".into())
        }
        fn random(&mut self, out: &mut [u8]) {
            out.fill(7);
        }
    }

    #[tokio::test]
    async fn a_case_runs_over_any_transport_and_is_judged() {
        let case = crate::select(crate::all(), "3.1.1").unwrap().remove(0);
        let timing = Timing::default();
        let good = run_case(&mut Script(true), &case, &timing).await;
        assert_eq!(good.verdict, Verdict::Pass, "{}", good.detail);
        assert!(
            good.response
                .as_deref()
                .unwrap()
                .starts_with("HTTP/1.1 101")
        );
        // Probe's Ping, the Pong, the probe's Close and the answer.
        assert_eq!(good.frames.len(), 4, "{:?}", good.frames);
        assert!(
            good.frames[1].summary.starts_with("0xa (pong)"),
            "{:?}",
            good.frames[1]
        );
        let deaf = run_case(&mut Script(false), &case, &timing).await;
        assert_eq!(deaf.verdict, Verdict::Fail);
        assert!(
            deaf.detail.contains("missing: a Pong of 0 bytes"),
            "{}",
            deaf.detail
        );
        // The fail quotes the MUST it rests on, word for word.
        let rule = deaf.rule().expect("a fail names its rule");
        assert_eq!(rule.section, "RFC 6455 §5.5.2, §5.5.3");
        assert!(rule.text.contains("MUST send a Pong frame in response"));
        assert!(good.rule().is_none() && good.non_strict_rule.is_some());
        let json = crate::report::Report {
            tool: "t".into(),
            target: "ws://example.test/".into(),
            results: vec![deaf.clone()],
            millis: Some(1),
        };
        let html = json.to_html();
        assert!(html.contains("Fails on RFC 6455 §5.5.2"), "{html}");
        assert_eq!(
            crate::report::Report::from_json(&json.to_json())
                .unwrap()
                .results[0]
                .fail_rule,
            deaf.fail_rule
        );
    }

    /// A server in memory that reads a request piece by piece and, after
    /// `after` pieces, answers (`answer`) or closes, as servers with a limit
    /// on small reads do.
    struct Dribble {
        pieces: usize,
        after: usize,
        answer: Option<&'static [u8]>,
        out: Vec<u8>,
        closed: bool,
    }

    impl Transport for Dribble {
        async fn send(&mut self, _bytes: &[u8]) -> Result<(), String> {
            if self.closed {
                return Err("broken pipe".into());
            }
            self.pieces += 1;
            if self.pieces == self.after {
                match self.answer {
                    Some(a) => self.out.extend_from_slice(a),
                    None => self.closed = true,
                }
            }
            Ok(())
        }

        async fn recv(&mut self, buf: &mut [u8], _wait: Duration) -> Result<Recv, String> {
            Ok(hand_over(&mut self.out, self.closed, buf))
        }
    }

    /// What the pieces of a request written byte by byte reached.
    struct Pieces(Option<&'static [u8]>);

    impl Connector for Pieces {
        type Conn = Dribble;
        async fn connect(&mut self) -> Result<Dribble, String> {
            Ok(Dribble {
                pieces: 0,
                after: 65,
                answer: self.0,
                out: Vec::new(),
                closed: false,
            })
        }
        fn parts(&self) -> (String, String) {
            ("/".into(), "example.test".into())
        }
        fn random(&mut self, out: &mut [u8]) {
            out.fill(7);
        }
    }

    /// A request written byte by byte stops at the server's close or early
    /// answer, and either declines a valid handshake: non-strict, not fail.
    #[tokio::test]
    async fn a_request_in_pieces_stops_where_the_server_closes_or_answers() {
        let case = crate::select(crate::all(), "1.1.7").unwrap().remove(0);
        assert_eq!(
            case.request.chunk,
            Some(1),
            "1.1.7 is the byte-by-byte request"
        );
        let timing = Timing::default();
        let closed = run_case(&mut Pieces(None), &case, &timing).await;
        assert_eq!(closed.verdict, Verdict::NonStrict, "{}", closed.detail);
        assert!(
            closed
                .detail
                .starts_with("The server closed the connection after 65 of the request's "),
            "{}",
            closed.detail
        );
        assert!(closed.detail.contains("RFC 9112 §9.5"), "{}", closed.detail);
        let refused = run_case(
            &mut Pieces(Some(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n",
            )),
            &case,
            &timing,
        )
        .await;
        assert_eq!(refused.verdict, Verdict::NonStrict, "{}", refused.detail);
        assert!(
            refused.detail.starts_with("The server refused with 431."),
            "{}",
            refused.detail
        );
    }

    /// A peer that answers only a reader willing to wait `needs` for it.
    struct Slow {
        needs: Duration,
        out: Vec<u8>,
    }

    impl Transport for Slow {
        async fn send(&mut self, _bytes: &[u8]) -> Result<(), String> {
            Ok(())
        }

        async fn recv(&mut self, buf: &mut [u8], wait: Duration) -> Result<Recv, String> {
            if wait < self.needs {
                return Ok(Recv::Quiet);
            }
            Ok(hand_over(&mut self.out, false, buf))
        }
    }

    /// After 4 MB sent, a peer still working on its echo 3 s later is waited
    /// for; after a few bytes, the plain quiet window ends the wait.
    #[tokio::test]
    async fn the_quiet_window_grows_with_what_was_sent() {
        let timing = Timing::default();
        assert_eq!(timing.quiet_after(0), timing.quiet);
        assert_eq!(
            timing.quiet_after(4_000_000),
            timing.quiet + Duration::from_secs(4)
        );
        assert_eq!(timing.quiet_after(u64::MAX), timing.case);
        for (sent, answered) in [(4_000_000, true), (100, false)] {
            let slow = Slow {
                needs: Duration::from_secs(3),
                out: Frame::new(OpCode::Text, b"echo".to_vec()).encode(),
            };
            let observed = Observed {
                sent,
                ..Observed::default()
            };
            let mut run = Run::new(slow, observed, Instant::now(), &timing);
            run.settle(&mut Script(true), |o| !o.got.is_empty()).await;
            assert_eq!(!run.observed.got.is_empty(), answered, "after {sent} bytes");
        }
    }
}
