//! Managing a ghcr.io package as fully as a self-hosted registry, with `portolan-cli`
//! against a ghcr.io of the tests' own (`github_packages`: a real registry whose every
//! registry `DELETE` is refused with 405, and a GitHub Packages API backed by it): untag
//! with other tags on the version (through a placeholder version), untag of a sole tag
//! (the version goes, after a confirmation; undo restores it), an untag that stops
//! half-way (the exact report, then `--finish`), and the version clean-up that keeps a
//! kept index's platform images and a kept version's signature and referrers. skopeo
//! checks the registry independently; Prism on GitHub's published description checks the
//! request shapes.

use std::process::Output;

use base64::Engine;
use portolan_tests::cli;
use portolan_tests::github_packages::GhcrLike;
use portolan_tests::images::{build_image, build_index, Blob, ImageSpec, Pusher, TestImage};
use portolan_tests::vendor_mocks::Prism;
use serde_json::{json, Value};

fn docker_login(host: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let auth = base64::engine::general_purpose::STANDARD.encode("octo:ghp_classictoken");
    std::fs::write(
        dir.path().join("config.json"),
        json!({"auths": {host: {"auth": auth}}}).to_string(),
    )
    .expect("config.json");
    dir
}

/// `portolan-cli ARGS` against `ghcr`, as a user signed in to it.
fn run(ghcr: &GhcrLike, home: &tempfile::TempDir, args: &[&str]) -> Output {
    cli::in_home(home.path())
        .env("PORTOLAN_GITHUB_API", ghcr.api_url())
        .env("PORTOLAN_GITHUB_ACCEPT", "application/json")
        .env("PORTOLAN_GITHUB_REGISTRY", &ghcr.front.host)
        .run(args)
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "portolan-cli failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json_of(o: &Output) -> Value {
    let text = ok(o);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON output ({e}): {text}"))
}

fn version_with<'a>(versions: &'a [Value], digest: &str) -> Option<&'a Value> {
    versions.iter().find(|v| v["name"] == digest)
}

#[test]
fn untag_with_other_tags_keeps_them_and_leaves_no_placeholder_version() {
    let ghcr = GhcrLike::start();
    let image = ghcr.push_tagged("keep-others", &["v1", "latest", "stable"]);
    let home = docker_login(&ghcr.front.host);
    let out = json_of(&run(
        &ghcr,
        &home,
        &["untag", &format!("{}:v1", ghcr.package()), "--json"],
    ));
    assert_eq!(out["outcome"], "removed", "{out}");
    assert_eq!(out["other_tags"], json!(["latest", "stable"]));
    let placeholder = out["placeholder"].as_str().expect("placeholder").to_owned();
    assert!(out["placeholder_version"].as_u64().is_some());
    assert!(out["left"].is_null() && out["finish"].is_null());

    assert_eq!(ghcr.skopeo_tags(), ["latest", "stable"]);
    assert_eq!(
        ghcr.skopeo_digest("latest").as_deref(),
        Some(image.manifest.digest.as_str())
    );
    let versions = ghcr.versions();
    assert_eq!(
        versions.len(),
        1,
        "no placeholder version left: {versions:?}"
    );
    assert!(version_with(&versions, &placeholder).is_none());
    assert_eq!(
        versions[0]["metadata"]["container"]["tags"],
        json!(["latest", "stable"])
    );
    assert_eq!(
        ghcr.refused_registry_deletes(),
        0,
        "no registry DELETE was tried"
    );

    // Undo: the tag points at the original again.
    let undo = out["undo"].clone();
    assert_eq!(undo["digest"], image.manifest.digest.as_str());
    ok(&run(
        &ghcr,
        &home,
        &[
            "untag",
            &format!("{}:v1", ghcr.package()),
            "--undo",
            &image.manifest.digest,
        ],
    ));
    assert_eq!(
        ghcr.skopeo_digest("v1").as_deref(),
        Some(image.manifest.digest.as_str())
    );

    // As people read it: what went, what stays, and the command that undoes it.
    let text = ok(&run(
        &ghcr,
        &home,
        &["untag", &format!("{}:v1", ghcr.package())],
    ));
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(&format!("Removed {}:v1; version ", ghcr.package()))
            && lines[0].contains("keeps latest, stable (placeholder version "),
        "{text}"
    );
    assert!(
        lines[1].contains(&format!("--undo {}", image.manifest.digest)),
        "{text}"
    );
    assert_eq!(ghcr.skopeo_tags(), ["latest", "stable"]);
}

