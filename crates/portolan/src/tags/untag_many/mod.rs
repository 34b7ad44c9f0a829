//! Removing many tags of one repository at once.
//!
//! Alone, an untag on a registry without DELETE-by-tag (distribution 2.x) costs five
//! requests and one manifest delete, and distribution reads every tag of the repository for
//! each manifest delete: removing 500 tags one by one is 500 scans of 500 tags. Here the
//! first tags go alone until one shows how this registry untags; where that is the
//! placeholder way, the rest go in batches: every tag of a batch (checked, as alone, to
//! point still where the caller saw it) is pointed at one throw-away manifest made for the
//! batch, and one delete of that manifest takes exactly those tags with it. A batch whose
//! delete fails is put back and its tags are tried alone, so that each gets its own answer;
//! a tag the registry still lists afterwards is reported as not removed.

use std::collections::{HashMap, HashSet};

use futures_util::{stream, StreamExt};

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{FetchedManifest, OCI_MANIFEST};
use crate::reference::{Reference, Target};
use crate::tags::{ensure_empty_blob, placeholder_manifest, put_back, untag, UntagMethod};

/// Tags pointed at one placeholder: one manifest delete removes them all.
pub const BATCH: usize = 64;
/// Requests in flight at once.
const JOBS: usize = 8;

/// Remove each `(tag, expected)` of `repository`, only while the tag points at `expected`,
/// keeping the images and their other tags. Results come in the order of `tags`;
/// `finished` hears of each as it ends (for progress).
#[tracing::instrument(level = "info", skip_all, fields(repository, tags = tags.len()))]
pub async fn untag_many(
    client: &RegistryClient,
    repository: &str,
    tags: &[(String, Digest)],
    mut finished: impl FnMut(usize, &Result<UntagMethod>),
) -> Vec<Result<UntagMethod>> {
    let mut results: Vec<Option<Result<UntagMethod>>> = tags.iter().map(|_| None).collect();
    let mut record = |i: usize, outcome: Result<UntagMethod>| {
        finished(i, &outcome);
        results[i] = Some(outcome);
    };
    // Alone until one works: its method is this registry's.
    let mut next = 0;
    let mut method = None;
    while next < tags.len() && method.is_none() {
        let outcome = untag_alone(client, repository, &tags[next]).await;
        method = outcome.as_ref().ok().copied();
        record(next, outcome);
        next += 1;
    }
    let rest: Vec<usize> = (next..tags.len()).collect();
    let mut alone = Vec::new();
    let mut batched = Vec::new();
    if method == Some(UntagMethod::Placeholder) {
        for chunk in rest.chunks(BATCH) {
            let (answered, again) = untag_batch(client, repository, tags, chunk).await;
            for (i, outcome) in answered {
                if outcome.is_ok() {
                    batched.push(i);
                }
                record(i, outcome);
            }
            alone.extend(again);
        }
    } else {
        alone = rest;
    }
    let mut one_by_one = stream::iter(alone)
        .map(|i| async move { (i, untag_alone(client, repository, &tags[i]).await) })
        .buffer_unordered(JOBS);
    while let Some((i, outcome)) = one_by_one.next().await {
        record(i, outcome);
    }
    drop(one_by_one);
    if !batched.is_empty() {
        check_gone(client, repository, tags, &batched, &mut results).await;
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::internal("an untag was never tried"))))
        .collect()
}

async fn untag_alone(
    client: &RegistryClient,
    repository: &str,
    (tag, expected): &(String, Digest),
) -> Result<UntagMethod> {
    let reference = Reference::from_parts(
        client.registry(),
        repository,
        Some(tag),
        Some(expected.clone()),
    )?;
    untag(client, &reference).await
}

