//! Light, dark, or whatever the system prefers.

use yew::Callback;

/// The theme and a way to change it, for the header's button (a context the
/// app's frame provides).
#[derive(Clone, PartialEq)]
pub struct ThemeContext {
    /// The current choice.
    pub theme: Theme,
    /// Moves to the next choice.
    pub cycle: Callback<()>,
}

/// The theme choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// The localStorage key.
pub const STORAGE_KEY: &str = "wslab.theme";

impl Theme {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Reads a stored name; anything else means System.
    pub fn parse(s: Option<&str>) -> Theme {
        match s {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::System,
        }
    }

    /// The next choice when the toggle is pressed.
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }
}