#[test]
fn untag_of_a_sole_tag_deletes_the_version_only_when_confirmed_and_undo_restores_it() {
    let ghcr = GhcrLike::start();
    let image = ghcr.push_tagged("sole", &["v2"]);
    let home = docker_login(&ghcr.front.host);
    let reference = format!("{}:v2", ghcr.package());
    let refused = run(&ghcr, &home, &["untag", &reference]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("v2 is the only tag of version")
            && err.contains("deletes the version (restorable for 30 days")
            && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(ghcr.skopeo_tags(), ["v2"], "nothing changed");
    assert!(ghcr.deletes().is_empty());

    let out = json_of(&run(
        &ghcr,
        &home,
        &["untag", &reference, "--yes", "--json"],
    ));
    assert_eq!(out["outcome"], "version_deleted", "{out}");
    let id = out["version"].as_u64().expect("version");
    assert_eq!(ghcr.deletes(), [id]);
    assert!(ghcr.skopeo_digest("v2").is_none(), "the tag is gone");
    assert!(ghcr.versions().is_empty());

    let undone = json_of(&run(
        &ghcr,
        &home,
        &[
            "untag",
            &reference,
            "--undo",
            &image.manifest.digest,
            "--json",
        ],
    ));
    assert_eq!(undone["restored_version"], id);
    assert_eq!(
        ghcr.skopeo_digest("v2").as_deref(),
        Some(image.manifest.digest.as_str())
    );
}

#[test]
fn an_untag_stopped_half_way_says_exactly_what_is_left_and_finish_completes_it() {
    let ghcr = GhcrLike::start();
    let image = ghcr.push_tagged("half-way", &["v3", "latest"]);
    let home = docker_login(&ghcr.front.host);
    let reference = format!("{}:v3", ghcr.package());
    ghcr.refuse_deletes(1);
    let out = run(&ghcr, &home, &["untag", &reference, "--json"]);
    assert!(!out.status.success(), "an incomplete untag fails");
    let report: Value = serde_json::from_slice(&out.stdout).expect("the report on stdout");
    assert_eq!(report["outcome"], "incomplete");
    let placeholder = report["placeholder"]
        .as_str()
        .expect("placeholder")
        .to_owned();
    let version = report["placeholder_version"].as_u64().expect("its version");
    assert_eq!(
        report["left"].as_str().expect("left"),
        format!(
            "the tag now points at placeholder {placeholder}; delete version {version} to finish (or tag {} again to undo)",
            image.manifest.digest
        )
    );
    assert!(report["error"]
        .as_str()
        .is_some_and(|e| e.contains("refused by the test")));
    assert_eq!(report["finish"]["placeholder"], placeholder.as_str());
    assert_eq!(report["finish"]["placeholder_version"], version);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"incomplete\""), "{err}");
    // The registry, independently: the tag is on the placeholder, the original intact.
    assert_eq!(
        ghcr.skopeo_digest("v3").as_deref(),
        Some(placeholder.as_str())
    );
    assert_eq!(
        ghcr.skopeo_digest("latest").as_deref(),
        Some(image.manifest.digest.as_str())
    );

    let finished = json_of(&run(
        &ghcr,
        &home,
        &["untag", &reference, "--finish", &placeholder, "--json"],
    ));
    assert_eq!(finished["placeholder_version"], version);
    assert_eq!(ghcr.skopeo_tags(), ["latest"]);
    assert!(version_with(&ghcr.versions(), &placeholder).is_none());
}

