//! A game played through `apply`, its history kept as the database keeps it; at every step
//! the game rebuilt from that history equals the one played, in everything a ranking or a
//! reveal reads.

use super::*;
use crate::domain::game::Effect;
use crate::domain::question::tests::single;
use crate::domain::question::OptionId;

fn nick(s: &str) -> Nickname {
    Nickname::parse(s).unwrap()
}

fn questions() -> Vec<Question> {
    vec![single(1, 4), single(2, 4), single(3, 4)]
}

/// The history as the owner's writer leaves it, kept from the effects.
struct Recorder {
    game: Game,
    history: History,
    /// A kick leaves the others' ranks as they were until the next close; the rebuilt game
    /// ranks without the kicked player at once.
    kicked_since_close: bool,
}

impl Recorder {
    fn new(settings: Settings) -> Recorder {
        Recorder {
            game: Game::new(questions(), settings, 11),
            history: History {
                players: Vec::new(),
                answers: Vec::new(),
                misses: Vec::new(),
                at: Progress::Lobby,
            },
            kicked_since_close: false,
        }
    }

    fn apply(&mut self, input: Input, now: u64) {
        let effects = self.game.apply(&input, Millis(now)).unwrap();
        for effect in effects {
            match effect {
                Effect::Joined { player } => self.history.players.push(PastPlayer {
                    nickname: self.game.players[player as usize].nickname.clone(),
                    kicked: false,
                }),
                Effect::Kicked { player } => {
                    self.history.players[player as usize].kicked = true;
                    self.kicked_since_close = true;
                }
                Effect::AnswerAccepted {
                    player,
                    index,
                    record,
                    bank_answer,
                } => self.history.answers.push(PastAnswer {
                    player,
                    question: index,
                    answer: bank_answer,
                    elapsed_ms: record.elapsed_ms,
                }),
                Effect::QuestionOpened { index } => self.history.at = Progress::Question(index),
                Effect::QuestionClosed { index } => {
                    self.history.at = Progress::Reveal(index);
                    self.kicked_since_close = false;
                    for p in self.game.players.iter().filter(|p| p.missed(index)) {
                        self.history.misses.push((p.id, index));
                    }
                }
                Effect::LeaderboardShown { index } => {
                    self.history.at = Progress::Leaderboard(index)
                }
                _ => {}
            }
        }
    }

    fn answer(&mut self, player: PlayerId, q: usize, bank: OptionId, now: u64) {
        let answer = Answer::Options(vec![self.game.rounds[q].labels.to_shown(bank).unwrap()]);
        self.apply(
            Input::Answer {
                player,
                question: q,
                answer,
                sent_at: None,
            },
            now,
        );
    }

    /// The rebuilt game equals the played one.
    fn check(&self, step: &str) {
        let restored = Game::restore(questions(), self.game.settings.clone(), 11, &self.history)
            .unwrap_or_else(|e| panic!("{step}: {e:?}"));
        let (played, back) = (&self.game, &restored.game);
        assert_eq!(back.players.len(), played.players.len(), "{step}");
        for (a, b) in played.players.iter().zip(&back.players) {
            if a.kicked {
                // Kicked as soon as replayed: out of the ranking, what they had is not kept.
                assert_eq!((b.kicked, b.rank), (true, None), "{step}: player {}", a.id);
                continue;
            }
            let rank = |r: Option<u32>| r.filter(|_| !self.kicked_since_close);
            assert_eq!(
                (
                    a.score,
                    a.answer_time_ms,
                    a.correct_count,
                    a.streak,
                    rank(a.rank)
                ),
                (
                    b.score,
                    b.answer_time_ms,
                    b.correct_count,
                    b.streak,
                    rank(b.rank)
                ),
                "{step}: player {}",
                a.id
            );
            assert_eq!(a.answers, b.answers, "{step}: player {}", a.id);
            assert!(!b.connected, "{step}: nobody is connected after a takeover");
        }
        if !self.kicked_since_close {
            assert_eq!(back.standings, played.standings, "{step}");
        }
        let phase = |p: Phase| match p {
            Phase::Lobby => Progress::Lobby,
            Phase::Question { index, .. } => Progress::Question(index),
            Phase::Reveal { index, .. } => Progress::Reveal(index),
            Phase::Leaderboard { index, .. } => Progress::Leaderboard(index),
            Phase::Finished => panic!("{step}: a finished game is not taken over"),
        };
        assert_eq!(phase(back.phase), phase(played.phase), "{step}");
        if !played.players.iter().any(|p| p.kicked) {
            for (a, b) in played.rounds.iter().zip(&back.rounds) {
                assert_eq!(
                    (a.answered, a.correct, &a.distribution),
                    (b.answered, b.correct, &b.distribution),
                    "{step}"
                );
            }
        }
        assert_eq!(back.settings.late_join, played.settings.late_join, "{step}");
        if let Phase::Question { opened_at, .. } = back.phase {
            assert_eq!(opened_at, restored.phase_began, "{step}");
        }
    }
}

