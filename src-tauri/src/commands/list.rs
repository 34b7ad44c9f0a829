// The one declaration of the commands the UI may call, in the order the UI's API lists
// them. Adding a command means a line here and its function in the named module
// (`pub async fn NAME(app: &AppHandle, ARGS...) -> AppResult<RET>`); the compiler checks
// the function against this line. From it come the Tauri handler, the ACL (build.rs), the
// main window's capability (capabilities/main.json) and the UI's typed functions
// (ui/src/lib/commands.ts), the last two checked by `cargo test -p portolan-app commands`.
// `streams(T)` gives the command a progress channel of `T` events as its last argument.
// This file is read by build.rs too, so it holds nothing but the declaration.
declare_commands! {
    registries::list_registries() -> Vec<RegistryView>;
    registries::advise_host(host: String) -> HostAdvice;
    registries::add_registry(name: String, host: String, insecure: bool, ca_file: Option<String>) -> Vec<RegistryView>;
    registries::remove_registry(host: String) -> Vec<RegistryView>;
    registries::rename_registry(host: String, name: String) -> Vec<RegistryView>;
    registries::test_registry(host: String, insecure: bool, ca_file: Option<String>) -> String;
    registries::sign_in(host: String, username: String, secret: String) -> RegistryView;
    registries::use_docker_login(host: String) -> RegistryView;
    registries::sign_out(host: String) -> RegistryView;
    browse::list_repositories(host: String, next: Option<String>) -> RepositoryPage;
    packages::list_packages(host: String, owner: Option<String>, visibility: Option<String>) -> PackageList;
    packages::list_versions(repository: String, deleted: bool) -> VersionList;
    packages::delete_version(repository: String, version_id: String) -> ();
    packages::restore_version(repository: String, version_id: String) -> ();
    packages::open_in_browser(page: WebPage) -> ();
    browse::resolve_repository(host: String, name: String) -> String;
    browse::list_tags(repository: String) -> TagList;
    browse::count_tags(repository: String) -> TagCount;
    browse::describe_tag(reference: String) -> TagSummary;
    browse::inspect_image(reference: String, platform: Option<String>) -> ImageReport;
    browse::raw_manifest(reference: String) -> RawDocument;
    browse::raw_config(repository: String, digest: String, media_type: String) -> RawDocument;
    browse::list_referrers(reference: String) -> Vec<Referrer>;
    layers::list_layer_files(reference: String, digest: Digest, size: f64, read_id: u32) streams(ProgressEvent) -> LayerListing;
    layers::read_layer_file(reference: String, digest: Digest, size: f64, path: String, read_id: u32) streams(ProgressEvent) -> ShownFile;
    layers::save_layer_file(reference: String, digest: Digest, size: f64, path: String, to: String, read_id: u32) streams(ProgressEvent) -> String;
    layers::image_files(reference: String, platform: Option<String>, read_id: u32) streams(ProgressEvent) -> MergedTree;
    layers::compare_images(first: String, second: String, platform: Option<String>, read_id: u32) streams(ProgressEvent) -> ImageDiff;
    layers::cancel_read(read_id: u32) -> bool;
    manage::check_new_tag(repository: String, tag: String) -> TagCheck;
    manage::add_tag(request: TagRequest) -> Tagged;
    manage::remove_tag(repository: String, tag: String, digest: Digest) -> Untagged;
    manage::preview_delete(repository: String, digest: Digest) -> DeletePreview;
    manage::delete_image(repository: String, digest: Digest, tags: Vec<String>) -> Digest;
    manage::plan_cleanup(repository: String, rules: CleanupRules) -> CleanupPlan;
    manage::plan_removal(repository: String, tags: Vec<String>, action: SelectionAction) -> CleanupPlan;
    manage::run_cleanup(repository: String, steps: Vec<Step>) streams(CleanupProgress) -> CleanupSummary;
    settings::get_settings() -> Settings;
    settings::set_theme(theme: Theme) -> Settings;
    settings::pin_repository(repository: String, pinned: bool) -> Settings;
    settings::set_engine(engine: EngineChoice) -> Settings;
    engine::engine_status() -> EngineStatus;
    engine::local_images(filter: String) -> Vec<LocalImage>;
    transfer::start_pull(reference: String, format: PullFormat, platform: Option<String>, folder: Option<String>) -> TransferView;
    transfer::push_source_images(source: String) -> Vec<String>;
    transfer::start_push(request: PushRequest) -> TransferView;
    transfer::start_copy(request: CopyRequest) -> TransferView;
    transfer::list_transfers() -> Vec<TransferView>;
    transfer::cancel_transfer(transfer_id: u32) -> bool;
    transfer::clear_transfers() -> Vec<TransferView>;
    files::pick_folder(title: String) -> Option<String>;
    files::pick_file(title: String) -> Option<String>;
    files::pick_save_file(title: String, name: String) -> Option<String>;
    files::watch_drops() streams(DroppedFiles) -> ();
    files::show_transfer_result(transfer_id: u32) -> ();
}
