//! `hoithi audit verify`: the audit log checked link by link, then used to check what the
//! database says now. Every attempt's questions, answers and score, every round's frozen
//! questions, and every standing on a round's results are recomputed from the log and
//! compared; each difference is reported with the row or attempt it is in. A disputed rank is
//! settled from here.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::rounds::questions_digest;
use crate::domain::contest::standing::{standing, Submitted};
use crate::domain::contest::{Answered, Attempt, Drawn, RoundRules};
use crate::domain::option_labels::apply;
use crate::domain::result_order::ResultKeys;
use crate::domain::scopes::Scope;
use crate::storage::audit::{chain_hash, GENESIS};
use crate::storage::published::StoredLine;
use crate::storage::Store;

/// What the check found.
#[derive(Debug, Default)]
pub struct Verified {
    pub rows: usize,
    pub rounds: usize,
    pub attempts: usize,
    pub standings: usize,
    /// Published versions of the rounds checked.
    pub versions: usize,
    /// Each difference, in Vietnamese and English, naming where it is.
    pub problems: Vec<String>,
}

#[derive(Deserialize)]
struct RoundCreated {
    round: i64,
    questions_digest: String,
    /// The settings the round was created with: which attempt counts and the ranking order
    /// are taken from here, not from the table, so altering them there is found.
    rules: RoundRules,
}

#[derive(Deserialize)]
struct RoundClosed {
    round: i64,
    participants: i64,
}

#[derive(Deserialize)]
struct VersionPublished {
    context: String,
    version: i64,
    digest: String,
}

#[derive(Deserialize)]
struct Started {
    attempt: i64,
    round: i64,
    participant: String,
    started_at: i64,
    deadline: i64,
    seed: String,
    questions: Vec<Drawn>,
}

#[derive(Deserialize)]
struct Submission {
    attempt: i64,
    answers: Vec<Option<Answered>>,
    prediction: Option<i64>,
    submitted_at: i64,
    correct: u16,
    score: i64,
    time_ms: i64,
}

