//! Referrers end to end. `copy --referrers` merges into the destination's fallback tag on
//! distribution 2.8 (no referrers API), so what was attached there stays listed, brings the
//! referrers of an index's children along, and leaves the tag alone on a destination with
//! the API (the referrers double in front of distribution); a listed referrer that is gone
//! is reported, not fatal. `portolan-cli referrers` reads the API (the double) and the
//! fallback tag (distribution); `inspect` shows an artifact's subject and artifactType.

use std::collections::BTreeSet;
use std::process::Output;

use portolan::client::ReferrersSource;
use portolan::{Client, PushOptions, Reference};
use portolan_tests::block_on;
use portolan_tests::cli;
use portolan_tests::images::{
    build_image, build_index, Blob, ImageSpec, Pusher, OCI_INDEX, OCI_MANIFEST,
};
use portolan_tests::referrers_double::ReferrersDouble;
use portolan_tests::registry::{Auth, TestRegistry};

const SIGNATURE: &str = "application/vnd.dev.cosign.artifact.sig.v1+json";
const SBOM: &str = "application/spdx+json";
const APPROVAL: &str = "application/vnd.example.approval.v1+json";

fn r(host: &str, rest: &str) -> Reference {
    Reference::parse(&format!("{host}/{rest}")).expect("reference")
}

/// An artifact of `artifact_type` whose subject is `subject`, made at `created`.
fn artifact(subject: &Blob, artifact_type: &str, created: &str) -> (Blob, Blob) {
    let empty = Blob::new("application/vnd.oci.empty.v1+json", b"{}".to_vec());
    let manifest = Blob::new(
        OCI_MANIFEST,
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": artifact_type,
            "config": {"mediaType": empty.media_type, "digest": empty.digest, "size": 2},
            "layers": [{"mediaType": empty.media_type, "digest": empty.digest, "size": 2}],
            "subject": {"mediaType": subject.media_type, "digest": subject.digest, "size": subject.bytes.len()},
            "annotations": {"org.opencontainers.image.created": created},
        }))
        .expect("json"),
    );
    (manifest, empty)
}

/// Attach artifacts to `subject` the way a tool does on a registry without the referrers
/// API: push each by digest, and list them all in the fallback tag `sha256-<hex>`.
fn attach(
    registry: &TestRegistry,
    repo: &str,
    subject: &Blob,
    kinds: &[(&str, &str)],
) -> Vec<Blob> {
    let pusher = Pusher::new(registry);
    let mut made = Vec::new();
    for (kind, created) in kinds {
        let (manifest, empty) = artifact(subject, kind, created);
        pusher.push_blob(repo, &empty);
        pusher.push_manifest(repo, &manifest.digest, &manifest);
        made.push((manifest, kind.to_string(), created.to_string()));
    }
    // Each entry as the spec describes it: artifactType and the manifest's annotations.
    let entries: Vec<serde_json::Value> = made
        .iter()
        .map(|(m, kind, created)| {
            serde_json::json!({"mediaType": m.media_type, "digest": m.digest, "size": m.bytes.len(), "artifactType": kind,
                               "annotations": {"org.opencontainers.image.created": created}})
        })
        .collect();
    let index = Blob::new(
        OCI_INDEX,
        serde_json::to_vec(
            &serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}),
        )
        .expect("json"),
    );
    let tag = format!("sha256-{}", subject.digest.trim_start_matches("sha256:"));
    pusher.push_manifest(repo, &tag, &index);
    made.into_iter().map(|(m, _, _)| m).collect()
}

