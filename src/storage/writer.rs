//! The one task that writes a game's players and answers. Live rooms hand it rows and go on;
//! it commits them in batches (one transaction per batch: one fsync for many answers) and only
//! then runs each row's `done` callback — which is what sends the player's receipt. So a
//! receipt means "on disk", and a burst of 19,000 answers costs a few dozen commits, not 19,000.

use crate::domain::game::restore::Progress;
use crate::domain::GameId;
use tokio::sync::mpsc;

use super::bell::{BellActRow, BellAnswerRow};
use super::{unix_ms, GameStatus, Store};

/// Called once the row is committed (`true`) or the write failed (`false`).
pub type Done = Box<dyn FnOnce(bool) + Send>;

/// A row for the writer.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// A player who joined, with the school they named when the game is a province event
    /// (migration 0016): both rows go in the same commit, so a welcomed event player is on the
    /// event's boards whichever node fails next.
    Player {
        game: GameId,
        player: i64,
        nickname: String,
        token_hash: String,
        school: Option<String>,
    },
    Answer(AnswerRow),
    Kick {
        game: GameId,
        player: i64,
    },
    /// Players who let a question close unanswered, charged its full time (as the game does).
    Missed {
        game: GameId,
        question: i64,
        players: Vec<i64>,
        charged_ms: i64,
    },
    Status {
        game: GameId,
        status: GameStatus,
    },
    /// Where the game is now: the phase that began at `began_ms` (Unix ms) under sequence
    /// number `seq`, for a node that takes the game over (`domain::game::restore`).
    Progress {
        game: GameId,
        at: Progress,
        began_ms: i64,
        seq: i64,
    },
    /// Final ranks and scores, written when a game finishes.
    Final {
        game: GameId,
        standings: Vec<(i64, i64, i64)>,
    },
    /// A seat taken in a Rung chuông vàng contest, with its contestant's name.
    BellSeat {
        contest: GameId,
        seat: i64,
        name: String,
    },
    /// An answer a Rung chuông vàng contest accepted (a judge's correction replaces their row).
    BellAnswer(BellAnswerRow),
    /// A line of a Rung chuông vàng contest's act log.
    BellAct(BellActRow),
    /// A Rung chuông vàng contest ended.
    BellEnded {
        contest: GameId,
    },
    /// A team game's teams as the room has them now (`domain::teams::Record` as JSON;
    /// `None`: no teams), for the report and for a node that takes the game over.
    Teams {
        game: GameId,
        record: Option<String>,
    },
    /// A Rung chuông vàng contest's report as its room wrote it at the end (JSON).
    BellReport {
        contest: GameId,
        report: String,
    },
    /// Nothing to write: its callback runs after everything queued before it is committed.
    Barrier,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRow {
    pub game: GameId,
    pub player: i64,
    pub question: i64,
    /// The answer as JSON (`[2]`, `[1,3]`, `1945`).
    pub answer: String,
    pub correct: bool,
    pub points: i64,
    pub bonus: i64,
    pub elapsed_ms: i64,
}

impl Write {
    /// What kind of row this is, for logs and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            Write::Player { .. } => "player",
            Write::Answer(_) => "answer",
            Write::Kick { .. } => "kick",
            Write::Missed { .. } => "missed",
            Write::Status { .. } => "status",
            Write::Progress { .. } => "progress",
            Write::Final { .. } => "final",
            Write::BellSeat { .. } => "bell_seat",
            Write::BellAnswer(_) => "bell_answer",
            Write::BellAct(_) => "bell_act",
            Write::BellEnded { .. } => "bell_ended",
            Write::Teams { .. } => "teams",
            Write::BellReport { .. } => "bell_report",
            Write::Barrier => "barrier",
        }
    }
}

/// Where rooms send rows. Cloned into every room.
#[derive(Clone)]
pub struct WriterHandle {
    tx: mpsc::Sender<(Write, Option<Done>)>,
}

/// Most rows in one transaction: big enough to amortize the commit, small enough that the
/// first receipt of a burst is not held back long.
const MAX_BATCH: usize = 2048;

