//! What vouches for an image, end to end through `portolan-cli` against a real registry
//! (distribution 2.8, which has no referrers API, so referrers come through the fallback
//! tag): signed images made by the tests (`supply_chain_seed`: a cosign key signature and
//! attestation, a keyless bundle under a test trusted root with an RFC 3161 timestamp, a
//! CycloneDX SBOM from cyclonedx-npm, a BuildKit index with SPDX from `npm sbom` and SLSA
//! provenance, Notation signatures), and each way one can fail.

use std::path::Path;
use std::process::Output;

use portolan_tests::cli;
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::supply_chain_seed::{self, SupplyChainSeed, IDENTITY, ISSUER, OTHER_IDENTITY};
use serde_json::Value;

fn seeded() -> (TestRegistry, SupplyChainSeed) {
    let registry = TestRegistry::start(Auth::None);
    let seed = supply_chain_seed::supply_chain(&registry, "supply/app");
    (registry, seed)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(out)))
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Every attachment of a verify report, as (format, verdict) with the verdict object.
fn verdicts(report: &Value) -> Vec<(String, Value)> {
    report["report"]["subjects"]
        .as_array()
        .expect("subjects")
        .iter()
        .flat_map(|s| s["attachments"].as_array().cloned().unwrap_or_default())
        .map(|a| {
            (
                a["format"].as_str().unwrap_or_default().to_owned(),
                a["verdict"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_signed_image_verifies_by_key_and_by_the_expected_keyless_signer() {
    let (registry, seed) = seeded();
    let home = tempfile::tempdir().expect("home");
    let signed = registry.reference("supply/app:signed");
    let f = &seed.files;
    let trust = [
        "--key",
        p(&f.cosign_public_key),
        "--trusted-root",
        p(&f.trusted_root),
        "--certificate-identity",
        IDENTITY,
        "--certificate-oidc-issuer",
        ISSUER,
    ];
    let mut args = vec!["verify", "--json", signed.as_str()];
    args.extend(trust);
    let out = cli::run(home.path(), &args);
    assert!(out.status.success(), "{}", text(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["state"], "verified", "{report:#}");
    let found = verdicts(&report);
    let verdict_of = |format: &str| {
        found
            .iter()
            .find(|(f, _)| f == format)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {format} in {found:?}"))
    };
    // The cosign .sig tag, by the key.
    let sig = verdict_of("cosign_signature");
    assert_eq!(sig["verdict"], "verified", "{sig:#}");
    assert_eq!(sig["signer"]["key"], "cosign.pub");
    // The cosign .att tag (DSSE), by the key.
    assert_eq!(verdict_of("cosign_attestation")["verdict"], "verified");
    // The keyless bundle referrer: who, from which repository and commit, proven when.
    let bundle = found
        .iter()
        .filter(|(f, _)| f == "sigstore_bundle")
        .map(|(_, v)| v.clone())
        .find(|v| v["signer"]["identity"].is_string())
        .unwrap_or_else(|| panic!("a keyless bundle in {found:?}"));
    assert_eq!(bundle["verdict"], "verified", "{bundle:#}");
    assert_eq!(bundle["signer"]["identity"], IDENTITY);
    assert_eq!(bundle["signer"]["issuer"], ISSUER);
    assert_eq!(
        bundle["signer"]["source_commit"],
        seed.source_commit.as_str()
    );
    assert_eq!(bundle["policy_matched"], true);
    let checks: Vec<&str> = bundle["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        checks.iter().any(|c| c.starts_with("certificate chain")),
        "{checks:?}"
    );
    assert!(checks.contains(&"RFC 3161 timestamp"), "{checks:?}");
    assert!(bundle["signed_at"].is_string());
    // The managed-key bundle referrer, by the key, never logged (and it says so).
    let key_bundle = found
        .iter()
        .filter(|(f, _)| f == "sigstore_bundle")
        .map(|(_, v)| v)
        .find(|v| v["signer"]["key"] == "cosign.pub")
        .unwrap_or_else(|| panic!("a key bundle in {found:?}"));
    assert_eq!(key_bundle["verdict"], "verified", "{key_bundle:#}");
    assert!(
        key_bundle["checks"]
            .to_string()
            .contains("the key's word alone"),
        "{key_bundle:#}"
    );
    // The SBOM referrer is there, and unsigned.
    assert_eq!(verdict_of("cyclone_dx")["verdict"], "unsigned");

    // The same, for people: each verdict and who.
    let mut args = vec!["verify", signed.as_str()];
    args.extend(trust);
    let out = cli::run(home.path(), &args);
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("Result      verified"), "{t}");
    assert!(t.contains(&format!("by {IDENTITY} ({ISSUER})")), "{t}");
    assert!(t.contains("by key cosign.pub"), "{t}");

    // A pattern for the identity, anchored: the workflows of this repository.
    let out = cli::run(
        home.path(),
        &[
            "verify",
            &signed,
            "--trusted-root",
            p(&f.trusted_root),
            "--certificate-identity-regexp",
            r"https://github\.com/portolan-test/app/\.github/workflows/.*",
            "--certificate-oidc-issuer",
            ISSUER,
            "--key",
            p(&f.cosign_public_key),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn tampered_wrong_signer_and_unsigned_images_fail_with_why() {
    let (registry, seed) = seeded();
    let home = tempfile::tempdir().expect("home");
    let f = &seed.files;
    let run = |tag: &str, extra: &[&str]| {
        let reference = registry.reference(&format!("supply/app:{tag}"));
        let mut args = vec!["verify", "--json", reference.as_str()];
        args.extend(extra);
        cli::run(home.path(), &args)
    };
    let keyless = [
        "--trusted-root",
        p(&f.trusted_root),
        "--certificate-identity",
        IDENTITY,
        "--certificate-oidc-issuer",
        ISSUER,
        "--key",
        p(&f.cosign_public_key),
    ];

    // A copied signature (valid, but for another image) and a bundle with flipped bytes.
    let out = run("tampered", &keyless);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["state"], "invalid", "{report:#}");
    let found = verdicts(&report);
    let sig = &found
        .iter()
        .find(|(f, _)| f == "cosign_signature")
        .expect("sig")
        .1;
    assert_eq!(sig["verdict"], "failed");
    assert!(
        sig["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("not this image"),
        "{sig:#}"
    );
    let bundle = &found
        .iter()
        .find(|(f, _)| f == "sigstore_bundle")
        .expect("bundle")
        .1;
    assert_eq!(bundle["verdict"], "failed", "{bundle:#}");
    let t = text(&cli::run(
        home.path(),
        &[
            "verify",
            &registry.reference("supply/app:tampered"),
            "--key",
            p(&f.cosign_public_key),
        ],
    ));
    assert!(t.contains("FAILED"), "{t}");
    assert!(t.contains("error: ") && t.contains("does not hold"), "{t}");

    // A valid signature by someone else is as loud as an invalid one.
    let out = run("other-signer", &keyless);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["state"], "wrong_signer", "{report:#}");
    assert_eq!(report["summary"]["by"], OTHER_IDENTITY);
    // ... and verifies when no signer is expected, saying anyone passes.
    let out = run("other-signer", &["--trusted-root", p(&f.trusted_root)]);
    assert!(out.status.success(), "{}", text(&out));
    let bundle = verdicts(&json(&out))
        .into_iter()
        .find(|(f, _)| f == "sigstore_bundle")
        .expect("bundle")
        .1;
    assert_eq!(bundle["policy_matched"], false);

    // Against the shipped roots only, the test CA is nobody: the bundle fails.
    let out = run(
        "signed",
        &[
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            ISSUER,
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    // Nothing attached.
    let out = run("unsigned", &keyless);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(json(&out)["summary"]["state"], "none");

    // A key signature without the key cannot be checked, and says so.
    let out = run("signed", &["--trusted-root", p(&f.trusted_root)]);
    let sig = verdicts(&json(&out))
        .into_iter()
        .find(|(f, _)| f == "cosign_signature")
        .expect("sig")
        .1;
    assert_eq!(sig["verdict"], "not_checkable", "{sig:#}");
}

#[test]
fn notation_signatures_verify_against_the_trust_store_named() {
    let (registry, seed) = seeded();
    let home = tempfile::tempdir().expect("home");
    let store = p(&seed.files.notation_trust_store);
    let out = cli::run(
        home.path(),
        &[
            "verify",
            "--json",
            &registry.reference("supply/app:notation"),
            "--notation-trust-store",
            store,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let report = json(&out);
    let (_, v) = verdicts(&report)
        .into_iter()
        .find(|(f, _)| f == "notation_signature")
        .expect("notation");
    assert_eq!(v["verdict"], "verified", "{v:#}");
    assert!(
        v["signer"]["subject"]
            .as_str()
            .is_some_and(|s| s.contains("CN=")),
        "{v:#}"
    );

    let out = cli::run(
        home.path(),
        &[
            "verify",
            "--json",
            &registry.reference("supply/app:notation-untrusted"),
            "--notation-trust-store",
            store,
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(json(&out)["summary"]["state"], "invalid");

    // Without a trust store: shown, not checked.
    let out = cli::run(
        home.path(),
        &[
            "verify",
            "--json",
            &registry.reference("supply/app:notation"),
        ],
    );
    assert_eq!(json(&out)["summary"]["state"], "not_checkable");
}

/// Every `name@version` the fixture project's lock file resolves (what both generators
/// were run over).
fn locked_packages() -> std::collections::BTreeSet<String> {
    let lock: Value = serde_json::from_slice(
        &std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sbom-project/package-lock.json"),
        )
        .expect("lock"),
    )
    .expect("json");
    lock["packages"]
        .as_object()
        .expect("packages")
        .iter()
        .filter_map(|(path, p)| {
            let name = path
                .rsplit("node_modules/")
                .next()
                .filter(|_| !path.is_empty())?;
            Some(format!("{name}@{}", p["version"].as_str()?))
        })
        .collect()
}

fn listed(sbom: &Value) -> std::collections::BTreeSet<String> {
    sbom["sbom"]["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| {
            Some(format!(
                "{}@{}",
                p["name"].as_str()?,
                p["version"].as_str()?
            ))
        })
        .collect()
}

#[test]
fn sboms_list_what_the_generators_found_with_licenses() {
    let (registry, seed) = seeded();
    let home = tempfile::tempdir().expect("home");
    let f = &seed.files;
    let locked = locked_packages();
    assert!(locked.contains("lodash@4.17.20"), "{locked:?}");

    // A CycloneDX referrer (cyclonedx-npm), found through the fallback tag.
    let signed = registry.reference("supply/app:signed");
    let out = cli::run(
        home.path(),
        &[
            "sbom",
            "--json",
            &signed,
            "--key",
            p(&f.cosign_public_key),
            "--trusted-root",
            p(&f.trusted_root),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let found = json(&out);
    let sbom = &found["sboms"][0];
    assert_eq!(sbom["sbom"]["format"], "cyclone_dx", "{found:#}");
    assert_eq!(sbom["found_via"]["via"], "fallback_tag");
    assert!(
        locked.is_subset(&listed(sbom)),
        "{locked:?} in {:?}",
        listed(sbom)
    );
    let lodash = sbom["sbom"]["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "lodash")
        .expect("lodash");
    assert_eq!(lodash["purl"], "pkg:npm/lodash@4.17.20");
    assert_eq!(lodash["licenses"], serde_json::json!(["MIT"]));
    assert!(sbom["licenses"]
        .as_array()
        .expect("licenses")
        .iter()
        .any(|l| l["license"] == "MIT" && l["packages"].as_u64() >= Some(3)));
    let t = text(&cli::run(home.path(), &["sbom", &signed]));
    assert!(
        t.contains("CycloneDX SBOM") && t.contains("pkg:npm/lodash@4.17.20"),
        "{t}"
    );

    // An SPDX document (`npm sbom`) in a BuildKit attestation manifest, for the platform.
    let multi = registry.reference("supply/app:multi");
    let out = cli::run(home.path(), &["sbom", "--json", &multi]);
    assert!(out.status.success(), "{}", text(&out));
    let found = json(&out);
    let sbom = &found["sboms"][0];
    assert_eq!(sbom["sbom"]["format"], "spdx", "{found:#}");
    assert_eq!(sbom["platform"], "linux/amd64");
    assert_eq!(sbom["found_via"]["via"], "index_entry");
    assert_eq!(sbom["verdict"]["verdict"], "unsigned");
    assert!(
        locked.is_subset(&listed(sbom)),
        "{locked:?} in {:?}",
        listed(sbom)
    );

    // None attached: exit 1, not found.
    let out = cli::run(
        home.path(),
        &["sbom", &registry.reference("supply/app:unsigned")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("was not found"), "{}", text(&out));
}

#[test]
fn provenance_says_source_commit_workflow_and_run_with_links_built_from_parts() {
    let (registry, seed) = seeded();
    let home = tempfile::tempdir().expect("home");
    let f = &seed.files;
    let signed = registry.reference("supply/app:signed");
    let out = cli::run(
        home.path(),
        &[
            "provenance",
            "--json",
            &signed,
            "--trusted-root",
            p(&f.trusted_root),
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            ISSUER,
            "--key",
            p(&f.cosign_public_key),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let found = json(&out);
    let from_bundle = found["provenance"]
        .as_array()
        .expect("provenance")
        .iter()
        .find(|p| {
            p["verdict"]["verdict"] == "verified" && p["verdict"]["signer"]["identity"] == IDENTITY
        })
        .unwrap_or_else(|| panic!("a verified keyless provenance in {found:#}"));
    let pv = &from_bundle["provenance"];
    assert_eq!(pv["source_repository"], supply_chain_seed::REPOSITORY);
    assert_eq!(pv["source_commit"], seed.source_commit.as_str());
    assert_eq!(pv["workflow"], ".github/workflows/release.yml");
    assert_eq!(pv["trigger"], "push");
    assert_eq!(
        pv["links"]["run"],
        "https://github.com/portolan-test/app/actions/runs/1234567"
    );
    assert_eq!(
        pv["links"]["commit"],
        format!(
            "{}/commit/{}",
            supply_chain_seed::REPOSITORY,
            seed.source_commit
        )
        .as_str()
    );
    let t = text(&cli::run(
        home.path(),
        &["provenance", &signed, "--trusted-root", p(&f.trusted_root)],
    ));
    assert!(
        t.contains(&format!(
            "{} @ {}",
            supply_chain_seed::REPOSITORY,
            seed.source_commit
        )),
        "{t}"
    );

    // BuildKit's provenance (SLSA v0.2) of the index's platform image, unsigned.
    let out = cli::run(
        home.path(),
        &[
            "provenance",
            "--json",
            &registry.reference("supply/app:multi"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let found = json(&out);
    let pv = &found["provenance"][0];
    assert_eq!(pv["platform"], "linux/amd64", "{found:#}");
    assert_eq!(pv["verdict"]["verdict"], "unsigned");
    assert_eq!(
        pv["provenance"]["build_type"],
        "https://mobyproject.org/buildkit@v1"
    );

    // A provenance whose signature fails is never shown as if it held: exit 1.
    let out = cli::run(
        home.path(),
        &[
            "provenance",
            &registry.reference("supply/app:tampered"),
            "--trusted-root",
            p(&f.trusted_root),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn vulns_looks_the_sbom_packages_up_in_osv() {
    let (registry, _seed) = seeded();
    let home = tempfile::tempdir().expect("home");
    let osv = portolan_tests::osv_fake::start();
    let multi = registry.reference("supply/app:multi");
    let out = cli::in_home(home.path())
        .env("PORTOLAN_OSV_API", osv.url(""))
        .run(&["vulns", "--json", &multi]);
    assert!(out.status.success(), "{}", text(&out));
    let found = json(&out);
    let report = &found["report"];
    assert_eq!(report["counts"]["critical"], 1, "{found:#}");
    assert_eq!(report["counts"]["high"], 1);
    assert_eq!(report["counts"]["medium"], 1);
    let critical = &report["vulns"][0];
    assert_eq!(critical["id"], "GHSA-xvch-5gv4-984h");
    assert_eq!(critical["package"], "minimist");
    assert_eq!(critical["fixed"], "1.2.6");
    assert_eq!(
        critical["url"],
        "https://osv.dev/vulnerability/GHSA-xvch-5gv4-984h"
    );

    let out = cli::in_home(home.path())
        .env("PORTOLAN_OSV_API", osv.url(""))
        .run(&["vulns", &multi, "--fail-on", "critical"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("GHSA-xvch-5gv4-984h") && t.contains("1.2.6"),
        "{t}"
    );
    assert!(
        t.contains("1 known vulnerability at critical or worse"),
        "{t}"
    );
}

/// The Signed column asks once per visible row; what that costs the registry: an unsigned
/// row whose tag list shows no cosign tags is one request (the referrers API) where the
/// registry has the API, and none once a registry without it has said so.
#[test]
fn a_signed_cell_costs_one_request_for_an_unsigned_row() {
    use portolan_ops::supply_chain::{self as ops, SignedState, TrustOptions};
    use portolan_tests::referrers_double::ReferrersDouble;

    let (registry, seed) = seeded();
    let tags: Vec<String> = portolan_tests::block_on(
        portolan::Client::anonymous()
            .tags(&portolan::Reference::parse(&registry.reference("supply/app")).expect("ref")),
    )
    .expect("tags");
    let attached = |digest: &str| -> Vec<String> {
        let prefix = format!("sha256-{}", digest.trim_start_matches("sha256:"));
        tags.iter()
            .filter(|t| t.starts_with(&prefix))
            .cloned()
            .collect()
    };
    let trust = TrustOptions {
        keys: vec![seed.files.cosign_public_key.clone()],
        trusted_root: Some(seed.files.trusted_root.clone()),
        ..TrustOptions::default()
    };

    // A registry with the referrers API (the double in front of distribution).
    let double = ReferrersDouble::in_front_of(&registry.host);
    let client = portolan::Client::anonymous();
    let unsigned = seed.unsigned.digest();
    let before = double.requests().len();
    let cell = portolan_tests::block_on(ops::signed(
        &client,
        &format!("{}/supply/app@{unsigned}", double.host),
        &trust,
        Some(attached(unsigned)),
    ))
    .expect("a cell");
    assert_eq!(cell.state, SignedState::None);
    let asked: Vec<String> = double.requests()[before..].to_vec();
    let registry_requests: Vec<&String> = asked.iter().filter(|l| !l.contains(" /v2/ ")).collect();
    assert_eq!(registry_requests.len(), 1, "{asked:#?}");
    assert!(registry_requests[0].contains("/referrers/"), "{asked:#?}");

    // A signed row: its signatures are read and checked (the .sig and .att tags the list
    // shows, each one manifest and one blob), still with one referrers request.
    let signed = seed.signed.image.digest();
    let before = double.requests().len();
    let cell = portolan_tests::block_on(ops::signed(
        &client,
        &format!("{}/supply/app@{signed}", double.host),
        &trust,
        Some(attached(signed)),
    ))
    .expect("a cell");
    assert_eq!(cell.state, SignedState::Verified, "{cell:?}");
    assert_eq!(cell.by.as_deref(), Some("key cosign.pub"));
    let asked: Vec<String> = double.requests()[before..].to_vec();
    let referrers = asked.iter().filter(|l| l.contains("/referrers/")).count();
    assert_eq!(referrers, 1, "{asked:#?}");
    println!(
        "a signed row cost {} registry requests: {asked:#?}",
        asked.len()
    );
}
