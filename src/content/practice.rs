//! Practice that never runs out: questions with random parameters, whose
//! answers and worked solutions come from the protocol core. Pure functions of
//! the random bytes they are given, so they are testable natively.

use wire::decode::{DecodeOptions, FrameErrorKind, Role, decode};
use wire::frame::{Frame, FrameHeader, LengthForm};
use wire::handshake::{accept_steps, generate_key};
use wire::hex::{parse_hex, to_hex};
use wire::opcode::OpCode;

/// The kinds of generated question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// "What is the Sec-WebSocket-Accept for this key?"
    Accept,
    /// "Write the bytes of a masked text frame."
    MaskedFrame,
    /// "What is the payload length of this frame?"
    PayloadLength,
    /// "Which rule does this frame break?"
    BrokenRule,
}

impl Kind {
    /// Every kind, in the order the quiz shows them.
    pub const ALL: [Kind; 4] = [
        Kind::Accept,
        Kind::MaskedFrame,
        Kind::PayloadLength,
        Kind::BrokenRule,
    ];

    /// A stable id for progress and element ids.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Accept => "accept",
            Kind::MaskedFrame => "masked",
            Kind::PayloadLength => "length",
            Kind::BrokenRule => "rule",
        }
    }

    /// A title for the quiz.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Accept => "Compute an accept value",
            Kind::MaskedFrame => "Write a masked frame",
            Kind::PayloadLength => "Read a payload length",
            Kind::BrokenRule => "Spot the broken rule",
        }
    }
}

/// The rules a generated broken frame may break, as offered in the choices.
pub const RULES: [&str; 7] = [
    "an RSV bit is set without a negotiated extension",
    "the opcode is reserved",
    "a control frame is fragmented (FIN = 0)",
    "a control frame carries more than 125 bytes",
    "a client frame is not masked",
    "a server frame is masked",
    "none: the frame is valid",
];

/// What a correct answer is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Exact text (surrounding spaces ignored).
    Text(String),
    /// Bytes, typed as hex in any common form.
    Bytes(Vec<u8>),
    /// A whole number.
    Number(u64),
    /// The index of a choice.
    Choice(usize),
}

/// A generated question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Its kind.
    pub kind: Kind,
    /// The question.
    pub prompt: String,
    /// Choices, when the answer is a choice.
    pub choices: Vec<String>,
    /// The right answer.
    pub answer: Answer,
    /// The worked solution, step by step.
    pub solution: Vec<String>,
}

/// Builds a question of `kind` from 32 random bytes.
pub fn generate(kind: Kind, rnd: [u8; 32]) -> Problem {
    match kind {
        Kind::Accept => accept(rnd),
        Kind::MaskedFrame => masked(rnd),
        Kind::PayloadLength => length(rnd),
        Kind::BrokenRule => rule(rnd),
    }
}

fn accept(rnd: [u8; 32]) -> Problem {
    let mut key_bytes = [0u8; 16];
    key_bytes.copy_from_slice(&rnd[..16]);
    let key = generate_key(key_bytes);
    let s = accept_steps(&key);
    Problem {
        kind: Kind::Accept,
        prompt: format!(
            "A client sends Sec-WebSocket-Key: {key}. What Sec-WebSocket-Accept must the server answer with?"
        ),
        choices: Vec::new(),
        answer: Answer::Text(s.accept.clone()),
        solution: vec![
            format!("Append the GUID to the key, as text: {}", s.concatenated),
            format!("SHA-1 of those bytes: {}", to_hex(&s.sha1)),
            format!("base64 of the 20-byte digest: {}", s.accept),
        ],
    }
}

const WORDS: [&str; 8] = ["Hi", "Hey", "ok", "ping", "WS", "Hello", "bye", "yes"];

fn masked(rnd: [u8; 32]) -> Problem {
    let word = WORDS[usize::from(rnd[0]) % WORDS.len()];
    let key = [rnd[1], rnd[2], rnd[3], rnd[4]];
    let frame = Frame::new(OpCode::Text, word.as_bytes().to_vec()).masked(key);
    let bytes = frame.encode();
    let mut solution = vec![
        format!(
            "Byte 0: FIN 1, RSV 000, opcode 0x1 (text) → {:02x}",
            bytes[0]
        ),
        format!(
            "Byte 1: MASK 1 and length {} → {:02x}",
            word.len(),
            bytes[1]
        ),
        format!("Bytes 2–5: the masking key {}", to_hex(&key)),
    ];
    for (i, b) in word.bytes().enumerate() {
        solution.push(format!(
            "'{}' {b:02x} ⊕ key[{}] {:02x} = {:02x}",
            b as char,
            i % 4,
            key[i % 4],
            b ^ key[i % 4]
        ));
    }
    solution.push(format!("The frame: {}", to_hex(&bytes)));
    Problem {
        kind: Kind::MaskedFrame,
        prompt: format!(
            "Write, in hex, the bytes of a single-frame masked text message \"{word}\" with masking key {}.",
            to_hex(&key)
        ),
        choices: Vec::new(),
        answer: Answer::Bytes(bytes),
        solution,
    }
}

