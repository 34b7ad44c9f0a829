//! Tauri's build step, with an ACL that knows exactly the commands declared in
//! src/commands/list.rs (capabilities/main.json grants them to the main window).

/// Reads the command list (src/commands/list.rs), keeping only the names.
macro_rules! declare_commands {
    ($( $module:ident :: $name:ident $([$handle:ident])? ( $($arg:ident : $ty:ty),* $(,)? ) $(streams($ev:ty))? -> $ret:ty ; )*) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

include!("src/commands/list.rs");

fn main() {
    println!("cargo:rerun-if-changed=src/commands/list.rs");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri build step");
}