fn listed(client: &Client, reference: &Reference) -> (BTreeSet<String>, ReferrersSource) {
    let report = block_on(client.list_referrers(reference)).expect("list referrers");
    let digests = report
        .referrers
        .iter()
        .map(|r| r.digest.to_string())
        .collect();
    (digests, report.source)
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn copy_with_referrers_keeps_what_the_destination_listed_and_brings_each_platforms_referrers() {
    let source = TestRegistry::start(Auth::None);
    let dest = TestRegistry::start(Auth::None);
    let amd = ImageSpec::new("referred-amd64", "amd64", &[2_000]);
    let mut arm = ImageSpec::new("referred-arm64", "arm64", &[2_000]);
    arm.variant = Some("v8".into());
    let (amd_image, arm_image) = (build_image(&amd), build_image(&arm));
    let index = build_index(&[(&amd, &amd_image), (&arm, &arm_image)], false);
    Pusher::new(&source).push_index("team/multi", "1.0", &[&amd_image, &arm_image], &index);
    let signature = attach(
        &source,
        "team/multi",
        &index,
        &[(SIGNATURE, "2026-01-01T00:00:00Z")],
    )
    .remove(0);
    let sbom = attach(
        &source,
        "team/multi",
        &arm_image.manifest,
        &[(SBOM, "2026-01-02T00:00:00Z")],
    )
    .remove(0);
    let client = Client::anonymous();
    let (from, to) = (
        r(&source.host, "team/multi:1.0"),
        r(&dest.host, "mirror/multi:1.0"),
    );

    // The image is at the destination already, and someone attached a referrer there.
    block_on(client.copy(&from, &to, false, &PushOptions::default())).expect("plain copy");
    let approval = attach(
        &dest,
        "mirror/multi",
        &index,
        &[(APPROVAL, "2026-02-01T00:00:00Z")],
    )
    .remove(0);

    let report = block_on(client.copy(&from, &to, true, &PushOptions::default()))
        .expect("copy with referrers");
    let copied = report.referrers.expect("referrers report");
    assert_eq!((copied.found, copied.copied), (2, 2), "{copied:?}");
    assert_eq!(copied.destination, ReferrersSource::FallbackTag);
    assert!(copied.missing.is_empty());
    // The index, its two children, and the two referrers were looked at.
    assert_eq!(copied.subjects, 5, "{copied:?}");
    let tag_of = |b: &Blob| format!("sha256-{}", b.digest.trim_start_matches("sha256:"));
    assert_eq!(
        copied.fallback_tags,
        vec![tag_of(&index), tag_of(&arm_image.manifest)]
    );

    // Both the referrer attached at the destination and the copied one are listed.
    let (on_index, source_kind) = listed(&client, &to);
    assert_eq!(source_kind, ReferrersSource::FallbackTag);
    assert_eq!(on_index, set(&[&approval.digest, &signature.digest]));
    let arm_at_dest = r(
        &dest.host,
        &format!("mirror/multi@{}", arm_image.manifest.digest),
    );
    assert_eq!(listed(&client, &arm_at_dest).0, set(&[&sbom.digest]));
    let sig = block_on(client.manifest(&r(
        &dest.host,
        &format!("mirror/multi@{}", signature.digest),
    )))
    .expect("signature copied");
    assert_eq!(sig.bytes, signature.bytes);
    let report = block_on(client.list_referrers(&to)).expect("list");
    let row = report
        .referrers
        .iter()
        .find(|x| x.digest.to_string() == signature.digest)
        .expect("row");
    assert_eq!(row.artifact_type.as_deref(), Some(SIGNATURE));
    assert_eq!(row.created(), Some("2026-01-01T00:00:00Z"));

    // Copying again lists nothing twice and writes no tag.
    let again =
        block_on(client.copy(&from, &to, true, &PushOptions::default())).expect("copy again");
    let again = again.referrers.expect("referrers report");
    assert_eq!((again.found, again.copied), (2, 2));
    assert!(again.fallback_tags.is_empty(), "{again:?}");
    assert_eq!(
        listed(&client, &to).0,
        set(&[&approval.digest, &signature.digest])
    );

    // An image without referrers says so.
    let plain = build_image(&ImageSpec::new("no-referrers", "amd64", &[1_000]));
    Pusher::new(&source).push_image("team/plain", "v1", &plain);
    let none = block_on(client.copy(
        &r(&source.host, "team/plain:v1"),
        &r(&dest.host, "mirror/plain:v1"),
        true,
        &PushOptions::default(),
    ))
    .expect("copy plain");
    let none = none.referrers.expect("referrers report");
    assert_eq!((none.found, none.copied, none.subjects), (0, 0, 1));
    assert_eq!(none.destination, ReferrersSource::None);
}

#[test]
fn copy_to_a_registry_with_the_referrers_api_leaves_its_fallback_tag_alone() {
    let source = TestRegistry::start(Auth::None);
    let backend = TestRegistry::start(Auth::None);
    let dest = ReferrersDouble::in_front_of(&backend.host);
    let image = build_image(&ImageSpec::new("api-dest", "amd64", &[1_500]));
    Pusher::new(&source).push_image("team/app", "v1", &image);
    let signature = attach(
        &source,
        "team/app",
        &image.manifest,
        &[(SIGNATURE, "2026-01-01T00:00:00Z")],
    )
    .remove(0);
    let client = Client::anonymous();
    let to = r(&dest.host, "mirror/app:v1");
    let report = block_on(client.copy(
        &r(&source.host, "team/app:v1"),
        &to,
        true,
        &PushOptions::default(),
    ))
    .expect("copy");
    let copied = report.referrers.expect("referrers report");
    assert_eq!((copied.found, copied.copied), (1, 1));
    assert_eq!(copied.destination, ReferrersSource::Api);
    assert!(copied.fallback_tags.is_empty());
    let requests = dest.requests();
    assert!(
        requests.iter().any(|l| l.starts_with(&format!(
            "PUT /v2/mirror/app/manifests/{}",
            signature.digest
        ))),
        "{requests:#?}"
    );
    assert!(
        !requests.iter().any(|l| l.contains("/manifests/sha256-")),
        "the fallback tag was touched: {requests:#?}"
    );
    // The registry's API lists it, by subject.
    let (found, source_kind) = listed(&client, &to);
    assert_eq!(source_kind, ReferrersSource::Api);
    assert_eq!(found, set(&[&signature.digest]));
}

#[test]
fn a_referrer_listed_at_the_source_but_gone_is_reported_and_the_rest_copied() {
    let registry = TestRegistry::start(Auth::None);
    let image = build_image(&ImageSpec::new("dangling", "amd64", &[1_000]));
    Pusher::new(&registry).push_image("team/app", "v1", &image);
    // Two referrers are listed; one of them was deleted since.
    let mut made = attach(
        &registry,
        "team/app",
        &image.manifest,
        &[
            (SBOM, "2026-01-02T00:00:00Z"),
            (SIGNATURE, "2026-01-01T00:00:00Z"),
        ],
    );
    let (kept, gone) = (made.remove(1), made.remove(0));
    let deleted = registry
        .http_client()
        .delete(format!(
            "{}/v2/team/app/manifests/{}",
            registry.base_url(),
            gone.digest
        ))
        .send()
        .expect("DELETE");
    assert_eq!(deleted.status().as_u16(), 202);
    let client = Client::anonymous();
    let to = r(&registry.host, "mirror/app:v1");
    let report = block_on(client.copy(
        &r(&registry.host, "team/app:v1"),
        &to,
        true,
        &PushOptions::default(),
    ))
    .expect("copy");
    let copied = report.referrers.expect("referrers report");
    assert_eq!((copied.found, copied.copied), (2, 1), "{copied:?}");
    assert_eq!(
        copied
            .missing
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec![gone.digest.clone()]
    );
    assert_eq!(listed(&client, &to).0, set(&[&kept.digest]));
}

// ---- the CLI ----

fn ok_stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok_stdout(out)).expect("JSON on stdout")
}

