//! Teams in the class game: who plays for which team ([`assign`]) and how teams rank on the
//! projector's leaderboard and podium, teams first and then their members ([`standing`]).
//! The game's setup of them, as the host chose it, is a [`Teams`] ([`plan`]).
//! Pure: players arrive as ids and numbers from the game, randomness as a seed.

pub mod assign;
pub mod plan;
pub mod standing;

pub use assign::{AssignError, Assignment, PickError, TeamId};
pub use plan::{PickRefused, Plan, Record, Teams};
pub use standing::{rank_teams, Member, TeamScore, TeamScoring, TeamStanding};
