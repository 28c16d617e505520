//! Frames in words: a frame's one-line summary and what its payload says.
//! The live wire view, `/illustrated`, the conformance report and the
//! frame lab describe frames with these, so a frame reads the same
//! wherever it is shown.

use crate::close::ClosePayload;
use crate::deflate::InflatedMessage;
use crate::frame::Frame;
use crate::hex::to_hex;
use crate::opcode::OpCode;
use crate::session::{Content, Record};

/// The most characters of a payload quoted.
pub const QUOTE_CHARS: usize = 200;

/// A frame in one line: `"0x1 (text), FIN 1, masked, 5 bytes"`, with
/// each RSV bit that is set.
pub fn summary(frame: &Frame) -> String {
    let mut out = format!("{}, FIN {}", frame.opcode, u8::from(frame.fin));
    for (i, on) in frame.rsv.iter().enumerate() {
        if *on {
            out.push_str(&format!(", RSV{}", i + 1));
        }
    }
    out.push_str(if frame.mask.is_some() {
        ", masked"
    } else {
        ", unmasked"
    });
    let n = frame.payload.len();
    out.push_str(&format!(", {n} byte{}", if n == 1 { "" } else { "s" }));
    out
}

/// A Close frame's body in words (§5.5.1).
pub fn close_text(payload: &[u8]) -> String {
    match ClosePayload::parse(payload) {
        Ok(p @ ClosePayload { code: Some(_), .. }) => format!("status code {p}"),
        Ok(ClosePayload { code: None, .. }) => {
            "no status code: the receiver reports 1005 (§7.1.5)".to_owned()
        }
        Err(e) => e.to_string(),
    }
}

/// Bytes quoted: as text when they are UTF-8 (at most [`QUOTE_CHARS`]
/// characters, then "…"), else the first 64 bytes as hex.
pub fn quote(bytes: &[u8]) -> String {
    // A cut may split a character: quote the longest whole prefix.
    let head = &bytes[..bytes.len().min(QUOTE_CHARS * 4)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => Some(t),
        Err(e) if head.len() < bytes.len() && e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).ok()
        }
        Err(_) => None,
    };
    match text {
        Some(t) if t.chars().count() > QUOTE_CHARS || head.len() < bytes.len() => {
            format!("{:?}…", t.chars().take(QUOTE_CHARS).collect::<String>())
        }
        Some(t) => format!("{t:?}"),
        None => hex_quote(bytes),
    }
}

/// The first 64 bytes as hex, then "…" when there are more.
pub fn hex_quote(bytes: &[u8]) -> String {
    match bytes.get(..64) {
        Some(head) if bytes.len() > 64 => format!("{}…", to_hex(head)),
        _ => to_hex(bytes),
    }
}

/// A record in one line, without its direction: a frame's summary and what
/// it says, an HTTP head's first line, or why the bytes could not be read.
pub fn record_line(r: &Record) -> String {
    match &r.content {
        Content::Frame(f) => format!(
            "{}: {}",
            summary(&f.frame),
            meaning(&f.frame, r.compressed, r.inflated.as_deref())
        ),
        Content::Http => String::from_utf8_lossy(&r.bytes)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
        Content::Broken(_) | Content::Unreadable(_) | Content::Gap { .. } => {
            r.why().unwrap_or_default()
        }
    }
}

/// `part` as a whole percentage of `whole`, rounded half up (0 when `whole`
/// is 0). Whole numbers only: formatting a float would link the float
/// formatter into every build that describes a frame.
pub fn percent(part: usize, whole: usize) -> u128 {
    if whole == 0 {
        return 0;
    }
    let (part, whole) = (part as u128, whole as u128);
    (200 * part + whole) / (2 * whole)
}

/// `units` hundredths, tenths, … (`places` digits after the point, at most
/// 19, the most a `u64` holds) written as a decimal: `decimal(1234, 2)` is
/// "12.34". Whole numbers only, so a build that shows a time or a size
/// links no float formatter (about 4 kB gzip each); the app and the
/// conformance runner write theirs with it.
pub fn decimal(units: u64, places: u32) -> String {
    let places = places.min(19);
    if places == 0 {
        return units.to_string();
    }
    let scale = 10u64.pow(places);
    format!(
        "{}.{:0width$}",
        units / scale,
        units % scale,
        width = places as usize
    )
}