#[test]
fn referrers_command_reads_the_fallback_tag_and_inspect_shows_subject_and_artifact_type() {
    let registry = TestRegistry::start(Auth::None);
    let image = build_image(&ImageSpec::new("cli-referred", "amd64", &[1_000]));
    let plain = build_image(&ImageSpec::new("cli-plain", "amd64", &[1_000]));
    let pusher = Pusher::new(&registry);
    pusher.push_image("team/app", "v1", &image);
    pusher.push_image("team/plain", "v1", &plain);
    let made = attach(
        &registry,
        "team/app",
        &image.manifest,
        &[
            (SIGNATURE, "2026-01-01T00:00:00Z"),
            (SBOM, "2026-01-02T00:00:00Z"),
        ],
    );
    let home = tempfile::tempdir().expect("tmp");
    let reference = registry.reference("team/app:v1");
    let tag = format!(
        "sha256-{}",
        image.manifest.digest.trim_start_matches("sha256:")
    );

    let text = ok_stdout(&cli::run(home.path(), &["referrers", &reference]));
    assert!(text.contains(&format!("fallback tag {tag}")), "{text}");
    for (m, (kind, created)) in made
        .iter()
        .zip([(SIGNATURE, "2026-01-01"), (SBOM, "2026-01-02")])
    {
        let row = text
            .lines()
            .find(|l| l.contains(&m.digest))
            .unwrap_or_else(|| panic!("no row for {} in\n{text}", m.digest));
        assert!(
            row.contains(kind) && row.contains(created) && row.contains(OCI_MANIFEST),
            "{row}"
        );
    }
    let json = json_of(&cli::run(home.path(), &["referrers", "--json", &reference]));
    assert_eq!(json["source"], "fallback_tag");
    assert_eq!(json["subject"], image.manifest.digest.as_str());
    assert_eq!(json["referrers"][0]["digest"], made[0].digest.as_str());
    assert_eq!(json["referrers"][0]["artifact_type"], SIGNATURE);
    assert_eq!(
        json["referrers"][1]["annotations"]["org.opencontainers.image.created"],
        "2026-01-02T00:00:00Z"
    );

    // Neither an API nor a tag: said, not silent.
    let none = ok_stdout(&cli::run(
        home.path(),
        &["referrers", &registry.reference("team/plain:v1")],
    ));
    assert!(none.contains("No referrers found"), "{none}");
    assert!(
        none.contains("no referrers API and no fallback tag"),
        "{none}"
    );
    let none = json_of(&cli::run(
        home.path(),
        &["referrers", "--json", &registry.reference("team/plain:v1")],
    ));
    assert_eq!(
        (
            none["source"].as_str(),
            none["referrers"].as_array().map(Vec::len)
        ),
        (Some("none"), Some(0))
    );

    // The artifact itself: what it is and what it refers to.
    let signature = registry.reference(&format!("team/app@{}", made[0].digest));
    let text = ok_stdout(&cli::run(home.path(), &["inspect", &signature]));
    assert!(
        text.lines()
            .any(|l| l.starts_with("Artifact") && l.contains(SIGNATURE)),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("Subject")
            && l.contains(&image.manifest.digest)
            && l.contains(OCI_MANIFEST)),
        "{text}"
    );
    let json = json_of(&cli::run(home.path(), &["inspect", "--json", &signature]));
    assert_eq!(json["artifact_type"], SIGNATURE);
    assert_eq!(json["subject"]["digest"], image.manifest.digest.as_str());
    assert_eq!(json["subject"]["size"], image.manifest.bytes.len());
    assert_eq!(
        json["image"]["subject"]["digest"],
        image.manifest.digest.as_str()
    );
}

