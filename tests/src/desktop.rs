//! What the desktop around the app under test holds, read the way a user's tools read it:
//! the X clipboard (xclip) and the Secret Service (secret-tool). Missing tools fail loudly.

use std::process::Command;

use crate::require_program;

/// The X clipboard's text.
pub fn clipboard() -> String {
    let out = Command::new(require_program("xclip"))
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Whether the keyring holds Portolan's entry for `host`.
pub fn keyring_has(host: &str) -> bool {
    let out = Command::new(require_program("secret-tool"))
        .args(["search", "--all", "service", "portolan", "username", host])
        .output()
        .expect("secret-tool");
    String::from_utf8_lossy(&out.stdout).contains(host)
        || String::from_utf8_lossy(&out.stderr).contains(host)
}