/// An OCI 1.1 referrer of `subject` (an SBOM-like artifact), pushed by digest, and listed
/// in the `sha256-<hex>` referrers tag's index as ORAS and cosign do on a registry without
/// the referrers API (ghcr.io's case).
fn push_referrer(ghcr: &GhcrLike, subject: &Blob) -> Blob {
    let empty = Blob::new("application/vnd.oci.empty.v1+json", b"{}".to_vec());
    let pusher = Pusher::new(&ghcr.registry);
    pusher.push_blob("octo/app", &empty);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": "application/spdx+json",
        "config": empty.descriptor(),
        "layers": [empty.descriptor()],
        "subject": subject.descriptor(),
    });
    let blob = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&manifest).expect("json"),
    );
    pusher.push_manifest("octo/app", &blob.digest, &blob);
    let mut listed = blob.descriptor();
    listed["artifactType"] = json!("application/spdx+json");
    let index = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [listed],
    });
    let index = Blob::new(
        "application/vnd.oci.image.index.v1+json",
        serde_json::to_vec(&index).expect("json"),
    );
    let tag = subject.digest.replace("sha256:", "sha256-");
    pusher.push_manifest("octo/app", &tag, &index);
    blob
}

/// What the clean-up test pushes: a multi-arch `v1` (an index of two untagged platform
/// images), its cosign signature (tagged `sha256-<hex>.sig`), an OCI referrer of it, and an
/// orphan nothing needs; all dated long ago.
struct Seeded {
    index: Blob,
    platforms: [TestImage; 2],
    signature: TestImage,
    referrer: Blob,
    orphan: TestImage,
}

fn seed_multi_arch(ghcr: &GhcrLike) -> Seeded {
    let (amd, arm) = (
        ImageSpec::new("clean-amd", "amd64", &[100]),
        ImageSpec::new("clean-arm", "arm64", &[100]),
    );
    let (a, b) = (build_image(&amd), build_image(&arm));
    let index = build_index(&[(&amd, &a), (&arm, &b)], false);
    Pusher::new(&ghcr.registry).push_index("octo/app", "v1", &[&a, &b], &index);
    let hex = index.digest.trim_start_matches("sha256:");
    let signature = ghcr.push_tagged("clean-sig", &[&format!("sha256-{hex}.sig")]);
    let referrer = push_referrer(ghcr, &index);
    let orphan = build_image(&ImageSpec::new("clean-orphan", "amd64", &[100]));
    ghcr.push_untagged(&orphan);
    for digest in [
        &index.digest,
        &a.manifest.digest,
        &b.manifest.digest,
        &signature.manifest.digest,
        &referrer.digest,
        &orphan.manifest.digest,
    ] {
        ghcr.set_created(digest, "2025-01-01T00:00:00Z");
    }
    Seeded {
        index,
        platforms: [a, b],
        signature,
        referrer,
        orphan,
    }
}