/// Point the tags `chunk` (indexes into `tags`) at one new placeholder and delete it.
/// Returns the tags answered (done, or refused as they were moved) and the tags to try
/// alone: all of them when the placeholder could not be made, or when its delete failed
/// and they were put back.
async fn untag_batch(
    client: &RegistryClient,
    repository: &str,
    tags: &[(String, Digest)],
    chunk: &[usize],
) -> (Vec<(usize, Result<UntagMethod>)>, Vec<usize>) {
    let prepared = async {
        ensure_empty_blob(client, repository).await?;
        placeholder_manifest(&format!("placeholder for removing {} tags", chunk.len()))
    }
    .await;
    let placeholder = match prepared {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(error = %e, "no placeholder for a batch of untags; trying them alone");
            return (Vec::new(), chunk.to_vec());
        }
    };
    let placeholder = &placeholder;
    let moved: Vec<(usize, Result<()>)> = stream::iter(chunk.iter().copied())
        .map(|i| async move {
            let (tag, expected) = &tags[i];
            (
                i,
                move_to(client, repository, tag, expected, placeholder).await,
            )
        })
        .buffer_unordered(JOBS)
        .collect()
        .await;
    let mut on_placeholder = Vec::new();
    let mut answered = Vec::new();
    for (i, outcome) in moved {
        match outcome {
            Ok(()) => on_placeholder.push(i),
            Err(e) => answered.push((i, Err(e))),
        }
    }
    if on_placeholder.is_empty() {
        return (answered, Vec::new());
    }
    let digest = Digest::sha256_of(placeholder);
    match client
        .delete_manifest(repository, &Target::from(&digest))
        .await
    {
        Ok(()) => {
            answered.extend(
                on_placeholder
                    .into_iter()
                    .map(|i| (i, Ok(UntagMethod::Placeholder))),
            );
            (answered, Vec::new())
        }
        Err(failure) => {
            tracing::warn!(error = %failure, "a batch of untags failed; trying its tags alone");
            let stuck = restore(client, repository, tags, &on_placeholder, &digest, &failure).await;
            let again = on_placeholder
                .into_iter()
                .filter(|i| !stuck.iter().any(|(s, _)| s == i))
                .collect();
            answered.extend(stuck);
            (answered, again)
        }
    }
}

/// Point `tag` at `placeholder`, after checking it still points at `expected`.
async fn move_to(
    client: &RegistryClient,
    repository: &str,
    tag: &str,
    expected: &Digest,
    placeholder: &[u8],
) -> Result<()> {
    let now = client.head_manifest(repository, &Target::tag(tag)).await?;
    if now.digest != *expected {
        return Err(Error::TagMoved {
            reference: format!("{}/{repository}:{tag}", client.registry()),
            expected: expected.to_string(),
            actual: now.digest.to_string(),
        });
    }
    client
        .put_manifest(repository, &Target::tag(tag), OCI_MANIFEST, placeholder)
        .await?;
    Ok(())
}

/// Put the tags `moved` back on the images they pointed at; the tags that could not be
/// put back, each with its error (they are left on the placeholder, and say so).
async fn restore(
    client: &RegistryClient,
    repository: &str,
    tags: &[(String, Digest)],
    moved: &[usize],
    placeholder: &Digest,
    failure: &Error,
) -> Vec<(usize, Result<UntagMethod>)> {
    let mut originals: HashMap<Digest, Result<FetchedManifest>> = HashMap::new();
    let mut left = Vec::new();
    for &i in moved {
        let (tag, expected) = &tags[i];
        if !originals.contains_key(expected) {
            let fetched = client
                .get_manifest(repository, &Target::from(expected))
                .await;
            originals.insert(expected.clone(), fetched);
        }
        let outcome = match &originals[expected] {
            Ok(original) => put_back(client, repository, tag, original, placeholder, failure).await,
            Err(e) => Err(Error::TagLeftOnPlaceholder {
                reference: format!("{}/{repository}:{tag}", client.registry()),
                original: expected.to_string(),
                placeholder: placeholder.to_string(),
                reason: failure.to_string(),
                restore: e.to_string(),
            }),
        };
        if let Err(e) = outcome {
            left.push((i, Err(e)));
        }
    }
    left
}

/// After the batches: a tag the registry still lists was not removed, whatever the delete
/// answered (a registry may delete a manifest and keep the tags on it).
async fn check_gone(
    client: &RegistryClient,
    repository: &str,
    tags: &[(String, Digest)],
    batched: &[usize],
    results: &mut [Option<Result<UntagMethod>>],
) {
    let listed: HashSet<String> = match client.tags_all(repository).await {
        Ok(listed) => listed.into_iter().collect(),
        Err(e) => {
            tracing::warn!(error = %e, "could not list the tags to check the untags");
            return;
        }
    };
    for &i in batched {
        let (tag, _) = &tags[i];
        if listed.contains(tag) {
            results[i] = Some(Err(Error::PartlyDone(format!(
                "{}/{repository}:{tag} is still listed after its placeholder was deleted",
                client.registry()
            ))));
        }
    }
}

#[cfg(test)]
mod tests;
