//! The learner's progress: answered questions, practice scores, lessons done.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use yew::prelude::*;

use crate::content::lessons::LESSONS;
use crate::content::questions::{EXERCISES, QUESTIONS};

/// The version of the stored format; other versions are ignored with a notice.
pub const VERSION: u32 = 1;
/// The localStorage key.
pub const STORAGE_KEY: &str = "wslab.progress";

/// Everything saved about the learner.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The format version.
    pub version: u32,
    /// Question or exercise id → whether the last answer was right.
    pub answers: BTreeMap<String, bool>,
    /// Practice kind → (right, tried).
    pub practice: BTreeMap<String, (u32, u32)>,
    /// Lessons whose lab or reading the learner marked done.
    pub done: BTreeSet<String>,
}

/// What can happen to progress.
pub enum ProgressAction {
    /// A question or exercise was answered.
    Answered {
        /// Its id.
        id: String,
        /// Whether the answer was right.
        correct: bool,
    },
    /// A practice question was answered.
    Practiced {
        /// The practice kind's id.
        kind: String,
        /// Whether the answer was right.
        correct: bool,
    },
    /// A lesson was marked done, or not.
    Done {
        /// The lesson id.
        lesson: String,
        /// Done or not.
        done: bool,
    },
    /// Everything is forgotten.
    Reset,
}

impl Reducible for Progress {
    type Action = ProgressAction;

    fn reduce(self: Rc<Self>, action: ProgressAction) -> Rc<Self> {
        let mut p = (*self).clone();
        p.version = VERSION;
        match action {
            ProgressAction::Answered { id, correct } => {
                p.answers.insert(id, correct);
            }
            ProgressAction::Practiced { kind, correct } => {
                let entry = p.practice.entry(kind).or_insert((0, 0));
                entry.0 += u32::from(correct);
                entry.1 += 1;
            }
            ProgressAction::Done { lesson, done } => {
                if done {
                    p.done.insert(lesson);
                } else {
                    p.done.remove(&lesson);
                }
            }
            ProgressAction::Reset => {
                return Rc::new(Progress {
                    version: VERSION,
                    ..Progress::default()
                });
            }
        }
        Rc::new(p)
    }
}

/// Why stored progress was not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadNotice {
    /// The stored text was not valid progress data.
    Corrupt,
    /// It was written by another version of the format.
    OtherVersion(u32),
}

/// Reads stored progress text. Corrupt or foreign data is ignored, with a notice.
pub fn parse(stored: Option<&str>) -> (Progress, Option<LoadNotice>) {
    let fresh = Progress {
        version: VERSION,
        ..Progress::default()
    };
    let Some(text) = stored else {
        return (fresh, None);
    };
    match serde_json::from_str::<Progress>(text) {
        Ok(p) if p.version == VERSION => (p, None),
        Ok(p) => (fresh, Some(LoadNotice::OtherVersion(p.version))),
        Err(_) => (fresh, Some(LoadNotice::Corrupt)),
    }
}

/// A lesson's score: (right answers, questions and exercises in it, done).
pub fn lesson_score(p: &Progress, lesson: &str) -> (usize, usize, bool) {
    let ids: Vec<&str> = QUESTIONS
        .iter()
        .filter(|q| q.lesson == lesson)
        .map(|q| q.id)
        .chain(
            EXERCISES
                .iter()
                .filter(|e| e.lesson == lesson)
                .map(|e| e.id),
        )
        .collect();
    let right = ids
        .iter()
        .filter(|id| p.answers.get(**id) == Some(&true))
        .count();
    (right, ids.len(), p.done.contains(lesson))
}

/// A lesson's completion from 0 to 1: its questions answered right, and done.
pub fn lesson_fraction(p: &Progress, lesson: &str) -> f64 {
    let (right, total, done) = lesson_score(p, lesson);
    (right + usize::from(done)) as f64 / (total + 1) as f64
}

/// The chapter's completion from 0 to 1.
pub fn chapter_fraction(p: &Progress) -> f64 {
    LESSONS
        .iter()
        .map(|l| lesson_fraction(p, l.id))
        .sum::<f64>()
        / LESSONS.len() as f64
}

/// The progress handle every component can reach.
pub type ProgressContext = UseReducerHandle<Progress>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_and_foreign_data_are_ignored_with_a_notice() {
        assert_eq!(parse(None).1, None);
        assert_eq!(parse(Some("{not json")).1, Some(LoadNotice::Corrupt));
        assert_eq!(parse(Some("[1,2,3]")).1, Some(LoadNotice::Corrupt));
        assert_eq!(
            parse(Some(
                r#"{"version":0,"answers":{},"practice":{},"done":[]}"#
            ))
            .1,
            Some(LoadNotice::OtherVersion(0))
        );
        let good = serde_json::to_string(&Progress {
            version: VERSION,
            ..Progress::default()
        })
        .unwrap();
        assert_eq!(
            parse(Some(&good)),
            (
                Progress {
                    version: VERSION,
                    ..Progress::default()
                },
                None
            )
        );
    }

    #[test]
    fn fractions_grow_with_right_answers_and_done_lessons() {
        let mut p = Progress::default();
        assert_eq!(lesson_fraction(&p, "handshake"), 0.0);
        for q in QUESTIONS.iter().filter(|q| q.lesson == "handshake") {
            p.answers.insert(q.id.into(), true);
        }
        for e in EXERCISES.iter().filter(|e| e.lesson == "handshake") {
            p.answers.insert(e.id.into(), true);
        }
        p.done.insert("handshake".into());
        assert_eq!(lesson_fraction(&p, "handshake"), 1.0);
        assert!(chapter_fraction(&p) > 0.0 && chapter_fraction(&p) < 1.0);
    }
}
