//! Login cards: a secret per student, printed by the school. Secrets are random (50 bits from
//! an alphabet without look-alikes: no 0/O, no 1/I), so a fast hash is enough to keep them
//! from a copy of the database, as with session tokens; a slow password hash protects guessable
//! human passwords, and would make a school's 1,000 students signing in at 8:00 wait in line.

use blake2::{Blake2s256, Digest};
use rand::Rng;

/// 32 symbols: 5 bits each.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const SYMBOLS: usize = 10;

/// A new secret, printed as `ABCDE-FGHJK`.
pub fn new_secret(rng: &mut impl Rng) -> String {
    let symbols: String = (0..SYMBOLS)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &symbols[..5], &symbols[5..])
}

/// What a participant typed, as printed: case, spaces and the dash do not matter.
pub fn normalize(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The stored hash of a secret, salted with the student's code.
pub fn hash(code: &str, secret: &str) -> String {
    let mut h = Blake2s256::new();
    h.update(b"hoithi login card\0");
    h.update(code.as_bytes());
    h.update([0]);
    h.update(normalize(secret).as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `typed` is the secret whose hash is `stored`, in constant time.
pub fn verify(code: &str, typed: &str, stored: &str) -> bool {
    let got = hash(code, typed);
    got.len() == stored.len()
        && got
            .bytes()
            .zip(stored.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn a_secret_is_typed_back_however_it_is_spaced_or_cased() {
        let mut rng = StdRng::seed_from_u64(1);
        let secret = new_secret(&mut rng);
        assert_eq!(secret.len(), 11);
        assert!(secret
            .chars()
            .all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        let stored = hash("HS001", &secret);
        assert!(verify(
            "HS001",
            &secret.to_lowercase().replace('-', " "),
            &stored
        ));
        assert!(!verify("HS002", &secret, &stored), "salted with the code");
        assert!(!verify("HS001", "AAAAA-AAAAA", &stored));
        assert_ne!(new_secret(&mut rng), secret);
    }
}
