//! Refreshing a trusted root over TUF, end to end over HTTP: a TUF repository made here
//! (root, timestamp, snapshot, targets, each signed with a P-256 key, as Sigstore's are)
//! serves a `trusted_root.json` target; the engine's refresh walks it from a pinned root,
//! keeps the target only once TUF has verified it, and `TrustRoots` then prefers it. A
//! tampered target or an expired timestamp is refused and the kept root stays.

use portolan::supply_chain::refresh::{self, TufMirror};
use portolan::supply_chain::trust::TrustRoots;
use portolan_tests::http_double::{HttpDouble, Reply};
use serde_json::{json, Value};
use sigstore_verify::crypto::KeyPair;

const FAR_FUTURE: &str = "2999-01-01T00:00:00Z";

struct Repo {
    root: Vec<u8>,
    files: Vec<(String, Vec<u8>)>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    portolan_tests::images::sha256(bytes)
        .trim_start_matches("sha256:")
        .to_owned()
}

fn signed(body: &Value, key_id: &str, key: &KeyPair) -> Vec<u8> {
    let canonical = sigstore_tuf::canonical_json::to_canonical_bytes(body).expect("canonical");
    let sig = key.sign(&canonical).expect("sign");
    serde_json::to_vec(&json!({
        "signed": body,
        "signatures": [{"keyid": key_id, "sig": hex::encode(sig.as_bytes())}],
    }))
    .expect("json")
}

/// A one-key TUF repository serving `target` as `trusted_root.json` (its metadata says
/// `listed`: the bytes a tampered mirror serves can differ).
fn repository(listed: &[u8], served: &[u8], timestamp_expires: &str) -> Repo {
    let key = KeyPair::generate_ecdsa_p256().expect("key");
    let entry = json!({
        "keytype": "ecdsa",
        "scheme": "ecdsa-sha2-nistp256",
        "keyval": {"public": key.public_key_der().expect("der").to_pem()},
    });
    let id = serde_json::from_value::<sigstore_tuf::Key>(entry.clone())
        .expect("key")
        .key_id()
        .expect("id");
    let meta = |bytes: &[u8]| json!({"version": 1, "length": bytes.len(), "hashes": {"sha256": sha256_hex(bytes)}});
    let targets = signed(
        &json!({"_type": "targets", "spec_version": "1.0.0", "version": 1, "expires": FAR_FUTURE,
                "targets": {"trusted_root.json": {"length": listed.len(), "hashes": {"sha256": sha256_hex(listed)}}}}),
        &id,
        &key,
    );
    let snapshot = signed(
        &json!({"_type": "snapshot", "spec_version": "1.0.0", "version": 1, "expires": FAR_FUTURE,
                "meta": {"targets.json": meta(&targets)}}),
        &id,
        &key,
    );
    let timestamp = signed(
        &json!({"_type": "timestamp", "spec_version": "1.0.0", "version": 1, "expires": timestamp_expires,
                "meta": {"snapshot.json": meta(&snapshot)}}),
        &id,
        &key,
    );
    let role = json!({"keyids": [id.clone()], "threshold": 1});
    let root = signed(
        &json!({"_type": "root", "spec_version": "1.0.0", "version": 1, "expires": FAR_FUTURE,
                "consistent_snapshot": false, "keys": {id.clone(): entry},
                "roles": {"root": role, "timestamp": role, "snapshot": role, "targets": role}}),
        &id,
        &key,
    );
    Repo {
        root,
        files: vec![
            ("/timestamp.json".into(), timestamp),
            ("/snapshot.json".into(), snapshot),
            ("/targets.json".into(), targets),
            ("/targets/trusted_root.json".into(), served.to_vec()),
        ],
    }
}

fn serve(repo: &Repo) -> HttpDouble {
    repo.files
        .iter()
        .fold(HttpDouble::builder(), |b, (path, bytes)| {
            b.reply(
                "GET",
                path,
                Reply::bytes(200, "application/json", bytes.clone()),
            )
        })
        .start()
}

