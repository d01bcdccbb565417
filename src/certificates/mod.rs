//! Certificates of a published version: who won what (`domain::awards` over the version's
//! frozen boards), each with its verification code, printed as PDF (`layout`, `pdf`) and
//! checked by a public page against the version.

pub mod layout;
pub mod pdf;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::contest::level;
use crate::domain::awards::{self, Holder, Prize};
use crate::domain::bank::Level;
use crate::domain::contest::turnout::{default_bands, Turnout};
use crate::storage::published::{StoredLine, Version};
use crate::storage::Store;

/// Individuals awarded per level: one first, second and third, and seven merits.
pub const PER_LEVEL: usize = 10;

/// One certificate, with all it prints.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    /// The verification code as printed (`ABCDE-FGHJK`).
    pub code: String,
    pub holder: Holder,
    /// A student's code (organizers and the unit's own accounts only) or a unit's code.
    pub member: String,
    /// What the public boards show: a student's display name (the full name with the school's
    /// consent), a unit's name.
    pub name: String,
    /// A student's school, a school's commune; empty for a commune.
    pub unit: String,
    pub level: Option<Level>,
    pub rank: usize,
    pub prize: Prize,
    /// The prize in words, with the level for individuals («Giải Nhất — Tiểu học»).
    pub award: String,
    /// Only for collectives: their participation rate in words («Tỉ lệ tham gia 90,0 %»).
    pub detail: Option<String>,
    /// The school and commune this certificate belongs to, for who may print it.
    #[serde(skip)]
    pub school_code: Option<String>,
    #[serde(skip)]
    pub commune_code: Option<String>,
}

/// The certificates of a version and what every one of them prints besides.
#[derive(Debug, Clone, Serialize)]
pub struct Issued {
    pub context: String,
    pub version: i64,
    /// The contest's name: its title when the context is a contest round, else the version's.
    pub contest: String,
    /// The version's title («Kết quả đợt 1»).
    pub title: String,
    pub published_at: i64,
    pub certificates: Vec<Certificate>,
}

/// A code as printed, from its stored form.
pub fn printed_code(stored: &str) -> String {
    if stored.len() == 10 {
        format!("{}-{}", &stored[..5], &stored[5..])
    } else {
        stored.to_owned()
    }
}

/// A rate per million (the collective boards' first key) in words, one decimal.
fn rate_words(ppm: i64) -> String {
    // A tenth of a percent is a thousand parts per million.
    let tenths = (ppm + 500) / 1000;
    format!("Tỉ lệ tham gia {},{} %", tenths / 10, tenths % 10)
}

/// The awards of a version with the frozen line each comes from.
type Won = Vec<(awards::Award, StoredLine)>;

/// Awards of recent versions, by database (`Store::instance`) and version id. A version never changes, so its awards are
/// worked out once: reading a province's boards and 700,000 pupils' levels is seconds of work,
/// and the public check of a code must not cost that to anyone who asks. Bounded: emptied
/// when full (a province publishes a handful of versions a year).
type WonCache = HashMap<(u64, i64), Arc<Won>>;
static WON: Mutex<Option<WonCache>> = Mutex::new(None);
const WON_KEPT: usize = 16;

/// One version's awards are worked out at a time: a hundred requests for a version not yet
/// kept (after a restart, say) wait for the first to finish and then find it kept, instead
/// of doing the same seconds of work a hundred times over.
static WORKING_OUT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn kept(store: &Store, version: &Version) -> Option<Arc<Won>> {
    WON.lock()
        .expect("not poisoned")
        .as_ref()
        .and_then(|m| m.get(&(store.instance(), version.id)).cloned())
}

async fn won(store: &Store, version: &Version) -> anyhow::Result<Arc<Won>> {
    if let Some(w) = kept(store, version) {
        return Ok(w);
    }
    let _turn = WORKING_OUT.lock().await;
    if let Some(w) = kept(store, version) {
        return Ok(w);
    }
    let id = version.id;
    let province = store.published_board(id, "province").await?;
    let schools = store.published_board(id, "schools").await?;
    let communes = store.published_board(id, "communes").await?;

    let codes: Vec<&str> = province.iter().map(|l| l.member.as_str()).collect();
    let levels: HashMap<String, Option<Level>> = store
        .student_levels(&codes)
        .await?
        .into_iter()
        .map(|s| (s.code, level::of_kind(s.staff, s.grade)))
        .collect();
    let board: Vec<(String, Option<Level>)> = province
        .iter()
        .map(|l| (l.member.clone(), levels.get(&l.member).copied().flatten()))
        .collect();
    let mut awards = awards::individual_awards(&board, PER_LEVEL);
    let turnouts = |lines: &[StoredLine]| -> Vec<Turnout> {
        lines
            .iter()
            .map(|l| {
                let participants = l.keys.get(3).copied().unwrap_or(0);
                Turnout::new(
                    &l.member,
                    &l.name,
                    l.enrolment.unwrap_or(0),
                    participants,
                    0,
                )
            })
            .collect()
    };
    awards.extend(awards::collective_prizes(
        Holder::School,
        &turnouts(&schools),
        &default_bands(),
    ));
    awards.extend(awards::collective_prizes(
        Holder::Commune,
        &turnouts(&communes),
        &default_bands(),
    ));
    let lines: HashMap<(Holder, &str), &StoredLine> = province
        .iter()
        .map(|l| ((Holder::Individual, l.member.as_str()), l))
        .chain(
            schools
                .iter()
                .map(|l| ((Holder::School, l.member.as_str()), l)),
        )
        .chain(
            communes
                .iter()
                .map(|l| ((Holder::Commune, l.member.as_str()), l)),
        )
        .collect();
    let won: Won = awards
        .into_iter()
        .filter_map(|a| {
            let line = (*lines.get(&(a.holder, a.member.as_str()))?).clone();
            Some((a, line))
        })
        .collect();
    let won = Arc::new(won);
    let mut cache = WON.lock().expect("not poisoned");
    let map = cache.get_or_insert_with(HashMap::new);
    if map.len() >= WON_KEPT {
        map.clear();
    }
    map.insert((store.instance(), id), won.clone());
    Ok(won)
}