/// Without --delete-untagged tagged versions are chosen too: the signature of the kept v1
/// stays with it.
fn signature_stays_with_kept_version(
    ghcr: &GhcrLike,
    home: &tempfile::TempDir,
    signature: &TestImage,
) {
    let package = ghcr.package();
    let wide = json_of(&run(
        ghcr,
        home,
        &[
            "cleanup",
            &package,
            "--older-than",
            "30d",
            "--keep-matching",
            "v*",
            "--dry-run",
            "--json",
        ],
    ));
    let sig = wide["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .find(|v| v["digest"] == signature.manifest.digest.as_str())
        .expect("the signature");
    assert_eq!(sig["fate"], "keep");
    assert!(
        sig["why"]
            .as_str()
            .is_some_and(|w| w.starts_with("signature of kept version v1")),
        "{sig}"
    );
}

#[test]
fn cleanup_keeps_a_kept_indexs_platform_images_signature_and_referrers() {
    let ghcr = GhcrLike::start();
    let Seeded {
        index,
        platforms: [a, b],
        signature,
        referrer,
        orphan,
    } = seed_multi_arch(&ghcr);
    let home = docker_login(&ghcr.front.host);
    let package = ghcr.package();

    let plan = json_of(&run(
        &ghcr,
        &home,
        &[
            "cleanup",
            &package,
            "--delete-untagged",
            "--older-than",
            "30d",
            "--dry-run",
            "--json",
        ],
    ));
    assert_eq!(plan["repository"], package.as_str());
    assert_eq!(
        (plan["deleted"].as_u64(), plan["kept"].as_u64()),
        (Some(1), Some(6))
    );
    let versions = plan["versions"].as_array().expect("versions");
    for v in versions {
        for field in [
            "id",
            "digest",
            "tags",
            "created_at",
            "platform",
            "fate",
            "why",
        ] {
            assert!(v.get(field).is_some(), "{field} in {v}");
        }
    }
    let row = |digest: &str| {
        versions
            .iter()
            .find(|v| v["digest"] == digest)
            .unwrap_or_else(|| panic!("{digest} in the plan"))
    };
    assert_eq!(row(&orphan.manifest.digest)["fate"], "delete");
    for (image, platform) in [(&a, "linux/amd64"), (&b, "linux/arm64")] {
        let r = row(&image.manifest.digest);
        assert_eq!(r["fate"], "keep");
        assert_eq!(r["platform"], platform);
        assert!(
            r["why"]
                .as_str()
                .is_some_and(|w| w.starts_with(&format!("{platform} image of kept index v1"))),
            "{r}"
        );
    }
    let r = row(&referrer.digest);
    assert_eq!(r["fate"], "keep");
    assert!(
        r["why"]
            .as_str()
            .is_some_and(|w| w.starts_with("referrer of kept version v1")),
        "{r}"
    );
    assert!(ghcr.deletes().is_empty(), "a dry run deletes nothing");

    signature_stays_with_kept_version(&ghcr, &home, &signature);

    let summary = json_of(&run(
        &ghcr,
        &home,
        &[
            "cleanup",
            &package,
            "--delete-untagged",
            "--older-than",
            "30d",
            "--yes",
            "--json",
        ],
    ));
    assert_eq!(
        (summary["done"].as_u64(), summary["failed"].as_u64()),
        (Some(1), Some(0))
    );
    assert!(ghcr.skopeo_digest(&orphan.manifest.digest).is_none());
    for digest in [&a.manifest.digest, &b.manifest.digest, &referrer.digest] {
        assert_eq!(ghcr.skopeo_digest(digest).as_deref(), Some(digest.as_str()));
    }
    assert_eq!(
        ghcr.skopeo_digest("v1").as_deref(),
        Some(index.digest.as_str())
    );
}

#[test]
fn deleting_a_picked_index_takes_along_what_only_it_needs() {
    let ghcr = GhcrLike::start();
    let Seeded {
        index,
        platforms: [a, b],
        signature,
        referrer,
        orphan,
    } = seed_multi_arch(&ghcr);
    // v2 lists v1's amd64 image too: that image must stay for v2.
    let amd = ImageSpec::new("clean-amd", "amd64", &[100]);
    let v2 = build_index(&[(&amd, &a)], false);
    Pusher::new(&ghcr.registry).push_index("octo/app", "v2", &[&a], &v2);
    ghcr.set_created(&v2.digest, "2025-01-01T00:00:00Z");
    let home = docker_login(&ghcr.front.host);
    let package = ghcr.package();
    let id_of = |digest: &str| {
        version_with(&ghcr.versions(), digest).expect("listed")["id"]
            .as_u64()
            .expect("id")
            .to_string()
    };
    let v1 = id_of(&index.digest);

    let plan = json_of(&run(
        &ghcr,
        &home,
        &["cleanup", &package, "--version", &v1, "--dry-run", "--json"],
    ));
    let versions = plan["versions"].as_array().expect("versions");
    let row = |digest: &str| versions.iter().find(|v| v["digest"] == digest);
    let why = |digest: &str| {
        let r = row(digest).unwrap_or_else(|| panic!("{digest} in the plan: {plan}"));
        (
            r["fate"].as_str().unwrap_or_default().to_owned(),
            r["why"].as_str().unwrap_or_default().to_owned(),
        )
    };
    assert_eq!(why(&index.digest), ("delete".into(), "selected".into()));
    let (fate, said) = why(&b.manifest.digest);
    assert_eq!(fate, "delete");
    assert!(
        said.starts_with("linux/arm64 image of deleted index v1"),
        "{said}"
    );
    let (fate, said) = why(&signature.manifest.digest);
    assert_eq!(fate, "delete");
    assert!(
        said.starts_with("signature of deleted version v1"),
        "{said}"
    );
    let (fate, said) = why(&a.manifest.digest);
    assert_eq!(fate, "keep");
    assert!(
        said.starts_with("linux/amd64 image of kept index v2"),
        "{said}"
    );
    assert!(
        row(&orphan.manifest.digest).is_none(),
        "versions not picked and not needed are not shown: {plan}"
    );
    assert!(row(&v2.digest).is_none(), "{plan}");

    let summary = json_of(&run(
        &ghcr,
        &home,
        &["cleanup", &package, "--version", &v1, "--yes", "--json"],
    ));
    assert_eq!(summary["failed"].as_u64(), Some(0), "{summary}");
    assert!(ghcr.skopeo_digest("v1").is_none());
    assert!(ghcr.skopeo_digest(&b.manifest.digest).is_none());
    let sig_tag = format!("sha256-{}.sig", index.digest.trim_start_matches("sha256:"));
    assert!(
        ghcr.skopeo_digest(&sig_tag).is_none(),
        "the signature of a deleted image goes with it"
    );
    assert_eq!(
        ghcr.skopeo_digest("v2").as_deref(),
        Some(v2.digest.as_str())
    );
    assert_eq!(
        ghcr.skopeo_digest(&a.manifest.digest).as_deref(),
        Some(a.manifest.digest.as_str()),
        "v2 still pulls for linux/amd64"
    );
    assert_eq!(
        ghcr.skopeo_digest(&orphan.manifest.digest).as_deref(),
        Some(orphan.manifest.digest.as_str())
    );
    let (fate, said) = why(&referrer.digest);
    assert_eq!(fate, "delete");
    assert!(said.starts_with("referrer of deleted version v1"), "{said}");
    assert!(ghcr.skopeo_digest(&referrer.digest).is_none());

    // Picks and rules together are refused.
    let both = run(
        &ghcr,
        &home,
        &[
            "cleanup",
            &package,
            "--version",
            &v1,
            "--delete-untagged",
            "--dry-run",
        ],
    );
    assert!(!both.status.success());
}

#[test]
fn cleanup_reports_each_failure_with_its_reason() {
    let ghcr = GhcrLike::start();
    for seed in ["fail-1", "fail-2", "fail-3"] {
        let image = build_image(&ImageSpec::new(seed, "amd64", &[50]));
        ghcr.push_untagged(&image);
        ghcr.set_created(&image.manifest.digest, "2025-01-01T00:00:00Z");
    }
    ghcr.refuse_deletes(1);
    let home = docker_login(&ghcr.front.host);
    let out = run(
        &ghcr,
        &home,
        &[
            "cleanup",
            &ghcr.package(),
            "--delete-untagged",
            "--yes",
            "--json",
        ],
    );
    assert!(!out.status.success(), "a partial clean-up fails");
    let summary: Value = serde_json::from_slice(&out.stdout).expect("summary");
    assert_eq!(
        (summary["done"].as_u64(), summary["failed"].as_u64()),
        (Some(2), Some(1))
    );
    let failed: Vec<&Value> = summary["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| !r["error"].is_null())
        .collect();
    assert!(failed[0]["error"]
        .as_str()
        .is_some_and(|e| e.contains("refused by the test")));
    assert_eq!(ghcr.versions().len(), 1);
}

#[test]
fn untag_and_version_delete_send_what_githubs_published_api_describes() {
    let prism = Prism::github();
    let ghcr = GhcrLike::with_contract(&prism.host);
    ghcr.push_tagged("contract", &["v1", "latest"]);
    let home = docker_login(&ghcr.front.host);
    ok(&run(
        &ghcr,
        &home,
        &["untag", &format!("{}:v1", ghcr.package())],
    ));
    ghcr.push_untagged(&build_image(&ImageSpec::new(
        "contract-orphan",
        "amd64",
        &[50],
    )));
    ok(&run(
        &ghcr,
        &home,
        &["cleanup", &ghcr.package(), "--delete-untagged", "--yes"],
    ));
    let contract = ghcr.contract();
    let deletes: Vec<&(String, u16)> = contract
        .iter()
        .filter(|(line, _)| line.starts_with("DELETE /user/packages/container/app/versions/"))
        .collect();
    assert_eq!(
        deletes.len(),
        2,
        "the placeholder's version and the orphan: {contract:?}"
    );
    assert!(contract.iter().any(
        |(line, _)| line.starts_with("GET /user/packages/container/app/versions?state=active")
    ));
    for (line, status) in &contract {
        assert!(
            (200..300).contains(status),
            "GitHub's description refuses {line}: {status}"
        );
    }
}

#[test]
fn an_untag_is_refused_when_the_tag_moved_since_the_user_saw_it() {
    let ghcr = GhcrLike::start();
    ghcr.push_tagged("moved-a", &["v1", "latest"]);
    let other = ghcr.push_tagged("moved-b", &["other"]);
    let home = docker_login(&ghcr.front.host);
    let seen = format!("{}:v1@{}", ghcr.package(), other.manifest.digest);
    let out = run(&ghcr, &home, &["untag", &seen, "--json"]);
    assert!(!out.status.success());
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(err["error"]["code"], "conflict", "{err}");
    assert_eq!(
        ghcr.skopeo_tags(),
        ["latest", "other", "v1"],
        "nothing changed"
    );
    assert!(ghcr.deletes().is_empty());
}

/// The plan is a preview: a version tagged between the preview and the run is skipped,
/// and the summary says why (through the operations the app will call too).
#[test]
fn a_version_changed_since_the_preview_is_skipped_and_said() {
    use portolan_ops::packages::version_cleanup::{plan_versions, run_version_plan};
    use portolan_ops::packages::version_plan::VersionRules;
    use portolan_ops::packages::VendorApis;

    let ghcr = GhcrLike::start();
    let images: Vec<TestImage> = ["skip-a", "skip-b"]
        .iter()
        .map(|seed| {
            let image = build_image(&ImageSpec::new(seed, "amd64", &[50]));
            ghcr.push_untagged(&image);
            image
        })
        .collect();
    let apis = VendorApis {
        github: ghcr.api_url(),
        github_named: true,
        github_accept: "application/json".to_owned(),
        ..VendorApis::default()
    };
    let client = std::sync::Arc::new(portolan::Client::anonymous());
    let rules = VersionRules {
        delete_untagged: true,
        ..VersionRules::default()
    };
    let package = ghcr.package();
    let plan = portolan_tests::block_on(plan_versions(&client, &apis, &package, false, &rules))
        .expect("plan");
    assert_eq!(plan.deleted, 2);
    // Meanwhile, someone tags one of them.
    Pusher::new(&ghcr.registry).push_manifest("octo/app", "prod", &images[0].manifest);
    let summary = portolan_tests::block_on(run_version_plan(
        &client,
        &apis,
        &package,
        false,
        plan.steps(),
        |_| {},
    ))
    .expect("run");
    assert_eq!((summary.done, summary.skipped), (1, 1), "{summary:?}");
    let skipped = summary
        .results
        .iter()
        .find(|r| r.skipped.is_some())
        .expect("the skipped one");
    assert_eq!(skipped.digest, images[0].manifest.digest);
    assert_eq!(
        skipped.skipped.as_deref(),
        Some("changed since the preview: prod was added")
    );
    assert!(summary.shortfall().is_some());
    assert_eq!(
        ghcr.skopeo_digest("prod").as_deref(),
        Some(images[0].manifest.digest.as_str())
    );
}
