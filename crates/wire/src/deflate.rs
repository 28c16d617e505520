//! Extensions (RFC 6455 §9) and the one every browser offers:
//! permessage-deflate (RFC 7692).
//!
//! - [`parse_extensions`] reads a `Sec-WebSocket-Extensions` value (§9.1's
//!   grammar: names, `;` parameters, token or quoted values).
//! - [`DeflateOffer`] is one offer checked against RFC 7692 §7's rules for
//!   offers; [`negotiate`] is a server's choice among a client's offers,
//!   with the reason for every offer it declined; [`check_deflate_response`] is
//!   the client's check of the server's answer (§7: the client fails the
//!   connection over any of these).
//! - [`Compressor`] and [`Decompressor`] compress one message at a time as
//!   §7.2.1 and §7.2.2 say: DEFLATE with a sync flush, the trailing
//!   `00 00 ff ff` removed on sending and restored on receiving, the LZ77
//!   window kept across messages ("context takeover") or not, with any
//!   window from 2^8 to 2^15 bytes (§7.1.2). The DEFLATE itself is `zlib-rs`
//!   (through `flate2`), not ours.
//!
//! zlib writes raw DEFLATE with windows of 9 to 15 bits only (an 8-bit
//! window is refused: zlib issue 171), so a compressor limited to 8 bits
//! codes its messages with Huffman codes alone: no back-references at all,
//! which no window size can forbid.

use std::fmt;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::frame::Frame;
use crate::opcode::OpCode;

/// The extension's registered name.
pub const PERMESSAGE_DEFLATE: &str = "permessage-deflate";

/// The four bytes a sync flush ends with, removed from every compressed message (§7.2.1).
pub const SYNC_TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// The longest match DEFLATE can copy in one step: 258 bytes (RFC 1951 §3.2.5).
pub const MAX_MATCH: usize = 258;

/// The most DEFLATE can expand: a match of [`MAX_MATCH`] bytes costs at
/// least 2 bits (a 1-bit length code and a 1-bit distance code in the best
/// Huffman table), so no stream inflates by more than 258 × 8 / 2 = 1,032
/// to 1. A receiver sizes its inflation limit with this in mind.
pub const MAX_RATIO: usize = MAX_MATCH * 8 / 2;

/// One extension in a `Sec-WebSocket-Extensions` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// Its name, e.g. `permessage-deflate`.
    pub name: String,
    /// Its parameters in order, each with its value if it has one (quotes removed).
    pub params: Vec<(String, Option<String>)>,
}

impl fmt::Display for Extension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        for (name, value) in &self.params {
            match value {
                Some(v) => write!(f, "; {name}={v}")?,
                None => write!(f, "; {name}")?,
            }
        }
        Ok(())
    }
}

/// Why a `Sec-WebSocket-Extensions` value does not follow RFC 6455 §9.1's grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} at character {at} of {value:?} (RFC 6455 §9.1)")]
pub struct SyntaxError {
    /// The value.
    pub value: String,
    /// The index of the character at fault.
    pub at: usize,
    /// What is wrong there.
    pub what: &'static str,
}

/// RFC 9110 §5.6.2's `tchar`.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Reads a `Sec-WebSocket-Extensions` value: a comma-separated list of
/// extensions, each a name and `;`-separated parameters with optional
/// token or quoted-string values.
pub fn parse_extensions(value: &str) -> Result<Vec<Extension>, SyntaxError> {
    let err = |at: usize, what| SyntaxError {
        value: value.to_owned(),
        at,
        what,
    };
    let chars: Vec<(usize, char)> = value.char_indices().collect();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while chars.get(*i).is_some_and(|(_, c)| *c == ' ' || *c == '\t') {
            *i += 1;
        }
    };
    let at = |i: usize| chars.get(i).map_or(value.len(), |(k, _)| *k);
    let token = |i: &mut usize| -> Option<String> {
        let start = *i;
        while chars.get(*i).is_some_and(|(_, c)| is_tchar(*c)) {
            *i += 1;
        }
        (*i > start).then(|| chars[start..*i].iter().map(|(_, c)| c).collect())
    };
    let mut out = Vec::new();
    loop {
        skip_ws(&mut i);
        // Empty list elements (", ,") are allowed and ignored (RFC 9110 §5.6.1).
        if chars.get(i).is_some_and(|(_, c)| *c == ',') {
            i += 1;
            continue;
        }
        if i >= chars.len() {
            break;
        }
        let name = token(&mut i).ok_or_else(|| err(at(i), "an extension name was expected"))?;
        let mut params = Vec::new();
        loop {
            skip_ws(&mut i);
            match chars.get(i).map(|(_, c)| *c) {
                None | Some(',') => break,
                Some(';') => i += 1,
                Some(_) => return Err(err(at(i), "';' or ',' was expected")),
            }
            skip_ws(&mut i);
            let pname = token(&mut i).ok_or_else(|| err(at(i), "a parameter name was expected"))?;
            skip_ws(&mut i);
            let mut pvalue = None;
            if chars.get(i).is_some_and(|(_, c)| *c == '=') {
                i += 1;
                skip_ws(&mut i);
                if chars.get(i).is_some_and(|(_, c)| *c == '"') {
                    let open = i;
                    i += 1;
                    let mut v = String::new();
                    loop {
                        match chars.get(i).map(|(_, c)| *c) {
                            None => return Err(err(at(open), "this quoted string is not closed")),
                            Some('"') => {
                                i += 1;
                                break;
                            }
                            Some('\\') => {
                                let Some((_, c)) = chars.get(i + 1) else {
                                    return Err(err(at(i), "a backslash ends the value"));
                                };
                                v.push(*c);
                                i += 2;
                            }
                            Some(c) => {
                                v.push(c);
                                i += 1;
                            }
                        }
                    }
                    // §9.1: a quoted value must be a token once unquoted.
                    if v.is_empty() || !v.chars().all(is_tchar) {
                        return Err(err(
                            at(open),
                            "a quoted value must be a token once unquoted",
                        ));
                    }
                    pvalue = Some(v);
                } else {
                    pvalue = Some(token(&mut i).ok_or_else(|| err(at(i), "a value was expected"))?);
                }
            }
            params.push((pname, pvalue));
        }
        out.push(Extension { name, params });
    }
    Ok(out)
}

