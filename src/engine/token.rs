//! Player tokens: `{game}.{player}.{secret}`. The ids say which room to ask; the secret proves
//! the holder is that player. Rooms and the database keep only a hash of the secret.

use crate::domain::GameId;
use blake2::{Blake2s256, Digest};

use crate::domain::game::PlayerId;

/// A fresh random secret: 128 bits, hex.
pub fn new_secret() -> String {
    hex(&rand::random::<[u8; 16]>())
}

pub fn hash(secret: &str) -> [u8; 32] {
    Blake2s256::digest(secret.as_bytes()).into()
}

pub fn format(game: GameId, player: PlayerId, secret: &str) -> String {
    format!("{game}.{player}.{secret}")
}

/// Splits a token into game, player and secret; `None` if it is not shaped like one.
pub fn parse(token: &str) -> Option<(GameId, PlayerId, &str)> {
    let mut parts = token.splitn(3, '.');
    let game = GameId::new(parts.next()?.parse().ok()?);
    let player = parts.next()?.parse().ok()?;
    let secret = parts.next()?;
    (secret.len() == 32 && secret.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some((game, player, secret))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The 32 bytes written by [`hex`] as 64 hex digits; `None` for anything else.
pub fn unhex32(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_malformed_tokens() {
        let secret = new_secret();
        let token = format(GameId::new(17), 3, &secret);
        assert_eq!(parse(&token), Some((GameId::new(17), 3, secret.as_str())));
        assert_eq!(parse("17.3"), None);
        assert_eq!(parse("17.x.00"), None);
        assert_eq!(parse(&format!("17.3.{}", "z".repeat(32))), None);
        assert_ne!(new_secret(), secret);
    }

    #[test]
    fn a_stored_hash_reads_back() {
        let h = hash("bí mật");
        assert_eq!(unhex32(&hex(&h)), Some(h));
        assert_eq!(unhex32("00"), None);
        assert_eq!(unhex32(&"zz".repeat(32)), None);
    }
}