/// Reads the whole log in pages and checks everything it vouches for.
pub async fn verify(store: &Store) -> anyhow::Result<Verified> {
    let mut out = Verified::default();
    let mut prev_hash = GENESIS.to_owned();
    let mut last_seq = 0;
    let mut created = BTreeMap::new();
    let mut closed = HashMap::new();
    let mut closed_seq = HashMap::new();
    let mut published: Vec<(i64, VersionPublished)> = Vec::new();
    let mut started: BTreeMap<i64, (i64, Started)> = BTreeMap::new();
    let mut submitted: HashMap<i64, (i64, Submission)> = HashMap::new();
    loop {
        let page = store.audit_rows(last_seq, 1000).await?;
        if page.is_empty() {
            break;
        }
        for row in page {
            out.rows += 1;
            if row.seq != last_seq + 1 {
                out.problems.push(format!(
                    "dòng nhật ký {} đứng sau dòng {last_seq}: thiếu dòng / audit row {} follows row {last_seq}: rows are missing",
                    row.seq, row.seq
                ));
            }
            if row.prev_hash != prev_hash {
                out.problems.push(format!(
                    "dòng nhật ký {} không nối với dòng trước / audit row {}: its link to the row before is broken",
                    row.seq, row.seq
                ));
            }
            if row.hash != chain_hash(&row.prev_hash, row.seq, row.at, &row.kind, &row.body) {
                out.problems.push(format!(
                    "dòng nhật ký {} đã bị sửa / audit row {} was altered (its hash does not match it)",
                    row.seq, row.seq
                ));
            }
            last_seq = row.seq;
            prev_hash = row.hash.clone();
            let body = row.body.as_str();
            let seq = row.seq;
            let bad = |what: &str| {
                format!("dòng nhật ký {seq} không đọc được / audit row {seq}: unreadable {what}")
            };
            match row.kind.as_str() {
                "round_created" => match serde_json::from_str::<RoundCreated>(body) {
                    Ok(r) => {
                        created.insert(r.round, (seq, r.questions_digest, r.rules));
                    }
                    Err(_) => out.problems.push(bad("round")),
                },
                "round_closed" => match serde_json::from_str::<RoundClosed>(body) {
                    Ok(r) => {
                        closed.insert(r.round, r.participants);
                        closed_seq.insert(r.round, seq);
                    }
                    Err(_) => out.problems.push(bad("closing")),
                },
                "version_published" => match serde_json::from_str::<VersionPublished>(body) {
                    Ok(v) => published.push((seq, v)),
                    Err(_) => out.problems.push(bad("publication")),
                },
                "attempt_started" => match serde_json::from_str::<Started>(body) {
                    Ok(s) => {
                        started.insert(s.attempt, (seq, s));
                    }
                    Err(_) => out.problems.push(bad("start")),
                },
                "attempt_submitted" => match serde_json::from_str::<Submission>(body) {
                    Ok(s) => {
                        submitted.insert(s.attempt, (seq, s));
                    }
                    Err(_) => out.problems.push(bad("submission")),
                },
                _ => {}
            }
        }
    }

    // Rounds: their frozen questions as the log vouched for them.
    let mut questions_of = HashMap::new();
    for round in store.rounds(None).await? {
        out.rounds += 1;
        let questions = store.round_questions_all(round.id).await?;
        if let Some((seq, _, rules)) = created.get(&round.id) {
            if *rules != round.rules {
                out.problems.push(format!(
                    "thể lệ của đợt {} khác với lúc tạo (dòng {seq}) / the rules of round {} changed since it was created (row {seq})",
                    round.context, round.context
                ));
            }
        }
        match created.get(&round.id) {
            Some((_, digest, _)) if *digest == questions_digest(&questions) => {}
            Some((seq, _, _)) => out.problems.push(format!(
                "câu hỏi của đợt {} khác với lúc tạo (dòng {seq}) / the questions of round {} changed since it was created (row {seq})",
                round.context, round.context
            )),
            None => out.problems.push(format!(
                "đợt {} không có trong nhật ký / round {} is not in the audit log",
                round.context, round.context
            )),
        }
        if round.participants != closed.get(&round.id).copied() {
            out.problems.push(format!(
                "số người dự thi của đợt {} khác nhật ký / round {}: its participant count differs from the log",
                round.context, round.context
            ));
        }
        questions_of.insert(round.id, questions);
    }

    // Attempts: each row against its start and submission in the log, each score recomputed.
    let mut by_participant: BTreeMap<(i64, String), Vec<Submitted>> = BTreeMap::new();
    let mut in_table = std::collections::HashSet::new();
    for round in store.rounds(None).await? {
        for code in store.round_participant_codes(round.id).await? {
            for row in store.attempts_of(round.id, &code).await? {
                in_table.insert(row.id);
                out.attempts += 1;
                let id = row.id;
                let Some((seq, start)) = started.get(&id) else {
                    out.problems.push(format!(
                        "bài thi {id} không có trong nhật ký / attempt {id} is not in the audit log"
                    ));
                    continue;
                };
                let a = &row.attempt;
                if start.round != row.round_id
                    || start.participant != row.participant
                    || start.started_at != a.started_at
                    || start.deadline != a.deadline
                    || start.seed != a.seed.to_string()
                    || start.questions != a.questions
                {
                    out.problems.push(format!(
                        "bài thi {id} khác với lúc bắt đầu (dòng {seq}) / attempt {id} differs from its start (row {seq})"
                    ));
                }
                let Some((sseq, sub)) = submitted.get(&id) else {
                    if a.submitted_at.is_some() {
                        out.problems.push(format!(
                            "bài thi {id} đã nộp nhưng nhật ký không ghi / attempt {id} is submitted but the log has no submission"
                        ));
                    }
                    continue;
                };
                // The score, recomputed from the log's own record of the attempt.
                let pool = questions_of
                    .get(&start.round)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let shown: Option<Vec<_>> = start
                    .questions
                    .iter()
                    .map(|d| {
                        pool.iter()
                            .find(|(_, _, q)| q.bank == d.bank && q.id == d.id)
                            .map(|(_, _, q)| apply(q, &d.labels()))
                    })
                    .collect();
                let logged = Attempt {
                    started_at: start.started_at,
                    deadline: start.deadline,
                    seed: 0,
                    questions: start.questions.clone(),
                    answers: sub.answers.clone(),
                    prediction: sub.prediction,
                    submitted_at: Some(sub.submitted_at),
                };
                match shown.and_then(|shown| logged.score(&shown)) {
                    Some(s) if s.correct == sub.correct && s.score == sub.score && s.time_ms == sub.time_ms => {}
                    _ => out.problems.push(format!(
                        "điểm của bài thi {id} không khớp với câu trả lời (dòng {sseq}) / attempt {id}: its score does not follow from its answers (row {sseq})"
                    )),
                }
                let stored_score = store.attempt_score(id).await?;
                if a.answers != sub.answers
                    || a.prediction != sub.prediction
                    || a.submitted_at != Some(sub.submitted_at)
                    || stored_score != Some((i64::from(sub.correct), sub.score, sub.time_ms))
                {
                    out.problems.push(format!(
                        "bài thi {id} khác với lúc nộp (dòng {sseq}) / attempt {id} differs from its submission (row {sseq})"
                    ));
                }
                by_participant
                    .entry((start.round, start.participant.clone()))
                    .or_default()
                    .push(Submitted {
                        score: sub.score,
                        time_ms: sub.time_ms,
                        prediction: sub.prediction,
                        submitted_at: sub.submitted_at,
                    });
            }
        }
    }
    for (id, (seq, _)) in &started {
        if !in_table.contains(id) {
            out.problems.push(format!(
                "bài thi {id} (dòng {seq}) đã bị xoá / attempt {id} (row {seq}) was removed"
            ));
        }
    }

    // Standings: each round's results as the log's attempts make them.
    for round in store.rounds(None).await? {
        let results = store.placed_results(&round.context, None).await?;
        let mut expected: BTreeMap<String, ResultKeys> = BTreeMap::new();
        let rules = match created.get(&round.id) {
            Some((_, _, rules)) => rules,
            None => &round.rules,
        };
        for ((r, code), attempts) in &by_participant {
            if *r != round.id {
                continue;
            }
            let participants = closed.get(&round.id).copied();
            if let Some(st) = standing(attempts, rules.counts, &rules.order, participants) {
                expected.insert(code.clone(), st.keys());
            }
        }
        for placed in &results {
            out.standings += 1;
            let r = &placed.result;
            let got = [r.score, r.time_ms, r.distance, r.attempts, r.submitted_at];
            match expected.remove(&r.student) {
                Some(keys) if keys == got => {}
                Some(_) => out.problems.push(format!(
                    "kết quả của {} ở đợt {} khác với các bài thi / {}'s result in round {} does not follow from their attempts",
                    r.student, round.context, r.student, round.context
                )),
                None => out.problems.push(format!(
                    "kết quả của {} ở đợt {} không có bài thi nào / {} has a result in round {} but no attempt",
                    r.student, round.context, r.student, round.context
                )),
            }
        }
        for code in expected.keys() {
            out.problems.push(format!(
                "kết quả của {code} ở đợt {} bị thiếu / {code}'s result in round {} is missing",
                round.context, round.context
            ));
        }
    }
    // Published versions: each as the log vouched for it when it was published, and its
    // ranking recomputed from the attempts the log had recorded by then.
    let log = Log {
        started: &started,
        submitted: &submitted,
        closed: &closed,
        closed_seq: &closed_seq,
    };
    for round in store.rounds(None).await? {
        let rules = match created.get(&round.id) {
            Some((_, _, rules)) => rules.clone(),
            None => round.rules.clone(),
        };
        let logged: Vec<&(i64, VersionPublished)> = published
            .iter()
            .filter(|(_, p)| p.context == round.context)
            .collect();
        let versions = store.published_versions(&round.context).await?;
        for v in &versions {
            out.versions += 1;
            let (ctx, n) = (&round.context, v.version);
            let Some((seq, p)) = logged
                .iter()
                .map(|e| (e.0, &e.1))
                .find(|(_, p)| p.version == n)
            else {
                out.problems.push(format!(
                    "phiên bản {n} của đợt {ctx} không có trong nhật ký / version {n} of round {ctx} is not in the audit log"
                ));
                continue;
            };
            if store.published_digest(v.id).await? != p.digest {
                out.problems.push(format!(
                    "phiên bản {n} của đợt {ctx} đã bị sửa sau khi công bố (dòng {seq}) / version {n} of round {ctx} was altered after it was published (row {seq})"
                ));
            }
            let lines = store
                .published_board(v.id, &Scope::Province.to_string())
                .await?;
            for (vi, en) in log.check_ranking(round.id, &rules, seq, &lines) {
                out.problems.push(format!(
                    "phiên bản {n} của đợt {ctx}: {vi} / version {n} of round {ctx}: {en}"
                ));
            }
        }
        for (seq, p) in logged {
            if !versions.iter().any(|v| v.version == p.version) {
                out.problems.push(format!(
                    "phiên bản {} của đợt {} (dòng {seq}) đã bị xoá / version {} of round {} (row {seq}) was removed",
                    p.version, round.context, p.version, round.context
                ));
            }
        }
    }
    Ok(out)
}

