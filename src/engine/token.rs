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
}
