//! Session files, links and the two byte streams of a session on arbitrary
//! bytes: reading answers (records and a problem, or an error), and every
//! byte of every record is explained by exactly one annotation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wire::session::{FILE_MAGIC, FILE_VERSION, Session, annotate};
use wire::tap::Direction;

fuzz_target!(|data: &[u8]| {
    let mut file = FILE_MAGIC.to_vec();
    file.push(FILE_VERSION);
    file.extend_from_slice(data);
    let _ = Session::from_file(data);
    let _ = Session::from_link(&String::from_utf8_lossy(data));
    // The bytes as two streams: the first byte of each piece says which side sent it.
    let pieces = data.chunks(7).map(|c| {
        let from = if c[0] & 1 == 0 { Direction::FromClient } else { Direction::FromServer };
        (from, 0, &c[1..])
    });
    for session in [Session::from_file(&file).ok(), Some(Session::from_streams(pieces))].into_iter().flatten() {
        let _ = session.titles();
        for r in &session.records {
            let mut at = 0;
            for a in annotate(r) {
                assert_eq!(a.range.start, at);
                at = a.range.end;
            }
            assert_eq!(at, r.bytes.len());
        }
    }
});