fn mirror(double: &HttpDouble) -> TufMirror {
    let base = url::Url::parse(&format!("{}/", double.url("").trim_end_matches('/'))).expect("url");
    TufMirror::new(base, reqwest::Client::new())
}

/// A trusted root that differs from the embedded one: the conformance suite's copy of
/// sigstore-python's public-good root.
fn new_root() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/sigstore/trusted-roots/public-good.json"),
    )
    .expect("root")
}

#[test]
fn a_verified_refresh_is_kept_and_preferred() {
    let target = new_root();
    let repo = repository(&target, &target, FAR_FUTURE);
    let double = serve(&repo);
    let cache = tempfile::tempdir().expect("cache");
    let dir = refresh::cache_dir(cache.path(), refresh::Instance::PublicGood);
    let done =
        portolan_tests::block_on(refresh::refresh(mirror(&double), &repo.root, &dir, "test"))
            .expect("refreshed");
    assert!(done.changed);
    assert_eq!(done.tuf_root_version, 1);
    assert_eq!(
        std::fs::read(dir.join("trusted_root.json")).expect("kept"),
        target
    );
    assert!(
        dir.join("root.json").is_file(),
        "the TUF root trusted now is kept"
    );
    // 2.root.json was asked for (the end of the root chain), then the rest in order.
    let asked: Vec<String> = double
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(
        asked,
        [
            "/2.root.json",
            "/timestamp.json",
            "/snapshot.json",
            "/targets.json",
            "/targets/trusted_root.json"
        ]
    );
    let roots = TrustRoots::shipped_or_refreshed(cache.path()).expect("roots");
    let names: Vec<&str> = roots.roots().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Sigstore public-good (refreshed)", "GitHub"]);

    // Again: nothing changed.
    let again =
        portolan_tests::block_on(refresh::refresh(mirror(&double), &repo.root, &dir, "test"))
            .expect("refreshed");
    assert!(!again.changed);
}

#[test]
fn a_tampered_target_or_an_expired_timestamp_is_refused_and_the_kept_root_stays() {
    let cache = tempfile::tempdir().expect("cache");
    let dir = refresh::cache_dir(cache.path(), refresh::Instance::PublicGood);
    std::fs::create_dir_all(&dir).expect("dir");
    let kept = new_root();
    std::fs::write(dir.join("trusted_root.json"), &kept).expect("kept");

    let listed = new_root();
    let mut served = listed.clone();
    let at = served.len() / 2;
    served[at] ^= 1;
    let repo = repository(&listed, &served, FAR_FUTURE);
    let double = serve(&repo);
    let e = portolan_tests::block_on(refresh::refresh(mirror(&double), &repo.root, &dir, "test"))
        .expect_err("a target that does not match its hash");
    assert!(
        e.to_string()
            .contains("cannot refresh the test trusted root"),
        "{e}"
    );
    assert_eq!(
        std::fs::read(dir.join("trusted_root.json")).expect("kept"),
        kept
    );

    let repo = repository(&listed, &listed, "2020-01-01T00:00:00Z");
    let double = serve(&repo);
    let e = portolan_tests::block_on(refresh::refresh(mirror(&double), &repo.root, &dir, "test"))
        .expect_err("an expired timestamp");
    assert!(e.to_string().to_lowercase().contains("expire"), "{e}");
    assert_eq!(
        std::fs::read(dir.join("trusted_root.json")).expect("kept"),
        kept
    );

    // A cache that does not parse is ignored: the embedded root is used.
    std::fs::write(dir.join("trusted_root.json"), b"{not json").expect("broken");
    let roots = TrustRoots::shipped_or_refreshed(cache.path()).expect("roots");
    assert_eq!(roots.roots()[0].name, "Sigstore public-good");
}
