//! Copying the artifacts that refer to an image (signatures, SBOMs, attestations) along
//! with it, without losing what the destination already lists.
//!
//! Referrers are looked up for the copied manifest, for each child of an index (each
//! platform may carry its own), and for each referrer copied (a signature on an SBOM).
//! Each referrer is copied by digest; then the destination must list it under its subject.
//! A destination with the referrers API does that itself (it indexes each manifest pushed
//! with a `subject`), so its fallback tag is left alone. Without the API, the destination's
//! fallback tag is fetched, the new entries are merged in, de-duplicated by digest, and it
//! is pushed back: referrers attached at the destination stay listed.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use crate::client::{referrers_tag, ReferrersSource, RegistryClient, MAX_REFERRERS};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::OCI_INDEX;
use crate::reference::{Reference, Target};
use crate::referrers::fallback;
use crate::transfer::copy::plan_remote;
use crate::transfer::push::{upload_plan, PushOptions};

/// What copying the referrers did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReferrersCopy {
    /// Manifests whose referrers were looked up (the copied one, an index's children, and
    /// the referrers themselves).
    pub subjects: usize,
    /// Referrers found at the source (each digest once).
    pub found: usize,
    /// Referrers copied to the destination.
    pub copied: usize,
    /// Referrers the source lists but does not have (a deleted signature): not copied.
    pub missing: Vec<Digest>,
    /// How the destination lists them: `api` (its referrers API indexes them by subject),
    /// `fallback_tag` (fallback tags merged), or `none` (nothing was copied).
    pub destination: ReferrersSource,
    /// The fallback tags written at the destination, each merged with what it listed.
    pub fallback_tags: Vec<String>,
}

/// Copy the referrers of `subjects` (in `from_repository` on `src`) to `to`'s repository
/// on `dst`, and record them there under their subjects.
pub(crate) async fn copy_referrers(
    src: &Arc<RegistryClient>,
    dst: &Arc<RegistryClient>,
    from_repository: &str,
    to: &Reference,
    subjects: Vec<Digest>,
    options: &PushOptions,
) -> Result<ReferrersCopy> {
    let mut walk = Walk {
        src,
        dst,
        from_repository,
        to,
        mount_from: Arc::ptr_eq(src, dst).then_some(from_repository),
        options,
        report: ReferrersCopy {
            subjects: 0,
            found: 0,
            copied: 0,
            missing: Vec::new(),
            destination: ReferrersSource::None,
            fallback_tags: Vec::new(),
        },
        found: HashSet::new(),
        destination_has_api: None,
    };
    let mut queue: VecDeque<Digest> = subjects.into();
    let mut looked_at: HashSet<Digest> = HashSet::new();
    while let Some(subject) = queue.pop_front() {
        if !looked_at.insert(subject.clone()) {
            continue;
        }
        options.cancel.check()?;
        walk.report.subjects += 1;
        let entries = walk.copy_listed(&subject, &mut queue).await?;
        if !entries.is_empty() {
            walk.record(&subject, &entries).await?;
        }
    }
    walk.report.found = walk.found.len();
    Ok(walk.report)
}

/// One referrers copy under way: where from and to, and what it found so far.
struct Walk<'a> {
    src: &'a Arc<RegistryClient>,
    dst: &'a Arc<RegistryClient>,
    from_repository: &'a str,
    to: &'a Reference,
    /// The source repository, when blobs can be mounted from it (same registry).
    mount_from: Option<&'a str>,
    options: &'a PushOptions,
    report: ReferrersCopy,
    /// Every referrer found at the source, so each is copied once.
    found: HashSet<Digest>,
    /// Whether the destination has the referrers API (asked once, when first needed).
    destination_has_api: Option<bool>,
}

