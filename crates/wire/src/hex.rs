//! Bytes as hex text, read the way people paste it: spaces, newlines, commas,
//! `0x` prefixes and any case are all fine.

/// Why text is not hex bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// A character that is not a hex digit or a separator.
    #[error("character {position} ({found:?}) is not a hex digit (0–9, a–f)")]
    NotHex {
        /// The character index, from 0.
        position: usize,
        /// The character.
        found: char,
    },
    /// An odd number of digits in a group: a byte is always two digits.
    #[error(
        "the group starting at character {position} has an odd number of hex digits; every byte is two digits"
    )]
    OddDigits {
        /// Where the group starts.
        position: usize,
    },
}

/// Reads hex bytes. Separators are white space and commas; a group may start
/// with `0x`. Digits in one group are read two at a time (`48656c6c6f`).
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let chars: Vec<(usize, char)> = text.chars().enumerate().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() || c == ',' {
            i += 1;
            continue;
        }
        let start = pos;
        if c == '0' && matches!(chars.get(i + 1), Some((_, 'x' | 'X'))) {
            i += 2;
        }
        let mut digits = Vec::new();
        while let Some(&(p, d)) = chars.get(i) {
            if d.is_whitespace() || d == ',' {
                break;
            }
            match d.to_digit(16) {
                Some(v) => digits.push(v as u8),
                None => {
                    return Err(HexError::NotHex {
                        position: p,
                        found: d,
                    });
                }
            }
            i += 1;
        }
        if digits.len() % 2 != 0 {
            return Err(HexError::OddDigits { position: start });
        }
        out.extend(digits.chunks(2).map(|p| (p[0] << 4) | p[1]));
    }
    Ok(out)
}

/// Bytes as lowercase hex pairs separated by spaces: `81 85 37 fa`.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerant_forms() {
        let want = Ok(vec![0x81, 0x85, 0x37, 0xfa]);
        for text in [
            "81 85 37 fa",
            "8185 37FA",
            "0x81, 0x85, 0x37, 0xFA",
            "81\n85\r\n37\tfa",
            "818537fa",
            "  81 85 37 fa  ",
        ] {
            assert_eq!(parse_hex(text), want, "{text:?}");
        }
        assert_eq!(parse_hex(""), Ok(vec![]));
    }

    #[test]
    fn errors_name_the_character() {
        assert_eq!(parse_hex("81 8"), Err(HexError::OddDigits { position: 3 }));
        assert_eq!(
            parse_hex("81 zz"),
            Err(HexError::NotHex {
                position: 3,
                found: 'z'
            })
        );
        assert_eq!(
            parse_hex("é1"),
            Err(HexError::NotHex {
                position: 0,
                found: 'é'
            })
        );
    }

    #[test]
    fn round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(parse_hex(&to_hex(&bytes)), Ok(bytes));
    }
}
