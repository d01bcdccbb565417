//! What screens see of a game: protocol views built from the domain's state. Pure functions;
//! the room decides who gets which.

use std::collections::BTreeMap;

use crate::domain::game::{Game, Phase, Player, PlayerId};
use crate::domain::{AnswerKey, Millis};
use crate::protocol::{
    FinalStanding, HostPlayer, OptionView, QuestionView, Ranked, RevealView, State, YouResult,
};

/// How many players the leaderboard shows.
pub const LEADERBOARD_SIZE: usize = 10;
/// How many stand on the podium.
pub const PODIUM_SIZE: usize = 3;

/// Question `index` as it stands at `now`: its time left and, while a reading time runs, how
/// long until answers open (both 0 for a question that is not open).
pub fn question<'a>(
    game: &'a Game,
    index: usize,
    now: Millis,
    image_base: &str,
) -> QuestionView<'a> {
    let (remaining_ms, answers_in_ms) = match game.phase() {
        Phase::Question {
            unlocks_at,
            closes_at,
            ..
        } => (closes_at.since(now), unlocks_at.since(now)),
        _ => (0, 0),
    };
    let round = &game.rounds()[index];
    let q = &round.question;
    QuestionView {
        q: index,
        number: index + 1,
        total: game.rounds().len(),
        kind: q.kind,
        text: &q.text,
        image: q
            .image
            .as_ref()
            .map(|img| format!("{image_base}/{}/{img}", q.bank)),
        // The round's question is relabelled: its options are in display order and their
        // ids are this game's, never the bank's (`domain::option_labels`).
        options: q
            .options
            .iter()
            .enumerate()
            .map(|(i, text)| OptionView {
                id: i as u8 + 1,
                text,
            })
            .collect(),
        time_limit_ms: q.time_limit.millis(),
        remaining_ms,
        answers_in_ms: (answers_in_ms > 0).then_some(answers_in_ms),
        points: q.points.max(),
    }
}

pub fn reveal(game: &Game, index: usize) -> RevealView<'_> {
    let round = &game.rounds()[index];
    let q = &round.question;
    let value = match q.key {
        AnswerKey::Number { value, .. } => Some(value),
        _ => None,
    };
    RevealView {
        q: index,
        correct: q.correct_ids(),
        value,
        distribution: round
            .distribution
            .iter()
            .enumerate()
            .skip(1)
            .map(|(id, &n)| (id as u8, n))
            .collect::<BTreeMap<_, _>>(),
        answered: round.answered,
        right: round.correct,
        players: game.active_players(),
        explanation: &q.explanation,
        source: &q.source,
    }
}

pub fn you(player: &Player, index: usize) -> YouResult {
    let record = player.answer(index);
    YouResult {
        q: index,
        answered: record.is_some(),
        correct: record.is_some_and(|r| r.correct),
        points: record.map_or(0, |r| r.points),
        bonus: record.map_or(0, |r| r.bonus),
        score: player.score,
        rank: player.rank,
        team: None,
    }
}

pub fn top(game: &Game, n: usize) -> Vec<Ranked<'_>> {
    game.standings()
        .iter()
        .take(n)
        .filter_map(|&id| game.player(id))
        .map(|p| Ranked {
            rank: p.rank.unwrap_or(0),
            id: p.id,
            nickname: p.nickname.as_str(),
            score: p.score,
        })
        .collect()
}

pub fn standing(game: &Game, player: &Player) -> FinalStanding {
    FinalStanding {
        rank: player.rank,
        score: player.score,
        correct: player.correct_count,
        questions: game.rounds().len(),
        team: None,
    }
}

pub fn host_players(game: &Game) -> Vec<HostPlayer<'_>> {
    game.players()
        .iter()
        .filter(|p| !p.kicked)
        .map(|p| HostPlayer {
            id: p.id,
            nickname: p.nickname.as_str(),
            connected: p.connected,
        })
        .collect()
}

/// The snapshot of where the game is, for a player (`Some`) or the host (`None`).
pub fn state<'a>(
    game: &'a Game,
    now: Millis,
    viewer: Option<PlayerId>,
    image_base: &str,
) -> State<'a> {
    let player = viewer.and_then(|id| game.player(id));
    match game.phase() {
        Phase::Lobby => State::Lobby {
            locked: game.is_locked(),
        },
        Phase::Question { index, .. } => State::Question {
            question: question(game, index, now, image_base),
            answered: player.map(|p| p.answer(index).is_some()),
            answered_count: viewer.is_none().then(|| game.rounds()[index].answered),
        },
        Phase::Reveal { index, .. } => State::Reveal {
            reveal: reveal(game, index),
            you: player.map(|p| you(p, index)),
        },
        Phase::Leaderboard { index, .. } => State::Leaderboard {
            q: index,
            top: top(game, LEADERBOARD_SIZE),
            players: game.active_players(),
            you: player.map(|p| you(p, index)),
        },
        Phase::Finished => State::Finished {
            top: top(game, PODIUM_SIZE),
            players: game.active_players(),
            you: player.map(|p| standing(game, p)),
        },
    }
}
