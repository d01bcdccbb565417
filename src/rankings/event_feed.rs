//! The boards of a province event game, fed with the game's own board (`feed.rs`): when a
//! question closes, the room's totals arrive here too, and an event game's players who named a
//! school are written onto the province, their commune and their school (score, then answer
//! time), and their schools and communes are tallied again from every player's total
//! (`domain::event_boards`). What comes out are the feed's ordinary absolute `Set`s, so they go
//! in the feed's one pipelined write per close, only what changed, and are written again in
//! full after a Redis failure.
//!
//! Only the node that runs the game (the owner) feeds its boards; it learns each player's
//! school from the database (`event_players`, written by whichever node the phone joined
//! through), reading the game's rows again only when a total names a player it does not know.
//! After a takeover the new owner starts afresh from the same rows and the totals the rebuilt
//! room feeds at once (as of the last close, `Room::taken_over`), then each close's.

use std::collections::{BTreeSet, HashMap};

use super::feed_items::{game_entry, game_member, Feed, GameTotal};
use crate::domain::context::Context;
use crate::domain::event_boards::{player_scopes, unit_boards, unit_order, Standing};
use crate::domain::GameId;
use crate::storage::Store;

/// The event games this feed has seen, and what it knows of them.
pub(super) struct Events {
    store: Store,
    /// `None`: the game is not an event (it never becomes one once players are in).
    games: HashMap<GameId, Option<EventGame>>,
}

#[derive(Default)]
struct EventGame {
    /// Each player's school and commune, as stored.
    units: HashMap<i64, (String, String)>,
    /// Players with a unit and their latest totals.
    standings: HashMap<i64, Standing>,
    /// Unit boards and the units last written on them, to take off a unit left empty.
    units_written: HashMap<String, BTreeSet<String>>,
    /// Every board written, to let them expire with the game.
    boards: BTreeSet<String>,
}

impl Events {
    pub(super) fn new(store: Store) -> Events {
        Events {
            store,
            games: HashMap::new(),
        }
    }

    /// The feeds a question's totals make for an event game's boards (none for another game).
    pub(super) async fn totals(&mut self, game: GameId, totals: &[GameTotal]) -> Vec<Feed> {
        if !self.games.contains_key(&game) {
            match self.store.is_event_game(game).await {
                Ok(Some(true)) => {
                    self.games.insert(game, Some(EventGame::default()));
                }
                Ok(_) => {
                    self.games.insert(game, None);
                }
                Err(e) => {
                    // Asked again at the next close; the totals then are absolute anyway.
                    tracing::warn!(%game, error = %e, "reading whether a game is an event failed");
                    return Vec::new();
                }
            }
        }
        let Some(Some(event)) = self.games.get_mut(&game) else {
            return Vec::new();
        };
        if totals.iter().any(|t| !event.units.contains_key(&t.player)) {
            match self.store.event_players(game).await {
                Ok(rows) => {
                    for r in rows {
                        event.units.insert(r.player, (r.school, r.commune));
                    }
                }
                Err(e) => tracing::warn!(%game, error = %e, "reading an event's players failed"),
            }
        }
        for t in totals {
            if let Some((school, commune)) = event.units.get(&t.player) {
                event.standings.insert(
                    t.player,
                    Standing {
                        score: t.score,
                        answer_time_ms: t.answer_time_ms,
                        school: school.clone(),
                        commune: commune.clone(),
                    },
                );
            }
        }
        let context = Context::Game(game);
        let mut players: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for t in totals {
            let Some(standing) = event.standings.get(&t.player) else {
                continue;
            };
            let entry = game_entry(t.score, t.answer_time_ms, t.player);
            for scope in player_scopes(standing) {
                players
                    .entry(scope.board(&context))
                    .or_default()
                    .push((game_member(t.player), entry.clone()));
            }
        }
        let mut feeds: Vec<Feed> = players
            .into_iter()
            .map(|(board, entries)| Feed::Set { board, entries })
            .collect();
        feeds.extend(event.unit_feeds(&context));
        for feed in &feeds {
            if let Feed::Set { board, .. } = feed {
                event.boards.insert(board.clone());
            }
        }
        feeds
    }

    /// A player removed from an event game leaves its boards, and their units' tallies.
    pub(super) fn left(&mut self, game: GameId, player: i64) -> Vec<Feed> {
        let Some(Some(event)) = self.games.get_mut(&game) else {
            return Vec::new();
        };
        let Some(standing) = event.standings.remove(&player) else {
            return Vec::new();
        };
        let context = Context::Game(game);
        let mut feeds: Vec<Feed> = player_scopes(&standing)
            .iter()
            .map(|scope| Feed::Unset {
                board: scope.board(&context),
                member: game_member(player),
            })
            .collect();
        feeds.extend(event.unit_feeds(&context));
        feeds
    }

