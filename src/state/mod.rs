//! App-wide state: pure data and reducers, each tested natively. Storage
//! and the URL are written in effects (`app.rs`, `hooks`), never in a reducer.

use std::rc::Rc;

use yew::Reducible;

use query::QueryForm;

pub mod conformance;
pub mod console;
pub mod frames;
pub mod handshake;
pub mod illustrated;
pub mod json;
pub mod live;
pub mod progress;
pub mod query;
pub mod quiz;
pub mod theme;

/// Shared bytes compared by identity, so passing a megabyte as a prop is cheap.
#[derive(Clone, Debug, Default)]
pub struct Bytes(pub Rc<Vec<u8>>);

impl PartialEq for Bytes {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes(Rc::new(v))
    }
}

/// A page's state that lives in its URL: read from the query when the page
/// opens, written back as it changes (`hooks::use_url_reducer`).
pub trait UrlState: Reducible + 'static {
    /// The query string's form.
    type Query: QueryForm;
    /// The state a query describes; anything missing or unreadable takes its default.
    fn from_query(query: Self::Query) -> Self;
    /// The query that reopens this state (only what differs from the defaults).
    fn query(&self) -> Self::Query;
}

/// A page whose whole state is its query (the conformance lab's form, the
/// URI explorer's text): the reducer's action is the next query.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryState<Q>(pub Q);

impl<Q: PartialEq + 'static> Reducible for QueryState<Q> {
    type Action = Q;

    fn reduce(self: Rc<Self>, next: Q) -> Rc<Self> {
        Rc::new(QueryState(next))
    }
}

impl<Q> UrlState for QueryState<Q>
where
    Q: QueryForm,
{
    type Query = Q;

    fn from_query(query: Q) -> Self {
        QueryState(query)
    }

    fn query(&self) -> Q {
        self.0.clone()
    }
}

impl<Q> std::ops::Deref for QueryState<Q> {
    type Target = Q;

    fn deref(&self) -> &Q {
        &self.0
    }
}