impl WriterHandle {
    /// Queues a row. Waits only when the writer is more than a queue's length behind, which
    /// slows the rooms down instead of growing memory without bound.
    pub async fn write(&self, row: Write, done: Option<Done>) {
        if let Err(mpsc::error::SendError((_, done))) = self.tx.send((row, done)).await {
            tracing::error!("the database writer has stopped; a row was not written");
            if let Some(done) = done {
                done(false);
            }
        }
    }
}

impl WriterHandle {
    /// Waits until everything queued before this call is committed (and its callbacks have
    /// run). Rooms call it before a reveal, so every receipt reaches its phone before the
    /// answer is shown, and the reveal never shows an answer that is not yet on disk.
    pub async fn flush(&self) {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let done: Done = Box::new(move |_| {
            let _ = tx.send(());
        });
        self.write(Write::Barrier, Some(done)).await;
        let _ = rx.await;
    }
}

/// A handle and the queue behind it, with nobody consuming it: whoever holds the receiver
/// plays the database (room tests commit rows at the moment they choose).
pub fn channel(capacity: usize) -> (WriterHandle, mpsc::Receiver<(Write, Option<Done>)>) {
    let (tx, rx) = mpsc::channel(capacity);
    (WriterHandle { tx }, rx)
}

/// Starts the writer. It ends when every [`WriterHandle`] is dropped and its queue is empty, so
/// awaiting the returned task after the rooms have stopped means every row is on disk.
pub fn spawn(store: Store) -> (WriterHandle, tokio::task::JoinHandle<()>) {
    let (handle, rx) = channel(16 * 1024);
    let task = tokio::spawn(run(store, rx));
    (handle, task)
}

async fn run(store: Store, mut rx: mpsc::Receiver<(Write, Option<Done>)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        // The callbacks are not `Sync`; keep them out of what the commit borrows.
        let (rows, dones): (Vec<Write>, Vec<Option<Done>>) = batch.drain(..).unzip();
        settle(&store, rows, dones, true).await;
    }
}

/// Waits between attempts at a batch that failed: a busy SQLite file or a PostgreSQL failover
/// usually clears within a couple of seconds. Rows are idempotent, so retrying is safe.
const BACKOFF_MS: [u64; 3] = [100, 500, 2000];

/// Commits `rows` and runs each callback with the outcome. A batch that keeps failing is split
/// in halves, so one bad row costs about log2(batch) extra commits and loses only itself —
/// unless the database does not answer at all, in which case the batch fails at once instead
/// of taking hours row by row.
fn settle<'a>(
    store: &'a Store,
    rows: Vec<Write>,
    dones: Vec<Option<Done>>,
    retry: bool,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>> {
    Box::pin(async move {
        let mut outcome = commit(store, &rows).await;
        if retry {
            for wait in BACKOFF_MS {
                if outcome.is_ok() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                outcome = commit(store, &rows).await;
            }
        }
        let error = match outcome {
            Ok(()) => {
                dones.into_iter().flatten().for_each(|done| done(true));
                return;
            }
            Err(e) => e,
        };
        if rows.len() == 1 || !alive(store).await {
            tracing::error!(error = %error, rows = rows.len(), "rows not written");
            dones.into_iter().flatten().for_each(|done| done(false));
            return;
        }
        tracing::warn!(error = %error, rows = rows.len(), "a batch failed; writing it in halves");
        let (mut left_rows, mut left_dones) = (rows, dones);
        let half = left_rows.len() / 2;
        let (right_rows, right_dones) = (left_rows.split_off(half), left_dones.split_off(half));
        settle(store, left_rows, left_dones, false).await;
        settle(store, right_rows, right_dones, false).await;
    })
}

/// Whether the database answers a trivial query within two seconds.
async fn alive(store: &Store) -> bool {
    let ping = sqlx::query("SELECT 1").execute(store.pool());
    matches!(
        tokio::time::timeout(std::time::Duration::from_secs(2), ping).await,
        Ok(Ok(_))
    )
}