fn length(rnd: [u8; 32]) -> Problem {
    let r = u64::from(u32::from_le_bytes([rnd[1], rnd[2], rnd[3], rnd[4]]));
    let len = match rnd[0] % 3 {
        0 => r % 126,
        1 => 126 + r % (65536 - 126),
        _ => 65536 + r % 10_000_000,
    };
    let mask = (rnd[5] & 1 == 1).then(|| [rnd[6], rnd[7], rnd[8], rnd[9]]);
    let opcode = if rnd[10] & 1 == 1 {
        OpCode::Binary
    } else {
        OpCode::Text
    };
    let header = FrameHeader::new(true, [false; 3], opcode, mask, len);
    let mut bytes = Vec::new();
    header.encode_into(&mut bytes);
    let ext = &bytes[2..2 + header.length_form.extra_bytes()];
    let how = match header.length_form {
        LengthForm::Short => {
            format!("The low 7 bits of byte 1 are {len}, which is 125 or less: that is the length.")
        }
        LengthForm::Medium => format!(
            "The low 7 bits of byte 1 are 126, so the next 2 bytes ({}) are the length: {len}.",
            to_hex(ext)
        ),
        LengthForm::Long => format!(
            "The low 7 bits of byte 1 are 127, so the next 8 bytes ({}) are the length: {len}.",
            to_hex(ext)
        ),
    };
    Problem {
        kind: Kind::PayloadLength,
        prompt: format!(
            "A frame starts with these header bytes: {}. How many bytes of payload does it carry?",
            to_hex(&bytes)
        ),
        choices: Vec::new(),
        answer: Answer::Number(len),
        solution: vec![
            format!(
                "Byte 1 is {:02x}: MASK is {}.",
                bytes[1],
                u8::from(mask.is_some())
            ),
            how,
        ],
    }
}

fn rule(rnd: [u8; 32]) -> Problem {
    let sender = if rnd[1] & 1 == 1 {
        Role::Client
    } else {
        Role::Server
    };
    let key = (sender == Role::Client).then_some([rnd[2], rnd[3], rnd[4], rnd[5]]);
    let mut frame = Frame {
        mask: key,
        ..Frame::new(OpCode::Text, b"data".to_vec())
    };
    match rnd[0] % 7 {
        0 => frame.rsv[usize::from(rnd[6]) % 3] = true,
        1 => {
            frame.opcode =
                OpCode::from_nibble([3, 4, 5, 6, 7, 11, 12, 13, 14, 15][usize::from(rnd[6]) % 10])
        }
        2 => {
            frame.opcode = if rnd[6] & 1 == 1 {
                OpCode::Ping
            } else {
                OpCode::Pong
            };
            frame.fin = false;
        }
        3 => {
            frame.opcode = OpCode::Ping;
            frame.payload = vec![b'x'; 126 + usize::from(rnd[6])];
        }
        4 => {
            frame.mask = if sender == Role::Client {
                None
            } else {
                Some([rnd[2], rnd[3], rnd[4], rnd[5]])
            }
        }
        _ => {}
    }
    let bytes = frame.encode();
    let shown = &bytes[..bytes.len().min(16)];
    // The answer comes from the decoder, not from what the generator meant to break.
    let mut choices: Vec<String> = RULES.iter().map(|r| (*r).to_owned()).collect();
    let (index, why) = match decode(&bytes, &DecodeOptions::for_sender(sender)) {
        Ok(_) => (6, "The decoder accepts it: every rule holds.".to_owned()),
        Err(e) => {
            let index = match e.kind {
                FrameErrorKind::ReservedBits { .. } => 0,
                FrameErrorKind::ReservedOpcode(_) => 1,
                FrameErrorKind::FragmentedControl(_) => 2,
                FrameErrorKind::ControlTooLong { .. } => 3,
                FrameErrorKind::UnmaskedClientFrame => 4,
                FrameErrorKind::MaskedServerFrame => 5,
                // A rule outside the usual six: offer it as its own choice, never call the frame valid.
                _ => {
                    choices.push(e.kind.to_string());
                    choices.len() - 1
                }
            };
            (index, e.to_string())
        }
    };
    let who = if sender == Role::Client {
        "a client"
    } else {
        "a server"
    };
    Problem {
        kind: Kind::BrokenRule,
        prompt: format!(
            "{who} sends a frame that starts: {}{}. No extension was negotiated. Which rule does it break?",
            to_hex(shown),
            if bytes.len() > shown.len() {
                " …"
            } else {
                ""
            }
        ),
        choices,
        answer: Answer::Choice(index),
        solution: vec![
            format!("Byte 0 is {:08b}: FIN, RSV1–3, then the opcode.", bytes[0]),
            format!("Byte 1 is {:08b}: MASK, then the 7-bit length.", bytes[1]),
            why,
        ],
    }
}

