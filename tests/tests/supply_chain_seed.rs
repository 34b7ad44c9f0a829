//! The supply-chain seed (`tests/src/supply_chain_seed.rs`) checked with tools that are not
//! ours, so the supply-chain tests stand on known-good data: skopeo and plain HTTP read
//! every piece back from the registry (tags, manifests, the referrers fallback tag, the
//! blobs), openssl verifies the cosign, DSSE and Notary Project signatures, the
//! certificate chains and the RFC 3161 timestamps, and sigstore-rust verifies the keyless
//! bundles as GitHub's instance's are verified (no log, no SCT): the good one holds, the
//! wrong signer and the flipped signature do not.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::skopeo;
use portolan_tests::supply_chain_seed::{
    self as seed, large_cyclonedx, supply_chain, SupplyChainSeed,
};
use sigstore_verify::trust_root::TrustedRoot;
use sigstore_verify::types::{Bundle, Sha256Hash};
use sigstore_verify::{VerificationPolicy, Verifier};

const REPO: &str = "supply/app";

fn seeded() -> (TestRegistry, SupplyChainSeed) {
    let registry = TestRegistry::start(Auth::None);
    let seeded = supply_chain(&registry, REPO);
    (registry, seeded)
}

/// `GET /v2/<repo>/<kind>/<reference>` over plain HTTP: status and body.
fn get(registry: &TestRegistry, kind: &str, reference: &str) -> (u16, Vec<u8>) {
    let accept = [
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    ]
    .join(", ");
    let resp = registry
        .http_client()
        .get(format!(
            "{}/v2/{REPO}/{kind}/{reference}",
            registry.base_url()
        ))
        .header("Accept", accept)
        .send()
        .expect("GET");
    let status = resp.status().as_u16();
    (status, resp.bytes().expect("body").to_vec())
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("json")
}

/// A manifest by digest: it must exist and hash to its digest.
fn manifest(registry: &TestRegistry, digest: &str) -> serde_json::Value {
    let (status, body) = get(registry, "manifests", digest);
    assert_eq!(status, 200, "manifest {digest}");
    assert_eq!(portolan_tests::images::sha256(&body), digest);
    json(&body)
}

/// A blob by digest.
fn blob(registry: &TestRegistry, digest: &str) -> Vec<u8> {
    let (status, body) = get(registry, "blobs", digest);
    assert_eq!(status, 200, "blob {digest}");
    body
}

