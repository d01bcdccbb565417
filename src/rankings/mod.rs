//! Rankings of a context (a contest round, a live event) at every level: recording results,
//! keeping the leaderboards in step, rebuilding them from the database, and answering queries
//! with the public labels of who is ranked. The database is the source of truth; the boards
//! are an index of it.

use crate::domain::GameId;
mod event_feed;
pub mod feed;
mod feed_items;
pub mod known;
pub mod live;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;

use crate::domain::context::Context;
use crate::domain::ranking::RankOrder;
use crate::domain::result_order::{ResultKeys, ResultOrder};
use crate::domain::scopes::{self, collective_tallies, Scope, Tally};
use crate::leaderboard::{Leaderboards, Ranked, Update};
use crate::storage::{ClassResult, PlacedResult, ResultRow, Store};

pub mod published;

pub use crate::domain::board::Line;

#[derive(Clone)]
pub struct Rankings {
    store: Store,
    boards: Leaderboards,
    /// The order of each contest round seen so far. A round's order is fixed when it is
    /// created, so a known one never goes stale; other contexts (events) are looked up each
    /// time, as a round may be created for them later.
    round_orders: Arc<Mutex<HashMap<String, ResultOrder>>>,
    collective: RankOrder,
    /// Names of the communes (`true`) and of the schools (`false`) for an event's unit boards,
    /// which each node's viewers read every second: read again at most every minute.
    unit_names: Arc<Mutex<HashMap<bool, KeptLabels>>>,
}

/// A unit's name (and detail) by its code.
type UnitLabels = HashMap<String, (String, Option<String>)>;
/// Unit labels and when they were read.
type KeptLabels = (std::time::Instant, Arc<UnitLabels>);

/// How long an event's unit boards show a unit's name before reading the names again.
const UNIT_NAMES_KEPT: std::time::Duration = std::time::Duration::from_secs(60);

/// A result's values in [`ResultKeys`] positions.
pub fn result_keys(r: &ResultRow) -> ResultKeys {
    [r.score, r.time_ms, r.distance, r.attempts, r.submitted_at]
}

fn individual_updates(
    order: &ResultOrder,
    context: &Context,
    placed: &[PlacedResult],
) -> Vec<Update> {
    let mut updates = Vec::with_capacity(placed.len() * 4);
    for p in placed {
        let r = &p.result;
        let entry = order.encode(&result_keys(r), &r.student);
        for scope in Scope::of_participant(&p.commune, &p.school, &p.class_name) {
            updates.push(Update {
                board: scope.board(context),
                member: r.student.clone(),
                entry: entry.clone(),
            });
        }
    }
    updates
}

impl Rankings {
    pub fn new(store: Store, boards: Leaderboards) -> Rankings {
        Rankings {
            store,
            boards,
            round_orders: Arc::default(),
            unit_names: Arc::default(),
            collective: scopes::collective_order(),
        }
    }

    /// How individuals rank in `context`: a contest round's own order, else the default.
    pub async fn order_of(&self, context: &Context) -> anyhow::Result<ResultOrder> {
        let name = context.to_string();
        if let Some(order) = self.round_orders.lock().expect("orders lock").get(&name) {
            return Ok(order.clone());
        }
        if context.game().is_some() {
            return Ok(ResultOrder::default());
        }
        Ok(match self.store.round_by_context(&name).await? {
            Some(round) => {
                let order = round.rules.order;
                self.round_orders
                    .lock()
                    .expect("orders lock")
                    .insert(name, order.clone());
                order
            }
            None => ResultOrder::default(),
        })
    }

