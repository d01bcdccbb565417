//! Who may do what: the one rule behind every REST route and the host command of the
//! WebSocket. Handlers describe the request as an [`Action`] on a [`Target`] and ask [`may`];
//! nothing else in the code compares roles. Pure: the caller has already read the account and
//! the unit (a school's commune, a game's owner) from the database.
//!
//! Students are not here: they have no accounts. A player is whoever holds the connection that
//! joined (see `transport/ws.rs`), which can answer for itself and do nothing else.

use super::AccountId;
use serde::{Deserialize, Serialize};

/// What an account is. Each role but the organizer's is bound to a unit (see [`Role::unit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Province organizer (Sở GDĐT, «Ban tổ chức»): everything.
    Organizer,
    /// Commune or ward officer («Cán bộ xã/phường»): the schools of one commune, their
    /// participation and results; nothing else.
    CommuneOfficer,
    /// School admin («Quản trị trường»): one school, its roster and its teachers.
    SchoolAdmin,
    /// Teacher («Giáo viên»): own quizzes and games; optionally bound to a school, which only
    /// says whose school admin manages the account.
    Teacher,
}

/// Which kind of unit an account of a role is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// No unit (organizers).
    None,
    /// A commune code, required.
    Commune,
    /// A school code, required.
    School,
    /// A school code, or none.
    OptionalSchool,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Organizer,
        Role::CommuneOfficer,
        Role::SchoolAdmin,
        Role::Teacher,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Organizer => "organizer",
            Role::CommuneOfficer => "commune_officer",
            Role::SchoolAdmin => "school_admin",
            Role::Teacher => "teacher",
        }
    }

    /// The role stored as `s`; `None` for anything else, so an unknown role gets no rights.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The unit an account of this role is bound to.
    pub fn unit(self) -> UnitKind {
        match self {
            Role::Organizer => UnitKind::None,
            Role::CommuneOfficer => UnitKind::Commune,
            Role::SchoolAdmin => UnitKind::School,
            Role::Teacher => UnitKind::OptionalSchool,
        }
    }
}

/// The signed-in account, as far as the rule needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor<'a> {
    pub id: AccountId,
    pub role: Role,
    /// The commune code of an officer, the school code of a school admin or bound teacher.
    pub unit: Option<&'a str>,
}

/// What is being done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Browse and export question banks and build quizzes from them.
    UseBanks,
    /// Import banks and approve them for everyone.
    ManageBanks,
    /// Import a spreadsheet into one's own private class bank ([`Target::OwnedBy`] oneself):
    /// seen by its owner and the owner's school, never in an official contest unless an
    /// organizer approves it.
    ImportOwnBank,
    /// Open a game from a quiz, host it over the WebSocket, read its QR code and report; on
    /// [`Target::Province`], list everyone's quizzes and games. On a [`Target::Quiz`]: see it,
    /// host it and duplicate it (the copy is one's own).
    RunGame,
    /// Change or delete a quiz ([`Target::Quiz`]) or a question of one's own class bank
    /// ([`Target::OwnedBy`]): the owner's alone, never a colleague's it was shared with.
    EditQuiz,
    /// Import the province's school list.
    ManageSchools,
    /// Record results, rebuild boards, publish rankings and read every published version
    /// (with student codes and who published why).
    ManageRankings,
    /// See a commune's or a school's participation and results.
    ReadUnit,
    /// Find a student by code on a ranking of the unit (a code is personal data).
    ReadIndividualRanks,
    /// Read a school's roster: student codes and full names.
    ReadRoster,
    /// Import or edit a school's students.
    EditRoster,
    /// Print (issue again) or revoke a school's contest login cards: each holds a secret.
    IssueLoginCards,
    /// Create contests and rounds, close rounds (the province's online contest).
    ManageContests,
    /// List the accounts of the unit (of the province: every account).
    ListAccounts,
    /// Print the certificates of a published version for the unit's winners (its pupils and
    /// staff, and the unit itself).
    PrintCertificates,
    /// Read the unit's year-end report and dashboard: activities, participation, results and
    /// winners over a period (of the province: every unit's).
    ReadReports,
    /// Create an account of this role bound to the target unit.
    CreateAccount(Role),
}

