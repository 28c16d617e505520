//! `conformance`: wslab's conformance cases for a WebSocket server, each of which
//! says what it sends, what RFC 6455 requires in answer (with the section),
//! why it matters, and, when the server gets it wrong, what was wrong.
//!
//! | module | owns |
//! |---|---|
//! | [`case`] | the parts of a case: groups, frames to send (broken ones on purpose, with `wire`'s encoder), steps, expectations |
//! | [`cases`] | the catalogue (over 300 cases, in ten groups) and selecting cases by id pattern or group |
//! | [`run`] | one case over a [`run::Transport`]: handshake, steps, reading as a client does (answering Pings and Closes) |
//! | [`judge`] | the verdict: what was observed against what was expected (pure; tested on hand-written observations) |
//! | [`rfc`] | the verdict policy (fail only on a broken MUST) and the specifications' sentences each case's verdicts rest on |
//! | [`report`] | results, the events streamed to the page, JSON and the self-contained HTML report |
//!
//! **Architecture invariant:** nothing here does I/O; everything that
//! touches a socket is behind [`run::Transport`] and [`run::Connector`],
//! which `wslab-probe` implements over TCP and TLS. The app uses this crate
//! for the report's types, so it builds for wasm32.
#![deny(missing_docs)]

pub mod case;
pub mod cases;
pub mod judge;
pub mod report;
pub mod rfc;
pub mod run;

pub use cases::{Case, all, select};
pub use report::{CaseResult, Event, Report, Verdict};
