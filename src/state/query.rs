//! A lab's query string as named fields, read and written with
//! `form_urlencoded` (as `URLSearchParams` does): what [`UrlState`](super::UrlState)
//! keeps in the address bar, and the one-field link queries of `route`. No
//! serde: the page builds link only this.
//!
//! Reading is lenient, field by field: an unknown name is ignored, a value a
//! field cannot hold leaves the field as it was, and a repeated name keeps its
//! last value. So a hand-edited link keeps every field it still gets right.

/// A query's fields by name.
pub trait QueryForm: PartialEq + Clone + Default + 'static {
    /// Takes field `name`'s `value` (see the module's rules).
    fn set(&mut self, name: &str, value: &str);
    /// The fields to write, in order: those set, and those always written.
    fn pairs(&self) -> Vec<(&'static str, String)>;
}

/// A field of a [`QueryForm`]: how a value is taken, and written if at all.
pub trait QueryField {
    /// Takes `value`, or stays as it was when it cannot hold it.
    fn take_value(&mut self, value: &str);
    /// The value to write, if any.
    fn written(&self) -> Option<String>;
}

impl QueryField for Option<String> {
    fn take_value(&mut self, value: &str) {
        *self = Some(value.to_owned());
    }

    fn written(&self) -> Option<String> {
        self.clone()
    }
}

impl QueryField for Option<u8> {
    /// Digits only, 0 to 255 (`u8::from_str` would also take a leading `+`,
    /// which this form never writes).
    fn take_value(&mut self, value: &str) {
        if !value.is_empty()
            && value.bytes().all(|b| b.is_ascii_digit())
            && let Ok(n) = value.parse()
        {
            *self = Some(n);
        }
    }

    fn written(&self) -> Option<String> {
        self.map(|n| n.to_string())
    }
}

/// Implements [`QueryForm`] for a struct whose fields are all [`QueryField`]s,
/// each named in the query as in the struct: `query_form!(Type { a, b })`.
#[macro_export]
macro_rules! query_form {
    ($ty:ty { $($field:ident),* $(,)? }) => {
        impl $crate::state::query::QueryForm for $ty {
            fn set(&mut self, name: &str, value: &str) {
                use $crate::state::query::QueryField;
                match name {
                    $( stringify!($field) => QueryField::take_value(&mut self.$field, value), )*
                    _ => {}
                }
            }

            fn pairs(&self) -> Vec<(&'static str, String)> {
                use $crate::state::query::QueryField;
                let mut pairs = Vec::new();
                $(
                    if let Some(v) = self.$field.written() {
                        pairs.push((stringify!($field), v));
                    }
                )*
                pairs
            }
        }
    };
}

/// `query` (without its `?`, or with it) read as `Q`, from its defaults.
pub fn read<Q: QueryForm>(query: &str) -> Q {
    let mut q = Q::default();
    for (name, value) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        q.set(&name, &value);
    }
    q
}

/// The first value of `name` in `query` (without its `?`, or with it), as
/// `URLSearchParams.get` reads it: the one-field link queries (`route`'s
/// `LiveFor`, `QuizFor`).
pub fn first(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `q` as a query string, without its `?`.
pub fn write<Q: QueryForm>(q: &Q) -> String {
    encode(q.pairs().iter().map(|(k, v)| (*k, v.as_str())))
}

/// Name-value pairs as a query string, without its `?`.
pub fn encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, Default, PartialEq)]
    struct Q {
        text: Option<String>,
        n: Option<u8>,
    }

    crate::query_form!(Q { text, n });

    #[test]
    fn fields_round_trip_in_order() {
        let q = Q {
            text: Some("a b&c=d/é".to_owned()),
            n: Some(7),
        };
        let text = write(&q);
        assert_eq!(text, "text=a+b%26c%3Dd%2F%C3%A9&n=7");
        assert_eq!(read::<Q>(&text), q);
        assert_eq!(read::<Q>(&format!("?{text}")), q);
        assert_eq!(write(&Q::default()), "");
    }

    #[test]
    fn reading_is_lenient_field_by_field() {
        // An unknown name is ignored; a value the field cannot hold leaves
        // the field as it was; a repeated name keeps its last value.
        assert_eq!(
            read::<Q>("x=1&n=300&text=a&text=b"),
            Q {
                text: Some("b".to_owned()),
                n: None,
            }
        );
        assert_eq!(read::<Q>("n=4&n=oops").n, Some(4));
        // Digits only: a sign, a space or a number past 255 keeps what came before.
        assert_eq!(read::<Q>("n=%2B1").n, None);
        assert_eq!(read::<Q>("n=4&n=+5&n=256&n=-1").n, Some(4));
        assert_eq!(read::<Q>("n=007").n, Some(7));
        assert_eq!(read::<Q>("%ZZ=&&=&n"), Q::default());
    }
}