/// What it is done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// The whole province, or everything of a kind (every game, every account).
    Province,
    Commune(&'a str),
    /// A school, with the commune it belongs to (so a commune's officer can be allowed).
    School {
        code: &'a str,
        commune: &'a str,
    },
    /// A quiz or a game, by the account that owns it.
    OwnedBy(AccountId),
    /// A teacher's private bank, by its owner and the school the owner is bound to.
    PrivateBank {
        owner: AccountId,
        school: Option<&'a str>,
    },
    /// A quiz, by its owner, the school the owner is bound to, and whether the owner shares it
    /// with the colleagues of that school.
    Quiz {
        owner: AccountId,
        school: Option<&'a str>,
        shared: bool,
    },
}

/// Whether `actor` may do `action` on `target`. Anything not granted here is refused.
pub fn may(actor: &Actor<'_>, action: Action, target: Target<'_>) -> bool {
    use Action::*;
    use Role::*;
    use Target::*;
    // An unbound account of a bound role matches no unit: it is refused, never let through.
    let mine = |code: &str| actor.unit == Some(code);
    match (actor.role, action, target) {
        (Organizer, _, _) => true,
        // Quizzes and games: their owner's. A school runs its own stage contests, so its
        // admin may build and host games too; officers follow results and do not.
        (Teacher | SchoolAdmin, UseBanks, Province) => true,
        (Teacher | SchoolAdmin, RunGame, OwnedBy(owner)) => owner == actor.id,
        // A quiz: its owner's to edit; shared, the owner's school colleagues host and copy it;
        // the school's admin sees (and may host and copy) every quiz of the school.
        (Teacher | SchoolAdmin, EditQuiz, OwnedBy(owner) | Quiz { owner, .. }) => owner == actor.id,
        (
            Teacher,
            RunGame,
            Quiz {
                owner,
                school,
                shared,
            },
        ) => owner == actor.id || (shared && school.is_some_and(mine)),
        (SchoolAdmin, RunGame, Quiz { owner, school, .. }) => {
            owner == actor.id || school.is_some_and(mine)
        }
        // A private bank: its owner's, shared with the colleagues of the owner's school (so
        // teachers of one school build on each other's questions).
        (Teacher | SchoolAdmin, ImportOwnBank, OwnedBy(owner)) => owner == actor.id,
        (Teacher | SchoolAdmin, UseBanks, PrivateBank { owner, school }) => {
            owner == actor.id || school.is_some_and(mine)
        }
        // A commune officer: its commune and the schools in it, read only, no rosters.
        (CommuneOfficer, ReadUnit | ReadIndividualRanks, Commune(commune)) => mine(commune),
        (CommuneOfficer, ReadUnit | ReadIndividualRanks, School { commune, .. }) => mine(commune),
        // Its report, and its winners' certificates, go to whoever answers for the unit: the
        // commune's officer for the commune and its schools, a school's admin for the school.
        (CommuneOfficer, PrintCertificates | ReadReports, Commune(commune)) => mine(commune),
        (CommuneOfficer, PrintCertificates | ReadReports, School { commune, .. }) => mine(commune),
        (SchoolAdmin, PrintCertificates | ReadReports, School { code, .. }) => mine(code),
        // A school admin: its school, its roster, its teachers.
        (
            SchoolAdmin,
            ReadUnit | ReadIndividualRanks | ReadRoster | EditRoster | IssueLoginCards
            | ListAccounts,
            School { code, .. },
        ) => mine(code),
        (SchoolAdmin, CreateAccount(Teacher), School { code, .. }) => mine(code),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Role::*;

    const ORGANIZER: Actor<'static> = Actor {
        id: AccountId::new(1),
        role: Organizer,
        unit: None,
    };
    /// Officer of commune 24001.
    const OFFICER: Actor<'static> = Actor {
        id: AccountId::new(2),
        role: CommuneOfficer,
        unit: Some("24001"),
    };
    /// Admin of school TH-A, in commune 24001.
    const SCHOOL_ADMIN: Actor<'static> = Actor {
        id: AccountId::new(3),
        role: SchoolAdmin,
        unit: Some("TH-A"),
    };
    /// A teacher of school TH-A.
    const TEACHER: Actor<'static> = Actor {
        id: AccountId::new(4),
        role: Teacher,
        unit: Some("TH-A"),
    };
    const SCHOOL_A: Target<'static> = Target::School {
        code: "TH-A",
        commune: "24001",
    };
    /// Another school of the same commune.
    const SCHOOL_B: Target<'static> = Target::School {
        code: "TH-B",
        commune: "24001",
    };
    /// A school of another commune.
    const SCHOOL_C: Target<'static> = Target::School {
        code: "TH-C",
        commune: "24002",
    };
    /// A private bank of teacher 4, of school TH-A.
    const TEACHERS_BANK: Target<'static> = Target::PrivateBank {
        owner: AccountId::new(4),
        school: Some("TH-A"),
    };
    /// A private bank of a teacher bound to no school.
    const UNBOUND_BANK: Target<'static> = Target::PrivateBank {
        owner: AccountId::new(5),
        school: None,
    };
    /// A private bank of a teacher of school TH-B.
    const OTHER_SCHOOLS_BANK: Target<'static> = Target::PrivateBank {
        owner: AccountId::new(6),
        school: Some("TH-B"),
    };
    /// Quizzes of teacher 4 (school TH-A), of teacher 6 (school TH-B), and of teacher 5
    /// (no school), shared or not.
    const OWN_QUIZ: Target<'static> = Target::Quiz {
        owner: AccountId::new(4),
        school: Some("TH-A"),
        shared: false,
    };
    const COLLEAGUES_QUIZ: Target<'static> = Target::Quiz {
        owner: AccountId::new(8),
        school: Some("TH-A"),
        shared: false,
    };
    const COLLEAGUES_SHARED_QUIZ: Target<'static> = Target::Quiz {
        owner: AccountId::new(8),
        school: Some("TH-A"),
        shared: true,
    };
    const OTHER_SCHOOLS_SHARED_QUIZ: Target<'static> = Target::Quiz {
        owner: AccountId::new(6),
        school: Some("TH-B"),
        shared: true,
    };
    const UNBOUND_SHARED_QUIZ: Target<'static> = Target::Quiz {
        owner: AccountId::new(5),
        school: None,
        shared: true,
    };
    const COMMUNE: Target<'static> = Target::Commune("24001");
    const OTHER_COMMUNE: Target<'static> = Target::Commune("24002");

    /// Every action on every target, for checks that must hold for all of them.
    fn everything() -> Vec<(Action, Target<'static>)> {
        let actions = [
            UseBanks,
            ManageBanks,
            ImportOwnBank,
            RunGame,
            EditQuiz,
            ManageSchools,
            ManageRankings,
            ReadUnit,
            ReadIndividualRanks,
            ReadRoster,
            EditRoster,
            IssueLoginCards,
            ManageContests,
            ListAccounts,
            PrintCertificates,
            ReadReports,
            CreateAccount(Organizer),
            CreateAccount(CommuneOfficer),
            CreateAccount(SchoolAdmin),
            CreateAccount(Teacher),
        ];
        let targets = [
            Target::Province,
            COMMUNE,
            OTHER_COMMUNE,
            SCHOOL_A,
            SCHOOL_B,
            SCHOOL_C,
            Target::OwnedBy(AccountId::new(1)),
            Target::OwnedBy(AccountId::new(2)),
            Target::OwnedBy(AccountId::new(3)),
            Target::OwnedBy(AccountId::new(4)),
            TEACHERS_BANK,
            UNBOUND_BANK,
            OTHER_SCHOOLS_BANK,
            OWN_QUIZ,
            COLLEAGUES_QUIZ,
            COLLEAGUES_SHARED_QUIZ,
            OTHER_SCHOOLS_SHARED_QUIZ,
            UNBOUND_SHARED_QUIZ,
        ];
        actions
            .iter()
            .flat_map(|a| targets.iter().map(move |t| (*a, *t)))
            .collect()
    }

    #[test]
    fn the_organizer_may_do_everything() {
        for (action, target) in everything() {
            assert!(may(&ORGANIZER, action, target), "{action:?} on {target:?}");
        }
    }

    /// The table: (who, what, on what, allowed).
    #[test]
    fn each_role_reaches_its_own_unit_and_nothing_else() {
        let table: &[(&Actor, Action, Target, bool)] = &[
            // Commune officer: its commune and its schools, read only.
            (&OFFICER, ReadUnit, COMMUNE, true),
            (&OFFICER, ReadUnit, SCHOOL_A, true),
            (&OFFICER, ReadUnit, SCHOOL_B, true),
            (&OFFICER, ReadIndividualRanks, SCHOOL_A, true),
            (&OFFICER, ReadIndividualRanks, COMMUNE, true),
            (&OFFICER, ReadUnit, OTHER_COMMUNE, false),
            (&OFFICER, ReadUnit, SCHOOL_C, false),
            (&OFFICER, ReadIndividualRanks, OTHER_COMMUNE, false),
            (&OFFICER, ReadUnit, Target::Province, false),
            (&OFFICER, ReadRoster, SCHOOL_A, false),
            (&OFFICER, EditRoster, SCHOOL_A, false),
            (&OFFICER, ListAccounts, COMMUNE, false),
            (&OFFICER, CreateAccount(SchoolAdmin), SCHOOL_A, false),
            (&OFFICER, UseBanks, Target::Province, false),
            (&OFFICER, RunGame, Target::OwnedBy(AccountId::new(2)), false),
            (&OFFICER, ManageRankings, Target::Province, false),
            // School admin: its school, roster and teachers; its own games.
            (&SCHOOL_ADMIN, ReadUnit, SCHOOL_A, true),
            (&SCHOOL_ADMIN, ReadRoster, SCHOOL_A, true),
            (&SCHOOL_ADMIN, EditRoster, SCHOOL_A, true),
            (&SCHOOL_ADMIN, IssueLoginCards, SCHOOL_A, true),
            (&SCHOOL_ADMIN, IssueLoginCards, SCHOOL_B, false),
            (&SCHOOL_ADMIN, ManageContests, Target::Province, false),
            (&OFFICER, IssueLoginCards, SCHOOL_A, false),
            (&OFFICER, ManageContests, Target::Province, false),
            (&TEACHER, IssueLoginCards, SCHOOL_A, false),
            (&TEACHER, ManageContests, Target::Province, false),
            (&SCHOOL_ADMIN, ReadIndividualRanks, SCHOOL_A, true),
            (&SCHOOL_ADMIN, ListAccounts, SCHOOL_A, true),
            (&SCHOOL_ADMIN, CreateAccount(Teacher), SCHOOL_A, true),
            (
                &SCHOOL_ADMIN,
                RunGame,
                Target::OwnedBy(AccountId::new(3)),
                true,
            ),
            (&SCHOOL_ADMIN, UseBanks, Target::Province, true),
            (&SCHOOL_ADMIN, ReadUnit, SCHOOL_B, false),
            (&SCHOOL_ADMIN, ReadRoster, SCHOOL_B, false),
            (&SCHOOL_ADMIN, EditRoster, SCHOOL_B, false),
            (&SCHOOL_ADMIN, EditRoster, SCHOOL_C, false),
            (&SCHOOL_ADMIN, ReadUnit, COMMUNE, false),
            (&SCHOOL_ADMIN, ListAccounts, SCHOOL_B, false),
            (&SCHOOL_ADMIN, ListAccounts, Target::Province, false),
            (&SCHOOL_ADMIN, CreateAccount(Teacher), SCHOOL_B, false),
            (&SCHOOL_ADMIN, CreateAccount(SchoolAdmin), SCHOOL_A, false),
            (
                &SCHOOL_ADMIN,
                CreateAccount(Organizer),
                Target::Province,
                false,
            ),
            (
                &SCHOOL_ADMIN,
                RunGame,
                Target::OwnedBy(AccountId::new(4)),
                false,
            ),
            (&SCHOOL_ADMIN, RunGame, Target::Province, false),
            (&SCHOOL_ADMIN, ManageSchools, Target::Province, false),
            // Teacher: own quizzes and games only, even in its own school.
            (&TEACHER, UseBanks, Target::Province, true),
            (&TEACHER, RunGame, Target::OwnedBy(AccountId::new(4)), true),
            (&TEACHER, RunGame, Target::OwnedBy(AccountId::new(3)), false),
            (&TEACHER, RunGame, Target::OwnedBy(AccountId::new(1)), false),
            (&TEACHER, RunGame, Target::Province, false),
            (&TEACHER, ReadUnit, SCHOOL_A, false),
            (&TEACHER, ReadRoster, SCHOOL_A, false),
            (&TEACHER, EditRoster, SCHOOL_A, false),
            (&TEACHER, ListAccounts, SCHOOL_A, false),
            (&TEACHER, CreateAccount(Teacher), SCHOOL_A, false),
            (&TEACHER, ManageBanks, Target::Province, false),
            // Private banks: the owner imports into its own; its school sees them.
            (
                &TEACHER,
                ImportOwnBank,
                Target::OwnedBy(AccountId::new(4)),
                true,
            ),
            (
                &TEACHER,
                ImportOwnBank,
                Target::OwnedBy(AccountId::new(3)),
                false,
            ),
            (&TEACHER, ImportOwnBank, Target::Province, false),
            (
                &SCHOOL_ADMIN,
                ImportOwnBank,
                Target::OwnedBy(AccountId::new(3)),
                true,
            ),
            (
                &OFFICER,
                ImportOwnBank,
                Target::OwnedBy(AccountId::new(2)),
                false,
            ),
            (&TEACHER, UseBanks, TEACHERS_BANK, true),
            (&SCHOOL_ADMIN, UseBanks, TEACHERS_BANK, true),
            (&TEACHER, UseBanks, OTHER_SCHOOLS_BANK, false),
            (&SCHOOL_ADMIN, UseBanks, OTHER_SCHOOLS_BANK, false),
            (&TEACHER, UseBanks, UNBOUND_BANK, false),
            (&OFFICER, UseBanks, TEACHERS_BANK, false),
            (&TEACHER, ManageBanks, TEACHERS_BANK, false),
            // Reports and certificates: each unit its own, nobody's neighbour.
            (&OFFICER, ReadReports, COMMUNE, true),
            (&OFFICER, ReadReports, SCHOOL_A, true),
            (&OFFICER, ReadReports, SCHOOL_C, false),
            (&OFFICER, ReadReports, OTHER_COMMUNE, false),
            (&OFFICER, ReadReports, Target::Province, false),
            (&OFFICER, PrintCertificates, SCHOOL_B, true),
            (&OFFICER, PrintCertificates, COMMUNE, true),
            (&OFFICER, PrintCertificates, SCHOOL_C, false),
            (&OFFICER, PrintCertificates, Target::Province, false),
            (&SCHOOL_ADMIN, ReadReports, SCHOOL_A, true),
            (&SCHOOL_ADMIN, ReadReports, SCHOOL_B, false),
            (&SCHOOL_ADMIN, ReadReports, COMMUNE, false),
            (&SCHOOL_ADMIN, ReadReports, Target::Province, false),
            (&SCHOOL_ADMIN, PrintCertificates, SCHOOL_A, true),
            (&SCHOOL_ADMIN, PrintCertificates, SCHOOL_B, false),
            (&SCHOOL_ADMIN, PrintCertificates, COMMUNE, false),
            (&TEACHER, ReadReports, SCHOOL_A, false),
            (&TEACHER, PrintCertificates, SCHOOL_A, false),
        ];
        for (actor, action, target, allowed) in table {
            assert_eq!(
                may(actor, *action, *target),
                *allowed,
                "{:?} {action:?} on {target:?}",
                actor.role
            );
        }
    }

    #[test]
    fn province_wide_work_is_the_organizers_alone() {
        for actor in [&OFFICER, &SCHOOL_ADMIN, &TEACHER] {
            for action in [
                ManageBanks,
                ManageSchools,
                ManageRankings,
                ListAccounts,
                ReadReports,
                PrintCertificates,
            ] {
                assert!(
                    !may(actor, action, Target::Province),
                    "{actor:?} {action:?}"
                );
            }
            for role in Role::ALL {
                assert!(!may(actor, CreateAccount(role), Target::Province));
            }
        }
    }

    #[test]
    fn an_account_of_a_bound_role_without_a_unit_gets_nothing_of_any_unit() {
        for role in [CommuneOfficer, SchoolAdmin, Teacher] {
            let unbound = Actor {
                id: AccountId::new(9),
                role,
                unit: None,
            };
            for (action, target) in everything() {
                if matches!(target, Target::Commune(_) | Target::School { .. }) {
                    assert!(
                        !may(&unbound, action, target),
                        "{role:?} {action:?} {target:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_unbound_teacher_sees_only_its_own_private_banks() {
        let unbound = Actor {
            id: AccountId::new(5),
            role: Teacher,
            unit: None,
        };
        assert!(may(&unbound, UseBanks, UNBOUND_BANK));
        assert!(!may(&unbound, UseBanks, TEACHERS_BANK));
        let other = Actor {
            id: AccountId::new(7),
            role: Teacher,
            unit: None,
        };
        assert!(
            !may(&other, UseBanks, UNBOUND_BANK),
            "no school is not a school"
        );
    }

    /// Sharing a quiz (issue 19): the owner edits; a shared quiz is hosted and copied by the
    /// colleagues of the owner's school and nobody else; the school admin sees every quiz of
    /// the school; nobody but the owner (and an organizer) edits.
    #[test]
    fn a_quiz_is_edited_by_its_owner_and_shared_with_its_school() {
        let colleague_admin = Actor {
            id: AccountId::new(3),
            role: SchoolAdmin,
            unit: Some("TH-A"),
        };
        let unbound = Actor {
            id: AccountId::new(7),
            role: Teacher,
            unit: None,
        };
        let table: &[(&Actor, Action, Target, bool)] = &[
            (&TEACHER, RunGame, OWN_QUIZ, true),
            (&TEACHER, EditQuiz, OWN_QUIZ, true),
            (&TEACHER, EditQuiz, Target::OwnedBy(AccountId::new(4)), true),
            (
                &TEACHER,
                EditQuiz,
                Target::OwnedBy(AccountId::new(8)),
                false,
            ),
            (&TEACHER, RunGame, COLLEAGUES_QUIZ, false),
            (&TEACHER, RunGame, COLLEAGUES_SHARED_QUIZ, true),
            (&TEACHER, EditQuiz, COLLEAGUES_SHARED_QUIZ, false),
            (&TEACHER, RunGame, OTHER_SCHOOLS_SHARED_QUIZ, false),
            (&TEACHER, RunGame, UNBOUND_SHARED_QUIZ, false),
            (&unbound, RunGame, UNBOUND_SHARED_QUIZ, false),
            (&unbound, RunGame, COLLEAGUES_SHARED_QUIZ, false),
            (&colleague_admin, RunGame, COLLEAGUES_QUIZ, true),
            (&colleague_admin, RunGame, OWN_QUIZ, true),
            (&colleague_admin, EditQuiz, OWN_QUIZ, false),
            (&colleague_admin, RunGame, OTHER_SCHOOLS_SHARED_QUIZ, false),
            (&colleague_admin, RunGame, UNBOUND_SHARED_QUIZ, false),
            (&OFFICER, RunGame, COLLEAGUES_SHARED_QUIZ, false),
            (&OFFICER, EditQuiz, COLLEAGUES_SHARED_QUIZ, false),
            (&ORGANIZER, EditQuiz, COLLEAGUES_SHARED_QUIZ, true),
        ];
        for (actor, action, target, allowed) in table {
            assert_eq!(
                may(actor, *action, *target),
                *allowed,
                "{:?} {} {action:?} on {target:?}",
                actor.role,
                actor.id.get()
            );
        }
    }

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
        assert_eq!(Role::parse(""), None);
    }
}
