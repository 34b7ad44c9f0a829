//! What vouches for an image, in a real window (Xvfb, WebDriver) against a real registry
//! holding the supply-chain seed (`supply_chain_seed`: a cosign key signature and
//! attestation, a keyless bundle with SLSA provenance under a test trusted root, a
//! CycloneDX SBOM from cyclonedx-npm, a BuildKit index, Notation signatures, and the
//! failing cases), with the seed's key, trusted root and Notation trust store in the
//! settings: the tag list's Signed column (verified, none, invalid; "other signer" once the
//! repository's signer is expected), the Supply chain tab (who signed, the provenance
//! with repository @ commit and a link built by the backend, the SBOM with the generator's
//! packages, a tampered image's reason, known vulnerabilities from an OSV of the tests'
//! own after the user agreed), a 5,000-package SBOM drawn a screenful at a time, the
//! trust settings with a key chosen through the file chooser, and every stop's layout at
//! 1,280×800, 1,024×700 and 800×600.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use portolan_tests::app_home::AppHome;
use portolan_tests::images::{
    build_image, sha256, Blob, ImageSpec, Pusher, OCI_INDEX, OCI_MANIFEST,
};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::supply_chain_seed::{
    self, large_cyclonedx, SupplyChainSeed, CYCLONEDX_JSON, IDENTITY, ISSUER, OCI_EMPTY, REPOSITORY,
};
use portolan_tests::webdriver::Session;
use portolan_tests::{app_binary, artifacts_dir, osv_fake};
use serde_json::{json, Value};

/// The sizes walked for the layout.
const SIZES: [(u32, u32); 3] = [(1280, 800), (1024, 700), (800, 600)];

/// Escape, sent to whatever has the focus.
const ESCAPE: &str = "\u{E00C}";

/// Every layout problem at this stop in both themes, and axe-core's serious findings.
fn check(s: &Session, stop: &str, size: (u32, u32), found: &mut Vec<String>) {
    for theme in ["light", "dark"] {
        s.script(
            "document.documentElement.dataset.theme = arguments[0];",
            json!([theme]),
        );
        s.screenshot(
            &artifacts_dir()
                .join("supply-chain")
                .join(format!("{stop}-{}x{}-{theme}.png", size.0, size.1)),
        );
        for p in s.layout_problems() {
            found.push(format!("{stop} at {}x{} ({theme}): {p}", size.0, size.1));
        }
    }
    s.script(
        "document.documentElement.dataset.theme = 'light';",
        Value::Null,
    );
    for p in s.accessibility_problems() {
        found.push(format!(
            "{stop} at {}x{}: accessibility: {p}",
            size.0, size.1
        ));
    }
}

fn wait_until(what: &str, secs: u64, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An attribute of the first element `css` finds (`None`: no element, or no attribute).
fn attribute(s: &Session, css: &str, name: &str) -> Option<String> {
    s.script(
        "return document.querySelector(arguments[0])?.getAttribute(arguments[1]) ?? null;",
        json!([css, name]),
    )
    .as_str()
    .map(str::to_owned)
}

/// The Signed cell of `tag`'s row, once it has an answer: its state and its tooltip.
fn signed_cell(s: &Session, tag: &str) -> (String, String) {
    let css = format!("[data-tag='{tag}'] [data-testid=signed]");
    let mut state = String::new();
    wait_until(&format!("the Signed cell of {tag}"), 60, || {
        state = attribute(s, &css, "data-signed").unwrap_or_default();
        !state.is_empty() && state != "loading"
    });
    (state, attribute(s, &css, "title").unwrap_or_default())
}

/// How many packages the large SBOM lists.
const MANY: usize = 5_000;

/// Push an image tagged `tag` with an unsigned CycloneDX SBOM of [`MANY`] packages as its
/// referrer (listed in the fallback tag, as for distribution 2.8).
fn push_big_sbom(registry: &TestRegistry, repo: &str, tag: &str) {
    let pusher = Pusher::new(registry);
    let image = build_image(&ImageSpec::new("big-sbom", "amd64", &[1_000]));
    pusher.push_image(repo, tag, &image);
    let empty = Blob::new(OCI_EMPTY, b"{}".to_vec());
    let document = Blob::new(CYCLONEDX_JSON, large_cyclonedx(MANY));
    pusher.push_blob(repo, &empty);
    pusher.push_blob(repo, &document);
    let referrer = Blob::new(
        OCI_MANIFEST,
        serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "artifactType": CYCLONEDX_JSON,
            "config": {"mediaType": OCI_EMPTY, "digest": sha256(b"{}"), "size": 2},
            "layers": [document.descriptor()],
            "subject": image.manifest.descriptor(),
        }))
        .expect("json"),
    );
    pusher.push_manifest(repo, &referrer.digest, &referrer);
    let mut entry = referrer.descriptor();
    entry["artifactType"] = json!(CYCLONEDX_JSON);
    let fallback = Blob::new(
        OCI_INDEX,
        serde_json::to_vec(
            &json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [entry]}),
        )
        .expect("json"),
    );
    let hex = image.manifest.digest.trim_start_matches("sha256:");
    pusher.push_manifest(repo, &format!("sha256-{hex}"), &fallback);
}