/// Four players; one joins during the first question, one misses the second, scores differ by
/// answer time; the history is rebuilt after every input.
fn play(settings: Settings, kick: bool) {
    let mut r = Recorder::new(settings);
    for name in ["An", "Bình", "Chi"] {
        r.apply(
            Input::Join {
                nickname: nick(name),
            },
            0,
        );
        r.check(&format!("{name} joined"));
    }
    r.apply(Input::Start, 1_000);
    r.check("q0 open");
    let reading = r.game.settings.reading_ms.unwrap_or(0);
    let t = |base: u64, after: u64| base + reading + after;
    r.answer(0, 0, 1, t(1_000, 2_000));
    r.check("q0: An right");
    r.apply(
        Input::Join {
            nickname: nick("Dũng"),
        },
        t(1_000, 3_000),
    );
    r.check("q0: Dũng joined late");
    r.answer(1, 0, 2, t(1_000, 4_500));
    r.answer(3, 0, 1, t(1_000, 5_000));
    r.check("q0: three answered");
    r.apply(Input::Next, t(1_000, 9_000));
    r.check("q0 closed, Chi missed");
    r.apply(Input::Next, 40_000);
    r.check("leaderboard 0");
    if kick {
        r.apply(Input::Kick { player: 1 }, 40_500);
        r.check("Bình kicked");
    }
    r.apply(Input::Next, 41_000);
    r.check("q1 open");
    r.answer(2, 1, 2, t(41_000, 1_000));
    r.answer(0, 1, 2, t(41_000, 7_000));
    r.check("q1: mid-question");
    r.apply(Input::Next, t(41_000, 12_000));
    r.check("q1 closed");
    r.apply(Input::Next, 80_000);
    r.apply(Input::Next, 81_000);
    r.answer(3, 2, 3, t(81_000, 100));
    r.answer(0, 2, 1, t(81_000, 300));
    r.check("q2: mid-question");
    r.apply(Input::Next, t(81_000, 19_000));
    r.check("q2 closed");
    r.apply(Input::Next, 120_000);
    r.check("leaderboard 2");
}

#[test]
fn a_game_rebuilt_from_its_history_equals_the_game_played_at_every_step() {
    play(Settings::default(), false);
}

#[test]
fn with_streak_bonuses_and_a_reading_time_too() {
    let settings = Settings {
        streak_bonus: true,
        reading_ms: Some(3_000),
        ..Settings::default()
    };
    play(settings, false);
}

#[test]
fn a_kicked_player_stays_out_of_the_ranking_after_a_takeover() {
    play(Settings::default(), true);
}

#[test]
fn a_question_taken_over_waits_for_its_deadline_though_the_players_back_have_answered() {
    let mut r = Recorder::new(Settings::default());
    for name in ["An", "Bình"] {
        r.apply(
            Input::Join {
                nickname: nick(name),
            },
            0,
        );
    }
    r.apply(Input::Start, 1_000);
    r.answer(0, 0, 1, 2_000);
    let restored = Game::restore(questions(), Settings::default(), 11, &r.history).unwrap();
    let (mut g, t0) = (restored.game, restored.phase_began);
    g.apply(&Input::Reconnect { player: 0 }, t0 + 2_000)
        .unwrap();
    let answer = Answer::Options(vec![g.rounds[0].labels.to_shown(1).unwrap()]);
    let repeat = Input::Answer {
        player: 0,
        question: 0,
        answer,
        sent_at: None,
    };
    assert_eq!(
        g.apply(&repeat, t0 + 2_500).unwrap(),
        vec![Effect::AnswerRepeated {
            player: 0,
            index: 0
        }]
    );
    g.apply(&Input::Reconnect { player: 1 }, t0 + 3_000)
        .unwrap();
    let answer = Answer::Options(vec![g.rounds[0].labels.to_shown(2).unwrap()]);
    let late = Input::Answer {
        player: 1,
        question: 0,
        answer,
        sent_at: None,
    };
    let effects = g.apply(&late, t0 + 4_000).unwrap();
    assert!(
        !effects.contains(&Effect::QuestionClosed { index: 0 }),
        "{effects:?}"
    );
    assert!(matches!(g.phase, Phase::Question { index: 0, .. }));
    let effects = g.apply(&Input::Tick, t0 + 21_000).unwrap();
    assert_eq!(effects, vec![Effect::QuestionClosed { index: 0 }]);
}
