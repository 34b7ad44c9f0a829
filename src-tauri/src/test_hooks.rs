//! The end-to-end tests' ways past what WebDriver cannot drive: native file choosers and
//! the user's web browser. Each is an environment variable read once at start-up; nothing
//! in the window can set one.
//!
//! They exist only in a build with the `test-hooks` feature (`scripts/test` builds the app
//! it tests that way). A release build (`scripts/package-deb`) has no such feature: there
//! the variables are never read, and their names are not even in the binary, so nobody
//! can make an installed Portolan answer its choosers from a file or keep it from opening
//! a page.

use std::ffi::OsString;
use std::path::PathBuf;

/// The hooks set for this run (none without the `test-hooks` feature).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestHooks {
    /// A file whose text answers every file chooser (`PORTOLAN_TEST_PICK_FILE`).
    pub pick_file: Option<PathBuf>,
    /// A file that web pages are appended to instead of being opened in the browser
    /// (`PORTOLAN_TEST_OPEN_LOG`).
    pub open_log: Option<PathBuf>,
}

impl TestHooks {
    /// The hooks the environment sets.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// The hooks `lookup` (an environment) sets.
    #[cfg(feature = "test-hooks")]
    fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Self {
        let path = |name: &str| lookup(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        Self {
            pick_file: path("PORTOLAN_TEST_PICK_FILE"),
            open_log: path("PORTOLAN_TEST_OPEN_LOG"),
        }
    }

    /// No hooks: this build has none.
    #[cfg(not(feature = "test-hooks"))]
    fn from_lookup(_lookup: impl Fn(&str) -> Option<OsString>) -> Self {
        Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hooks_are_honoured_only_in_a_build_with_the_test_hooks_feature() {
        let everything_set = |_: &str| Some(OsString::from("/tmp/answer"));
        let hooks = TestHooks::from_lookup(everything_set);
        if cfg!(feature = "test-hooks") {
            assert_eq!(hooks.pick_file, Some(PathBuf::from("/tmp/answer")));
            assert_eq!(hooks.open_log, Some(PathBuf::from("/tmp/answer")));
        } else {
            assert_eq!(hooks, TestHooks::default(), "a plain build reads no hook");
        }
    }
}