    /// The game ended: its boards get no more updates (they expire as the game's own).
    pub(super) fn over(&mut self, game: GameId) -> Vec<Feed> {
        match self.games.remove(&game) {
            Some(Some(event)) => event
                .boards
                .into_iter()
                .map(|board| Feed::Done { board })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl EventGame {
    /// Every unit board again from every standing (the feed writes only what changed), and
    /// units left without players taken off.
    fn unit_feeds(&mut self, context: &Context) -> Vec<Feed> {
        let order = unit_order();
        let mut feeds = Vec::new();
        let mut written: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (scope, tallies) in unit_boards(self.standings.values()) {
            let board = scope.board(context);
            let entries: Vec<(String, String)> = tallies
                .iter()
                .map(|(code, tally)| (code.clone(), order.encode(&tally.keys(), code)))
                .collect();
            written.insert(
                board.clone(),
                entries.iter().map(|(code, _)| code.clone()).collect(),
            );
            feeds.push(Feed::Set { board, entries });
        }
        for (board, before) in &self.units_written {
            let now = written.get(board);
            for code in before {
                if now.is_none_or(|n| !n.contains(code)) {
                    feeds.push(Feed::Unset {
                        board: board.clone(),
                        member: code.clone(),
                    });
                }
            }
        }
        self.units_written = written;
        feeds
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bank::Level;
    use crate::domain::roster::School;
    use crate::domain::AccountId;
    use crate::storage::writer::{self, Write};
    use crate::storage::{Inserted, NewGame, Role};

    /// A store with schools A, B (commune X) and C (commune Y), and game 1 as an event (or not)
    /// whose players 0…n named `schools[i]`.
    async fn store_with(event: bool, schools: &[&str]) -> (tempfile::TempDir, Store, GameId) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&Store::sqlite_url(&dir.path().join("e.db")))
            .await
            .unwrap();
        store.seed_communes().await.unwrap();
        let communes: Vec<String> = store
            .communes()
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.code)
            .take(2)
            .collect();
        let school = |code: &str, commune: &str| School {
            code: code.into(),
            name: format!("Trường {code}"),
            levels: vec![Level::Thcs],
            commune: commune.into(),
            enrolment: 100,
        };
        store
            .upsert_schools(&[
                school("A", &communes[0]),
                school("B", &communes[0]),
                school("C", &communes[1]),
            ])
            .await
            .unwrap();
        let Inserted::New(host) = store
            .create_account("t", "T", Role::Organizer, None, "x")
            .await
            .unwrap()
        else {
            panic!("a new account")
        };
        let quiz = store
            .create_quiz(AccountId::new(host), "Q", &[])
            .await
            .unwrap();
        let game = store
            .create_game(&NewGame {
                quiz_id: quiz,
                host_id: AccountId::new(host),
                pin: "111111",
                title: "Q",
                settings_json: "{}",
                seed: 1,
            })
            .await
            .unwrap();
        if event {
            store.set_game_event(game).await.unwrap();
        }
        let (writer, _task) = writer::spawn(store.clone());
        for (i, s) in schools.iter().enumerate() {
            let row = Write::Player {
                game,
                player: i as i64,
                nickname: format!("p{i}"),
                token_hash: String::new(),
                school: Some((*s).into()),
            };
            writer.write(row, None).await;
        }
        writer.flush().await;
        (dir, store, game)
    }

    fn total(player: i64, score: i64, time: i64) -> GameTotal {
        GameTotal {
            player,
            score,
            answer_time_ms: time,
        }
    }

    /// The members each board was set to, by board name's end.
    fn sets(feeds: &[Feed]) -> HashMap<String, Vec<String>> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for f in feeds {
            if let Feed::Set { board, entries } = f {
                let name = board.split_once('/').unwrap().1.to_owned();
                out.entry(name)
                    .or_default()
                    .extend(entries.iter().map(|(m, _)| m.clone()));
            }
        }
        out
    }

    #[tokio::test]
    async fn a_close_puts_each_player_on_three_boards_and_tallies_every_unit() {
        let (_dir, store, game) = store_with(true, &["A", "A", "B", "C"]).await;
        let mut events = Events::new(store);
        let feeds = events
            .totals(
                game,
                &[
                    total(0, 900, 3000),
                    total(1, 100, 3000),
                    total(2, 500, 1000),
                    total(3, 500, 2000),
                    // Player 4 named no school: on the game's own board only.
                    total(4, 2000, 10),
                ],
            )
            .await;
        let boards = sets(&feeds);
        assert_eq!(boards["i/province"].len(), 4);
        assert_eq!(boards["i/school/A"], ["0000000", "0000001"]);
        assert_eq!(boards["schools/province"].len(), 3);
        assert_eq!(boards["communes"].len(), 2);
        // A removed player leaves their boards, and a unit left without players its board.
        let feeds = events.left(game, 3);
        let unset: Vec<(String, String)> = feeds
            .iter()
            .filter_map(|f| match f {
                Feed::Unset { board, member } => Some((board.clone(), member.clone())),
                _ => None,
            })
            .collect();
        let context = Context::Game(game);
        for board in ["i/province", "schools/province", "communes"] {
            assert!(
                unset
                    .iter()
                    .any(|(b, _)| *b == format!("{context}/{board}")),
                "{board}: {unset:?}"
            );
        }
        assert!(unset.contains(&(format!("{context}/schools/province"), "C".into())));
        let over = events.over(game);
        assert!(over.iter().all(|f| matches!(f, Feed::Done { .. })));
        assert!(over.len() >= 9, "every board written expires with the game");
    }

    #[tokio::test]
    async fn a_game_that_is_not_an_event_feeds_no_board_of_its_own() {
        let (_dir, store, game) = store_with(false, &["A"]).await;
        let mut events = Events::new(store);
        assert!(events.totals(game, &[total(0, 10, 10)]).await.is_empty());
        assert!(events.left(game, 0).is_empty());
        assert!(events.over(game).is_empty());
    }
}