/// The app's settings with the seed's key, trusted root and Notation trust store.
fn preset_trust(home: &AppHome, seed: &SupplyChainSeed) {
    let store = home.path().join("data/dev.portolan.app");
    std::fs::create_dir_all(&store).expect("mkdir");
    let f = &seed.files;
    std::fs::write(
        store.join("settings.json"),
        json!({ "settings": { "trust": {
            "keys": [f.cosign_public_key],
            "signer": { "identity": null, "identity_pattern": null, "issuer": null },
            "trusted_root": f.trusted_root,
            "notation_trust_store": f.notation_trust_store,
        } } })
        .to_string(),
    )
    .expect("settings");
}

/// The settings the app saved.
fn saved_settings(home: &AppHome) -> Value {
    let text = std::fs::read_to_string(home.path().join("data/dev.portolan.app/settings.json"))
        .expect("settings saved");
    serde_json::from_str::<Value>(&text).expect("settings JSON")["settings"].clone()
}

/// Open `tag`'s image from the list and its Supply chain tab.
fn open_supply_chain(s: &Session, tag: &str) {
    s.click(&s.wait(&format!("[data-tag='{tag}']"), 30));
    s.click(&s.wait("[data-tab=supply]", 30));
    s.wait("[data-testid=verdict-banner]", 60);
}

