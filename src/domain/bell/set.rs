//! The question set of a contest: main questions from easy to hard, an optional numeric final
//! that breaks a tie among those still standing, and the rescue questions kept aside.

use crate::domain::question::{Question, QuestionKind};

/// A checked question set. Any kind of question may be a main or rescue question.
#[derive(Debug, Clone, PartialEq)]
pub struct BellSet {
    main: Vec<Question>,
    tie_break: Option<Question>,
    rescue: Vec<Question>,
}

/// Why a question set cannot run a contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SetError {
    #[error("a contest needs at least one main question")]
    NoQuestions,
    /// Main question `index` (0-based) is easier than the one before it. The stage format
    /// climbs: an easy question after a hard one would eliminate nobody and bore the hall.
    #[error("main question {} is easier than the one before it", .index + 1)]
    NotEasyToHard { index: usize },
    /// The tie-break must be answered with a number: the closest answer wins, so it always
    /// separates contestants a right/wrong question cannot.
    #[error("the tie-break question must be a numeric question")]
    TieBreakNotNumeric,
}

impl BellSet {
    /// A set from its parts, checked: at least one main question, difficulty never falling
    /// along the main questions, a numeric tie-break if any.
    pub fn new(
        main: Vec<Question>,
        tie_break: Option<Question>,
        rescue: Vec<Question>,
    ) -> Result<BellSet, SetError> {
        if main.is_empty() {
            return Err(SetError::NoQuestions);
        }
        if let Some(index) = (1..main.len()).find(|&i| main[i].difficulty < main[i - 1].difficulty)
        {
            return Err(SetError::NotEasyToHard { index });
        }
        if tie_break
            .as_ref()
            .is_some_and(|q| q.kind != QuestionKind::Numeric)
        {
            return Err(SetError::TieBreakNotNumeric);
        }
        Ok(BellSet {
            main,
            tie_break,
            rescue,
        })
    }

    /// The set ordered for the stage: main questions sorted easy → hard (a stable sort keeps
    /// the author's order within a level), and the hardest numeric question (the last one
    /// after sorting) taken out as the tie-break, unless it is the only question.
    pub fn arrange(mut main: Vec<Question>, rescue: Vec<Question>) -> Result<BellSet, SetError> {
        main.sort_by_key(|q| q.difficulty);
        let tie_break = main
            .iter()
            .rposition(|q| q.kind == QuestionKind::Numeric)
            .filter(|_| main.len() > 1)
            .map(|i| main.remove(i));
        BellSet::new(main, tie_break, rescue)
    }

    pub fn main(&self) -> &[Question] {
        &self.main
    }
    pub fn tie_break(&self) -> Option<&Question> {
        self.tie_break.as_ref()
    }
    pub fn rescue(&self) -> &[Question] {
        &self.rescue
    }
}