/// `openssl ARGS`: success, and what it printed (stdout and stderr).
fn openssl(args: &[&str]) -> (bool, String) {
    let out = Command::new(portolan_tests::require_program("openssl"))
        .args(args)
        .output()
        .expect("openssl");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Write `bytes` to `name` in a folder of the test's own.
fn scratch(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

/// Does `signature` (DER) verify over `data` with the public key in `key_pem` (a file)?
fn dgst_verifies(dir: &Path, key_pem: &Path, data: &[u8], signature: &[u8]) -> bool {
    let data = scratch(dir, "data.bin", data);
    let sig = scratch(dir, "sig.der", signature);
    let (ok, text) = openssl(&[
        "dgst",
        "-sha256",
        "-verify",
        path_str(key_pem),
        "-signature",
        path_str(&sig),
        path_str(&data),
    ]);
    assert_eq!(ok, text.contains("Verified OK"), "{text}");
    ok
}

/// The public key of a PEM certificate, as a PEM file.
fn public_key_of(dir: &Path, cert_pem: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    let (ok, text) = openssl(&[
        "x509",
        "-in",
        path_str(cert_pem),
        "-pubkey",
        "-noout",
        "-out",
        path_str(&out),
    ]);
    assert!(ok, "{text}");
    out
}

/// A DSSE envelope's PAE (rebuilt here, not by the seed) and its signature.
fn pae_and_signature(envelope: &serde_json::Value) -> (Vec<u8>, Vec<u8>) {
    let payload_type = envelope["payloadType"].as_str().expect("payloadType");
    let payload = STANDARD
        .decode(envelope["payload"].as_str().expect("payload"))
        .expect("base64");
    let signature = STANDARD
        .decode(envelope["signatures"][0]["sig"].as_str().expect("sig"))
        .expect("base64");
    let mut pae = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    pae.extend(payload);
    (pae, signature)
}

#[test]
fn every_piece_is_in_the_registry() {
    let (registry, s) = seeded();
    let reference = |tag: &str| format!("docker://{}/{REPO}:{tag}", registry.host);

    let listed = skopeo::json(&[
        "list-tags",
        "--tls-verify=false",
        &format!("docker://{}/{REPO}", registry.host),
    ]);
    let tags: Vec<&str> = listed["Tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    for tag in [
        "signed",
        "unsigned",
        "tampered",
        "other-signer",
        "multi",
        "notation",
        "notation-untrusted",
        &s.signed.cosign.tag,
        &s.signed.attestation.tag,
        &s.signed.referrers.tag,
        &s.tampered.cosign.tag,
        &s.tampered.referrers.tag,
        &s.other_signer.referrers.tag,
        &s.notation.referrers.tag,
        &s.notation_untrusted.referrers.tag,
    ] {
        assert!(tags.contains(&tag), "tag {tag} missing from {tags:?}");
    }
    assert_eq!(tags.len(), 15, "{tags:?}");
    assert!(!tags
        .iter()
        .any(|t| t.contains(s.unsigned.digest().trim_start_matches("sha256:"))));

    for image in [
        &s.signed.image,
        &s.unsigned,
        &s.tampered.image,
        &s.other_signer.image,
        &s.notation.image,
        &s.notation_untrusted.image,
    ] {
        assert_eq!(
            skopeo::digest(&reference(&image.tag)).as_deref(),
            Some(image.digest()),
            "{}",
            image.tag
        );
    }

    // cosign's `.sig`: the payload names the image, the annotation holds the signature.
    let sig = skopeo::raw_manifest(&format!("{}:{}", s.docker_reference, s.signed.cosign.tag));
    let layer = &sig["layers"][0];
    assert_eq!(layer["mediaType"], seed::COSIGN_SIMPLESIGNING);
    assert_eq!(
        STANDARD
            .decode(
                layer["annotations"][seed::COSIGN_SIGNATURE_ANNOTATION]
                    .as_str()
                    .expect("annotation")
            )
            .expect("base64"),
        s.signed.cosign.signature
    );
    let payload = json(&blob(&registry, layer["digest"].as_str().expect("digest")));
    assert_eq!(
        payload["critical"]["image"]["docker-manifest-digest"],
        s.signed.image.digest()
    );
    assert_eq!(
        payload["critical"]["identity"]["docker-reference"],
        s.docker_reference
    );
    assert_eq!(
        payload["critical"]["type"],
        "cosign container image signature"
    );
    let config = &sig["config"];
    assert_eq!(
        config["mediaType"],
        "application/vnd.oci.image.config.v1+json"
    );
    blob(&registry, config["digest"].as_str().expect("config digest"));
    // The tampered image's `.sig` names the signed image.
    let tampered_sig =
        skopeo::raw_manifest(&format!("{}:{}", s.docker_reference, s.tampered.cosign.tag));
    let tampered_payload = json(&blob(
        &registry,
        tampered_sig["layers"][0]["digest"]
            .as_str()
            .expect("digest"),
    ));
    assert_eq!(
        tampered_payload["critical"]["image"]["docker-manifest-digest"],
        s.signed.image.digest()
    );

    // cosign's `.att`: a DSSE envelope layer.
    let att = skopeo::raw_manifest(&format!(
        "{}:{}",
        s.docker_reference, s.signed.attestation.tag
    ));
    assert_eq!(att["layers"][0]["mediaType"], seed::DSSE_ENVELOPE);
    assert_eq!(
        att["layers"][0]["annotations"]["predicateType"],
        seed::SLSA_V1
    );
    let envelope = json(&blob(
        &registry,
        att["layers"][0]["digest"].as_str().expect("digest"),
    ));
    assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");

    // The fallback tag lists the bundle and the SBOM, each a manifest with this subject.
    let fallback = skopeo::raw_manifest(&format!(
        "{}:{}",
        s.docker_reference, s.signed.referrers.tag
    ));
    assert_eq!(
        fallback["mediaType"],
        "application/vnd.oci.image.index.v1+json"
    );
    let entries = fallback["manifests"].as_array().expect("manifests");
    let listed: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["digest"].as_str().expect("digest"),
                e["artifactType"].as_str().expect("artifactType"),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                s.signed.bundle.manifest.digest.as_str(),
                seed::SIGSTORE_BUNDLE
            ),
            (s.signed.sbom.manifest.digest.as_str(), seed::CYCLONEDX_JSON),
            (s.signed.key_bundle.digest.as_str(), seed::SIGSTORE_BUNDLE),
        ]
    );
    assert_eq!(
        entries[0]["annotations"]["dev.sigstore.bundle.predicateType"],
        seed::SLSA_V1
    );
    let bundle_manifest = manifest(&registry, &s.signed.bundle.manifest.digest);
    assert_eq!(
        bundle_manifest["subject"]["digest"],
        s.signed.image.digest()
    );
    assert_eq!(bundle_manifest["artifactType"], seed::SIGSTORE_BUNDLE);
    assert_eq!(bundle_manifest["config"]["mediaType"], seed::OCI_EMPTY);
    assert_eq!(
        bundle_manifest["config"]["digest"],
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    );
    assert_eq!(
        bundle_manifest["annotations"]["dev.sigstore.bundle.content"],
        "dsse-envelope"
    );
    assert_eq!(
        blob(
            &registry,
            bundle_manifest["config"]["digest"].as_str().expect("d")
        ),
        b"{}"
    );
    let bundle = blob(
        &registry,
        bundle_manifest["layers"][0]["digest"]
            .as_str()
            .expect("digest"),
    );
    assert_eq!(bundle, s.signed.bundle.bundle);
    let bundle = json(&bundle);
    assert_eq!(bundle["mediaType"], seed::SIGSTORE_BUNDLE);
    assert_eq!(
        bundle["verificationMaterial"]["tlogEntries"],
        serde_json::json!([])
    );
    let sbom_manifest = manifest(&registry, &s.signed.sbom.manifest.digest);
    assert_eq!(sbom_manifest["subject"]["digest"], s.signed.image.digest());
    let sbom = json(&blob(
        &registry,
        sbom_manifest["layers"][0]["digest"]
            .as_str()
            .expect("digest"),
    ));
    assert_eq!(sbom["bomFormat"], "CycloneDX");
    let purls: Vec<&str> = sbom["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    for purl in [
        "pkg:npm/debug@4.3.4",
        "pkg:npm/ms@2.1.2",
        "pkg:npm/lodash@4.17.20",
        "pkg:npm/minimist@1.2.5",
        "pkg:npm/semver@7.6.0",
    ] {
        assert!(purls.contains(&purl), "{purl} not in {purls:?}");
    }

    // Each other fallback tag lists its one referrer, whose subject is its image.
    for (fallback, referrer, subject, artifact_type) in [
        (
            &s.tampered.referrers,
            &s.tampered.bundle.manifest,
            &s.tampered.image,
            seed::SIGSTORE_BUNDLE,
        ),
        (
            &s.other_signer.referrers,
            &s.other_signer.bundle.manifest,
            &s.other_signer.image,
            seed::SIGSTORE_BUNDLE,
        ),
        (
            &s.notation.referrers,
            &s.notation.manifest,
            &s.notation.image,
            seed::NOTATION_SIGNATURE,
        ),
        (
            &s.notation_untrusted.referrers,
            &s.notation_untrusted.manifest,
            &s.notation_untrusted.image,
            seed::NOTATION_SIGNATURE,
        ),
    ] {
        let index = skopeo::raw_manifest(&format!("{}:{}", s.docker_reference, fallback.tag));
        assert_eq!(index["manifests"].as_array().map(Vec::len), Some(1));
        assert_eq!(index["manifests"][0]["digest"], referrer.digest.as_str());
        assert_eq!(index["manifests"][0]["artifactType"], artifact_type);
        let m = manifest(&registry, &referrer.digest);
        assert_eq!(m["subject"]["digest"], subject.digest());
    }
    let notation = manifest(&registry, &s.notation.manifest.digest);
    assert_eq!(notation["layers"][0]["mediaType"], seed::JOSE_JSON);
    assert_eq!(
        blob(
            &registry,
            notation["layers"][0]["digest"].as_str().expect("digest")
        ),
        s.notation.envelope
    );

    // `multi`: BuildKit's index with an attestation manifest for the amd64 image.
    let index = skopeo::raw_manifest(&format!("{}:multi", s.docker_reference));
    let entries = index["manifests"].as_array().expect("manifests");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["digest"], s.multi.amd64.manifest.digest.as_str());
    assert_eq!(entries[0]["platform"]["architecture"], "amd64");
    assert_eq!(
        entries[1]["digest"],
        s.multi.attestation_manifest.digest.as_str()
    );
    assert_eq!(entries[1]["platform"]["os"], "unknown");
    assert_eq!(
        entries[1]["annotations"]["vnd.docker.reference.type"],
        "attestation-manifest"
    );
    assert_eq!(
        entries[1]["annotations"]["vnd.docker.reference.digest"],
        s.multi.amd64.manifest.digest.as_str()
    );
    let amd64 = skopeo::json(&[
        "inspect",
        "--tls-verify=false",
        "--override-os",
        "linux",
        "--override-arch",
        "amd64",
        &reference("multi"),
    ]);
    // skopeo names the index's digest and reads the platform image it picked.
    assert_eq!(amd64["Digest"], s.multi.index.digest.as_str());
    assert_eq!(amd64["Architecture"], "amd64");
    assert_eq!(amd64["Layers"][0], s.multi.amd64.layers[0].digest.as_str());
    let attestation = manifest(&registry, &s.multi.attestation_manifest.digest);
    let layers = attestation["layers"].as_array().expect("layers");
    let predicates: Vec<&str> = layers
        .iter()
        .map(|l| {
            l["annotations"]["in-toto.io/predicate-type"]
                .as_str()
                .expect("type")
        })
        .collect();
    assert_eq!(predicates, [seed::SPDX_PREDICATE, seed::SLSA_V02]);
    for layer in layers {
        assert_eq!(layer["mediaType"], "application/vnd.in-toto+json");
        let statement = json(&blob(&registry, layer["digest"].as_str().expect("digest")));
        assert_eq!(
            format!(
                "sha256:{}",
                statement["subject"][0]["digest"]["sha256"]
                    .as_str()
                    .expect("sha256")
            ),
            s.multi.amd64.manifest.digest
        );
        assert_eq!(
            statement["predicateType"],
            layer["annotations"]["in-toto.io/predicate-type"]
        );
    }
    let spdx = json(&s.multi.spdx.bytes);
    assert_eq!(spdx["predicate"]["spdxVersion"], "SPDX-2.3");
    assert!(spdx["predicate"]["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .any(|p| p["name"] == "lodash" && p["versionInfo"] == "4.17.20"));
    let provenance = json(&s.multi.provenance.bytes);
    assert_eq!(
        provenance["predicate"]["buildType"],
        "https://mobyproject.org/buildkit@v1"
    );
    assert_eq!(
        provenance["predicate"]["invocation"]["parameters"]["frontend"],
        "dockerfile.v0"
    );
}

#[test]
fn signatures_verify_with_openssl() {
    let (_registry, s) = seeded();
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path();

    // cosign, key-based: the `.sig` payload and the `.att` envelope.
    let key = &s.files.cosign_public_key;
    assert!(dgst_verifies(
        dir,
        key,
        &s.signed.cosign.payload,
        &s.signed.cosign.signature
    ));
    assert!(dgst_verifies(
        dir,
        key,
        &s.tampered.cosign.payload,
        &s.tampered.cosign.signature
    ));
    // The tampered image's `.sig` is the signed image's signature, copied: valid, but about
    // another digest.
    assert_eq!(s.tampered.cosign.payload, s.signed.cosign.payload);
    let mut edited = s.signed.cosign.payload.clone();
    edited.push(b' ');
    assert!(!dgst_verifies(
        dir,
        key,
        &edited,
        &s.signed.cosign.signature
    ));
    let (pae, signature) = pae_and_signature(&json(&s.signed.attestation.envelope));
    assert_eq!(pae, s.signed.attestation.pae);
    assert!(dgst_verifies(dir, key, &pae, &signature));

    // Keyless bundles: the DSSE signature under the leaf's key, the leaf chaining to the
    // Fulcio-like root, the timestamp over the signature bytes from the trusted TSA.
    for (bundle, good) in [
        (&s.signed.bundle, true),
        (&s.other_signer.bundle, true),
        (&s.tampered.bundle, false),
    ] {
        let (pae, signature) = pae_and_signature(&json(&bundle.bundle)["dsseEnvelope"]);
        assert_eq!(signature, bundle.signature);
        let leaf_key = public_key_of(dir, &bundle.leaf_path, "leaf.pub");
        assert_eq!(
            dgst_verifies(dir, &leaf_key, &pae, &signature),
            good,
            "{}",
            bundle.path.display()
        );

        let (ok, text) = openssl(&[
            "verify",
            "-CAfile",
            path_str(&s.files.fulcio_root),
            "-untrusted",
            path_str(&s.files.fulcio_intermediate),
            "-purpose",
            "any",
            path_str(&bundle.leaf_path),
        ]);
        assert!(ok, "{text}");
        let (ok, text) = openssl(&[
            "x509",
            "-in",
            path_str(&bundle.leaf_path),
            "-noout",
            "-text",
        ]);
        assert!(ok, "{text}");
        assert!(text.contains(&format!("URI:{}", bundle.identity)), "{text}");
        assert!(text.contains("Code Signing"), "{text}");
        assert!(text.contains("1.3.6.1.4.1.57264.1.8"), "{text}");
        assert!(text.contains(seed::ISSUER), "{text}");

        let bundle_json = json(&bundle.bundle);
        let token = STANDARD
            .decode(
                bundle_json["verificationMaterial"]["timestampVerificationData"]
                    ["rfc3161Timestamps"][0]["signedTimestamp"]
                    .as_str()
                    .expect("signedTimestamp"),
            )
            .expect("base64");
        let token = scratch(dir, "timestamp.tsr", &token);
        let sig = scratch(dir, "signature.bin", &signature);
        let (ok, text) = openssl(&["ts", "-reply", "-in", path_str(&token), "-text"]);
        assert!(ok && text.contains("Status: Granted"), "{text}");
        assert!(text.contains("Hash Algorithm: sha256"), "{text}");
        let (ok, text) = openssl(&[
            "ts",
            "-verify",
            "-data",
            path_str(&sig),
            "-in",
            path_str(&token),
            "-CAfile",
            path_str(&s.files.tsa_root),
            "-untrusted",
            path_str(&s.files.tsa_cert),
        ]);
        assert!(ok && text.contains("Verification: OK"), "{text}");
    }
    assert_eq!(s.signed.bundle.identity, s.identity);
    assert_eq!(s.other_signer.bundle.identity, s.other_identity);

    // Notary Project: the JWS signature under the x5c leaf, the leaf chaining to the trust
    // store (and the untrusted one not).
    for (notation, trusted) in [(&s.notation, true), (&s.notation_untrusted, false)] {
        let envelope = json(&notation.envelope);
        let protected = envelope["protected"].as_str().expect("protected");
        let payload = envelope["payload"].as_str().expect("payload");
        let header = json(&URL_SAFE_NO_PAD.decode(protected).expect("b64url"));
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["io.cncf.notary.signingScheme"], "notary.x509");
        assert_eq!(
            header["crit"],
            serde_json::json!(["io.cncf.notary.signingScheme"])
        );
        let target = json(&URL_SAFE_NO_PAD.decode(payload).expect("b64url"));
        assert_eq!(target["targetArtifact"]["digest"], notation.image.digest());
        assert_eq!(
            target["targetArtifact"]["size"],
            notation.image.image.manifest.bytes.len()
        );
        let signing_input = format!("{protected}.{payload}").into_bytes();
        assert_eq!(signing_input, notation.signing_input);
        let raw = URL_SAFE_NO_PAD
            .decode(envelope["signature"].as_str().expect("signature"))
            .expect("b64url");
        assert_eq!(raw.len(), 64);
        let leaf_der = STANDARD
            .decode(envelope["header"]["x5c"][0].as_str().expect("x5c"))
            .expect("base64");
        let leaf_der = scratch(dir, "notation-leaf.der", &leaf_der);
        let leaf_pem = dir.join("notation-leaf.pem");
        let (ok, text) = openssl(&[
            "x509",
            "-inform",
            "DER",
            "-in",
            path_str(&leaf_der),
            "-out",
            path_str(&leaf_pem),
        ]);
        assert!(ok, "{text}");
        let leaf_key = public_key_of(dir, &leaf_pem, "notation-leaf.pub");
        let der = seed::pki::raw_to_der(&raw);
        assert!(dgst_verifies(dir, &leaf_key, &signing_input, &der));
        let (ok, text) = openssl(&[
            "verify",
            "-CAfile",
            path_str(&s.files.notation_trust_store),
            "-purpose",
            "any",
            path_str(&leaf_pem),
        ]);
        assert_eq!(ok, trusted, "{text}");
    }
}