/// Reads every `Sec-WebSocket-Extensions` value of a message, in order.
pub fn parse_all<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Extension>, SyntaxError> {
    let mut out = Vec::new();
    for v in values {
        out.extend(parse_extensions(v)?);
    }
    Ok(out)
}

/// A rule of RFC 7692 §7 that an offer or a response breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// A parameter RFC 7692 does not define (for this side).
    #[error("{0:?} is not a permessage-deflate parameter{1} (RFC 7692 §7)")]
    Unknown(String, &'static str),
    /// The same parameter twice.
    #[error("{0} appears twice (RFC 7692 §7)")]
    Repeated(&'static str),
    /// A value where none is allowed.
    #[error("{0} takes no value, but has {1:?} (RFC 7692 §7.1.1)")]
    UnexpectedValue(&'static str, String),
    /// A window size outside 8–15, or not a plain decimal number.
    #[error(
        "{0}={1:?}: the value must be a decimal number from 8 to 15, without leading zeros (RFC 7692 §7.1.2)"
    )]
    BadBits(&'static str, String),
    /// A window-bits parameter without its value where one is required.
    #[error("{0} needs a value from 8 to 15 here (RFC 7692 §7.1.2)")]
    MissingBits(&'static str),
    /// The server answered client_max_window_bits, which the client had not offered.
    #[error(
        "the server sent client_max_window_bits, but the client did not offer it (RFC 7692 §7.1.2.2)"
    )]
    ClientBitsNotOffered,
    /// The server's window is larger than the client asked for.
    #[error(
        "the server answered {name}={got}, larger than the {offered} the client offered (RFC 7692 §7.1.2)"
    )]
    BitsAboveOffer {
        /// Which parameter.
        name: &'static str,
        /// The answer's value.
        got: u8,
        /// The offer's value.
        offered: u8,
    },
}

/// The four parameters' names.
const SERVER_NO_TAKEOVER: &str = "server_no_context_takeover";
const CLIENT_NO_TAKEOVER: &str = "client_no_context_takeover";
const SERVER_BITS: &str = "server_max_window_bits";
const CLIENT_BITS: &str = "client_max_window_bits";

/// Reads a window size: 8 to 15 in plain decimal (§7.1.2.1's ABNF: `1*DIGIT` without a leading 0).
fn bits(name: &'static str, value: &str) -> Result<u8, ParamError> {
    let bad = || ParamError::BadBits(name, value.to_owned());
    if value.starts_with('0') || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match value.parse::<u8>() {
        Ok(n @ 8..=15) => Ok(n),
        _ => Err(bad()),
    }
}

/// An element's parameters by their registered names, checked for the rules
/// offers and answers share (RFC 7692 §7): each known, none twice, and no
/// value on the two `_no_context_takeover` flags. `side` ends the message
/// for an unknown name.
fn known_params<'a>(
    ext: &'a Extension,
    side: &'static str,
) -> Result<Vec<(&'static str, Option<&'a str>)>, ParamError> {
    let mut out: Vec<(&'static str, Option<&str>)> = Vec::new();
    for (name, value) in &ext.params {
        let name = [
            SERVER_NO_TAKEOVER,
            CLIENT_NO_TAKEOVER,
            SERVER_BITS,
            CLIENT_BITS,
        ]
        .into_iter()
        .find(|known| known == name)
        .ok_or_else(|| ParamError::Unknown(name.clone(), side))?;
        if out.iter().any(|(seen, _)| *seen == name) {
            return Err(ParamError::Repeated(name));
        }
        if let (SERVER_NO_TAKEOVER | CLIENT_NO_TAKEOVER, Some(v)) = (name, value) {
            return Err(ParamError::UnexpectedValue(name, v.clone()));
        }
        out.push((name, value.as_deref()));
    }
    Ok(out)
}

/// What a client offers in one permessage-deflate element.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeflateOffer {
    /// The client asks the server to reset its window after every message.
    pub server_no_context_takeover: bool,
    /// The client says it will reset its own window after every message.
    pub client_no_context_takeover: bool,
    /// The largest window the client lets the server use, in bits.
    pub server_max_window_bits: Option<u8>,
    /// `None`: not offered; `Some(None)`: offered without a value (the client
    /// can use any window the server asks for); `Some(Some(n))`: at most n bits.
    pub client_max_window_bits: Option<Option<u8>>,
}