/// What a frame's payload says: a Close's code and reason, text, binary
/// data, or — for a frame of a compressed message (`compressed`, which
/// continuations of one are too) — DEFLATE data, and on a compressed
/// message's last frame the message inflated.
pub fn meaning(frame: &Frame, compressed: bool, inflated: Option<&InflatedMessage>) -> String {
    if let Some(m) = inflated {
        return match &m.message {
            Ok(bytes) => format!(
                "inflated (00 00 ff ff restored, RFC 7692 §7.2.2): {} bytes from {} on the wire ({}% of the original): {}",
                bytes.len(),
                m.compressed,
                percent(m.compressed, bytes.len()),
                quote(bytes)
            ),
            Err(e) => format!("the compressed message does not inflate: {e}"),
        };
    }
    let payload = &frame.payload;
    match frame.opcode {
        OpCode::Close => close_text(payload),
        _ if compressed => {
            "DEFLATE data (a compressed message, RFC 7692 §7.2); inflated at the message's last frame"
                .to_owned()
        }
        _ if payload.is_empty() => "no payload".to_owned(),
        op => match quote(payload) {
            q if q.starts_with('"') && op != OpCode::Binary => q,
            _ => hex_quote(payload),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deflate::InflateError;

    #[test]
    fn whole_units_read_as_decimals() {
        assert_eq!(decimal(1234, 2), "12.34");
        assert_eq!(decimal(5, 2), "0.05");
        assert_eq!(decimal(170, 1), "17.0");
        assert_eq!(decimal(7, 0), "7");
        assert_eq!(decimal(u64::MAX, 1), "1844674407370955161.5");
        assert_eq!(decimal(12, 21), "0.0000000000000000012");
    }

    #[test]
    fn percentages_are_whole_and_rounded_half_up() {
        assert_eq!(percent(7, 5), 140);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 200), 1);
        assert_eq!(percent(0, 9), 0);
        assert_eq!(percent(5, 0), 0);
        assert_eq!(percent(usize::MAX, 1), 100 * usize::MAX as u128);
    }

    #[test]
    fn frames_in_words() {
        let f = Frame::new(OpCode::Text, "Hello").masked([1, 2, 3, 4]);
        assert_eq!(summary(&f), "0x1 (text), FIN 1, masked, 5 bytes");
        assert_eq!(meaning(&f, false, None), "\"Hello\"");
        let close = Frame::new(OpCode::Close, ClosePayload::build(1000, "bye").unwrap());
        assert_eq!(
            meaning(&close, false, None),
            "status code 1000 (Normal Closure): \"bye\""
        );
        assert_eq!(
            close_text(&4321u16.to_be_bytes()),
            "status code 4321 (private use, 4000–4999)"
        );
        assert!(!close_text(&[3]).starts_with("status code"));
        let bin = Frame::new(OpCode::Binary, vec![0xde, 0xad]);
        assert_eq!(meaning(&bin, false, None), "de ad");
        let mut compressed = Frame::new(OpCode::Text, vec![0xf2, 0x48]);
        compressed.rsv[0] = true;
        assert!(meaning(&compressed, true, None).starts_with("DEFLATE data"));
        let m = InflatedMessage {
            opcode: OpCode::Text,
            compressed: 7,
            message: Ok(b"Hello".to_vec()),
        };
        assert!(
            meaning(&compressed, true, Some(&m))
                .ends_with("5 bytes from 7 on the wire (140% of the original): \"Hello\"")
        );
        let bad = InflatedMessage {
            message: Err(InflateError::TooBig { limit: 1 }),
            ..m
        };
        assert!(meaning(&compressed, true, Some(&bad)).contains("does not inflate"));
    }

    #[test]
    fn long_text_is_cut_at_a_whole_character() {
        let text = "é".repeat(QUOTE_CHARS * 3);
        let q = quote(text.as_bytes());
        assert!(q.ends_with('…'));
        assert_eq!(q.chars().filter(|c| *c == 'é').count(), QUOTE_CHARS);
    }
}
