//! Published rankings: an organizer freezes every board of a context into a numbered version
//! that later results never change; a correction is a new version with a reason. The public
//! sees the latest version; organizers see them all.
//!
//! A snapshot is computed from the database in one read, with the same encoding and tallies
//! that build the live boards (the round's `ResultOrder::encode`, `collective_tallies`), so it
//! ranks exactly as the live boards do at that moment — and every board of it sees the same
//! results, which reading two thousand live boards one by one while answers arrive could not
//! promise.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use serde::Serialize;

use super::{result_keys, Line, Rankings};
use crate::domain::context::Context;
use crate::domain::publishing::{self, PublishError};
use crate::domain::ranking::RankOrder;
use crate::domain::result_order::{ResultKeys, ResultOrder};
use crate::domain::scopes::{Scope, Tally};
use crate::domain::AccountId;
use crate::storage::published::{
    encode_board, version_digest, NewVersion, SnapshotRow, StoredLine, Version,
};
use crate::storage::{ClassResult, Inserted};

/// Every board of a context at one moment, encoded for storage.
pub struct Snapshot {
    /// Each board's name (its scope's path, as in URLs) and length.
    pub boards: Vec<(String, i64)>,
    /// Encoded chunks: the board's index in `boards`, the chunk's number, its bytes.
    pub chunks: Vec<(usize, i64, Vec<u8>)>,
    pub participants: usize,
}

/// Who reads a published board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone: individuals by display name (full name only with consent), no student codes.
    Public,
    /// An organizer: also the member's code.
    Organizer,
}

/// One line of a published board, ready to show or export: a board's line (the same as a
/// live board's), with what the exports need besides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedLine {
    /// Its member is a unit's code; a student's code only for organizers.
    #[serde(flatten)]
    pub line: Line,
    #[serde(skip)]
    pub class: Option<String>,
    #[serde(skip)]
    pub school: Option<String>,
    /// A collective's enrolment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrolment: Option<i64>,
}