impl DeflateOffer {
    /// Checks one offer against RFC 7692 §7's rules for offers.
    pub fn parse(ext: &Extension) -> Result<DeflateOffer, ParamError> {
        let mut offer = DeflateOffer::default();
        for (name, value) in known_params(ext, "")? {
            match (name, value) {
                (SERVER_NO_TAKEOVER, None) => offer.server_no_context_takeover = true,
                (CLIENT_NO_TAKEOVER, None) => offer.client_no_context_takeover = true,
                (SERVER_BITS, None) => return Err(ParamError::MissingBits(SERVER_BITS)),
                (SERVER_BITS, Some(v)) => offer.server_max_window_bits = Some(bits(name, v)?),
                (_, None) => offer.client_max_window_bits = Some(None),
                (_, Some(v)) => offer.client_max_window_bits = Some(Some(bits(name, v)?)),
            }
        }
        Ok(offer)
    }
}

/// What both sides use once the server accepted an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateConfig {
    /// The server resets its window after every message.
    pub server_no_context_takeover: bool,
    /// The client resets its window after every message.
    pub client_no_context_takeover: bool,
    /// The server's window, in bits (15 unless the response says less).
    pub server_max_window_bits: u8,
    /// The client's window, in bits (15 unless the response says less).
    pub client_max_window_bits: u8,
    /// The answer states `server_max_window_bits` even at 15 (a server that
    /// accepts an offer naming it MUST, RFC 7692 §7.1.2.1).
    pub server_window_stated: bool,
}

impl DeflateConfig {
    /// The `Sec-WebSocket-Extensions` value that states this configuration.
    pub fn response_header(&self) -> String {
        let mut out = PERMESSAGE_DEFLATE.to_owned();
        if self.server_no_context_takeover {
            out.push_str("; server_no_context_takeover");
        }
        if self.client_no_context_takeover {
            out.push_str("; client_no_context_takeover");
        }
        if self.server_max_window_bits < 15 || self.server_window_stated {
            out.push_str(&format!(
                "; server_max_window_bits={}",
                self.server_max_window_bits
            ));
        }
        if self.client_max_window_bits < 15 {
            out.push_str(&format!(
                "; client_max_window_bits={}",
                self.client_max_window_bits
            ));
        }
        out
    }
}

/// What a server asks for. It honours every window size (8 to 15 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflatePolicy {
    /// Ask for no context takeover both ways (§7.1.1), even where the client
    /// did not: neither side then keeps a window between messages, so an
    /// idle connection holds no compression state.
    pub no_context_takeover: bool,
}

impl Default for DeflatePolicy {
    fn default() -> Self {
        DeflatePolicy {
            no_context_takeover: true,
        }
    }
}

/// What a server made of one offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferVerdict {
    /// The offer as written.
    pub offer: String,
    /// Accepted, or declined with the reason.
    pub outcome: Result<(), String>,
}

/// A server's choice among a client's offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Negotiation {
    /// The configuration accepted, if any.
    pub accepted: Option<DeflateConfig>,
    /// Every permessage-deflate offer in order, with what became of it; the
    /// server stops at the first it accepts (§5.1: offers are in preference order).
    pub verdicts: Vec<OfferVerdict>,
}

/// Chooses the first acceptable permessage-deflate offer (RFC 7692 §5.1,
/// §7): offers that break a rule, or ask for what `policy` cannot do, are
/// declined with the reason. Other extensions are not this function's.
pub fn negotiate(offers: &[Extension], policy: &DeflatePolicy) -> Negotiation {
    let mut out = Negotiation::default();
    for ext in offers.iter().filter(|e| e.name == PERMESSAGE_DEFLATE) {
        let verdict = match DeflateOffer::parse(ext) {
            Err(e) => Err(e.to_string()),
            Ok(offer) => Ok(DeflateConfig {
                server_no_context_takeover: offer.server_no_context_takeover
                    || policy.no_context_takeover,
                client_no_context_takeover: offer.client_no_context_takeover
                    || policy.no_context_takeover,
                server_max_window_bits: offer.server_max_window_bits.unwrap_or(15),
                client_max_window_bits: offer.client_max_window_bits.flatten().unwrap_or(15),
                // §7.1.2.1: a server accepting an offer with server_max_window_bits
                // MUST include it in its answer.
                server_window_stated: offer.server_max_window_bits.is_some(),
            }),
        };
        match verdict {
            Ok(config) => {
                out.verdicts.push(OfferVerdict {
                    offer: ext.to_string(),
                    outcome: Ok(()),
                });
                out.accepted = Some(config);
                break;
            }
            Err(reason) => out.verdicts.push(OfferVerdict {
                offer: ext.to_string(),
                outcome: Err(reason),
            }),
        }
    }
    out
}