#[test]
fn bundles_verify_with_sigstore_rust() {
    let (_registry, s) = seeded();
    let root = TrustedRoot::from_file(&s.files.trusted_root).expect("trusted_root.json");
    assert!(root.tlogs.is_empty() && root.ctlogs.is_empty());
    let verifier = Verifier::new(&root).expect("verifier");
    let load = |b: &seed::SigstoreBundle| {
        Bundle::from_json(std::str::from_utf8(&b.bundle).expect("utf-8")).expect("bundle")
    };
    let digest = |d: &str| Sha256Hash::from_hex(d.trim_start_matches("sha256:")).expect("hex");
    let github = VerificationPolicy::new(s.identity.as_str(), s.issuer.as_str())
        .skip_tlog_unsafe()
        .skip_sct();
    let anyone = VerificationPolicy::any_identity()
        .skip_tlog_unsafe()
        .skip_sct();

    let result = verifier
        .verify(
            digest(s.signed.image.digest()),
            &load(&s.signed.bundle),
            &github,
        )
        .expect("the signed image's bundle verifies");
    assert!(result.certificate_verified());
    assert_eq!(result.verified_timestamps().len(), 1);
    assert_eq!(result.issuer(), Some(seed::ISSUER));

    // The same bundle does not vouch for another image.
    assert!(verifier
        .verify(
            digest(s.unsigned.digest()),
            &load(&s.signed.bundle),
            &github
        )
        .is_err());
    // The other signer's signature holds, but not under the policy naming our workflow.
    let other = load(&s.other_signer.bundle);
    let other_digest = digest(s.other_signer.image.digest());
    verifier
        .verify(other_digest, &other, &anyone)
        .expect("the other signer's bundle is a valid signature");
    let err = verifier
        .verify(other_digest, &other, &github)
        .expect_err("wrong signer");
    assert!(err.to_string().contains("someone-else"), "{err}");
    // Flipped signature bytes fail even with no identity required.
    let err = verifier
        .verify(
            digest(s.tampered.image.digest()),
            &load(&s.tampered.bundle),
            &anyone,
        )
        .expect_err("flipped signature");
    assert!(
        err.to_string().to_lowercase().contains("signature"),
        "{err}"
    );
}

#[test]
fn large_cyclonedx_is_a_cyclonedx_document() {
    let bytes = large_cyclonedx(5_000);
    let doc = json(&bytes);
    assert_eq!(doc["bomFormat"], "CycloneDX");
    assert_eq!(doc["components"].as_array().map(Vec::len), Some(5_000));
    assert_eq!(doc["dependencies"].as_array().map(Vec::len), Some(5_000));
    assert!(bytes.len() > 2_000_000, "{} bytes", bytes.len());
    assert_eq!(large_cyclonedx(10), large_cyclonedx(10), "deterministic");
}
