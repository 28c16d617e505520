//! The frame lab's state (`/frames`) and its URL form. A pure reducer: the
//! page draws it, `hooks::use_url_reducer` reads and writes its query.

use std::rc::Rc;

use yew::prelude::*;

use crate::state::UrlState;

use super::Bytes;
use wire::Role;
use wire::frame::FieldKind;

/// The lab's state in the URL. Builder: fin, rsv, op, mask, key, from, pm, p.
/// Decoder: hex, dfrom. Fragmentation: msg, size, ping.
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(missing_docs)]
pub struct FramesQuery {
    fin: Option<u8>,
    rsv: Option<String>,
    op: Option<u8>,
    mask: Option<u8>,
    key: Option<String>,
    from: Option<String>,
    pm: Option<String>,
    p: Option<String>,
    /// Bytes for the decoder, as hex.
    pub hex: Option<String>,
    dfrom: Option<String>,
    msg: Option<String>,
    size: Option<String>,
    ping: Option<u8>,
    /// `z=1`: the builder compresses the payload (permessage-deflate, RSV1).
    z: Option<u8>,
    /// `dz=1`: the decoder reads frames of a connection with permessage-deflate.
    dz: Option<u8>,
}

crate::query_form!(FramesQuery {
    fin,
    rsv,
    op,
    mask,
    key,
    from,
    pm,
    p,
    hex,
    dfrom,
    msg,
    size,
    ping,
    z,
    dz
});

/// The part of the lab a link's query is about: the page opens there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabPart {
    /// "Build a frame".
    Builder,
    /// "Take bytes apart".
    Decoder,
    /// "Fragmentation and control frames".
    Fragmenter,
}

impl LabPart {
    /// The element a link to this part lands on (and focuses).
    pub fn target(self) -> &'static str {
        match self {
            LabPart::Builder => "builder",
            LabPart::Decoder => "decoder-hex",
            LabPart::Fragmenter => "frag-message",
        }
    }
}

impl FramesQuery {
    /// Which part of the lab the query sets (the decoder first, as the
    /// conformance report links each frame there); none for a bare link.
    pub fn part(&self) -> Option<LabPart> {
        if self.hex.is_some() || self.dfrom.is_some() || self.dz.is_some() {
            Some(LabPart::Decoder)
        } else if self.msg.is_some() || self.size.is_some() || self.ping.is_some() {
            Some(LabPart::Fragmenter)
        } else if *self != FramesQuery::default() {
            Some(LabPart::Builder)
        } else {
            None
        }
    }
}

/// Where the builder's payload comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadMode {
    /// Text typed in, sent as UTF-8.
    Text,
    /// Bytes typed as hex.
    Hex,
    /// A file the learner chose (not kept in the URL).
    File,
}

/// The frame lab's state: the builder, the decoder and the fragmenter.
#[derive(Clone, Debug, PartialEq)]
pub struct FramesLab {
    /// The builder's FIN bit.
    pub fin: bool,
    /// The builder's RSV1–3 bits.
    pub rsv: [bool; 3],
    /// The builder's opcode nibble.
    pub opcode: u8,
    /// Whether the builder masks.
    pub mask: bool,
    /// The masking key as typed.
    pub key_text: String,
    /// Who sends the built frame (it decides the masking rule).
    pub sender: Role,
    /// Where the payload comes from.
    pub mode: PayloadMode,
    /// The payload as text.
    pub text: String,
    /// The payload as hex.
    pub hex_payload: String,
    /// A file's name and bytes.
    pub file: Option<(String, Bytes)>,
    /// The decoder's bytes, as hex.
    pub decoder_hex: String,
    /// Whose frames the decoder reads (None: any).
    pub decoder_sender: Option<Role>,
    /// The fragmenter's message.
    pub message: String,
    /// The fragmenter's fragment size, as typed.
    pub size: String,
    /// Whether the fragmenter slips a ping between fragments.
    pub ping: bool,
    /// The field the pointer is over.
    pub hovered: Option<FieldKind>,
    /// The builder compresses the payload and sets RSV1 (permessage-deflate agreed).
    pub compress: bool,
    /// The decoder allows RSV1 and inflates compressed messages.
    pub decoder_deflate: bool,
}