/// The permessage-deflate configuration a server's answer states, read
/// from its `Sec-WebSocket-Extensions` lines (for an observer of both
/// sides, such as a wire view); None if it accepted none or the line is
/// malformed.
pub fn accepted_in_response(response: &str) -> Option<DeflateConfig> {
    let any_offer = DeflateOffer {
        client_max_window_bits: Some(None),
        ..DeflateOffer::default()
    };
    response
        .split('\n')
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("Sec-WebSocket-Extensions"))
        .filter_map(|(_, value)| parse_extensions(value.trim()).ok())
        .flatten()
        .find(|e| e.name == PERMESSAGE_DEFLATE)
        .and_then(|e| check_deflate_response(&e, &[any_offer]).ok())
}

/// A client's check of the server's permessage-deflate answer against what
/// it offered (RFC 7692 §7: the client fails the connection over any of these).
pub fn check_deflate_response(
    answer: &Extension,
    offers: &[DeflateOffer],
) -> Result<DeflateConfig, ParamError> {
    let mut config = DeflateConfig {
        server_no_context_takeover: false,
        client_no_context_takeover: false,
        server_max_window_bits: 15,
        client_max_window_bits: 15,
        server_window_stated: false,
    };
    let client_bits_offered = offers.iter().any(|o| o.client_max_window_bits.is_some());
    for (name, value) in known_params(answer, " in a response")? {
        match (name, value) {
            (SERVER_NO_TAKEOVER, None) => config.server_no_context_takeover = true,
            (CLIENT_NO_TAKEOVER, None) => config.client_no_context_takeover = true,
            (_, None) => return Err(ParamError::MissingBits(name)),
            (SERVER_BITS, Some(v)) => {
                let n = bits(name, v)?;
                // When every offer limited the window, the answer may not go above the largest limit.
                if let Some(offered) = offers.iter().filter_map(|o| o.server_max_window_bits).max()
                    && n > offered
                    && offers.iter().all(|o| o.server_max_window_bits.is_some())
                {
                    return Err(ParamError::BitsAboveOffer {
                        name,
                        got: n,
                        offered,
                    });
                }
                config.server_max_window_bits = n;
                config.server_window_stated = true;
            }
            (_, Some(v)) => {
                let n = bits(name, v)?;
                if !client_bits_offered {
                    return Err(ParamError::ClientBitsNotOffered);
                }
                if let Some(offered) = offers
                    .iter()
                    .filter_map(|o| o.client_max_window_bits.flatten())
                    .max()
                    && n > offered
                    && offers
                        .iter()
                        .all(|o| matches!(o.client_max_window_bits, Some(Some(_))))
                {
                    return Err(ParamError::BitsAboveOffer {
                        name,
                        got: n,
                        offered,
                    });
                }
                config.client_max_window_bits = n;
            }
        }
    }
    Ok(config)
}

/// The compression level wslab compresses with (zlib's scale, 0 to 9),
/// chosen by measurement on text and JSON messages (README, "Compression").
pub const LEVEL: u32 = 7;

/// The smallest and largest window a permessage-deflate endpoint may use,
/// in bits (RFC 7692 §7.1.2).
pub const WINDOW_BITS: std::ops::RangeInclusive<u8> = 8..=15;

/// Compresses messages for one direction (§7.2.1).
pub struct Compressor {
    engine: Engine,
    takeover: bool,
    window_bits: u8,
}

/// How a [`Compressor`] codes: zlib with its window, or (for an 8-bit
/// window, which zlib cannot write) Huffman codes alone, message by message.
enum Engine {
    Window(Compress),
    HuffmanOnly,
}

impl fmt::Debug for Compressor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compressor")
            .field("takeover", &self.takeover)
            .field("window_bits", &self.window_bits)
            .finish()
    }
}

impl Compressor {
    /// A compressor with a 32 KiB window (15 bits) that keeps it across
    /// messages when `takeover`.
    pub fn new(takeover: bool) -> Self {
        Compressor::with_window_bits(takeover, 15)
    }

    /// A compressor whose back-references reach at most 2^`window_bits`
    /// bytes (clamped to 8..=15), as `server_max_window_bits` or
    /// `client_max_window_bits` asks (§7.1.2).
    pub fn with_window_bits(takeover: bool, window_bits: u8) -> Self {
        let window_bits = window_bits.clamp(*WINDOW_BITS.start(), *WINDOW_BITS.end());
        let engine = if window_bits == 8 {
            Engine::HuffmanOnly
        } else {
            Engine::Window(Compress::new_with_window_bits(
                Compression::new(LEVEL),
                false,
                window_bits,
            ))
        };
        Compressor {
            engine,
            takeover,
            window_bits,
        }
    }

