//! Big messages and small writes (§5.4, §10.4).

use super::*;

const BIG: [usize; 6] = [64 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20, 16 << 20];

const FRAME_SIZES: [usize; 9] = [
    64,
    256,
    1 << 10,
    4 << 10,
    16 << 10,
    64 << 10,
    256 << 10,
    1 << 20,
    4 << 20,
];

const WRITE_SIZES: [usize; 7] = [64, 128, 256, 512, 1024, 2048, 4096];

const ROUND_SIZES: [usize; 6] = [0, 16, 64, 256, 1024, 4096];

pub(super) fn limits(c: &mut Catalogue) {
    c.group(Group::Limits);
    let why_big = "Real messages are big: files, snapshots, logs. A server may set a limit (RFC 6455 §10.4), and then refuses bigger messages, or messages in too many fragments, with 1009 or 1008; what it must not do is cut them, stall, or run out of memory on the way.";
    for (kind, name) in KINDS {
        let answered = move |p: Vec<u8>| Expect::Answers {
            replies: vec![echo(kind, p)],
            too_big_ok: true,
            silence_ok: None,
        };
        c.sub("RFC 6455 §5.2, §10.4", why_big, rfc::PARSE_FRAMES);
        for n in BIG {
            c.add(format!("A {name} message of {}", size(n)), move || Body {
                steps: vec![send(vec![whole(kind, payload(kind, n))])],
                expect: answered(payload(kind, n)),
            });
        }
        c.sub("RFC 6455 §5.4, §10.4", why_big, rfc::FRAGMENTS);
        for f in FRAME_SIZES {
            let n = 4 << 20;
            c.add(
                format!("A {name} message of 4 MiB in frames of {}", size(f)),
                move || Body {
                    steps: vec![send(fragments(kind, &payload(kind, n), f))],
                    expect: answered(payload(kind, n)),
                },
            );
        }
        c.sub(
            "RFC 6455 §5.2",
            "TCP may deliver a frame in pieces of any size. A server that reads a fixed-size header in one call, or assumes a payload arrives whole, breaks under load or on slow links.",
            rfc::PARSE_FRAMES,
        );
        for w in WRITE_SIZES {
            let n = 1 << 20;
            c.add(
                format!("A {name} message of 1 MiB written in pieces of {w} bytes"),
                move || Body {
                    steps: vec![chopped(vec![whole(kind, payload(kind, n))], w)],
                    expect: answered(payload(kind, n)),
                },
            );
        }
        c.sub(
            "RFC 6455 §5.4",
            "Many small messages back to back, as a chat or a game sends them: every one must come back, whole and in order. Servers that parse only the first frame of each read, or reorder answers across tasks, lose or swap messages here.",
            rfc::PARSE_FRAMES,
        );
        for n in ROUND_SIZES {
            c.add(
                format!("1000 {name} messages of {} in a row", size(n)),
                move || {
                    answers(
                        vec![send(
                            (0..1000).map(|_| whole(kind, payload(kind, n))).collect(),
                        )],
                        (0..1000).map(|_| echo(kind, payload(kind, n))).collect(),
                    )
                },
            );
        }
    }
}