/// Rows per multi-row INSERT: one statement instead of sixteen (each statement is a round trip
/// to SQLite's worker thread or to PostgreSQL). Not more: sqlx binds SQLite's `$n` parameters
/// by looking each one's name up, so a statement's cost grows with the square of its
/// parameters (at 100 rows, 900 parameters, the lookups were 8 % of the server's CPU).
const ROWS_PER_STATEMENT: usize = 16;

async fn commit(store: &Store, batch: &[Write]) -> sqlx::Result<()> {
    // Waits for an import's chunk to commit, never for a whole import (see `write_turn`).
    let _turn = store.write_turn().await;
    let mut tx = store.pool().begin().await?;
    let now = unix_ms();
    let mut i = 0;
    while i < batch.len() {
        // Runs of joins or of answers (a burst) go in multi-row statements, in order.
        let players = run_of(&batch[i..], |w| matches!(w, Write::Player { .. }));
        if players > 0 {
            let run = &batch[i..i + players];
            for part in run.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO players (game_id, id, nickname, token_hash, joined_at) VALUES {} \
                     ON CONFLICT (game_id, id) DO NOTHING",
                    super::units::placeholders(part.len(), 5)
                );
                let mut q = sqlx::query(&sql);
                for w in part {
                    if let Write::Player {
                        game,
                        player,
                        nickname,
                        token_hash,
                        ..
                    } = w
                    {
                        q = q
                            .bind(game)
                            .bind(player)
                            .bind(nickname)
                            .bind(token_hash)
                            .bind(now);
                    }
                }
                q.execute(&mut *tx).await?;
            }
            let schools: Vec<(GameId, i64, &str)> = run
                .iter()
                .filter_map(|w| match w {
                    Write::Player {
                        game,
                        player,
                        school: Some(school),
                        ..
                    } => Some((*game, *player, school.as_str())),
                    _ => None,
                })
                .collect();
            for part in schools.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO event_players (game_id, player_id, school) VALUES {} \
                     ON CONFLICT (game_id, player_id) DO NOTHING",
                    super::units::placeholders(part.len(), 3)
                );
                let mut q = sqlx::query(&sql);
                for (game, player, school) in part {
                    q = q.bind(game).bind(player).bind(*school);
                }
                q.execute(&mut *tx).await?;
            }
            i += players;
            continue;
        }
        let answers = run_of(&batch[i..], |w| matches!(w, Write::Answer(_)));
        if answers > 0 {
            for part in batch[i..i + answers].chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO answers (game_id, player_id, question, answer, correct, points, bonus, elapsed_ms, received_at) \
                     VALUES {} ON CONFLICT (game_id, player_id, question) DO NOTHING",
                    super::units::placeholders(part.len(), 9)
                );
                let mut q = sqlx::query(&sql);
                for w in part {
                    if let Write::Answer(a) = w {
                        q = q
                            .bind(a.game)
                            .bind(a.player)
                            .bind(a.question)
                            .bind(&a.answer)
                            .bind(i64::from(a.correct))
                            .bind(a.points)
                            .bind(a.bonus)
                            .bind(a.elapsed_ms)
                            .bind(now);
                    }
                }
                q.execute(&mut *tx).await?;
            }
            i += answers;
            continue;
        }
        match &batch[i] {
            Write::Player { .. } | Write::Answer(_) => unreachable!("taken as runs above"),
            Write::Missed {
                game,
                question,
                players,
                charged_ms,
            } => {
                for part in players.chunks(ROWS_PER_STATEMENT) {
                    let sql = format!(
                        "INSERT INTO misses (game_id, player_id, question, charged_ms) VALUES {} \
                         ON CONFLICT (game_id, player_id, question) DO NOTHING",
                        super::units::placeholders(part.len(), 4)
                    );
                    let mut q = sqlx::query(&sql);
                    for player in part {
                        q = q.bind(game).bind(player).bind(question).bind(charged_ms);
                    }
                    q.execute(&mut *tx).await?;
                }
            }
            Write::Kick { game, player } => {
                sqlx::query("UPDATE players SET kicked = 1 WHERE game_id = $1 AND id = $2")
                    .bind(game)
                    .bind(player)
                    .execute(&mut *tx)
                    .await?;
            }
            Write::Status { game, status } => {
                let column = match status {
                    GameStatus::Running => "started_at",
                    _ => "finished_at",
                };
                let sql = format!("UPDATE games SET status = $1, {column} = $2 WHERE id = $3");
                sqlx::query(&sql)
                    .bind(status.as_str())
                    .bind(now)
                    .bind(game)
                    .execute(&mut *tx)
                    .await?;
            }
            Write::Barrier => {}
            Write::Progress {
                game,
                at,
                began_ms,
                seq,
            } => {
                let (phase, index) = progress_columns(*at);
                sqlx::query(
                    "UPDATE games SET phase = $1, phase_index = $2, phase_at = $3, seq = $4 WHERE id = $5",
                )
                .bind(phase)
                .bind(index)
                .bind(began_ms)
                .bind(seq)
                .bind(game)
                .execute(&mut *tx)
                .await?;
            }
            Write::BellSeat {
                contest,
                seat,
                name,
            } => {
                sqlx::query(
                    "INSERT INTO bell_seats (contest_id, seat, name, joined_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (contest_id, seat) DO NOTHING",
                )
                .bind(contest)
                .bind(seat)
                .bind(name)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            Write::BellAnswer(a) => {
                sqlx::query(
                    "INSERT INTO bell_answers (contest_id, round, seat, source, answer, elapsed_ms, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (contest_id, round, seat, source) \
                     DO UPDATE SET answer = excluded.answer, elapsed_ms = excluded.elapsed_ms, \
                     received_at = excluded.received_at",
                )
                .bind(a.contest)
                .bind(a.round)
                .bind(a.seat)
                .bind(a.source.as_str())
                .bind(&a.answer)
                .bind(a.elapsed_ms)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            Write::BellAct(a) => {
                sqlx::query(
                    "INSERT INTO bell_acts (contest_id, n, at_ms, round, act) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (contest_id, n) DO NOTHING",
                )
                .bind(a.contest)
                .bind(a.n)
                .bind(a.at_ms)
                .bind(a.round)
                .bind(&a.act)
                .execute(&mut *tx)
                .await?;
            }
            Write::BellEnded { contest } => {
                sqlx::query(
                    "UPDATE bell_contests SET status = 'finished', finished_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(contest)
                .execute(&mut *tx)
                .await?;
            }
            Write::Teams { game, record } => {
                sqlx::query("UPDATE games SET teams = $1 WHERE id = $2")
                    .bind(record.as_deref())
                    .bind(game)
                    .execute(&mut *tx)
                    .await?;
            }
            Write::BellReport { contest, report } => {
                sqlx::query("UPDATE bell_contests SET report = $1 WHERE id = $2")
                    .bind(report)
                    .bind(contest)
                    .execute(&mut *tx)
                    .await?;
            }
            Write::Final { game, standings } => {
                for (player, rank, score) in standings {
                    sqlx::query("UPDATE players SET final_rank = $1, final_score = $2 WHERE game_id = $3 AND id = $4")
                        .bind(rank)
                        .bind(score)
                        .bind(game)
                        .bind(player)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        i += 1;
    }
    tx.commit().await
}

/// The `phase` and `phase_index` columns of a progression.
pub fn progress_columns(at: Progress) -> (&'static str, i64) {
    match at {
        Progress::Lobby => ("lobby", 0),
        Progress::Question(i) => ("question", i as i64),
        Progress::Reveal(i) => ("reveal", i as i64),
        Progress::Leaderboard(i) => ("leaderboard", i as i64),
    }
}

/// How many rows from the start of `rows` are of one kind.
fn run_of(rows: &[Write], kind: impl Fn(&Write) -> bool) -> usize {
    rows.iter().take_while(|w| kind(w)).count()
}