    /// Forgets the window: the next message refers to nothing before it.
    /// A sender that sends a message uncompressed after compressing it (it
    /// did not shrink) calls this, since the receiver's window lacks it.
    pub fn reset(&mut self) {
        if let Engine::Window(inner) = &mut self.engine {
            inner.reset();
        }
    }

    /// The payload of one compressed message: DEFLATE blocks ending in a
    /// sync flush, without its final `00 00 ff ff`.
    pub fn compress(&mut self, payload: &[u8]) -> Vec<u8> {
        let mut out = match &mut self.engine {
            Engine::Window(inner) => {
                let out = sync_flushed(inner, payload);
                if !self.takeover {
                    inner.reset();
                }
                out
            }
            Engine::HuffmanOnly => huffman_only(payload),
        };
        if out.ends_with(&SYNC_TAIL) {
            out.truncate(out.len() - SYNC_TAIL.len());
        } else if out.is_empty() {
            // Nothing new to flush (an empty message after another message, with
            // context takeover): DEFLATE writes nothing, but §7.2.1 wants the data
            // to end with an empty stored block — 00 00 00 ff ff, which is 00
            // once its last four bytes are dropped (§7.2.3.6).
            out.push(0x00);
        }
        out
    }
}

/// `payload` compressed and sync-flushed. zlib's contract: a call that
/// returns with output room left has consumed all input and written the
/// whole flush (a full buffer may hide more, so it is grown and called again).
fn sync_flushed(inner: &mut Compress, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() / 2 + 64);
    let start = inner.total_in();
    loop {
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(64));
        }
        let used = usize::try_from(inner.total_in() - start).unwrap_or(payload.len());
        // With a sync flush and room left, zlib cannot fail: only a bad stream
        // state (a bug) would, and then the output so far is all there is.
        if inner
            .compress_vec(
                &payload[used.min(payload.len())..],
                &mut out,
                FlushCompress::Sync,
            )
            .is_err()
        {
            break;
        }
        let used = usize::try_from(inner.total_in() - start).unwrap_or(payload.len());
        if used >= payload.len() && out.len() < out.capacity() {
            break;
        }
    }
    out
}

/// `payload` coded with Huffman codes only (no LZ77 matches, so valid for
/// any window), sync-flushed, in one call.
fn huffman_only(payload: &[u8]) -> Vec<u8> {
    use zlib_rs::deflate::{DeflateConfig, Method, Strategy, compress_bound};
    let config = DeflateConfig {
        level: i32::try_from(LEVEL).unwrap_or(6),
        method: Method::Deflated,
        // Raw DEFLATE (negative), the smallest window zlib writes.
        window_bits: -9,
        mem_level: 8,
        strategy: Strategy::HuffmanOnly,
    };
    // The bound covers stored blocks; the sync flush adds an empty one.
    let mut out = vec![0; compress_bound(payload.len()).saturating_add(16)];
    // The one-shot call ends the stream unfinished (a sync flush, not a
    // finish), so its return code says "data error" even when all went well:
    // the flush's own tail is the proof that everything was written.
    let (written, _) = zlib_rs::deflate::compress_slice_with_flush(
        &mut out,
        payload,
        config,
        zlib_rs::DeflateFlush::SyncFlush,
    );
    if !written.ends_with(&SYNC_TAIL) {
        // Cannot happen with a buffer of compress_bound; never send half a message.
        return stored(payload);
    }
    let written = written.len();
    out.truncate(written);
    out
}

/// `payload` as stored DEFLATE blocks (RFC 1951 §3.2.4), then the sync
/// flush's empty stored block: valid for any window, never shorter.
fn stored(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload.len() / 65_535 * 5 + 10);
    for chunk in payload.chunks(usize::from(u16::MAX)) {
        // BFINAL 0, BTYPE 00, then LEN and its complement, little-endian.
        let len = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
        out.push(0x00);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.push(0x00);
    out.extend_from_slice(&SYNC_TAIL);
    out
}

/// Why a compressed message could not be decompressed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InflateError {
    /// It inflates to more than the limit (a "deflate bomb" stops here).
    #[error(
        "the message inflates to more than this endpoint's limit of {limit} bytes (RFC 7692 §8.1; close 1009)"
    )]
    TooBig {
        /// The limit.
        limit: usize,
    },
    /// The bytes are not valid DEFLATE data.
    #[error("the compressed payload is not valid DEFLATE data: {0} (RFC 7692 §7.2.2)")]
    Corrupt(String),
}

impl InflateError {
    /// The close code a receiver fails the connection with.
    pub fn close_code(&self) -> u16 {
        match self {
            InflateError::TooBig { .. } => 1009,
            // RFC 7692 names none; a protocol error is the nearest (RFC 6455 §7.4.1).
            InflateError::Corrupt(_) => 1002,
        }
    }
}

