//! What may be watched: ranking contexts that have results and the units of the roster. A
//! `watch` of anything else is refused before any board is read (600 connections watching 8
//! made-up contexts each used to start 4,800 board readers). The sets are read from the
//! database and read again on a miss at most every few seconds (contexts) or every minute
//! (units), so a flood of made-up names costs a set lookup each.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tokio::sync::Mutex as AsyncMutex;
use tokio::time::Instant;

use crate::domain::context::Context;
use crate::domain::scopes::Scope;
use crate::domain::GameId;
use crate::storage::Store;

/// How soon a context with its first results elsewhere (another node) can be watched here.
const CONTEXTS_REREAD: Duration = Duration::from_secs(5);
/// How long «not an event» is believed before the database is asked again.
const ORDINARY_KEPT: Duration = Duration::from_secs(30);
/// How soon a newly imported school or class can be watched. Reading every class of a
/// province roster (700,000 students) is a GROUP BY of a second or so: at most once a minute.
const UNITS_REREAD: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Sets {
    contexts: HashSet<String>,
    /// Province event games: their boards per school, commune and province are public.
    events: HashSet<GameId>,
    /// Games found not to be events (or not found), and when: asked again after a while, since
    /// an id asked about before its game was opened (or in the milliseconds before an event's
    /// flag is set) must not stay «not an event».
    ordinary: HashMap<GameId, Instant>,
    communes: HashSet<String>,
    /// Each school's commune.
    schools: HashMap<String, String>,
    classes: HashSet<(String, String)>,
    contexts_read: Option<Instant>,
    units_read: Option<Instant>,
}

impl Sets {
    /// A round with results, or a province event game. Another live game's board is its
    /// host's, not for anonymous viewers.
    fn knows_context(&self, context: &Context) -> bool {
        match context {
            Context::Round(name) => self.contexts.contains(name),
            Context::Game(game) => self.events.contains(game),
        }
    }

    fn knows_scope(&self, scope: &Scope) -> bool {
        match scope {
            Scope::Province | Scope::SchoolsOfProvince | Scope::Communes => true,
            Scope::Commune { commune } | Scope::SchoolsOfCommune { commune } => {
                self.communes.contains(commune)
            }
            Scope::School { school } | Scope::ClassesOfSchool { school } => {
                self.schools.contains_key(school)
            }
            Scope::Class { school, class } => {
                self.classes.contains(&(school.clone(), class.clone()))
            }
            Scope::Players => false,
        }
    }

    fn stale(read: Option<Instant>, every: Duration) -> bool {
        read.is_none_or(|at| at.elapsed() >= every)
    }
}

/// The boards that exist. Cheap to share behind an `Arc`.
pub struct Known {
    store: Store,
    // A std mutex for lookups (never held across an await); reading the database again is
    // done by one caller at a time under `rereading`, the others wait for its answer.
    sets: std::sync::Mutex<Sets>,
    rereading: AsyncMutex<()>,
}

impl Known {
    pub fn new(store: Store) -> Known {
        Known {
            store,
            sets: Default::default(),
            rereading: AsyncMutex::new(()),
        }
    }

    /// Results of `context` were recorded here: it exists from now on.
    pub fn add_context(&self, context: &Context) {
        let mut sets = self.sets.lock().expect("known lock");
        sets.contexts.insert(context.to_string());
    }

    /// A province event game was opened here: its boards may be watched.
    pub fn add_event(&self, game: GameId) {
        let mut sets = self.sets.lock().expect("known lock");
        sets.ordinary.remove(&game);
        sets.events.insert(game);
    }

    /// Whether `game` is a province event: its players name their school. An event is read
    /// once from the database and kept; another game (or none) is asked again after
    /// [`ORDINARY_KEPT`].
    pub async fn is_event(&self, game: GameId) -> anyhow::Result<bool> {
        {
            let sets = self.sets.lock().expect("known lock");
            if sets.events.contains(&game) {
                return Ok(true);
            }
            if sets
                .ordinary
                .get(&game)
                .is_some_and(|at| at.elapsed() < ORDINARY_KEPT)
            {
                return Ok(false);
            }
        }
        let event = self.store.is_event_game(game).await? == Some(true);
        let mut sets = self.sets.lock().expect("known lock");
        if event {
            sets.events.insert(game);
        } else {
            // Bounded: a busy server forgets and asks again.
            if sets.ordinary.len() >= 100_000 {
                sets.ordinary.clear();
            }
            sets.ordinary.insert(game, Instant::now());
        }
        Ok(event)
    }

    /// The commune of school `code`, if it is on the roster (read again at most every minute
    /// on a miss, so a made-up code costs a lookup).
    pub async fn school_commune(&self, code: &str) -> Option<String> {
        let known = |sets: &Sets| sets.schools.get(code).cloned();
        if let Some(commune) = known(&self.sets.lock().expect("known lock")) {
            return Some(commune);
        }
        let _one = self.rereading.lock().await;
        let stale = Sets::stale(
            self.sets.lock().expect("known lock").units_read,
            UNITS_REREAD,
        );
        if stale {
            if let Err(e) = self.reread_units().await {
                tracing::warn!(error = %format!("{e:#}"), "reading the units failed");
            }
        }
        known(&self.sets.lock().expect("known lock"))
    }

    /// Whether `context` has results and `scope` names units of the roster.
    pub async fn board_exists(&self, context: &Context, scope: &Scope) -> bool {
        // A game is asked about once (an event on another node is known at its first watch).
        if let Context::Game(game) = context {
            if !self.is_event(*game).await.unwrap_or(false) {
                return false;
            }
        }
        if self.lookup(context, scope) == (true, true) {
            return true;
        }
        let _one = self.rereading.lock().await;
        let (context_known, scope_known) = self.lookup(context, scope);
        let (contexts_stale, units_stale) = {
            let sets = self.sets.lock().expect("known lock");
            (
                !context_known && Sets::stale(sets.contexts_read, CONTEXTS_REREAD),
                !scope_known && Sets::stale(sets.units_read, UNITS_REREAD),
            )
        };
        if contexts_stale {
            let read = async {
                let contexts = self.store.result_contexts().await?;
                let events = self.store.event_games().await?;
                Ok::<_, sqlx::Error>((contexts, events))
            };
            match read.await {
                Ok((contexts, events)) => {
                    let mut sets = self.sets.lock().expect("known lock");
                    sets.contexts.extend(contexts);
                    sets.events.extend(events);
                    sets.contexts_read = Some(Instant::now());
                }
                Err(e) => tracing::warn!(error = %e, "reading the ranking contexts failed"),
            }
        }
        if units_stale {
            if let Err(e) = self.reread_units().await {
                tracing::warn!(error = %format!("{e:#}"), "reading the units failed");
            }
        }
        self.lookup(context, scope) == (true, true)
    }

    async fn reread_units(&self) -> anyhow::Result<()> {
        let communes = self.store.communes().await?;
        let schools = self.store.school_enrolments().await?;
        let classes = self.store.class_sizes().await?;
        let mut sets = self.sets.lock().expect("known lock");
        sets.communes = communes.into_iter().map(|c| c.code).collect();
        sets.schools = schools.into_iter().map(|s| (s.school, s.commune)).collect();
        sets.classes = classes.into_iter().map(|c| (c.school, c.class)).collect();
        sets.units_read = Some(Instant::now());
        Ok(())
    }

    fn lookup(&self, context: &Context, scope: &Scope) -> (bool, bool) {
        let sets = self.sets.lock().expect("known lock");
        (sets.knows_context(context), sets.knows_scope(scope))
    }
}