/// The awards of `version` with their codes. With `now`, missing codes are issued (at that
/// time); without, only awards already issued are returned (the public check issues nothing).
pub async fn issue(store: &Store, version: &Version, now: Option<i64>) -> anyhow::Result<Issued> {
    let id = version.id;
    let won = won(store, version).await?;
    // The winners' schools and communes as the roster has them now: who may print a pupil's
    // certificate follows the pupil's school today (the paper prints the school of the
    // version).
    let individuals: Vec<&str> = won
        .iter()
        .filter(|(a, _)| a.holder == Holder::Individual)
        .map(|(a, _)| a.member.as_str())
        .collect();
    let students: HashMap<String, crate::storage::certificates::StudentLevel> = store
        .student_levels(&individuals)
        .await?
        .into_iter()
        .map(|s| (s.code.clone(), s))
        .collect();
    let wanted: Vec<(String, String)> = won
        .iter()
        .map(|(a, _)| (a.holder.as_str().to_owned(), a.member.clone()))
        .collect();
    let stored = match now {
        Some(now) => {
            // A seeded generator, not the thread's: it is held across the awaits below.
            let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_rng(&mut rand::rng());
            store
                .issue_certificates(id, &wanted, now, || {
                    crate::contest::cards::normalize(&crate::contest::cards::new_secret(&mut rng))
                })
                .await?
        }
        None => store.certificate_codes(id).await?,
    };

    // Consent to show a full name can be withdrawn after the version was published: the
    // certificate then prints the display name, as the public boards do.
    let consenting = store.consenting(&individuals).await?;
    let school_communes: HashMap<String, String> = store
        .school_enrolments()
        .await?
        .into_iter()
        .map(|s| (s.school, s.commune))
        .collect();
    let commune_names: HashMap<String, String> = store
        .communes()
        .await?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();

    let mut certificates = Vec::with_capacity(won.len());
    for (a, line) in won.iter() {
        let Some(code) = stored
            .get(&(a.holder.as_str().to_owned(), a.member.clone()))
            .map(|c| printed_code(c))
        else {
            continue;
        };
        let (unit, school_code, commune_code, detail) = match a.holder {
            Holder::Individual => {
                let s = students.get(&a.member);
                (
                    line.school.clone().unwrap_or_default(),
                    s.map(|s| s.school.clone()),
                    s.map(|s| s.commune.clone()),
                    None,
                )
            }
            Holder::School => {
                let commune = school_communes.get(&a.member).cloned();
                (
                    commune
                        .as_ref()
                        .and_then(|c| commune_names.get(c).cloned())
                        .unwrap_or_default(),
                    Some(a.member.clone()),
                    commune,
                    line.keys.first().map(|ppm| rate_words(*ppm)),
                )
            }
            Holder::Commune => (
                String::new(),
                None,
                Some(a.member.clone()),
                line.keys.first().map(|ppm| rate_words(*ppm)),
            ),
        };
        let award = match a.level {
            Some(l) => format!("{} — {}", a.prize.title(), awards::level_name(l)),
            None => a.prize.title().to_owned(),
        };
        certificates.push(Certificate {
            code,
            holder: a.holder,
            member: a.member.clone(),
            name: match &line.full_name {
                Some(full) if consenting.contains(&a.member) => full.clone(),
                _ => line.name.clone(),
            },
            unit,
            level: a.level,
            rank: a.rank,
            prize: a.prize,
            award,
            detail,
            school_code,
            commune_code,
        });
    }

    let contest = match store.round_by_context(&version.context).await? {
        Some(round) => store
            .contests()
            .await?
            .into_iter()
            .find(|c| c.id == round.contest_id)
            .map(|c| c.title)
            .unwrap_or_else(|| version.title.clone()),
        None => version.title.clone(),
    };
    Ok(Issued {
        context: version.context.clone(),
        version: version.version,
        contest,
        title: version.title.clone(),
        published_at: version.published_at,
        certificates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_print_in_two_groups_and_rates_in_words() {
        assert_eq!(printed_code("ABCDEFGHJK"), "ABCDE-FGHJK");
        assert_eq!(rate_words(900_000), "Tỉ lệ tham gia 90,0 %");
        assert_eq!(rate_words(666_667), "Tỉ lệ tham gia 66,7 %");
    }
}