/// Decompresses messages for one direction (§7.2.2).
pub struct Decompressor {
    inner: Decompress,
    takeover: bool,
}

impl fmt::Debug for Decompressor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decompressor")
            .field("takeover", &self.takeover)
            .finish()
    }
}

impl Decompressor {
    /// A decompressor with a 32 KiB window (any sender's data inflates) that
    /// keeps it across messages when `takeover`.
    pub fn new(takeover: bool) -> Self {
        Decompressor::with_window_bits(takeover, 15)
    }

    /// A decompressor for a sender limited to 2^`window_bits` bytes
    /// (§7.1.2). It keeps at least 2^9: zlib-based senders asked for 8 bits
    /// write with 9 (zlib cannot write 8), and a larger window costs only memory.
    pub fn with_window_bits(takeover: bool, window_bits: u8) -> Self {
        Decompressor {
            inner: Decompress::new_with_window_bits(false, window_bits.clamp(9, 15)),
            takeover,
        }
    }

    /// Inflates one message's payload (the `00 00 ff ff` restored), stopping
    /// with [`InflateError::TooBig`] as soon as the output passes `limit`.
    pub fn decompress(&mut self, data: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
        let result = self.inflate(data, limit);
        if !self.takeover || result.is_err() {
            self.inner.reset(false);
        }
        result
    }

    fn inflate(&mut self, data: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
        let mut out: Vec<u8> = Vec::new();
        for part in [data, &SYNC_TAIL[..]] {
            let mut used = 0;
            loop {
                if out.len() > limit {
                    return Err(InflateError::TooBig { limit });
                }
                if out.len() == out.capacity() {
                    // One byte past the limit is enough to know it is too big.
                    let room = limit.saturating_add(1) - out.len();
                    out.reserve(out.len().clamp(256, 1 << 20).min(room));
                }
                let (in_before, out_before) = (self.inner.total_in(), out.len());
                let status = self
                    .inner
                    .decompress_vec(&part[used..], &mut out, FlushDecompress::Sync)
                    .map_err(|e| InflateError::Corrupt(e.to_string()))?;
                used += usize::try_from(self.inner.total_in() - in_before).unwrap_or(part.len());
                if out.len() > limit {
                    return Err(InflateError::TooBig { limit });
                }
                let progress = self.inner.total_in() != in_before || out.len() != out_before;
                if status == Status::StreamEnd {
                    // A block with BFINAL ended the DEFLATE stream (§7.2.3.4): the rest is not data.
                    self.inner.reset(false);
                    return Ok(out);
                }
                if used >= part.len() && out.len() < out.capacity() {
                    break;
                }
                if !progress {
                    break;
                }
            }
        }
        Ok(out)
    }
}

/// One direction's frames followed through compressed messages: RSV1 on a
/// message's first frame marks it compressed (RFC 7692 §6); its payloads are
/// gathered until FIN and inflated then.
#[derive(Debug)]
pub struct MessageInflater {
    inflater: Decompressor,
    limit: usize,
    /// The compressed message being gathered: its opcode and payload so far.
    current: Option<(OpCode, Vec<u8>)>,
}

/// What one frame was to a [`MessageInflater`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InflateStep {
    /// Not part of a compressed message (a control frame, or a plain message).
    Plain,
    /// A frame of a compressed message that is not finished yet.
    Gathering,
    /// The last frame of a compressed message: the whole message.
    Done(InflatedMessage),
}

/// A compressed message, inflated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InflatedMessage {
    /// Text or Binary, from its first frame.
    pub opcode: OpCode,
    /// Its size on the wire: its frames' payloads together.
    pub compressed: usize,
    /// The message, or why it could not be inflated.
    pub message: Result<Vec<u8>, InflateError>,
}

impl MessageInflater {
    /// Inflates with the window kept between messages when `takeover`
    /// (keeping it is harmless for a sender that does not use it), at most
    /// `limit` bytes a message.
    pub fn new(takeover: bool, limit: usize) -> Self {
        MessageInflater {
            inflater: Decompressor::new(takeover),
            limit,
            current: None,
        }
    }