/// What the log recorded of attempts and closings, to recompute a ranking as it stood at a
/// given row.
struct Log<'a> {
    started: &'a BTreeMap<i64, (i64, Started)>,
    submitted: &'a HashMap<i64, (i64, Submission)>,
    closed: &'a HashMap<i64, i64>,
    closed_seq: &'a HashMap<i64, i64>,
}

impl Log<'_> {
    /// Problems of a published province board against the log up to row `seq`: each line must
    /// be a standing its member's logged attempts give (the version may have been frozen a
    /// moment before an attempt submitted just before it reached the results, so the standing
    /// of any first few of those attempts is accepted), nobody without a submitted attempt
    /// may be on it, and the lines must follow the round's order.
    fn check_ranking(
        &self,
        round: i64,
        rules: &RoundRules,
        seq: i64,
        lines: &[StoredLine],
    ) -> Vec<(String, String)> {
        let actual = match self.closed_seq.get(&round) {
            Some(&at) if at < seq => self.closed.get(&round).copied(),
            _ => None,
        };
        let mut by_member: HashMap<&str, Vec<Submitted>> = HashMap::new();
        // `started` is ordered by attempt id: the order the attempts began.
        for (id, (_, start)) in self.started {
            if start.round != round {
                continue;
            }
            if let Some((sseq, sub)) = self.submitted.get(id) {
                if *sseq < seq {
                    by_member
                        .entry(start.participant.as_str())
                        .or_default()
                        .push(Submitted {
                            score: sub.score,
                            time_ms: sub.time_ms,
                            prediction: sub.prediction,
                            submitted_at: sub.submitted_at,
                        });
                }
            }
        }
        let mut problems = Vec::new();
        let mut previous: Option<String> = None;
        for line in lines {
            let Ok(keys) = ResultKeys::try_from(line.keys.as_slice()) else {
                problems.push((
                    format!("dòng của {} hỏng", line.member),
                    format!("{}'s line is malformed", line.member),
                ));
                continue;
            };
            let attempts = by_member
                .get(line.member.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let supported = (1..=attempts.len()).any(|j| {
                standing(&attempts[..j], rules.counts, &rules.order, actual)
                    .is_some_and(|st| st.keys() == keys)
            });
            if !supported {
                problems.push((
                    format!("kết quả của {} không khớp với các bài thi", line.member),
                    format!(
                        "{}'s result does not follow from their attempts",
                        line.member
                    ),
                ));
            }
            let entry = rules.order.encode(&keys, &line.member);
            if previous.as_ref().is_some_and(|p| *p >= entry) {
                problems.push((
                    format!("{} đứng sai chỗ theo thứ tự xếp hạng của đợt", line.member),
                    format!("{} is out of the round's ranking order", line.member),
                ));
            }
            previous = Some(entry);
        }
        problems
    }
}
