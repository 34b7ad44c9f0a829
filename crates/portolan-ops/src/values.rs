//! The engine's value types the front ends show, re-exported so the front ends depend on
//! ops only.
//!
//! Types only (references, digests, reports, errors, progress events, options) and the
//! few constants a front end needs to show them, never the engine's functions: a front
//! end asks the operations in this crate, which take the [`Client`] handle. One item per
//! line, sorted, so additions merge without conflicts.

pub use portolan::auth::secret_store::SecretStore;
pub use portolan::client::ReferrersSource;
pub use portolan::hosted_apis::github::Visibility;
pub use portolan::inspect::Compression;
pub use portolan::inspect::ConfigSummary;
pub use portolan::inspect::HistoryRow;
pub use portolan::inspect::ImageDetails;
pub use portolan::inspect::ImageReport;
pub use portolan::inspect::LayerRow;
pub use portolan::inspect::PlatformEntry;
pub use portolan::inspect::PullCommands;
pub use portolan::inspect::Subject;
pub use portolan::inspect::TagSummary;
pub use portolan::layer_files::diff::Changed;
pub use portolan::layer_files::diff::ImageDiff;
pub use portolan::layer_files::entry::EntryKind;
pub use portolan::layer_files::entry::FileEntry;
pub use portolan::layer_files::listing::Detail;
pub use portolan::layer_files::listing::LayerListing;
pub use portolan::layer_files::merged::LayerBlob;
pub use portolan::layer_files::merged::MergedEntry;
pub use portolan::layer_files::merged::MergedTree;
pub use portolan::layer_files::merged::SkippedLayer;
pub use portolan::layer_files::merged::Wasted;
pub use portolan::layer_files::read_file::FileContent;
pub use portolan::layer_files::read_file::SHOWN_BYTES;
pub use portolan::layer_files::reads::Watch;
pub use portolan::local_engine::discover::EngineSocket;
pub use portolan::local_engine::engine::EngineInfo;
pub use portolan::local_engine::engine::LocalImage;
pub use portolan::local_engine::engine::LocalImageDetails;
pub use portolan::local_engine::engine::LocalStep;
pub use portolan::manifest::ManifestKind;
pub use portolan::platform::PlatformError;
pub use portolan::reference::ReferenceError;
pub use portolan::referrers::ReferrerRow;
pub use portolan::referrers::ReferrersReport;
pub use portolan::referrers::CREATED as CREATED_ANNOTATION;
pub use portolan::transfer::progress::BlobOutcome;
pub use portolan::transport::rate_limit::RateLimit;
pub use portolan::Cancel;
pub use portolan::Client;
pub use portolan::CopyReport;
pub use portolan::CredentialChain;
pub use portolan::Digest;
pub use portolan::Error;
pub use portolan::ErrorCode;
pub use portolan::PingInfo;
pub use portolan::Platform;
pub use portolan::PlatformChoice;
pub use portolan::Progress;
pub use portolan::ProgressEvent;
pub use portolan::PullOptions;
pub use portolan::PullReport;
pub use portolan::PushOptions;
pub use portolan::PushReport;
pub use portolan::Reference;
pub use portolan::Result;
pub use portolan::UntagMethod;
