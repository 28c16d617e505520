//! Incremental UTF-8 validation (RFC 6455 §5.6, §8.1): a text message is
//! checked as its fragments arrive, and fails at the first byte that can no
//! longer be part of valid UTF-8 — not only when the message is complete.

/// Where a text message stopped being UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the text is not valid UTF-8 at byte {offset} of the message (RFC 6455 §8.1)")]
pub struct Utf8Error {
    /// The message offset of the first byte of the bad sequence.
    pub offset: u64,
}

/// Validates a byte stream piece by piece.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Utf8Validator {
    /// The bytes of a character cut off at the end of the last piece.
    pending: Vec<u8>,
    /// Bytes accepted so far, not counting `pending`.
    offset: u64,
}

impl Utf8Validator {
    /// A validator at the start of a message.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the next piece. A character may be split across pieces.
    pub fn push(&mut self, mut bytes: &[u8]) -> Result<(), Utf8Error> {
        // Finish a character left over from the previous piece.
        while !self.pending.is_empty() {
            let Some((&b, rest)) = bytes.split_first() else {
                return Ok(());
            };
            self.pending.push(b);
            bytes = rest;
            match std::str::from_utf8(&self.pending) {
                Ok(_) => {
                    self.offset += self.pending.len() as u64;
                    self.pending.clear();
                }
                Err(e) if e.error_len().is_some() => {
                    return Err(Utf8Error {
                        offset: self.offset,
                    });
                }
                Err(_) => {}
            }
        }
        match std::str::from_utf8(bytes) {
            Ok(_) => {
                self.offset += bytes.len() as u64;
                Ok(())
            }
            Err(e) => {
                let valid = e.valid_up_to();
                if e.error_len().is_some() {
                    return Err(Utf8Error {
                        offset: self.offset + valid as u64,
                    });
                }
                self.offset += valid as u64;
                self.pending.extend_from_slice(&bytes[valid..]);
                Ok(())
            }
        }
    }

    /// Ends the message: a character still cut off is an error.
    pub fn finish(&self) -> Result<(), Utf8Error> {
        if self.pending.is_empty() {
            Ok(())
        } else {
            Err(Utf8Error {
                offset: self.offset,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_in_pieces(bytes: &[u8], cut: usize) -> Result<(), Utf8Error> {
        let mut v = Utf8Validator::new();
        let (a, b) = bytes.split_at(cut);
        v.push(a)?;
        v.push(b)?;
        v.finish()
    }

    #[test]
    fn agrees_with_std_for_every_cut() {
        let samples: &[&[u8]] = &[
            "Hello".as_bytes(),
            "κόσμε".as_bytes(),
            "€uro 𝄞".as_bytes(),
            b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited",
            b"\xf4\x90\x80\x80",
            b"abc\xe2\x82",
            b"\xc0\xaf",
        ];
        for bytes in samples {
            let expected = std::str::from_utf8(bytes)
                .map(|_| ())
                .map_err(|e| e.valid_up_to() as u64);
            for cut in 0..=bytes.len() {
                let got = check_in_pieces(bytes, cut).map_err(|e| e.offset);
                assert_eq!(got, expected, "{bytes:?} cut at {cut}");
            }
        }
    }

    #[test]
    fn fails_mid_message_at_the_first_impossible_byte() {
        let mut v = Utf8Validator::new();
        v.push(b"ok ").unwrap();
        // 0xF0 0x28 can never become valid: fail now, not at the end.
        assert_eq!(v.push(b"\xf0\x28"), Err(Utf8Error { offset: 3 }));
    }
}
