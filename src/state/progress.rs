//! The learner's progress: answered questions, practice scores, lessons done.

use std::rc::Rc;

use yew::prelude::*;

use super::json::{self, Json};
use crate::content::lessons::INDEX;
use crate::content::questions::SCORED;

/// The version of the stored format; other versions are ignored with a notice.
pub const VERSION: u32 = 1;
/// The localStorage key.
pub const STORAGE_KEY: &str = "wslab.progress";

/// A few dozen ids with a value each, kept sorted by id (so the stored JSON
/// comes out in one order). A sorted list is all this needs, and costs every
/// build less code than the B-tree maps it replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keyed<V>(Vec<(String, V)>);

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<V> Keyed<V> {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// Whether `key` has a value.
    pub fn contains(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key`'s value, returning the slot.
    pub fn insert(&mut self, key: String, value: V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => {
                self.0[i].1 = value;
                i
            }
            Err(i) => {
                self.0.insert(i, (key, value));
                i
            }
        };
        &mut self.0[i].1
    }

    /// `key`'s value, set to `value` first if it has none.
    pub fn get_or(&mut self, key: String, value: V) -> &mut V {
        match self.find(&key) {
            Ok(i) => &mut self.0[i].1,
            Err(i) => {
                self.0.insert(i, (key, value));
                &mut self.0[i].1
            }
        }
    }

    /// Forgets `key`.
    pub fn remove(&mut self, key: &str) {
        if let Ok(i) = self.find(key) {
            self.0.remove(i);
        }
    }

    /// How many ids have a value.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no id has a value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every id and its value, by id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// Everything saved about the learner.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// The format version.
    pub version: u32,
    /// Question or exercise id → whether the last answer was right.
    pub answers: Keyed<bool>,
    /// Practice kind → (right, tried).
    pub practice: Keyed<(u32, u32)>,
    /// Lessons whose lab or reading the learner marked done.
    pub done: Keyed<()>,
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
                let entry = p.practice.get_or(kind, (0, 0));
                entry.0 += u32::from(correct);
                entry.1 += 1;
            }
            ProgressAction::Done { lesson, done } => {
                if done {
                    p.done.insert(lesson, ());
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
    let Ok(json) = json::parse(text) else {
        return (fresh, Some(LoadNotice::Corrupt));
    };
    match json.get("version").and_then(Json::as_u32) {
        Some(VERSION) => match read(&json) {
            Some(p) => (p, None),
            None => (fresh, Some(LoadNotice::Corrupt)),
        },
        Some(other) => (fresh, Some(LoadNotice::OtherVersion(other))),
        None => (fresh, Some(LoadNotice::Corrupt)),
    }
}

/// The progress in an object of this version's shape:
/// `{"version":1,"answers":{"id":true},"practice":{"kind":[right,tries]},"done":["lesson"]}`.
fn read(json: &Json) -> Option<Progress> {
    let Json::Object(answers) = json.get("answers")? else {
        return None;
    };
    let Json::Object(practice) = json.get("practice")? else {
        return None;
    };
    let Json::Array(done) = json.get("done")? else {
        return None;
    };
    // Inserted one by one: collecting would sort, and the sort's code is a
    // tenth of the reader build's share.
    let mut p = Progress {
        version: VERSION,
        ..Progress::default()
    };
    for (id, v) in answers {
        let Json::Bool(right) = v else {
            return None;
        };
        p.answers.insert(id.clone(), *right);
    }
    for (kind, v) in practice {
        match v {
            Json::Array(pair) if pair.len() == 2 => {
                p.practice
                    .insert(kind.clone(), (pair[0].as_u32()?, pair[1].as_u32()?));
            }
            _ => return None,
        }
    }
    for v in done {
        let Json::String(lesson) = v else {
            return None;
        };
        p.done.insert(lesson.clone(), ());
    }
    Some(p)
}

/// The progress as stored: the JSON [`parse`] reads.
pub fn to_json(p: &Progress) -> String {
    let answers: Vec<String> = p
        .answers
        .iter()
        .map(|(id, right)| format!("{}:{right}", json::quote(id)))
        .collect();
    let practice: Vec<String> = p
        .practice
        .iter()
        .map(|(kind, (right, tries))| format!("{}:[{right},{tries}]", json::quote(kind)))
        .collect();
    let done: Vec<String> = p.done.iter().map(|(l, _)| json::quote(l)).collect();
    format!(
        r#"{{"version":{},"answers":{{{}}},"practice":{{{}}},"done":[{}]}}"#,
        p.version,
        answers.join(","),
        practice.join(","),
        done.join(",")
    )
}

/// A lesson's score: (right answers, questions and exercises in it, done).
pub fn lesson_score(p: &Progress, lesson: &str) -> (usize, usize, bool) {
    let ids: Vec<&str> = SCORED
        .iter()
        .filter(|q| q.lesson == lesson)
        .map(|q| q.id)
        .collect();
    let right = ids
        .iter()
        .filter(|id| p.answers.get(id) == Some(&true))
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
    INDEX.iter().map(|l| lesson_fraction(p, l.id)).sum::<f64>() / INDEX.len() as f64
}

/// The progress handle every component can reach.
pub type ProgressContext = UseReducerHandle<Progress>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::questions::{EXERCISES, QUESTIONS};

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
        let good = to_json(&Progress {
            version: VERSION,
            ..Progress::default()
        });
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
    fn progress_saved_by_earlier_builds_reads_back_and_is_written_the_same_way() {
        // What serde_json wrote for this state before the app had its own codec.
        let earlier = r#"{"version":1,"answers":{"mcq-101":true,"mcq-key \"q\"":false},"practice":{"accept":[3,4]},"done":["frames","handshake"]}"#;
        let (p, notice) = parse(Some(earlier));
        assert_eq!(notice, None);
        assert_eq!(p.answers.get("mcq-101"), Some(&true));
        assert_eq!(p.answers.get("mcq-key \"q\""), Some(&false));
        assert_eq!(p.practice.get("accept"), Some(&(3, 4)));
        assert_eq!(p.done.len(), 2);
        assert_eq!(to_json(&p), earlier);
        // Whitespace and member order do not matter.
        let spaced = r#" { "done" : [ ] , "practice" : { } , "answers" : { } , "version" : 1 } "#;
        assert_eq!(parse(Some(spaced)).1, None);
    }

    #[test]
    fn progress_of_the_wrong_shape_is_set_aside_as_corrupt() {
        for text in [
            r#"{"version":1,"answers":{"a":1},"practice":{},"done":[]}"#,
            r#"{"version":1,"answers":{},"practice":{"k":[1]},"done":[]}"#,
            r#"{"version":1,"answers":{},"practice":{"k":[1,4294967296]},"done":[]}"#,
            r#"{"version":1,"answers":{},"practice":{},"done":[3]}"#,
            r#"{"version":1,"answers":{},"practice":{}}"#,
            r#"{"version":"1","answers":{},"practice":{},"done":[]}"#,
            r#"{"version":1.5}"#,
        ] {
            assert_eq!(parse(Some(text)).1, Some(LoadNotice::Corrupt), "{text}");
        }
        assert_eq!(
            parse(Some(r#"{"version":2,"whatever":[]}"#)).1,
            Some(LoadNotice::OtherVersion(2))
        );
    }

    #[test]
    fn any_progress_round_trips_through_its_json() {
        let mut p = Progress {
            version: VERSION,
            ..Progress::default()
        };
        for (i, id) in ["a", "é😀", "quote\"", "tab\t", "\u{1}", ""]
            .iter()
            .enumerate()
        {
            p.answers.insert((*id).to_owned(), i % 2 == 0);
            p.practice
                .insert(format!("{id}{i}"), (i as u32, u32::MAX - i as u32));
            p.done.insert((*id).to_owned(), ());
        }
        let text = to_json(&p);
        assert_eq!(parse(Some(&text)), (p, None));
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
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
        p.done.insert("handshake".into(), ());
        assert_eq!(lesson_fraction(&p, "handshake"), 1.0);
        assert!(chapter_fraction(&p) > 0.0 && chapter_fraction(&p) < 1.0);
    }
}
