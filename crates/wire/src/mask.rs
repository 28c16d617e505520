//! Masking (RFC 6455 §5.3): every payload byte XORed with a key byte.
//!
//! Byte `i` of the payload is XORed with byte `i mod 4` of the 4-byte masking
//! key. Applying the same key twice gives the original bytes back, so the same
//! function masks and unmasks. Masking is not encryption: the key travels in the
//! frame. It exists so that a script cannot choose the bytes an intermediary
//! sees, which protects caching proxies from poisoning (§10.3).

/// A 4-byte masking key (§5.3). A client chooses a fresh, unpredictable key
/// for every frame.
pub type MaskKey = [u8; 4];

/// XORs `buf` in place with `key`, as if `buf` started at byte `offset` of the
/// payload (so a payload can be masked in pieces). Works on eight bytes at a
/// time; any length and alignment is fine.
pub fn apply_mask(buf: &mut [u8], key: MaskKey, offset: usize) {
    let mut key = key;
    key.rotate_left(offset % 4);
    let wide = u64::from_ne_bytes([
        key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3],
    ]);
    let mut words = buf.chunks_exact_mut(8);
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        word.copy_from_slice(&(u64::from_ne_bytes(bytes) ^ wide).to_ne_bytes());
    }
    // Each word is two whole key periods, so the rest starts at key byte 0 again.
    apply_mask_bytewise(words.into_remainder(), key, 0);
}

/// The plain definition of §5.3, one byte at a time: the oracle the fast
/// version is tested against, and what the frame lab shows as arithmetic.
pub fn apply_mask_bytewise(buf: &mut [u8], key: MaskKey, offset: usize) {
    for (i, byte) in buf.iter_mut().enumerate() {
        *byte ^= key[(offset + i) % 4];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_matches_bytewise_for_every_length_alignment_and_offset() {
        let key = [0x37, 0xfa, 0x21, 0x3d];
        let data: Vec<u8> = (0..200u8)
            .map(|i| i.wrapping_mul(31).wrapping_add(7))
            .collect();
        for start in 0..8 {
            for len in 0..(data.len() - start) {
                for offset in 0..4 {
                    let mut fast = data[start..start + len].to_vec();
                    let mut slow = fast.clone();
                    apply_mask(&mut fast, key, offset);
                    apply_mask_bytewise(&mut slow, key, offset);
                    assert_eq!(fast, slow, "start {start} len {len} offset {offset}");
                }
            }
        }
    }

    #[test]
    fn rfc_hello_example() {
        // §5.7: "Hello" masked with 37 fa 21 3d.
        let mut payload = *b"Hello";
        apply_mask(&mut payload, [0x37, 0xfa, 0x21, 0x3d], 0);
        assert_eq!(payload, [0x7f, 0x9f, 0x4d, 0x51, 0x58]);
    }

    #[test]
    fn masking_in_pieces_equals_masking_whole() {
        let key = [1, 2, 3, 4];
        let mut whole: Vec<u8> = (0..77).collect();
        let mut pieces = whole.clone();
        apply_mask(&mut whole, key, 0);
        let (a, b) = pieces.split_at_mut(13);
        apply_mask(a, key, 0);
        apply_mask(b, key, 13);
        assert_eq!(whole, pieces);
    }
}