#[test]
fn referrers_command_reads_the_registrys_referrers_api() {
    let double = ReferrersDouble::start();
    let image = build_image(&ImageSpec::new("api-referred", "amd64", &[1_000]));
    double.add_manifest("team/app", "v1", OCI_MANIFEST, &image.manifest.bytes);
    double.add_manifest(
        "team/app",
        &image.manifest.digest,
        OCI_MANIFEST,
        &image.manifest.bytes,
    );
    let (signature, _) = artifact(&image.manifest, SIGNATURE, "2026-03-01T00:00:00Z");
    let (sbom, _) = artifact(&image.manifest, SBOM, "2026-03-02T00:00:00Z");
    for a in [&signature, &sbom] {
        double.add_manifest("team/app", &a.digest, OCI_MANIFEST, &a.bytes);
    }
    let home = tempfile::tempdir().expect("tmp");
    let by_tag = format!("{}/team/app:v1", double.host);
    let text = ok_stdout(&cli::run(home.path(), &["referrers", &by_tag]));
    assert!(text.contains("the registry's referrers API"), "{text}");
    assert!(text.contains("Referrers (2)"), "{text}");
    let row = text
        .lines()
        .find(|l| l.contains(&sbom.digest))
        .unwrap_or_else(|| panic!("no sbom row in\n{text}"));
    assert!(
        row.contains(SBOM) && row.contains("2026-03-02T00:00:00Z"),
        "{row}"
    );

    let by_digest = format!("{}/team/app@{}", double.host, image.manifest.digest);
    let json = json_of(&cli::run(home.path(), &["referrers", "--json", &by_digest]));
    assert_eq!(json["source"], "api");
    let digests: Vec<&str> = json["referrers"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["digest"].as_str())
        .collect();
    assert_eq!(
        digests,
        vec![signature.digest.as_str(), sbom.digest.as_str()]
    );
    assert!(
        !double
            .requests()
            .iter()
            .any(|l| l.contains("/manifests/sha256-")),
        "the API answered: no fallback tag is read"
    );

    // The API answers an empty list for a manifest nothing refers to.
    let lonely = build_image(&ImageSpec::new("api-lonely", "amd64", &[1_000]));
    double.add_manifest("team/lonely", "v1", OCI_MANIFEST, &lonely.manifest.bytes);
    let text = ok_stdout(&cli::run(
        home.path(),
        &["referrers", &format!("{}/team/lonely:v1", double.host)],
    ));
    assert!(
        text.contains("the registry's referrers API") && text.contains("No referrers found"),
        "{text}"
    );
}
