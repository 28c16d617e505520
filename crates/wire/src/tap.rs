//! The record format of wslab-echo's tap (not part of RFC 6455): the raw bytes
//! of a connection, passed on as they crossed the wire, so that the receiver
//! can split them into frames with [`crate::decode::Splitter`]. Kept here so
//! the server that writes it and the page that reads it share one definition.
//!
//! A binary tap message is a run of records: direction (1 byte: 0 from the
//! client, 1 from the server), milliseconds since the connection started
//! (u32, big-endian), length (u32, big-endian), then that many bytes.

/// One record: (from the client, milliseconds, bytes).
pub type Record = (bool, u32, Vec<u8>);

/// Appends a record.
pub fn encode_record(out: &mut Vec<u8>, from_client: bool, t_ms: u32, bytes: &[u8]) {
    out.push(u8::from(!from_client));
    out.extend_from_slice(&t_ms.to_be_bytes());
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(&bytes[..bytes.len().min(u32::MAX as usize)]);
}

/// Reads every whole record; a truncated last record is left out.
pub fn decode_records(mut data: &[u8]) -> Vec<Record> {
    let mut out = Vec::new();
    while let [d, t0, t1, t2, t3, l0, l1, l2, l3, rest @ ..] = data {
        let len = u32::from_be_bytes([*l0, *l1, *l2, *l3]) as usize;
        let Some(bytes) = rest.get(..len) else { break };
        out.push((
            *d == 0,
            u32::from_be_bytes([*t0, *t1, *t2, *t3]),
            bytes.to_vec(),
        ));
        data = &rest[len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_stop_at_a_truncated_one() {
        let mut msg = Vec::new();
        encode_record(&mut msg, true, 7, b"abc");
        encode_record(&mut msg, false, 70_000, &[]);
        encode_record(&mut msg, false, 9, b"xyz");
        let all = decode_records(&msg);
        assert_eq!(
            all,
            [
                (true, 7, b"abc".to_vec()),
                (false, 70_000, vec![]),
                (false, 9, b"xyz".to_vec())
            ]
        );
        assert_eq!(decode_records(&msg[..msg.len() - 1]).len(), 2);
        assert!(decode_records(&[1, 2, 3]).is_empty());
    }
}