/// Back to the tag list (Escape walks back).
fn back_to_tags(s: &Session) {
    s.click(&s.wait("button[aria-label=Back]", 10));
    s.wait("[data-testid=tag-count]", 30);
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn signed_column_supply_chain_tab_and_trust() {
    let registry = TestRegistry::start(Auth::None);
    let seed = supply_chain_seed::supply_chain(&registry, "supply/app");
    push_big_sbom(&registry, "supply/app", "big-sbom");
    let osv = osv_fake::start();
    let home = AppHome::new();
    preset_trust(&home, &seed);
    let opened = home.path().join("opened.log");
    let pick = home.path().join("pick.txt");
    std::fs::write(&pick, "").expect("pick answer");
    let host = PathBuf::from(&registry.host);
    let osv_url = PathBuf::from(osv.url(""));
    let driver = home.driver_with(&[
        ("PORTOLAN_DEMO_REGISTRY", &host),
        ("PORTOLAN_TEST_OPEN_LOG", &opened),
        ("PORTOLAN_TEST_PICK_FILE", &pick),
        ("PORTOLAN_OSV_API", &osv_url),
    ]);
    let s = driver.open(&app_binary());
    let mut found = Vec::new();

    // The Signed column, asked for the rows in view.
    s.click(&s.wait("[data-repo='supply/app']", 30));
    let (state, title) = signed_cell(&s, "signed");
    assert_eq!(state, "verified", "signed: {title}");
    assert!(title.starts_with("Signed by "), "{title}");
    assert_eq!(signed_cell(&s, "unsigned").0, "none");
    let (state, title) = signed_cell(&s, "tampered");
    assert_eq!(state, "invalid", "tampered: {title}");
    assert!(title.contains("does not hold"), "{title}");
    let (state, title) = signed_cell(&s, "other-signer");
    assert_eq!(state, "verified", "anyone the root vouches for: {title}");
    assert!(title.contains("someone-else/fork"), "{title}");
    assert_eq!(signed_cell(&s, "notation").0, "verified");
    assert_eq!(
        signed_cell(&s, "multi").0,
        "none",
        "unsigned attestations sign nothing"
    );
    // The signatures' own tags are hidden, and have no cell.
    assert!(s
        .find_all("[data-tag^='sha256-'] [data-testid=signed]")
        .is_empty());
    for size in SIZES {
        s.resize(size.0, size.1);
        s.wait("[data-tag='signed'] [data-signed=verified]", 10);
        check(&s, "tags", size, &mut found);
    }
    s.resize(1024, 700);
    wait_until("the Signed cell's words at 1,024 px", 10, || {
        s.text_of("[data-tag='signed'] [data-testid=signed]")
            .is_some_and(|t| t.starts_with('✓') && t.len() > "✓".len() + 1)
    });

    // The signed image: who signed, the provenance, the SBOM, and the OSV consent.
    open_supply_chain(&s, "signed");
    assert_eq!(
        attribute(&s, "[data-testid=verdict-banner]", "data-state").as_deref(),
        Some("verified")
    );
    let bundle = s.wait(
        "[data-testid=attachment][data-format=sigstore_bundle][data-verdict=verified] [data-testid=attachment-signer]",
        10,
    );
    assert_eq!(s.text(&bundle), IDENTITY);
    let source = s.wait_text("[data-testid=provenance-source]", 10, |t| {
        t.contains(REPOSITORY)
    });
    assert!(
        source.contains(&format!("{REPOSITORY} @ {}", &seed.source_commit[..12])),
        "{source}"
    );
    // The generator's packages, filterable; licenses counted.
    s.wait("[data-testid=sbom] [data-package=lodash]", 10);
    s.wait("[data-testid=sbom] [data-package=minimist]", 10);
    s.click(&s.wait("[data-testid=sbom-licenses] [data-license=MIT]", 10));
    let count = s.wait_text("[data-testid=sbom-count]", 5, |t| t.contains("license MIT"));
    assert!(count.contains(" of "), "{count}");
    s.click(&s.wait("[data-testid=sbom-licenses] [data-license=MIT]", 5));
    s.type_into(&s.wait("input[name=sbom-filter]", 5), "lodash");
    s.wait_text("[data-testid=sbom-count]", 5, |t| t.starts_with("1 of "));
    let consent = s.wait_text("[data-testid=vulns-consent]", 10, |t| t.contains("OSV"));
    assert!(consent.contains("package names and versions"), "{consent}");
    s.script(
        "document.getElementById('image-panel').scrollTop = 0;",
        Value::Null,
    );
    for size in SIZES {
        s.resize(size.0, size.1);
        check(&s, "supply-chain-signed", size, &mut found);
    }
    s.resize(1280, 800);

    // A provenance link opens what the backend built, after the confirm.
    s.click(&s.wait("[data-testid=provenance-links] [data-link=commit]", 10));
    s.wait_text("[data-testid=link-host]", 5, |t| t == "github.com");
    s.click(&s.wait("[data-testid=open-link]", 5));
    let commit_url = format!("{REPOSITORY}/commit/{}", seed.source_commit);
    wait_until("the commit page opened", 10, || {
        lines(&opened).contains(&commit_url)
    });

    // Vulnerabilities, once the user says yes: counts and each with its OSV page.
    s.click(&s.wait("[data-testid=vulns-yes]", 5));
    s.wait("[data-testid=vuln-counts]", 60);
    assert_eq!(saved_settings(&home)["vulnerability_lookups"], json!(true));
    let critical = s.wait_text(
        "[data-testid=vuln-counts] [data-severity=critical]",
        5,
        |t| !t.is_empty(),
    );
    assert!(critical.starts_with("1 "), "{critical}");
    let row = s.wait_text("[data-vuln='GHSA-xvch-5gv4-984h']", 5, |t| {
        t.contains("1.2.6")
    });
    assert!(row.contains("minimist"), "{row}");
    s.click(&s.wait("[data-vuln='GHSA-xvch-5gv4-984h'] button.linklike", 5));
    wait_until("the OSV page opened", 10, || {
        lines(&opened).contains(&"https://osv.dev/vulnerability/GHSA-xvch-5gv4-984h".to_owned())
    });
    for size in SIZES {
        s.resize(size.0, size.1);
        check(&s, "supply-chain-vulns", size, &mut found);
    }
    s.resize(1280, 800);

    // Trust settings: the preset files are listed; a key chosen through the file chooser
    // is saved.
    s.click(&s.wait("[data-testid=trust-settings]", 5));
    s.wait_text("[data-testid=trust-root]", 5, |t| {
        t.contains("trusted_root")
    });
    for size in SIZES {
        s.resize(size.0, size.1);
        check(&s, "trust-settings", size, &mut found);
    }
    s.resize(1280, 800);
    s.click(&s.wait("[data-testid=trust-keys] button", 5));
    wait_until("the key removed", 5, || {
        s.find_all("[data-testid=trust-keys]").is_empty()
    });
    let key = seed
        .files
        .cosign_public_key
        .to_str()
        .expect("utf-8")
        .to_owned();
    std::fs::write(&pick, &key).expect("pick answer");
    s.click(&s.wait("[data-testid=trust-add-key]", 5));
    s.wait_text("[data-testid=trust-keys]", 5, |t| t.contains("cosign.pub"));
    s.click(&s.wait("[data-testid=trust-save]", 5));
    wait_until("the trust dialog closed", 10, || {
        s.find_all("[data-testid=trust-save]").is_empty()
    });
    assert_eq!(saved_settings(&home)["trust"]["keys"], json!([key]));
    s.wait("[data-testid=verdict-banner][data-state=verified]", 60);

    // Expect this signer: remembered for the repository; the other signer is then as
    // loud as a bad signature.
    s.click(&s.wait("[data-testid=expect-signer]", 10));
    s.wait_text("[data-testid=expected-signer]", 30, |t| {
        t.contains(IDENTITY) && t.contains(ISSUER)
    });
    let repo_key = format!("{}/supply/app", registry.host);
    assert_eq!(
        saved_settings(&home)["signers"][&repo_key],
        json!({ "identity": IDENTITY, "identity_pattern": null, "issuer": ISSUER })
    );
    s.click(&s.wait("[data-testid=edit-signer]", 5));
    s.wait("input[name=signer-identity]", 5);
    for size in SIZES {
        s.resize(size.0, size.1);
        check(&s, "expected-signer", size, &mut found);
    }
    s.resize(1280, 800);
    s.key(ESCAPE);
    back_to_tags(&s);
    let (state, title) = signed_cell(&s, "other-signer");
    assert_eq!(state, "wrong_signer", "other-signer: {title}");
    assert!(
        title.contains("someone-else/fork") && title.contains(IDENTITY),
        "who signed and who was expected: {title}"
    );
    assert_eq!(signed_cell(&s, "signed").0, "verified");

    // The other signer's tab says so, loudly, and offers no shortcut to accept it.
    open_supply_chain(&s, "other-signer");
    s.wait_text("[data-testid=verdict-banner]", 10, |t| {
        t.contains("SIGNED BY SOMEONE ELSE") && t.contains("someone-else/fork")
    });
    assert!(s.find_all("[data-testid=expect-signer]").is_empty());
    back_to_tags(&s);

    // The tampered image: why it fails, and nothing from it shown as if it held.
    open_supply_chain(&s, "tampered");
    assert_eq!(
        attribute(&s, "[data-testid=verdict-banner]", "data-state").as_deref(),
        Some("invalid")
    );
    s.wait_text("[data-testid=verdict-banner]", 5, |t| {
        t.contains("INVALID SIGNATURE")
    });
    let reasons: Vec<String> = s
        .find_all("[data-testid=attachment-reason]")
        .iter()
        .map(|e| s.text(e))
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("not this image")),
        "{reasons:?}"
    );
    assert!(s.find_all("[data-testid=provenance]").is_empty());
    for size in SIZES {
        s.resize(size.0, size.1);
        check(&s, "supply-chain-tampered", size, &mut found);
    }
    s.resize(1280, 800);
    back_to_tags(&s);

    // The BuildKit index: its platform image's SPDX SBOM and unsigned provenance.
    open_supply_chain(&s, "multi");
    s.wait_text("[data-testid=provenance-verdict]", 10, |t| t == "Unsigned");
    s.wait("[data-testid=sbom] [data-package=lodash]", 10);
    back_to_tags(&s);

    // 5,000 packages: a screenful of rows drawn, the last one reached by scrolling, the
    // licenses counted over all of them, and a filter.
    assert_eq!(signed_cell(&s, "big-sbom").0, "none");
    open_supply_chain(&s, "big-sbom");
    let count = s.wait_text("[data-testid=sbom-count]", 60, |t| t.contains("packages"));
    // Numbers as the window's locale writes them (with or without a separator).
    let plain = |t: &str| t.replace([',', '\u{a0}', '\u{202f}', '.'], "");
    assert_eq!(plain(&count), "5000 packages");
    let drawn = s.find_all("[data-testid=sbom] [data-package]").len();
    assert!(drawn > 5 && drawn < 100, "{drawn} rows drawn of {MANY}");
    s.script(
        "const grid = document.querySelector('[data-testid=sbom] [role=grid]'); grid.scrollTop = grid.scrollHeight;",
        Value::Null,
    );
    s.wait(
        "[data-testid=sbom] [data-package='synthetic-package-04999']",
        10,
    );
    let mit = s.wait_text("[data-testid=sbom-licenses] [data-license=MIT]", 5, |t| {
        !t.is_empty()
    });
    assert!(plain(&mit).ends_with("1000"), "{mit}");
    s.type_into(&s.wait("input[name=sbom-filter]", 5), "package-0420");
    s.wait_text("[data-testid=sbom-count]", 10, |t| {
        plain(t).starts_with("10 of 5000")
    });
    for size in SIZES {
        s.resize(size.0, size.1);
        check(&s, "supply-chain-big-sbom", size, &mut found);
    }

    assert!(
        found.is_empty(),
        "{} layout problems:\n{}",
        found.len(),
        found.join("\n")
    );
}
