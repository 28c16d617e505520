//! The client lab's catalogue: the server cases seen from the other side.
//! wslab-echo is the server; what it sends is what the probe sends a server,
//! unmasked as a server's frames must be, and the client under test echoes
//! every message, as Autobahn's fuzzingserver asks of its clients. A case
//! keeps the id of the server case it mirrors, so `6.2.1` is the same test
//! whichever end is under test. The masking group is turned round (a client
//! must refuse a *masked* frame); the opening handshake's cases, which test
//! how a server reads a request, have no client form.

use super::*;

/// Every client case, in order.
pub fn all() -> Vec<Case> {
    let mut out: Vec<Case> = super::all()
        .into_iter()
        // Bytes written as they are were encoded as a client's frames
        // (masked): those cases have no server form.
        .filter(|case| {
            case.group != Group::Handshake && case.group != Group::Masking && !case.server_only
        })
        .map(from_server_side)
        .collect();
    let mut c = Catalogue {
        cases: Vec::new(),
        group: Group::Masking,
        sub: 0,
        n: 0,
        rfc: "",
        why: "",
        basis: Basis::INFO,
    };
    masking(&mut c);
    limits_msb(&mut c);
    out.extend(c.cases.into_iter().map(|case| Case {
        why_for_client: true,
        ..case
    }));
    out.sort_by_key(|case| {
        let mut parts = case.id.split('.').map(|n| n.parse::<usize>().unwrap_or(0));
        (
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
        )
    });
    out
}

/// A server case turned round: the same steps, each frame unmasked.
fn from_server_side(case: Case) -> Case {
    let body = case.body.clone();
    Case {
        body: Arc::new(move || {
            let mut made = body();
            for step in &mut made.steps {
                if let Step::Send { frames, .. } = step {
                    for out in frames {
                        if let Out::Frame { masked, .. } = out {
                            *masked = false;
                        }
                    }
                }
            }
            made
        }),
        ..case
    }
}

/// A frame as a server sends it: unmasked.
fn plain(opcode: OpCode, fin: bool, payload: impl Into<Vec<u8>>) -> Out {
    let mut f = Frame::new(opcode, payload);
    f.fin = fin;
    Out::Frame {
        frame: f,
        masked: false,
        form: None,
    }
}

/// The same frame, masked, as no server may send it.
fn masked(opcode: OpCode, fin: bool, payload: impl Into<Vec<u8>>) -> Out {
    let mut f = Frame::new(opcode, payload);
    f.fin = fin;
    Out::Frame {
        frame: f,
        masked: true,
        form: None,
    }
}

fn masking(c: &mut Catalogue) {
    c.group(Group::Masking);
    c.sub(
        "RFC 6455 §5.1",
        "A server never masks: masking protects proxies from bytes a script chose, and only clients run scripts. A client that unmasks whatever comes would accept frames from something that is not a WebSocket server, or from a broken one, without a word.",
        rfc::CLIENT_MASKED,
    );
    c.basis(Basis::new(rfc::CLIENT_MASKED, rfc::CLIENT_MASKED_CODE));
    c.add("A masked text message", || {
        fails(
            vec![send(vec![masked(OpCode::Text, true, "Hello")])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A masked binary message", || {
        fails(
            vec![send(vec![masked(OpCode::Binary, true, bytes(16))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A masked Ping", || {
        fails(
            vec![send(vec![masked(OpCode::Ping, true, "Hello")])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A masked Close", || {
        fails(
            vec![send(vec![masked(
                OpCode::Close,
                true,
                1000u16.to_be_bytes().to_vec(),
            )])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("An unmasked message, then a masked one", || {
        fails(
            vec![send(vec![
                plain(OpCode::Text, true, "plain"),
                masked(OpCode::Text, true, "masked"),
            ])],
            vec![t("plain")],
            PROTOCOL_ERROR,
        )
    });
    c.add("A masked continuation of an unmasked fragment", || {
        fails(
            vec![send(vec![
                plain(OpCode::Text, false, "frag"),
                masked(OpCode::Continuation, true, "ment"),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
}

/// The one framing case written as raw bytes, in its server form.
fn limits_msb(c: &mut Catalogue) {
    c.group(Group::Framing);
    // After the server catalogue's subgroups of this group (1–4), as its own.
    c.sub = 4;
    c.sub(
        "RFC 6455 §5.2",
        "A 64-bit length must have its top bit clear: no message is 8 exbibytes long. A client that believes such a length waits forever for the payload, or tries to allocate it.",
        rfc::VALIDATE,
    );
    c.add("A 64-bit length with its most significant bit set", || {
        let mut raw = vec![0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 5];
        raw.extend_from_slice(&[1, 2, 3, 4, 5]);
        fails(vec![send(vec![Out::Raw(raw)])], vec![], PROTOCOL_ERROR)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Expect;

    #[test]
    fn the_client_catalogue_mirrors_the_server_one_with_150_cases_or_more() {
        let cases = all();
        assert!(cases.len() >= 150, "{} cases", cases.len());
        let mut ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
        ids.dedup();
        assert_eq!(ids.len(), cases.len(), "ids are unique and in order");
        let server: Vec<String> = super::super::all().into_iter().map(|c| c.id).collect();
        for case in &cases {
            let body = (case.body)();
            let masked = body
                .steps
                .iter()
                .flat_map(|step| match step {
                    Step::Send { frames, .. } => frames.as_slice(),
                    Step::Listen(_) => &[],
                })
                .filter(|out| matches!(out, Out::Frame { masked: true, .. }))
                .count();
            let raw = body.steps.iter().any(|step| {
                matches!(step, Step::Send { frames, .. } if frames.iter().any(|f| matches!(f, Out::Raw(_))))
            });
            assert!(
                !raw || case.id == "2.5.1",
                "{} writes a client's raw bytes",
                case.id
            );
            // Only the masking group sends a masked frame, and each of its cases does.
            assert_eq!(
                masked > 0,
                case.group == Group::Masking,
                "{} {}",
                case.id,
                case.title
            );
            // A MUST to quote exactly when the case can fail, as for servers.
            assert_eq!(
                case.basis.fail.is_some(),
                body.expect.can_fail(),
                "{}",
                case.id
            );
            if case.group != Group::Masking && case.id != "2.5.1" {
                assert!(
                    server.contains(&case.id),
                    "{} mirrors a server case",
                    case.id
                );
            }
            assert!(!matches!(body.expect, Expect::Handshake(_)), "{}", case.id);
        }
    }
}