impl Walk<'_> {
    /// Copy the referrers the source lists for `subject` that were not copied yet, each
    /// queued to have its own referrers looked up; their descriptors, for the
    /// destination's listing.
    async fn copy_listed(
        &mut self,
        subject: &Digest,
        queue: &mut VecDeque<Digest>,
    ) -> Result<Vec<oci_spec::image::Descriptor>> {
        let (src, from_repository) = (self.src, self.from_repository);
        let (listed, _) = src.referrers(from_repository, subject).await?;
        let mut entries = Vec::new();
        for d in listed {
            let digest = Digest::parse(d.digest().as_ref()).map_err(|e| {
                Error::protocol(
                    src.registry(),
                    format!(
                        "the referrers of {}/{from_repository}@{subject}",
                        src.registry()
                    ),
                    format!("an entry's digest is invalid ({e})"),
                )
            })?;
            if !self.found.insert(digest.clone()) {
                continue;
            }
            if self.found.len() > MAX_REFERRERS {
                return Err(Error::protocol(
                    src.registry(),
                    format!("the referrers of {}/{from_repository}", src.registry()),
                    format!("they number more than {MAX_REFERRERS}, more than Portolan copies"),
                ));
            }
            if let Some(entry) = self.copy_one(&digest, subject).await? {
                entries.push(entry);
                queue.push_back(digest);
            }
        }
        Ok(entries)
    }

    /// Copy the referrer `digest` of `subject` by digest; its descriptor, or `None` when
    /// the source lists it but does not have it.
    async fn copy_one(
        &mut self,
        digest: &Digest,
        subject: &Digest,
    ) -> Result<Option<oci_spec::image::Descriptor>> {
        let (src, from_repository) = (self.src, self.from_repository);
        let plan = match plan_remote(src, from_repository, &Target::from(digest)).await {
            Ok(plan) => plan,
            Err(Error::NotFound { .. }) => {
                tracing::warn!(%digest, %subject, "a referrer listed at the source is missing there; not copied");
                self.report.missing.push(digest.clone());
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let entry = fallback::entry_for(
            &plan.root.digest.to_string(),
            &plan.root.media_type,
            &plan.root.bytes,
        )
        .map_err(|detail| {
            Error::protocol(
                src.registry(),
                format!("referrer {}/{from_repository}@{digest}", src.registry()),
                detail,
            )
        })?;
        let by_digest = Reference::from_parts(
            self.to.registry(),
            self.to.repository(),
            None,
            Some(digest.clone()),
        )?;
        upload_plan(self.dst, &by_digest, plan, self.mount_from, self.options).await?;
        self.report.copied += 1;
        Ok(Some(entry))
    }

    /// Have the destination list `entries` under `subject`: its referrers API does that
    /// itself; without one, they are merged into its fallback tag.
    async fn record(
        &mut self,
        subject: &Digest,
        entries: &[oci_spec::image::Descriptor],
    ) -> Result<()> {
        let to_repository = self.to.repository();
        let has_api = match self.destination_has_api {
            Some(known) => known,
            None => {
                let known = self
                    .dst
                    .referrers_api(to_repository, subject)
                    .await?
                    .is_some();
                self.destination_has_api = Some(known);
                known
            }
        };
        if has_api {
            self.report.destination = ReferrersSource::Api;
            return Ok(());
        }
        self.report.destination = ReferrersSource::FallbackTag;
        if let Some(tag) = merge_fallback_tag(self.dst, to_repository, subject, entries).await? {
            self.report.fallback_tags.push(tag);
        }
        Ok(())
    }
}

/// Add `entries` to the destination's fallback tag for `subject` (creating it when there is
/// none); `Some(tag)` when it was written, `None` when it already listed them all.
async fn merge_fallback_tag(
    dst: &RegistryClient,
    repository: &str,
    subject: &Digest,
    entries: &[oci_spec::image::Descriptor],
) -> Result<Option<String>> {
    let tag = referrers_tag(subject);
    let existing = dst.referrers_fallback(repository, subject).await?;
    let merged = fallback::merge(existing.as_ref().map(|(_, f)| f.bytes.as_slice()), entries)
        .map_err(|detail| {
            Error::protocol(
                dst.registry(),
                format!("the referrers tag {}/{repository}:{tag}", dst.registry()),
                detail,
            )
        })?;
    if !merged.changed {
        return Ok(None);
    }
    dst.put_manifest(repository, &Target::tag(&tag), OCI_INDEX, &merged.bytes)
        .await?;
    Ok(Some(tag))
}