/// Checks an answer typed by the learner; `Err` says why it could not be read.
pub fn check(problem: &Problem, given: &str) -> Result<bool, String> {
    let given = given.trim();
    if given.is_empty() {
        return Err("type an answer first".into());
    }
    match &problem.answer {
        Answer::Text(want) => Ok(given == want),
        Answer::Bytes(want) => parse_hex(given)
            .map(|b| &b == want)
            .map_err(|e| format!("that is not hex: {e}")),
        Answer::Number(want) => given
            .replace(['_', ',', ' '], "")
            .parse::<u64>()
            .map(|n| n == *want)
            .map_err(|_| "type a whole number of bytes, e.g. 300".to_owned()),
        Answer::Choice(want) => given
            .parse::<usize>()
            .map(|n| n == *want)
            .map_err(|_| "choose one of the options".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeds() -> impl Iterator<Item = [u8; 32]> {
        (0u32..400).map(|i| {
            let mut r = [0u8; 32];
            for (j, b) in r.iter_mut().enumerate() {
                *b = (i.wrapping_mul(2_654_435_761).rotate_left(j as u32) >> 8) as u8
                    ^ (j as u8).wrapping_mul(37);
            }
            r
        })
    }

    #[test]
    fn accept_answers_match_the_core() {
        for r in seeds() {
            let p = generate(Kind::Accept, r);
            let key = p
                .prompt
                .split("Key: ")
                .nth(1)
                .unwrap()
                .split('.')
                .next()
                .unwrap();
            assert_eq!(p.answer, Answer::Text(wire::handshake::accept_key(key)));
        }
    }

    #[test]
    fn masked_frames_decode_to_the_word() {
        for r in seeds() {
            let p = generate(Kind::MaskedFrame, r);
            let Answer::Bytes(bytes) = &p.answer else {
                panic!()
            };
            let word = p.prompt.split('"').nth(1).unwrap();
            match decode(bytes, &DecodeOptions::for_sender(Role::Client)).unwrap() {
                wire::Decoded::Frame(f) => assert_eq!(f.frame.payload, word.as_bytes()),
                other => panic!("{other:?}"),
            }
            assert_eq!(check(&p, &to_hex(bytes).to_uppercase()), Ok(true));
            assert_eq!(check(&p, &to_hex(bytes).replace(' ', "")), Ok(true));
        }
    }

    #[test]
    fn lengths_match_the_decoder_and_cover_every_form() {
        let mut forms = std::collections::HashSet::new();
        for r in seeds() {
            let p = generate(Kind::PayloadLength, r);
            let Answer::Number(n) = p.answer else {
                panic!()
            };
            let hex = p
                .prompt
                .split(": ")
                .nth(1)
                .unwrap()
                .split('.')
                .next()
                .unwrap();
            let bytes = parse_hex(hex).unwrap();
            match wire::decode::decode_header(
                &bytes,
                &DecodeOptions {
                    max_payload: u64::MAX,
                    ..DecodeOptions::default()
                },
            )
            .unwrap()
            {
                wire::decode::DecodedHeader::Complete { header, .. } => {
                    assert_eq!(header.payload_len, n);
                    forms.insert(header.length_form);
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(check(&p, &n.to_string()), Ok(true));
        }
        assert_eq!(forms.len(), 3);
    }

    #[test]
    fn broken_rule_questions_cover_every_choice() {
        let mut seen = std::collections::HashSet::new();
        for r in seeds() {
            let p = generate(Kind::BrokenRule, r);
            let Answer::Choice(i) = p.answer else {
                panic!()
            };
            assert!(i < RULES.len());
            seen.insert(i);
        }
        assert_eq!(seen.len(), RULES.len(), "{seen:?}");
    }

    #[test]
    fn unreadable_answers_say_why() {
        let p = generate(Kind::PayloadLength, [7; 32]);
        assert!(check(&p, "lots").is_err());
        assert!(check(&p, "").is_err());
        let p = generate(Kind::MaskedFrame, [7; 32]);
        assert!(check(&p, "zz").unwrap_err().contains("not hex"));
    }
}