    /// Takes the next frame of this direction.
    pub fn push(&mut self, frame: &Frame) -> InflateStep {
        match frame.opcode {
            OpCode::Text | OpCode::Binary if frame.rsv[0] => {
                self.current = Some((frame.opcode, Vec::new()))
            }
            OpCode::Text | OpCode::Binary => {
                self.current = None;
                return InflateStep::Plain;
            }
            OpCode::Continuation if self.current.is_some() => {}
            _ => return InflateStep::Plain,
        }
        let Some((opcode, data)) = self.current.as_mut() else {
            return InflateStep::Plain;
        };
        data.extend_from_slice(&frame.payload);
        if !frame.fin {
            return InflateStep::Gathering;
        }
        let opcode = *opcode;
        let data = self.current.take().map(|c| c.1).unwrap_or_default();
        InflateStep::Done(InflatedMessage {
            opcode,
            compressed: data.len(),
            message: self.inflater.decompress(&data, self.limit),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(text: &str) -> Extension {
        parse_extensions(text).unwrap().remove(0)
    }

    #[test]
    fn the_header_grammar() {
        let list = parse_extensions(
            "permessage-deflate; client_max_window_bits, permessage-deflate;server_max_window_bits=\"10\" , x-foo",
        )
        .unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].params, [("client_max_window_bits".into(), None)]);
        assert_eq!(
            list[1].params,
            [("server_max_window_bits".into(), Some("10".into()))]
        );
        assert_eq!(list[2].name, "x-foo");
        for bad in [
            "permessage-deflate;",
            "a; b=",
            "a b",
            "a; b=\"1",
            "a; b=\"x y\"",
            ";a",
        ] {
            assert!(parse_extensions(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_extensions(" , ").unwrap(), []);
    }

    #[test]
    fn offers_follow_section_7() {
        assert_eq!(
            DeflateOffer::parse(&ext("permessage-deflate; client_max_window_bits")).unwrap(),
            DeflateOffer {
                client_max_window_bits: Some(None),
                ..DeflateOffer::default()
            }
        );
        for (bad, want) in [
            (
                "permessage-deflate; foo",
                "not a permessage-deflate parameter",
            ),
            (
                "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                "twice",
            ),
            (
                "permessage-deflate; server_no_context_takeover=1",
                "takes no value",
            ),
            (
                "permessage-deflate; server_max_window_bits",
                "needs a value",
            ),
            (
                "permessage-deflate; server_max_window_bits=16",
                "from 8 to 15",
            ),
            (
                "permessage-deflate; client_max_window_bits=08",
                "from 8 to 15",
            ),
            (
                "permessage-deflate; client_max_window_bits=7",
                "from 8 to 15",
            ),
        ] {
            let e = DeflateOffer::parse(&ext(bad)).unwrap_err().to_string();
            assert!(e.contains(want) && e.contains("RFC 7692"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_server_takes_the_first_offer_it_can_honour() {
        let offers = parse_extensions(
            "permessage-deflate; bogus, permessage-deflate; server_max_window_bits=10, permessage-deflate; client_max_window_bits",
        )
        .unwrap();
        let n = negotiate(&offers, &DeflatePolicy::default());
        assert_eq!(n.verdicts.len(), 2);
        assert!(n.verdicts[0].outcome.is_err());
        // Every window is honoured, and the answer names the server's (§7.1.2.1).
        assert_eq!(
            n.accepted.unwrap().response_header(),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10"
        );
        for bits in WINDOW_BITS {
            let offer = format!("permessage-deflate; server_max_window_bits={bits}");
            let config = negotiate(
                &parse_extensions(&offer).unwrap(),
                &DeflatePolicy::default(),
            )
            .accepted
            .unwrap();
            assert_eq!(config.server_max_window_bits, bits);
            assert!(
                config
                    .response_header()
                    .ends_with(&format!("; server_max_window_bits={bits}")),
                "{offer}"
            );
        }
        assert_eq!(
            negotiate(
                &parse_extensions("permessage-deflate; client_max_window_bits").unwrap(),
                &DeflatePolicy::default()
            )
            .accepted
            .unwrap()
            .response_header(),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
        );
        let keep = DeflatePolicy {
            no_context_takeover: false,
        };
        let n = negotiate(
            &parse_extensions("permessage-deflate; client_max_window_bits=12").unwrap(),
            &keep,
        );
        assert_eq!(
            n.accepted.unwrap().response_header(),
            "permessage-deflate; client_max_window_bits=12"
        );
        assert_eq!(
            negotiate(&parse_extensions("x-webkit-deflate-frame").unwrap(), &keep).accepted,
            None
        );
    }

    #[test]
    fn a_client_fails_answers_that_break_section_7() {
        let offered = [DeflateOffer::parse(&ext("permessage-deflate")).unwrap()];
        assert!(
            check_deflate_response(
                &ext("permessage-deflate; server_no_context_takeover"),
                &offered
            )
            .is_ok()
        );
        for bad in [
            "permessage-deflate; client_max_window_bits=10",
            "permessage-deflate; client_max_window_bits",
            "permessage-deflate; x=1",
            "permessage-deflate; server_max_window_bits",
        ] {
            assert!(
                check_deflate_response(&ext(bad), &offered).is_err(),
                "{bad}"
            );
        }
        let offered =
            [DeflateOffer::parse(&ext("permessage-deflate; server_max_window_bits=10")).unwrap()];
        assert_eq!(
            check_deflate_response(
                &ext("permessage-deflate; server_max_window_bits=12"),
                &offered
            ),
            Err(ParamError::BitsAboveOffer {
                name: SERVER_BITS,
                got: 12,
                offered: 10
            })
        );
    }

    #[test]
    fn an_observer_reads_the_agreed_configuration_from_the_answer() {
        let config = accepted_in_response("HTTP/1.1 101 Switching Protocols\r\nsec-websocket-extensions: permessage-deflate; client_no_context_takeover\r\n\r\n").unwrap();
        assert!(config.client_no_context_takeover && !config.server_no_context_takeover);
        assert_eq!(
            accepted_in_response("HTTP/1.1 101 Switching Protocols\r\n\r\n"),
            None
        );
    }

    /// RFC 7692 §7.2.3's examples, as the payloads of their frames.
    #[test]
    fn the_rfc_examples_inflate_to_hello() {
        let hello = b"Hello".to_vec();
        for (section, payload) in [
            ("7.2.3.1", &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00][..]),
            (
                "7.2.3.3",
                &[
                    0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
                ],
            ),
            ("7.2.3.4", &[0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00]),
            (
                "7.2.3.5",
                &[
                    0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00,
                ],
            ),
        ] {
            assert_eq!(
                Decompressor::new(false).decompress(payload, 100).unwrap(),
                hello,
                "§{section}"
            );
        }
        // §7.2.3.2: the second "Hello" refers back into the first one's window.
        let mut d = Decompressor::new(true);
        assert_eq!(
            d.decompress(&[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], 100)
                .unwrap(),
            hello
        );
        assert_eq!(
            d.decompress(&[0xf2, 0x00, 0x11, 0x00, 0x00], 100).unwrap(),
            hello
        );
        // Without the first message's window, the second is not "Hello".
        assert_ne!(
            Decompressor::new(false).decompress(&[0xf2, 0x00, 0x11, 0x00, 0x00], 100),
            Ok(hello)
        );
    }

    #[test]
    fn compressing_hello_gives_the_rfc_bytes() {
        let mut c = Compressor::new(true);
        assert_eq!(
            c.compress(b"Hello"),
            [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]
        );
        // With context takeover the second is a back-reference (§7.2.3.2).
        assert_eq!(c.compress(b"Hello"), [0xf2, 0x00, 0x11, 0x00, 0x00]);
        let mut c = Compressor::new(false);
        assert_eq!(c.compress(b"Hello"), c.compress(b"Hello"));
    }

    #[test]
    fn empty_messages_compress_to_an_empty_stored_block() {
        for takeover in [false, true] {
            let mut c = Compressor::new(takeover);
            let mut d = Decompressor::new(takeover);
            for m in [&b""[..], b"", b"Hello", b"", b"Hello"] {
                let packed = c.compress(m);
                assert!(!packed.is_empty());
                assert_eq!(
                    d.decompress(&packed, 5).unwrap(),
                    m,
                    "{takeover} {packed:02x?}"
                );
            }
        }
    }

    #[test]
    fn a_message_inflater_follows_fragments_and_leaves_plain_frames_alone() {
        let packed = Compressor::new(false).compress(b"Hello");
        let mut first = Frame::new(OpCode::Text, packed[..3].to_vec());
        first.rsv[0] = true;
        first.fin = false;
        let mut rest = Frame::new(OpCode::Continuation, packed[3..].to_vec());
        rest.fin = true;
        let mut m = MessageInflater::new(true, 100);
        assert_eq!(m.push(&first), InflateStep::Gathering);
        assert_eq!(m.push(&Frame::new(OpCode::Ping, "p")), InflateStep::Plain);
        assert_eq!(
            m.push(&rest),
            InflateStep::Done(InflatedMessage {
                opcode: OpCode::Text,
                compressed: packed.len(),
                message: Ok(b"Hello".to_vec()),
            })
        );
        assert_eq!(
            m.push(&Frame::new(OpCode::Binary, "plain")),
            InflateStep::Plain
        );
    }

    #[test]
    fn stored_blocks_and_huffman_codes_inflate_with_any_window() {
        let message: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for packed in [stored(&message), huffman_only(&message)] {
            assert!(packed.ends_with(&SYNC_TAIL));
            let packed = &packed[..packed.len() - SYNC_TAIL.len()];
            assert_eq!(
                Decompressor::with_window_bits(false, 8)
                    .decompress(packed, message.len())
                    .unwrap(),
                message
            );
        }
        // Huffman codes alone still shrink skewed bytes.
        let text = b"aaaaaaaabbbbccd".repeat(1000);
        assert!(huffman_only(&text).len() < text.len() / 3);
    }

    #[test]
    fn a_deflate_bomb_stops_at_the_limit() {
        let zeros = vec![0u8; 10 << 20];
        let bomb = Compressor::new(false).compress(&zeros);
        assert!(bomb.len() < 20_000, "{}", bomb.len());
        // Real zlib gets close to DEFLATE's ceiling, and never past it.
        let ratio = zeros.len() / bomb.len();
        assert!(
            ratio <= MAX_RATIO && ratio * 10 >= MAX_RATIO * 9,
            "{ratio} to 1"
        );
        assert_eq!(
            Decompressor::new(false).decompress(&bomb, 1 << 20),
            Err(InflateError::TooBig { limit: 1 << 20 })
        );
        assert_eq!(
            Decompressor::new(false)
                .decompress(&bomb, 10 << 20)
                .unwrap()
                .len(),
            10 << 20
        );
    }
}
