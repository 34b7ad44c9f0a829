//! Changing a repository: tag, untag, delete, and removing many tags from a previewed plan.
//! Each command is a few lines over `portolan_ops::{manage, cleanup}`.

use tauri::ipc::Channel;

use crate::error::AppResult;
use crate::state::AppState;
use portolan_ops::cleanup;
pub use portolan_ops::cleanup::{
    CleanupPlan, CleanupProgress, CleanupRules, CleanupSummary, SelectionAction, Step,
};
use portolan_ops::manage;
pub use portolan_ops::manage::{DeletePreview, TagCheck, TagRequest, Tagged, Untagged};
pub use portolan_ops::Digest;

/// Check a tag as the user types it: its grammar, and where it points now if it exists.
pub async fn check_new_tag(
    state: &AppState,
    repository: String,
    tag: String,
) -> AppResult<TagCheck> {
    let client = state.client();
    Ok(manage::check_new_tag(&client, &repository, &tag).await?)
}

/// Add a tag (an existing one moves only when `request.replace` names where it points).
pub async fn add_tag(state: &AppState, request: TagRequest) -> AppResult<Tagged> {
    let client = state.client();
    Ok(manage::tag(&client, &request).await?)
}

/// Remove a tag while it still points at `digest`; its image stays.
pub async fn remove_tag(
    state: &AppState,
    repository: String,
    tag: String,
    digest: Digest,
) -> AppResult<Untagged> {
    let client = state.client();
    Ok(manage::untag(&client, &state.vendor_apis, &repository, &tag, &digest).await?)
}

/// Every tag on an image now (what deleting it takes with it), and the multi-arch tags
/// that list it (what deleting it breaks).
pub async fn preview_delete(
    state: &AppState,
    repository: String,
    digest: Digest,
) -> AppResult<DeletePreview> {
    let client = state.client();
    Ok(manage::delete_preview(&client, &repository, &digest).await?)
}

/// Delete an image by digest, and every tag on it, only while those are the `tags` the
/// user was shown.
pub async fn delete_image(
    state: &AppState,
    repository: String,
    digest: Digest,
    tags: Vec<String>,
) -> AppResult<Digest> {
    let client = state.client();
    Ok(manage::delete(&client, &repository, &digest, &tags).await?)
}

/// Preview a clean-up by rules: every tag with what happens to it.
pub async fn plan_cleanup(
    state: &AppState,
    repository: String,
    rules: CleanupRules,
) -> AppResult<CleanupPlan> {
    let client = state.client();
    Ok(cleanup::plan_rules(&client, &repository, &rules).await?)
}

/// Preview untagging or deleting a selection of tags.
pub async fn plan_removal(
    state: &AppState,
    repository: String,
    tags: Vec<String>,
    action: SelectionAction,
) -> AppResult<CleanupPlan> {
    let client = state.client();
    Ok(cleanup::plan_selection(&client, &repository, &tags, action).await?)
}

/// Carry out a previewed plan's steps, reporting progress; returns what each step did.
pub async fn run_cleanup(
    state: &AppState,
    repository: String,
    steps: Vec<Step>,
    on_progress: Channel<CleanupProgress>,
) -> AppResult<CleanupSummary> {
    let client = state.client();
    let report = move |p: CleanupProgress| {
        let _ = on_progress.send(p);
    };
    Ok(cleanup::run(&client, &repository, steps, report).await?)
}