/// `client`, `server` or `any`, as the decoder's sender appears in the URL.
pub fn sender_name(role: Option<Role>) -> &'static str {
    role.map_or("any", Role::as_str)
}

impl UrlState for FramesLab {
    type Query = FramesQuery;

    /// The state a URL's query describes; anything missing or unreadable takes its default.
    fn from_query(q: FramesQuery) -> FramesLab {
        let rsv = q.rsv.as_deref().unwrap_or("000").as_bytes().to_vec();
        let bit = |i: usize| rsv.get(i) == Some(&b'1');
        let mode = match q.pm.as_deref() {
            Some("hex") => PayloadMode::Hex,
            _ => PayloadMode::Text,
        };
        let p = q.p.unwrap_or_else(|| "Hello".to_owned());
        FramesLab {
            fin: q.fin.is_none_or(|f| f != 0),
            rsv: [bit(0), bit(1), bit(2)],
            opcode: q.op.unwrap_or(1) & 0x0F,
            mask: q.mask.is_none_or(|m| m != 0),
            key_text: q.key.unwrap_or_else(|| "37 fa 21 3d".to_owned()),
            sender: q
                .from
                .as_deref()
                .and_then(|f| f.parse().ok())
                .unwrap_or(Role::Client),
            mode,
            text: if mode == PayloadMode::Text {
                p.clone()
            } else {
                String::new()
            },
            hex_payload: if mode == PayloadMode::Hex {
                p
            } else {
                String::new()
            },
            file: None,
            decoder_hex: q
                .hex
                .unwrap_or_else(|| "81 85 37 fa 21 3d 7f 9f 4d 51 58".to_owned()),
            decoder_sender: q
                .dfrom
                .as_deref()
                .map_or(Some(Role::Client), |d| d.parse().ok()),
            message: q
                .msg
                .unwrap_or_else(|| "Hello, fragmented world".to_owned()),
            size: q.size.unwrap_or_else(|| "8".to_owned()),
            ping: q.ping.is_none_or(|p| p != 0),
            hovered: None,
            compress: q.z == Some(1),
            decoder_deflate: q.dz == Some(1),
        }
    }

    /// The query that reopens this state (only what differs from the defaults).
    fn query(&self) -> FramesQuery {
        let d = FramesLab::from_query(FramesQuery::default());
        let differs = |a: &String, b: &String| (a != b).then(|| a.clone());
        let rsv: String = self
            .rsv
            .iter()
            .map(|b| if *b { '1' } else { '0' })
            .collect();
        let (pm, p) = match self.mode {
            PayloadMode::Hex => (Some("hex".to_owned()), Some(self.hex_payload.clone())),
            _ => (None, differs(&self.text, &d.text)),
        };
        FramesQuery {
            fin: (self.fin != d.fin).then_some(u8::from(self.fin)),
            rsv: (rsv != "000").then_some(rsv),
            op: (self.opcode != d.opcode).then_some(self.opcode),
            mask: (self.mask != d.mask).then_some(u8::from(self.mask)),
            key: differs(&self.key_text, &d.key_text),
            from: (self.sender != d.sender).then(|| self.sender.to_string()),
            pm,
            p,
            hex: differs(&self.decoder_hex, &d.decoder_hex),
            dfrom: (self.decoder_sender != d.decoder_sender)
                .then(|| sender_name(self.decoder_sender).to_owned()),
            msg: differs(&self.message, &d.message),
            size: differs(&self.size, &d.size),
            ping: (self.ping != d.ping).then_some(u8::from(self.ping)),
            z: self.compress.then_some(1),
            dz: self.decoder_deflate.then_some(1),
        }
    }
}

