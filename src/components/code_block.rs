//! Code samples, highlighted with a small tokenizer and copyable.

use yew::prelude::*;

use crate::components::CopyButton;

/// Props of [`CodeBlock`].
#[derive(Properties, PartialEq)]
pub struct CodeBlockProps {
    /// "js", "http" or anything else (plain).
    pub lang: AttrValue,
    /// The code.
    pub code: AttrValue,
}

const JS_KEYWORDS: &[&str] = &[
    "const", "let", "var", "new", "function", "return", "if", "else", "async", "await", "true",
    "false", "null",
];

/// A token's kind, for its CSS class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    /// Plain text.
    Plain,
    /// A keyword.
    Keyword,
    /// A string literal.
    Str,
    /// A comment.
    Comment,
    /// A number.
    Number,
    /// An HTTP header name or start-line token.
    Name,
}

/// Splits JavaScript into highlighted tokens (strings, comments, keywords, numbers).
pub fn tokenize_js(code: &str) -> Vec<(Tok, String)> {
    let chars: Vec<char> = code.chars().collect();
    let mut out: Vec<(Tok, String)> = Vec::new();
    let mut push = |tok: Tok, s: String| match out.last_mut() {
        Some((t, text)) if *t == tok && tok == Tok::Plain => text.push_str(&s),
        _ => out.push((tok, s)),
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| i + p);
            push(Tok::Comment, chars[i..end].iter().collect());
            i = end;
        } else if c == '"' || c == '\'' || c == '`' {
            let mut end = i + 1;
            while end < chars.len() && chars[end] != c {
                end += if chars[end] == '\\' { 2 } else { 1 };
            }
            let end = (end + 1).min(chars.len());
            push(Tok::Str, chars[i..end].iter().collect());
            i = end;
        } else if c.is_ascii_digit() {
            let end = chars[i..]
                .iter()
                .position(|c| !c.is_ascii_alphanumeric())
                .map_or(chars.len(), |p| i + p);
            push(Tok::Number, chars[i..end].iter().collect());
            i = end;
        } else if c.is_alphabetic() || c == '_' {
            let end = chars[i..]
                .iter()
                .position(|c| !(c.is_alphanumeric() || *c == '_'))
                .map_or(chars.len(), |p| i + p);
            let word: String = chars[i..end].iter().collect();
            push(
                if JS_KEYWORDS.contains(&word.as_str()) {
                    Tok::Keyword
                } else {
                    Tok::Plain
                },
                word,
            );
            i = end;
        } else {
            push(Tok::Plain, c.to_string());
            i += 1;
        }
    }
    out
}

/// Splits an HTTP message into start-line and header-name tokens.
pub fn tokenize_http(code: &str) -> Vec<(Tok, String)> {
    let mut out = Vec::new();
    for (n, line) in code.split_inclusive('\n').enumerate() {
        if n == 0 {
            out.push((Tok::Keyword, line.to_owned()));
        } else if let Some((name, rest)) = line.split_once(':') {
            out.push((Tok::Name, name.to_owned()));
            out.push((Tok::Plain, format!(":{rest}")));
        } else {
            out.push((Tok::Plain, line.to_owned()));
        }
    }
    out
}

/// A highlighted, copyable code block.
#[function_component(CodeBlock)]
pub fn code_block(props: &CodeBlockProps) -> Html {
    let tokens = match props.lang.as_str() {
        "js" => tokenize_js(&props.code),
        "http" => tokenize_http(&props.code),
        _ => vec![(Tok::Plain, props.code.to_string())],
    };
    let class = |t: Tok| match t {
        Tok::Plain => None,
        Tok::Keyword => Some("tok-kw"),
        Tok::Str => Some("tok-str"),
        Tok::Comment => Some("tok-com"),
        Tok::Number => Some("tok-num"),
        Tok::Name => Some("tok-name"),
    };
    html! {
        <div class="code-block">
            <div class="code-head">
                <span class="muted">{ props.lang.to_uppercase() }</span>
                <CopyButton text={props.code.clone()} what={format!("the {} code", props.lang)} />
            </div>
            <pre><code class={format!("lang-{}", props.lang)}>
                { for tokens.into_iter().map(|(t, s)| match class(t) {
                    Some(c) => html! { <span class={c}>{ s }</span> },
                    None => html! { { s } },
                }) }
            </code></pre>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_tokens_round_trip_and_are_classified() {
        let code = "const s = new WebSocket(\"wss://x\"); // open\nlet n = 1000;";
        let tokens = tokenize_js(code);
        assert_eq!(
            tokens.iter().map(|(_, s)| s.as_str()).collect::<String>(),
            code
        );
        assert!(tokens.contains(&(Tok::Keyword, "const".into())));
        assert!(tokens.contains(&(Tok::Str, "\"wss://x\"".into())));
        assert!(tokens.contains(&(Tok::Comment, "// open".into())));
        assert!(tokens.contains(&(Tok::Number, "1000".into())));
    }

    #[test]
    fn unterminated_string_does_not_panic() {
        let tokens = tokenize_js("\"abc\\");
        assert_eq!(
            tokens.iter().map(|(_, s)| s.as_str()).collect::<String>(),
            "\"abc\\"
        );
    }
}
