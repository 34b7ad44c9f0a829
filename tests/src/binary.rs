//! What a built app binary holds and imports, read without starting it: the checks that
//! an installed Portolan starts on an older WebKitGTK and carries no test hooks.

use std::path::Path;
use std::process::Command;

use crate::require_program;

/// The functions of WebKitGTK 2.42 the app uses only when they are there (looked up at
/// run time by src-tauri/src/webkit/features.rs): a binary importing any of them would
/// not start on an older WebKitGTK.
pub const WEBKIT_2_42_FUNCTIONS: [&str; 6] = [
    "webkit_settings_get_all_features",
    "webkit_feature_list_get_length",
    "webkit_feature_list_get",
    "webkit_feature_list_unref",
    "webkit_feature_get_identifier",
    "webkit_settings_set_feature_enabled",
];

/// The names of the functions `binary` imports from shared libraries (`nm -D`), without
/// their version suffixes.
pub fn imported_functions(binary: &Path) -> Vec<String> {
    let out = Command::new(require_program("nm"))
        .args(["-D", "--undefined-only"])
        .arg(binary)
        .output()
        .unwrap_or_else(|e| panic!("nm: {e}"));
    assert!(
        out.status.success(),
        "nm -D {} failed: {}",
        binary.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .map(|name| name.split('@').next().unwrap_or(name).to_owned())
        .collect()
}

/// Check that `binary` imports WebKitGTK but none of its 2.42 functions.
pub fn assert_starts_on_older_webkit(binary: &Path) {
    let imported = imported_functions(binary);
    assert!(
        imported.iter().any(|f| f.starts_with("webkit_")),
        "{} imports no WebKitGTK function at all: is it the app?",
        binary.display()
    );
    for f in WEBKIT_2_42_FUNCTIONS {
        assert!(
            !imported.iter().any(|i| i == f),
            "{} imports {f} (WebKitGTK 2.42+): it would not start on an older WebKitGTK",
            binary.display()
        );
    }
}

/// Whether `needle` is anywhere in the file `binary`.
pub fn contains(binary: &Path, needle: &[u8]) -> bool {
    let bytes = std::fs::read(binary).unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    bytes.windows(needle.len()).any(|w| w == needle)
}