/// What the frame lab's controls do.
#[allow(missing_docs)]
pub enum FramesAction {
    Fin(bool),
    Rsv(usize, bool),
    Opcode(u8),
    Mask(bool),
    Key(String),
    Sender(Role),
    Mode(PayloadMode),
    Text(String),
    HexPayload(String),
    File(String, Bytes),
    DecoderHex(String),
    DecoderSender(Option<Role>),
    Message(String),
    Size(String),
    Ping(bool),
    Hover(Option<FieldKind>),
    Compress(bool),
    DecoderDeflate(bool),
}

impl Reducible for FramesLab {
    type Action = FramesAction;

    fn reduce(self: Rc<Self>, action: FramesAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            FramesAction::Fin(v) => s.fin = v,
            FramesAction::Rsv(i, v) => s.rsv[i.min(2)] = v,
            FramesAction::Opcode(v) => s.opcode = v & 0x0F,
            FramesAction::Mask(v) => s.mask = v,
            FramesAction::Key(v) => s.key_text = v,
            FramesAction::Sender(v) => s.sender = v,
            FramesAction::Mode(v) => s.mode = v,
            FramesAction::Text(v) => s.text = v,
            FramesAction::HexPayload(v) => s.hex_payload = v,
            FramesAction::File(name, bytes) => {
                s.mode = PayloadMode::File;
                s.file = Some((name, bytes));
            }
            FramesAction::DecoderHex(v) => s.decoder_hex = v,
            FramesAction::DecoderSender(v) => s.decoder_sender = v,
            FramesAction::Message(v) => s.message = v,
            FramesAction::Size(v) => s.size = v,
            FramesAction::Ping(v) => s.ping = v,
            FramesAction::Hover(v) => s.hovered = v,
            FramesAction::Compress(v) => s.compress = v,
            FramesAction::DecoderDeflate(v) => s.decoder_deflate = v,
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(query: &str) -> FramesQuery {
        crate::state::query::read(query)
    }

    #[test]
    fn every_state_a_url_gives_round_trips_through_its_query() {
        for query in [
            "",
            "fin=0&rsv=101&op=9&mask=0&from=server",
            "key=01+02+03+04&pm=hex&p=de+ad",
            "p=caf%C3%A9",
            "hex=81+05+48&dfrom=any",
            "dfrom=server&msg=abc&size=2&ping=0",
            "z=1&dz=1&hex=c1+07+f2+48+cd+c9+c9+07+00",
        ] {
            let s = FramesLab::from_query(q(query));
            assert_eq!(FramesLab::from_query(s.query()), s, "{query}");
        }
    }

    #[test]
    fn unreadable_values_take_their_defaults() {
        let s = FramesLab::from_query(q("from=nobody&dfrom=nobody&op=255"));
        assert_eq!(s.sender, Role::Client);
        assert_eq!(s.decoder_sender, None);
        assert_eq!(s.opcode, 0x0F);
        assert_eq!(sender_name(None), "any");
    }

    #[test]
    fn actions_change_one_thing() {
        let s = Rc::new(FramesLab::from_query(FramesQuery::default()));
        let s = s.reduce(FramesAction::Rsv(7, true));
        assert_eq!(s.rsv, [false, false, true]);
        let s = s.reduce(FramesAction::File("a.bin".into(), Bytes::from(vec![1])));
        assert_eq!(s.mode, PayloadMode::File);
        assert_eq!(s.query().pm, None, "a file is not kept in the URL");
    }

    #[test]
    fn a_link_lands_on_the_part_its_query_sets() {
        let part = |query: &str| q(query).part();
        assert_eq!(part(""), None);
        assert_eq!(part("hex=81+00&dfrom=server"), Some(LabPart::Decoder));
        assert_eq!(part("msg=hi&op=2"), Some(LabPart::Fragmenter));
        assert_eq!(part("op=2&mask=0"), Some(LabPart::Builder));
    }
}