    pub fn boards(&self) -> &Leaderboards {
        &self.boards
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Records participants' absolute results: the database first, then every individual board
    /// they appear on (four each), in one round trip. Collectives follow on the next
    /// [`Rankings::refresh_collectives`].
    pub async fn record(&self, context: &Context, results: &[ResultRow]) -> anyhow::Result<()> {
        anyhow::ensure!(
            context.game().is_none(),
            "a live game's board is fed by its room, not by results"
        );
        let name = context.to_string();
        self.store
            .upsert_results(&name, results)
            .await
            .context("Failed to store results")?;
        let codes: Vec<String> = results.iter().map(|r| r.student.clone()).collect();
        let placed = self.store.placed_results(&name, Some(&codes)).await?;
        let order = self.order_of(context).await?;
        self.boards
            .set(&individual_updates(&order, context, &placed))
            .await
            .context("Failed to update leaderboards")?;
        Ok(())
    }

    /// Recomputes the collective boards of `context` from the database (absolute tallies).
    pub async fn refresh_collectives(&self, context: &Context) -> anyhow::Result<()> {
        let class_results = self.store.class_results(&context.to_string()).await?;
        for (scope, tallies) in self.collective_boards(class_results).await? {
            let entries: Vec<(String, String)> = tallies
                .iter()
                .map(|(unit, t)| (unit.clone(), self.collective.encode(&t.keys(), unit)))
                .collect();
            self.boards.replace(&scope.board(context), &entries).await?;
        }
        Ok(())
    }

    /// The tallies of every collective board, from per-class results and the roster.
    async fn collective_boards(
        &self,
        class_results: Vec<ClassResult>,
    ) -> anyhow::Result<BTreeMap<Scope, Vec<(String, Tally)>>> {
        let sizes: HashMap<(String, String), i64> = self
            .store
            .class_sizes()
            .await?
            .into_iter()
            .map(|c| ((c.school, c.class), c.students))
            .collect();
        let mut classes: BTreeMap<(String, String), Tally> = BTreeMap::new();
        for r in class_results {
            let enrolment = sizes
                .get(&(r.school.clone(), r.class.clone()))
                .copied()
                .unwrap_or(r.participants);
            classes.insert(
                (r.school, r.class),
                Tally {
                    participants: r.participants,
                    enrolment,
                    total_score: r.total_score,
                },
            );
        }
        let schools: BTreeMap<String, (String, i64)> = self
            .store
            .school_enrolments()
            .await?
            .into_iter()
            .map(|s| (s.school, (s.commune, s.enrolment)))
            .collect();
        let communes: Vec<String> = self
            .store
            .communes()
            .await?
            .into_iter()
            .map(|c| c.code)
            .collect();
        Ok(collective_tallies(&classes, &schools, &communes))
    }

    /// Rebuilds every board of `context` from the database. Returns how many results it read.
    pub async fn rebuild(&self, context: &Context) -> anyhow::Result<usize> {
        if let Some(game) = context.game() {
            return self.rebuild_game(game).await;
        }
        let placed = self
            .store
            .placed_results(&context.to_string(), None)
            .await?;
        let order = self.order_of(context).await?;
        let mut boards: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for u in individual_updates(&order, context, &placed) {
            boards.entry(u.board).or_default().push((u.member, u.entry));
        }
        for (board, entries) in &boards {
            self.boards.replace(board, entries).await?;
        }
        self.refresh_collectives(context).await?;
        Ok(placed.len())
    }

    /// Rebuilds a live game's board from its answers (and the time charged for missed
    /// questions) in the database. Returns how many players it ranked.
    pub async fn rebuild_game(&self, game: GameId) -> anyhow::Result<usize> {
        let report = self
            .store
            .report(game)
            .await?
            .with_context(|| format!("no game {game}"))?;
        let entries: Vec<(String, String)> = report
            .players
            .iter()
            .filter(|p| !p.kicked)
            .map(|p| {
                (
                    feed::game_member(p.player),
                    feed::game_entry(p.score, p.answer_time_ms, p.player),
                )
            })
            .collect();
        self.boards
            .replace(&feed::game_board(game), &entries)
            .await?;
        Ok(entries.len())
    }

    /// Ranks `offset + 1 ..= offset + limit` of a scope, with public labels (a live game's
    /// players by nickname).
    pub async fn page(
        &self,
        context: &Context,
        scope: &Scope,
        offset: u64,
        limit: u64,
    ) -> anyhow::Result<Vec<Line>> {
        let ranked = self
            .boards
            .page(&scope.board(context), offset, limit)
            .await?;
        match context.game() {
            Some(game) if *scope == Scope::Players => self.player_lines(game, ranked).await,
            Some(game) => self.event_lines(game, scope, ranked).await,
            None => self.lines(context, scope, ranked).await,
        }
    }

    /// A province event game's board lines: players by nickname with their school's name as
    /// `detail` and `keys` = [score, total answer time ms]; schools and communes by name with
    /// `member` = their code and `keys` = [average score ×1000, average answer time ms,
    /// players]. Only the page's players are read from the database.
    async fn event_lines(
        &self,
        game: GameId,
        scope: &Scope,
        ranked: Vec<Ranked>,
    ) -> anyhow::Result<Vec<Line>> {
        if scope.is_individual() {
            let order = RankOrder::live_game();
            let decoded: Vec<(u64, Vec<i64>, i64)> = ranked
                .iter()
                .filter_map(|r| {
                    let (keys, member) = order.decode(&r.entry)?;
                    Some((r.rank, keys, member.parse().ok()?))
                })
                .collect();
            let ids: Vec<i64> = decoded.iter().map(|d| d.2).collect();
            let labels: HashMap<i64, (String, String)> = self
                .store
                .event_player_labels(game, &ids)
                .await?
                .into_iter()
                .map(|l| (l.player, (l.nickname, l.school_name)))
                .collect();
            return Ok(decoded
                .into_iter()
                .map(|(rank, keys, player)| {
                    let (label, school) = labels.get(&player).cloned().unwrap_or_default();
                    Line {
                        rank,
                        member: None,
                        label,
                        detail: Some(school),
                        keys,
                    }
                })
                .collect());
        }
        let order = crate::domain::event_boards::unit_order();
        let labels = self.kept_unit_labels(scope).await?;
        Ok(ranked
            .iter()
            .filter_map(|r| {
                let (keys, member) = order.decode(&r.entry)?;
                let label = labels
                    .get(member)
                    .map(|(name, _)| name.clone())
                    .unwrap_or_else(|| member.to_owned());
                Some(Line {
                    rank: r.rank,
                    member: Some(member.to_owned()),
                    label,
                    detail: None,
                    keys,
                })
            })
            .collect())
    }

    /// A member's rank in a scope and `radius` neighbours each side.
    pub async fn around(
        &self,
        context: &Context,
        scope: &Scope,
        member: &str,
        radius: u64,
    ) -> anyhow::Result<Option<(u64, Vec<Line>)>> {
        match self
            .boards
            .around(&scope.board(context), member, radius)
            .await?
        {
            None => Ok(None),
            Some((rank, ranked)) => Ok(Some((rank, self.lines(context, scope, ranked).await?))),
        }
    }

    pub async fn len(&self, context: &Context, scope: &Scope) -> anyhow::Result<u64> {
        Ok(self.boards.len(&scope.board(context)).await?)
    }

    /// A live game's board lines: each player by the nickname they typed, `keys` = [score,
    /// total answer time in ms], no member code.
    async fn player_lines(&self, game: GameId, ranked: Vec<Ranked>) -> anyhow::Result<Vec<Line>> {
        let nicknames: HashMap<String, String> = match self.store.report(game).await? {
            Some(report) => report
                .players
                .into_iter()
                .map(|p| (feed::game_member(p.player), p.nickname))
                .collect(),
            None => HashMap::new(),
        };
        let order = RankOrder::live_game();
        Ok(ranked
            .iter()
            .filter_map(|r| {
                let (keys, member) = order.decode(&r.entry)?;
                Some(Line {
                    rank: r.rank,
                    member: None,
                    label: nicknames.get(member).cloned().unwrap_or_default(),
                    detail: None,
                    keys,
                })
            })
            .collect())
    }

    async fn lines(
        &self,
        context: &Context,
        scope: &Scope,
        ranked: Vec<Ranked>,
    ) -> anyhow::Result<Vec<Line>> {
        let decoded = if scope.is_individual() {
            self.individual_keys(context, &ranked).await?
        } else {
            ranked
                .iter()
                .filter_map(|r| {
                    self.collective
                        .decode(&r.entry)
                        .map(|(keys, member)| (r.rank, keys, member.to_owned()))
                })
                .collect()
        };
        let labels: HashMap<String, (String, Option<String>)> = if scope.is_individual() {
            let codes: Vec<String> = decoded.iter().map(|(_, _, m)| m.clone()).collect();
            self.store
                .student_labels(&codes)
                .await?
                .into_iter()
                .map(|l| {
                    (
                        l.code,
                        (l.name, Some(format!("{} · {}", l.class, l.school))),
                    )
                })
                .collect()
        } else {
            self.unit_labels(scope).await?
        };
        Ok(decoded
            .into_iter()
            .map(|(rank, keys, member)| {
                let (label, detail) = labels
                    .get(&member)
                    .cloned()
                    .unwrap_or_else(|| (member.clone(), None));
                Line {
                    rank,
                    member: Some(member),
                    label,
                    detail,
                    keys,
                }
            })
            .collect())
    }

    /// Individuals' ranks, values (all five, in [`ResultKeys`] positions, whatever the round
    /// ranks by) and codes. A value the round's order leaves out is not in the entry: it is
    /// read from the database, and only then.
    async fn individual_keys(
        &self,
        context: &Context,
        ranked: &[Ranked],
    ) -> anyhow::Result<Vec<(u64, Vec<i64>, String)>> {
        let order = self.order_of(context).await?;
        let decoded: Vec<(u64, [Option<i64>; 5], String)> = ranked
            .iter()
            .filter_map(|r| {
                order
                    .decode(&r.entry)
                    .map(|(values, member)| (r.rank, values, member.to_owned()))
            })
            .collect();
        let stored: HashMap<String, ResultKeys> = if order.is_complete() {
            HashMap::new()
        } else {
            let codes: Vec<String> = decoded.iter().map(|d| d.2.clone()).collect();
            self.store
                .placed_results(&context.to_string(), Some(&codes))
                .await?
                .into_iter()
                .map(|p| (p.result.student.clone(), result_keys(&p.result)))
                .collect()
        };
        Ok(decoded
            .into_iter()
            .map(|(rank, values, member)| {
                let keys = (0..values.len())
                    .map(|i| {
                        values[i]
                            .or_else(|| stored.get(&member).map(|s| s[i]))
                            .unwrap_or(0)
                    })
                    .collect();
                (rank, keys, member)
            })
            .collect())
    }

    /// [`Rankings::unit_labels`], kept for [`UNIT_NAMES_KEPT`].
    async fn kept_unit_labels(&self, scope: &Scope) -> anyhow::Result<Arc<UnitLabels>> {
        let communes = *scope == Scope::Communes;
        let kept = self
            .unit_names
            .lock()
            .expect("names lock")
            .get(&communes)
            .filter(|(at, _)| at.elapsed() < UNIT_NAMES_KEPT)
            .map(|(_, names)| names.clone());
        if let Some(names) = kept {
            return Ok(names);
        }
        let names = Arc::new(self.unit_labels(scope).await?);
        self.unit_names
            .lock()
            .expect("names lock")
            .insert(communes, (std::time::Instant::now(), names.clone()));
        Ok(names)
    }

    async fn unit_labels(&self, scope: &Scope) -> anyhow::Result<UnitLabels> {
        Ok(match scope {
            Scope::Communes => self
                .store
                .communes()
                .await?
                .into_iter()
                .map(|c| (c.code, (c.name, None)))
                .collect(),
            Scope::ClassesOfSchool { .. } | Scope::Players => HashMap::new(),
            _ => self
                .store
                .school_names()
                .await?
                .into_iter()
                .map(|(code, name)| (code, (name, None)))
                .collect(),
        })
    }
}
