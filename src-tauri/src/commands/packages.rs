//! Packages and versions from the vendor APIs (GitHub Packages for ghcr.io, the Hub API
//! for Docker Hub), and opening a vendor's page (or a link an image's labels name) in the
//! user's browser.
//!
//! The browser cannot be driven by WebDriver, so the tests have one way in (a build with
//! the `test-hooks` feature only; see `crate::test_hooks`): a file each address is
//! appended to instead of being opened.
//!
//! On ghcr.io, removing a tag and deleting versions by selection or by rules go through
//! `portolan_ops::packages::{untag, version_cleanup}` (the registry deletes nothing there).

use std::io::Write;

use tauri::ipc::Channel;

pub use portolan_ops::cleanup::CleanupProgress;
use portolan_ops::packages;
pub use portolan_ops::packages::untag::{
    UntagFinish, UntagFinished, UntagUndo, UntagUndone, VersionUntag, VersionUntagPreview,
    VersionUntagRequest,
};
pub use portolan_ops::packages::version_cleanup::{
    PlannedVersion, VersionCleanupSummary, VersionPlan,
};
pub use portolan_ops::packages::version_plan::VersionRules;
use portolan_ops::packages::{untag, version_cleanup};
pub use portolan_ops::packages::{PackageList, VersionList};
pub use portolan_ops::web_pages::WebPage;
pub use portolan_ops::Digest;
use portolan_ops::{Error, Visibility};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The packages of `host` (no owner: the signed-in user's and their organisations').
pub async fn list_packages(
    state: &AppState,
    host: String,
    owner: Option<String>,
    visibility: Option<String>,
) -> AppResult<PackageList> {
    let place = match owner {
        Some(o) => format!("{host}/{o}"),
        None => host,
    };
    let visibility = visibility.as_deref().and_then(Visibility::parse);
    Ok(packages::packages(
        &state.client(),
        &state.vendor_apis,
        &place,
        false,
        visibility,
    )
    .await?)
}

/// The versions of `repository` (`host/owner/package`), deleted ones with `deleted`.
pub async fn list_versions(
    state: &AppState,
    repository: String,
    deleted: bool,
) -> AppResult<VersionList> {
    Ok(packages::versions(
        &state.client(),
        &state.vendor_apis,
        &repository,
        false,
        deleted,
    )
    .await?)
}

/// A version id as the UI passes it (text: GitHub's ids are 64-bit).
fn version_id(text: &str) -> AppResult<u64> {
    text.trim().parse().map_err(|_| {
        AppError::from(Error::input(
            format!("\"{text}\" is not a version id"),
            "a version id is a number",
        ))
    })
}

/// Delete version `version_id` of `repository` (GitHub: restorable for 30 days).
pub async fn delete_version(
    state: &AppState,
    repository: String,
    version_id: String,
) -> AppResult<()> {
    let version_id = self::version_id(&version_id)?;
    Ok(packages::delete_version(
        &state.client(),
        &state.vendor_apis,
        &repository,
        false,
        version_id,
    )
    .await?)
}

/// Restore deleted version `version_id` of `repository`.
pub async fn restore_version(
    state: &AppState,
    repository: String,
    version_id: String,
) -> AppResult<()> {
    let version_id = self::version_id(&version_id)?;
    Ok(packages::restore_version(
        &state.client(),
        &state.vendor_apis,
        &repository,
        false,
        version_id,
    )
    .await?)
}

/// What removing `tag` (seen on `expected`) from `repository` will do where GitHub's
/// Packages API manages the registry (ghcr.io); `None` on any other registry, whose untag
/// is `manage::remove_tag`.
pub async fn preview_version_untag(
    state: &AppState,
    repository: String,
    tag: String,
    expected: Digest,
) -> AppResult<Option<VersionUntagPreview>> {
    Ok(untag::preview_where_managed(
        &state.client(),
        &state.vendor_apis,
        &repository,
        &tag,
        &expected,
        false,
    )
    .await?)
}

/// Remove a tag on ghcr.io (through a placeholder version, or by deleting the version when
/// it is the only tag and the user confirmed that). A failure half-way is an answer
/// saying what is left, with what finishing and undoing need.
pub async fn untag_version(
    state: &AppState,
    request: VersionUntagRequest,
) -> AppResult<VersionUntag> {
    Ok(untag::untag_version(&state.client(), &state.vendor_apis, &request).await?)
}

/// Finish an untag that stopped half-way: delete the placeholder's version.
pub async fn finish_version_untag(
    state: &AppState,
    finish: UntagFinish,
) -> AppResult<UntagFinished> {
    Ok(untag::finish_untag(&state.client(), &state.vendor_apis, &finish).await?)
}

/// Undo a ghcr.io untag: restore the version, point the tag back, drop the placeholder.
pub async fn undo_version_untag(state: &AppState, undo: UntagUndo) -> AppResult<UntagUndone> {
    Ok(untag::undo_untag(&state.client(), &state.vendor_apis, &undo).await?)
}

/// The version clean-up plan of `rules` for `repository`: every version with its fate and
/// why (platform images of kept indexes and signatures of kept versions stay).
pub async fn plan_version_cleanup(
    state: &AppState,
    repository: String,
    rules: VersionRules,
) -> AppResult<VersionPlan> {
    Ok(version_cleanup::plan_versions(
        &state.client(),
        &state.vendor_apis,
        &repository,
        false,
        &rules,
    )
    .await?)
}

/// Delete `versions` of `repository` (a previewed plan's deletes, or the user's
/// selection), four at a time, each re-checked first, with progress and a summary.
pub async fn delete_versions(
    state: &AppState,
    repository: String,
    versions: Vec<PlannedVersion>,
    on_progress: Channel<CleanupProgress>,
) -> AppResult<VersionCleanupSummary> {
    let report = move |p: CleanupProgress| {
        let _ = on_progress.send(p);
    };
    Ok(version_cleanup::run_version_plan(
        &state.client(),
        &state.vendor_apis,
        &repository,
        false,
        versions,
        report,
    )
    .await?)
}

/// Open `page` in the user's browser. The window names the page by its parts; its address
/// is built here (`portolan_ops::web_pages`), never taken from the window or an API.
pub async fn open_in_browser(state: &AppState, page: WebPage) -> AppResult<()> {
    let url = page.url(&state.vendor_apis)?;
    if let Some(log) = &state.test_hooks.open_log {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| AppError::from(Error::io("cannot write", log, e)))?;
        writeln!(file, "{url}").map_err(|e| AppError::from(Error::io("cannot write", log, e)))?;
        return Ok(());
    }
    std::process::Command::new("xdg-open")
        .arg(url.as_str())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| {
            AppError::from(Error::Configuration {
                what: "the web browser (xdg-open)".to_owned(),
                detail: format!("{e}; the page is {url}"),
            })
        })
}