/// Why publishing failed.
#[derive(Debug, thiserror::Error)]
pub enum PublishFailed {
    #[error(transparent)]
    Refused(#[from] PublishError),
    #[error("the context has no results")]
    NoResults,
    /// Another organizer published the same context at the same moment and took the number.
    #[error("another version was published at the same moment")]
    Conflict,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A new version and what it cost.
#[derive(Debug, Serialize)]
pub struct Published {
    #[serde(flatten)]
    pub version: Version,
    pub boards: usize,
    pub seconds: f64,
    /// The version's digest as stored ([`version_digest`]), for the audit log.
    #[serde(skip)]
    pub digest: String,
}

fn individual_keys(r: &SnapshotRow) -> ResultKeys {
    result_keys(&r.placed.result)
}

/// What a snapshot is built from: the participants and the roster's tallies and names.
struct Sources {
    rows: Vec<SnapshotRow>,
    tallies: BTreeMap<Scope, Vec<(String, Tally)>>,
    communes: HashMap<String, String>,
    schools: HashMap<String, String>,
}

/// Ranks and encodes every board: individuals in the live boards' own order (byte order of
/// the encoded entries), each line built once and put on its four boards; collectives from the
/// tallies.
fn freeze(sources: Sources, individual: &ResultOrder, collective: &RankOrder) -> Snapshot {
    let Sources {
        rows,
        tallies,
        communes,
        schools,
    } = sources;
    let mut ranked: Vec<(String, &SnapshotRow)> = rows
        .iter()
        .map(|r| {
            (
                individual.encode(&individual_keys(r), &r.placed.result.student),
                r,
            )
        })
        .collect();
    ranked.sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let mut lines = Vec::with_capacity(rows.len() + 4096);
    let mut boards: BTreeMap<Scope, Vec<usize>> = BTreeMap::new();
    for (_, r) in &ranked {
        let p = &r.placed;
        let at = lines.len();
        lines.push(StoredLine {
            member: p.result.student.clone(),
            name: r.display_name.clone(),
            full_name: r.full_name.clone(),
            class: Some(p.class_name.clone()),
            school: Some(r.school_name.clone()),
            enrolment: None,
            keys: individual_keys(r).to_vec(),
        });
        for scope in Scope::of_participant(&p.commune, &p.school, &p.class_name) {
            boards.entry(scope).or_default().push(at);
        }
    }
    drop(ranked);

    for (scope, tallies) in tallies {
        let names = match scope {
            Scope::Communes => Some(&communes),
            Scope::ClassesOfSchool { .. } => None,
            _ => Some(&schools),
        };
        let mut entries: Vec<(String, usize)> = Vec::with_capacity(tallies.len());
        for (unit, tally) in tallies {
            entries.push((collective.encode(&tally.keys(), &unit), lines.len()));
            lines.push(StoredLine {
                name: names
                    .and_then(|n| n.get(&unit))
                    .cloned()
                    .unwrap_or_else(|| unit.clone()),
                member: unit,
                full_name: None,
                class: None,
                school: None,
                enrolment: Some(tally.enrolment),
                keys: tally.keys(),
            });
        }
        entries.sort_unstable();
        boards.insert(scope, entries.into_iter().map(|(_, at)| at).collect());
    }

    let mut names = Vec::with_capacity(boards.len());
    let mut chunks = Vec::new();
    for (i, (scope, ranked)) in boards.into_iter().enumerate() {
        names.push((scope.to_string(), ranked.len() as i64));
        for (n, bytes) in encode_board(&lines, &ranked).into_iter().enumerate() {
            chunks.push((i, n as i64, bytes));
        }
    }
    Snapshot {
        boards: names,
        chunks,
        participants: rows.len(),
    }
}

impl Rankings {
    /// Every board of `context` as the live boards rank it now, from one read of the database.
    /// The sorting and compressing (seconds for a province) run on a blocking thread, not on
    /// the workers that serve requests.
    pub async fn snapshot(&self, context: &Context) -> anyhow::Result<Snapshot> {
        let started = Instant::now();
        let rows = self.store.snapshot_rows(&context.to_string()).await?;
        let mut classes: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
        for r in &rows {
            let class = classes
                .entry((&r.placed.school, &r.placed.class_name))
                .or_default();
            class.0 += 1;
            class.1 += r.placed.result.score;
        }
        let class_results = classes
            .into_iter()
            .map(|((school, class), (n, total))| ClassResult {
                school: school.to_owned(),
                class: class.to_owned(),
                participants: n,
                total_score: total,
            })
            .collect();
        let sources = Sources {
            tallies: self.collective_boards(class_results).await?,
            communes: self
                .store
                .communes()
                .await?
                .into_iter()
                .map(|c| (c.code, c.name))
                .collect(),
            schools: self.store.school_names().await?.into_iter().collect(),
            rows,
        };
        let read = started.elapsed().as_secs_f64();
        let individual = self.order_of(context).await?;
        let collective = self.collective.clone();
        let snapshot =
            tokio::task::spawn_blocking(move || freeze(sources, &individual, &collective)).await?;
        tracing::info!(
            %context,
            read_seconds = read,
            seconds = started.elapsed().as_secs_f64(),
            "ranking snapshot"
        );
        Ok(snapshot)
    }

    /// Freezes every board of `context` into its next published version. A correction (any
    /// version after the first) needs a reason; an empty title keeps the previous one.
    pub async fn publish(
        &self,
        context: &Context,
        title: Option<&str>,
        reason: Option<&str>,
        published_by: AccountId,
        now_ms: i64,
    ) -> Result<Published, PublishFailed> {
        let started = Instant::now();
        let name = context.to_string();
        let latest = self
            .store
            .published_version(&name, None)
            .await
            .map_err(anyhow::Error::from)?;
        let checked = publishing::check(title, reason, latest.as_ref().map(|v| v.title.as_str()))?;
        let snapshot = self.snapshot(context).await?;
        if snapshot.participants == 0 {
            return Err(PublishFailed::NoResults);
        }
        let named: Vec<(&str, i64, &[u8])> = snapshot
            .chunks
            .iter()
            .map(|(board, n, bytes)| (snapshot.boards[*board].0.as_str(), *n, bytes.as_slice()))
            .collect();
        let digest = version_digest(&snapshot.boards, &named);
        let inserted = self
            .store
            .insert_published(
                &NewVersion {
                    context: &name,
                    title: &checked.title,
                    reason: &checked.reason,
                    published_by,
                    published_at: now_ms,
                    participants: snapshot.participants as i64,
                },
                &snapshot.boards,
                &snapshot.chunks,
            )
            .await
            .map_err(anyhow::Error::from)?;
        let Inserted::New(version) = inserted else {
            return Err(PublishFailed::Conflict);
        };
        let seconds = started.elapsed().as_secs_f64();
        tracing::info!(
            %context,
            version = version.version,
            boards = snapshot.boards.len(),
            participants = snapshot.participants,
            seconds,
            "published rankings"
        );
        Ok(Published {
            version,
            boards: snapshot.boards.len(),
            seconds,
            digest,
        })
    }

    /// Lines `offset + 1 ..= offset + limit` of a published board and the board's length (a
    /// board the version does not have, such as a school nobody from took part in, is empty).
    pub async fn published_page(
        &self,
        version: &Version,
        scope: &Scope,
        offset: u64,
        limit: u64,
        audience: Audience,
    ) -> anyhow::Result<(u64, Vec<PublishedLine>)> {
        let key = scope.to_string();
        let Some(total) = self.store.published_total(version.id, &key).await? else {
            return Ok((0, Vec::new()));
        };
        let total = total as u64;
        if offset >= total {
            return Ok((total, Vec::new()));
        }
        let limit = limit.min(total - offset);
        let stored = self
            .store
            .published_lines(version.id, &key, offset, limit)
            .await?;
        // Consent can be withdrawn after publication: a full name is shown only while the
        // school's consent is still on record.
        let named: Vec<&str> = stored
            .iter()
            .filter(|l| l.full_name.is_some())
            .map(|l| l.member.as_str())
            .collect();
        let consenting: HashSet<String> = if named.is_empty() {
            HashSet::new()
        } else {
            self.store.consenting(&named).await?
        };
        let individual = scope.is_individual();
        let lines = stored
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let label = match l.full_name {
                    Some(full) if consenting.contains(&l.member) => full,
                    _ => l.name,
                };
                let detail = match (&l.class, &l.school) {
                    (Some(class), Some(school)) => Some(format!("{class} · {school}")),
                    _ => None,
                };
                PublishedLine {
                    line: Line {
                        rank: offset + i as u64 + 1,
                        member: (!individual || audience == Audience::Organizer)
                            .then_some(l.member),
                        label,
                        detail,
                        keys: l.keys,
                    },
                    class: l.class,
                    school: l.school,
                    enrolment: l.enrolment,
                }
            })
            .collect();
        Ok((total, lines))
    }
}
