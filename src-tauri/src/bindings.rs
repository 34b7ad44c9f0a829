//! TypeScript declarations of every type that crosses the bridge, generated from the Rust
//! definitions into `ui/src/lib/bindings.ts`. A test fails when that file is stale; run
//! `UPDATE_BINDINGS=1 cargo test -p portolan-app bindings` to regenerate it.

use ts_rs::TS;

/// The whole bindings file.
pub fn render() -> String {
    let decls = [
        portolan::Digest::decl(),
        portolan::manifest::ManifestKind::decl(),
        portolan::Platform::decl(),
        portolan::inspect::ImageReport::decl(),
        portolan::inspect::Subject::decl(),
        portolan::inspect::PlatformEntry::decl(),
        portolan::inspect::ImageDetails::decl(),
        portolan::inspect::ConfigSummary::decl(),
        portolan::inspect::LayerRow::decl(),
        portolan::inspect::Compression::decl(),
        portolan::inspect::HistoryRow::decl(),
        portolan::inspect::TagSummary::decl(),
        portolan::transfer::progress::ProgressEvent::decl(),
        portolan::transfer::progress::BlobOutcome::decl(),
        portolan::PullReport::decl(),
        portolan::ErrorCode::decl(),
        crate::error::AppError::decl(),
        crate::settings::RegistryEntry::decl(),
        crate::settings::Theme::decl(),
        crate::settings::Settings::decl(),
        portolan::inspect::PullCommands::decl(),
        portolan_ops::sign_in::SignIn::decl(),
        portolan_ops::host_advice::HostAdvice::decl(),
        portolan_ops::transfers::TransferState::decl(),
        portolan_ops::transfers::TransferView::decl(),
        crate::commands::registries::RegistryView::decl(),
        portolan_ops::catalog::RepositoryPage::decl(),
        crate::commands::browse::RawDocument::decl(),
        crate::commands::browse::Referrer::decl(),
        portolan_ops::pull_target::PullFormat::decl(),
        crate::commands::browse::TagList::decl(),
        crate::commands::browse::TagCount::decl(),
        portolan::UntagMethod::decl(),
        portolan_ops::manage::TagCheck::decl(),
        portolan_ops::manage::TagRequest::decl(),
        portolan_ops::manage::Tagged::decl(),
        portolan_ops::manage::Untagged::decl(),
        portolan_ops::manage::DeletePreview::decl(),
        portolan_ops::cleanup::CleanupRules::decl(),
        portolan_ops::cleanup::TagFate::decl(),
        portolan_ops::cleanup::PlannedTag::decl(),
        portolan_ops::cleanup::Step::decl(),
        portolan_ops::cleanup::CleanupPlan::decl(),
        portolan_ops::cleanup::SelectionAction::decl(),
        portolan_ops::cleanup::StepResult::decl(),
        portolan_ops::cleanup::CleanupProgress::decl(),
        portolan_ops::cleanup::CleanupSummary::decl(),
        portolan_ops::transfers::BlobProgress::decl(),
        portolan_ops::transfers::WrittenTag::decl(),
        portolan_ops::push::PushRequest::decl(),
        portolan_ops::copy::CopyRequest::decl(),
        crate::commands::files::DroppedFiles::decl(),
        portolan_ops::packages::Vendor::decl(),
        portolan::hosted_apis::rest::RateLimit::decl(),
        portolan_ops::web_pages::OwnerKind::decl(),
        portolan_ops::web_pages::WebPage::decl(),
        portolan_ops::packages::PackageRow::decl(),
        portolan_ops::packages::PackageList::decl(),
        portolan_ops::packages::PlatformImage::decl(),
        portolan_ops::packages::VersionRow::decl(),
        portolan_ops::packages::VersionList::decl(),
        portolan::layer_files::entry::EntryKind::decl(),
        portolan::layer_files::entry::FileEntry::decl(),
        portolan::layer_files::listing::LayerListing::decl(),
        crate::commands::layers::ShownFile::decl(),
        portolan::layer_files::merged::MergedEntry::decl(),
        portolan::layer_files::merged::Wasted::decl(),
        portolan::layer_files::merged::MergedTree::decl(),
        portolan::layer_files::merged::SkippedLayer::decl(),
        portolan::layer_files::merged::LayerBlob::decl(),
        portolan::layer_files::diff::Changed::decl(),
        portolan::layer_files::diff::ImageDiff::decl(),
        portolan::local_engine::discover::EngineSocket::decl(),
        portolan::local_engine::engine::EngineInfo::decl(),
        portolan::local_engine::engine::LocalImage::decl(),
        portolan_ops::local_engine::EngineChoice::decl(),
        portolan_ops::local_engine::EngineStatus::decl(),
    ];
    let mut out = String::from("// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit.\n// Regenerate: UPDATE_BINDINGS=1 cargo test -p portolan-app bindings\n\n");
    for d in decls {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    out.trim_end().to_owned() + "\n"
}

/// The names of the types the bindings file exports.
pub fn exported_names() -> Vec<String> {
    render()
        .lines()
        .filter_map(|l| l.strip_prefix("export type "))
        .filter_map(|l| l.split([' ', '<', '=']).next())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn bindings_are_fresh() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
        let want = super::render();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &want).expect("write bindings");
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "ui/src/lib/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p portolan-app bindings`"
        );
    }
}
