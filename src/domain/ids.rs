//! Ids of the things a database row names, typed so that a game's id cannot be passed where an
//! account's is expected. Storage reads and binds the number inside (`get`); everything above
//! it passes the type.

use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(id: i64) -> $name {
                $name(id)
            }

            /// The number, for a database row or a key.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id! {
    /// A live game (`games.id`).
    GameId
}

id! {
    /// An account of a teacher, a school admin or an organizer (`accounts.id`).
    AccountId
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_and_serialize_as_their_number() {
        let game = GameId::new(17);
        assert_eq!(game.to_string(), "17");
        assert_eq!(serde_json::to_string(&game).unwrap(), "17");
        assert_eq!(serde_json::from_str::<GameId>("17").unwrap(), game);
        assert_eq!(AccountId::new(3).get(), 3);
    }
}
