//! Tauri's build step, with an ACL that grants the main window our commands and nothing
//! else (see capabilities/main.json).

fn main() {
    let commands: &[&str] = &[
        "list_registries",
        "add_registry",
        "remove_registry",
        "sign_in",
        "use_docker_login",
        "sign_out",
        "list_repositories",
        "resolve_repository",
        "list_tags",
        "describe_tag",
        "inspect_image",
        "raw_manifest",
        "raw_config",
        "list_referrers",
        "get_settings",
        "set_theme",
        "pin_repository",
        "set_download_dir",
        "pull_image",
        "cancel_transfer",
    ];
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    tauri_build::try_build(attributes).expect("tauri build step");
}
