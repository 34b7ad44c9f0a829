//! The documents the supply-chain seed signs and attaches, shaped as their real producers
//! write them: cosign's simple-signing payload and its small image config, DSSE envelopes
//! and their pre-authentication encoding, in-toto statements, SLSA provenance as GitHub's
//! `actions/attest-build-provenance` (v1) and BuildKit (v0.2) write it, Sigstore bundles
//! v0.3, a `trusted_root.json` like GitHub's instance's, Notary Project JWS envelopes, and
//! SBOMs made by the real generators (`cyclonedx-npm`, `npm sbom`) over a fixture project.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;

use super::pki::{self, Cert};
use crate::require_program;

/// The media type of an in-toto statement in a DSSE envelope.
pub const IN_TOTO: &str = "application/vnd.in-toto+json";

/// The commit the provenance documents name as built (40 hex digits).
pub const SOURCE_COMMIT: &str = "a3f1c9e2b7d4058e6c1f2a9b8d7e6f5a4c3b2a19";

/// cosign's simple-signing payload for `digest` (`sha256:<hex>`) under `docker_reference`
/// (`host:port/repo`), byte for byte as cosign writes it.
pub fn simple_signing_payload(docker_reference: &str, digest: &str) -> Vec<u8> {
    format!(
        "{{\"critical\":{{\"identity\":{{\"docker-reference\":\"{docker_reference}\"}},\"image\":{{\"docker-manifest-digest\":\"{digest}\"}},\"type\":\"cosign container image signature\"}},\"optional\":null}}"
    )
    .into_bytes()
}

/// The config cosign (go-containerregistry) gives a signature or attestation image: an
/// empty platform, zero dates and the layers' digests as diff IDs.
pub fn cosign_config(layer_digests: &[&str]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "architecture": "",
        "created": "0001-01-01T00:00:00Z",
        "history": layer_digests.iter().map(|_| serde_json::json!({"created": "0001-01-01T00:00:00Z"})).collect::<Vec<_>>(),
        "os": "",
        "rootfs": {"type": "layers", "diff_ids": layer_digests},
        "config": {},
    }))
    .expect("json")
}

/// DSSE's pre-authentication encoding: `DSSEv1 <len(type)> <type> <len(body)> <body>`,
/// the bytes a DSSE signature covers.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// A DSSE envelope as JSON (`signature` DER, base64 in the envelope). `keyid` is written
/// when given (cosign writes an empty one; Sigstore bundles none).
pub fn dsse_envelope(
    payload_type: &str,
    payload: &[u8],
    signature: &[u8],
    keyid: Option<&str>,
) -> serde_json::Value {
    let mut sig = serde_json::json!({"sig": STANDARD.encode(signature)});
    if let Some(k) = keyid {
        sig["keyid"] = k.into();
    }
    serde_json::json!({
        "payloadType": payload_type,
        "payload": STANDARD.encode(payload),
        "signatures": [sig],
    })
}

/// An in-toto statement (`version`: `v1` or `v0.1`) about one subject.
pub fn statement(
    version: &str,
    subject_name: &str,
    digest: &str,
    predicate_type: &str,
    predicate: serde_json::Value,
) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "_type": format!("https://in-toto.io/Statement/{version}"),
        "subject": [{"name": subject_name, "digest": {"sha256": digest.trim_start_matches("sha256:")}}],
        "predicateType": predicate_type,
        "predicate": predicate,
    }))
    .expect("json")
}

/// SLSA provenance v1 as GitHub's `actions/attest-build-provenance` writes it, for a
/// release workflow of `repository` (`https://github.com/OWNER/NAME`) run on a push to
/// `main`.
pub fn github_provenance(repository: &str) -> serde_json::Value {
    serde_json::json!({
        "buildDefinition": {
            "buildType": "https://actions.github.io/buildtypes/workflow/v1",
            "externalParameters": {
                "workflow": {
                    "ref": "refs/heads/main",
                    "repository": repository,
                    "path": ".github/workflows/release.yml",
                },
            },
            "internalParameters": {
                "github": {
                    "event_name": "push",
                    "repository_id": "812345678",
                    "repository_owner_id": "91234567",
                    "runner_environment": "github-hosted",
                },
            },
            "resolvedDependencies": [{
                "uri": format!("git+{repository}@refs/heads/main"),
                "digest": {"gitCommit": SOURCE_COMMIT},
            }],
        },
        "runDetails": {
            "builder": {"id": "https://github.com/actions/runner/github-hosted"},
            "metadata": {"invocationId": format!("{repository}/actions/runs/1234567/attempts/1")},
        },
    })
}

/// SLSA provenance v0.2 as BuildKit writes it into an attestation manifest (`mode=min`
/// plus the VCS metadata a GitHub build adds).
pub fn buildkit_provenance(repository: &str) -> serde_json::Value {
    serde_json::json!({
        "builder": {"id": format!("{repository}/actions/runs/1234567/attempts/1")},
        "buildType": "https://mobyproject.org/buildkit@v1",
        "materials": [{
            "uri": "pkg:docker/docker/dockerfile@1",
            "digest": {"sha256": "4c68376a702446fc3c79af22de146a148bc3367e73c25a5803d453b6b3f722fb"},
        }, {
            "uri": "pkg:docker/alpine@3.20?platform=linux%2Famd64",
            "digest": {"sha256": "beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d"},
        }],
        "invocation": {
            "configSource": {"entryPoint": "Dockerfile"},
            "parameters": {
                "frontend": "dockerfile.v0",
                "args": {"label:org.opencontainers.image.source": repository},
                "locals": [{"name": "context"}, {"name": "dockerfile"}],
            },
            "environment": {"platform": "linux/amd64"},
        },
        "metadata": {
            "buildInvocationId": "q7x2w9k1m3n5p8r0t4v6y8z0a",
            "buildStartedOn": "2026-01-02T03:04:00.123456789Z",
            "buildFinishedOn": "2026-01-02T03:04:05.987654321Z",
            "completeness": {"parameters": true, "environment": true, "materials": false},
            "reproducible": false,
            "https://mobyproject.org/buildkit@v1#metadata": {
                "vcs": {"revision": SOURCE_COMMIT, "source": repository},
            },
        },
    })
}

/// A Sigstore bundle v0.3 holding a DSSE envelope signed by `leaf`, with no transparency
/// log entry and one RFC 3161 timestamp (`timestamp`, a DER `TimeStampResp`), as GitHub's
/// instance writes them.
pub fn sigstore_bundle(leaf: &Cert, envelope: serde_json::Value, timestamp: &[u8]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {
            "certificate": {"rawBytes": STANDARD.encode(leaf.der())},
            "tlogEntries": [],
            "timestampVerificationData": {
                "rfc3161Timestamps": [{"signedTimestamp": STANDARD.encode(timestamp)}],
            },
        },
        "dsseEnvelope": envelope,
    }))
    .expect("json")
}

/// A `trusted_root.json` trusting one certificate authority chain (`ca_chain`, its
/// issuing certificate first, root last) and one timestamping authority (`tsa_chain`,
/// leaf first, root last) from `start` (RFC 3339) on, with no transparency or CT logs, as
/// GitHub's instance ships it.
pub fn trusted_root(ca_chain: &[&Cert], tsa_chain: &[&Cert], start: &str) -> Vec<u8> {
    let chain = |certs: &[&Cert]| serde_json::json!({"certificates": certs.iter().map(|c| serde_json::json!({"rawBytes": STANDARD.encode(c.der())})).collect::<Vec<_>>()});
    serde_json::to_vec_pretty(&serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
        "certificateAuthorities": [{
            "subject": {"organization": "portolan-test", "commonName": "portolan-test Fulcio root"},
            "uri": "https://fulcio.portolan.test",
            "certChain": chain(ca_chain),
            "validFor": {"start": start},
        }],
        "timestampAuthorities": [{
            "subject": {"organization": "portolan-test", "commonName": "portolan-test TSA root"},
            "uri": "https://timestamp.portolan.test/api/v1/timestamp",
            "certChain": chain(tsa_chain),
            "validFor": {"start": start},
        }],
    }))
    .expect("json")
}

/// The parts of a Notary Project signature (JWS, `notary.x509` signing scheme).
pub struct NotationJws {
    /// The JWS JSON serialization (flattened), the signature layer's bytes.
    pub envelope: Vec<u8>,
    /// The protected header's JSON.
    pub protected: Vec<u8>,
    /// The payload's JSON (the target artifact's descriptor).
    pub payload: Vec<u8>,
    /// What the signature covers: `b64url(protected) "." b64url(payload)`.
    pub signing_input: Vec<u8>,
    /// The ES256 signature, `r || s`.
    pub signature: Vec<u8>,
}

/// A Notary Project signature of `target` (an OCI descriptor) by `leaf`, carrying `chain`
/// (leaf first) in `x5c`, signed at `signing_time` (RFC 3339).
pub fn notation_jws(
    target: &serde_json::Value,
    leaf: &Cert,
    chain: &[&Cert],
    signing_time: &str,
) -> NotationJws {
    let protected = serde_json::to_vec(&serde_json::json!({
        "alg": "ES256",
        "cty": "application/vnd.cncf.notary.payload.v1+json",
        "crit": ["io.cncf.notary.signingScheme"],
        "io.cncf.notary.signingScheme": "notary.x509",
        "io.cncf.notary.signingTime": signing_time,
    }))
    .expect("json");
    let payload = serde_json::to_vec(&serde_json::json!({"targetArtifact": target})).expect("json");
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&protected),
        URL_SAFE_NO_PAD.encode(&payload)
    )
    .into_bytes();
    let signature = pki::sign_raw(&leaf.key, &signing_input);
    let envelope = serde_json::to_vec(&serde_json::json!({
        "payload": URL_SAFE_NO_PAD.encode(&payload),
        "protected": URL_SAFE_NO_PAD.encode(&protected),
        "header": {
            "x5c": chain.iter().map(|c| STANDARD.encode(c.der())).collect::<Vec<_>>(),
            "io.cncf.notary.signingAgent": "portolan-tests",
        },
        "signature": URL_SAFE_NO_PAD.encode(&signature),
    }))
    .expect("json");
    NotationJws {
        envelope,
        protected,
        payload,
        signing_input,
        signature,
    }
}

/// The fixture npm project the SBOMs describe (`tests/fixtures/sbom-project`, its lock
/// committed, never installed).
pub fn sbom_project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sbom-project")
}

/// `cyclonedx-npm --package-lock-only --output-format JSON` over the fixture project: a
/// real CycloneDX 1.6 document. Panics when `tests/mocks` has not been installed.
pub fn cyclonedx_npm() -> Vec<u8> {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks/node_modules/.bin/cyclonedx-npm");
    assert!(
        bin.is_file(),
        "{} is missing: run `(cd tests/mocks && npm ci)` (scripts/test does)",
        bin.display()
    );
    require_program("npm");
    let out = Command::new(&bin)
        .args([
            "--package-lock-only",
            "--output-format",
            "JSON",
            "--output-file",
            "-",
        ])
        .current_dir(sbom_project())
        .output()
        .expect("run cyclonedx-npm");
    assert!(
        out.status.success(),
        "cyclonedx-npm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cyclonedx-npm JSON");
    assert_eq!(doc["bomFormat"], "CycloneDX", "cyclonedx-npm output");
    out.stdout
}

/// `npm sbom --package-lock-only --sbom-format spdx` over the fixture project: a real
/// SPDX 2.3 document.
pub fn npm_spdx() -> serde_json::Value {
    let out = Command::new(require_program("npm"))
        .args(["sbom", "--package-lock-only", "--sbom-format", "spdx"])
        .current_dir(sbom_project())
        .output()
        .expect("run npm sbom");
    assert!(
        out.status.success(),
        "npm sbom failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("npm sbom JSON");
    assert!(
        doc["spdxVersion"].is_string(),
        "npm sbom wrote no SPDX document"
    );
    doc
}

/// A synthetic CycloneDX 1.6 JSON SBOM of `count` npm components (each with a purl, a
/// license and hashes, each depending on the next two), for performance checks: a
/// 5,000-component document is a few MB, like a large real image's.
pub fn large_cyclonedx(count: usize) -> Vec<u8> {
    let name = |i: usize| format!("synthetic-package-{i:05}");
    let version = |i: usize| format!("{}.{}.{}", 1 + i % 7, i % 13, i % 31);
    let purl = |i: usize| format!("pkg:npm/{}@{}", name(i), version(i));
    let licenses = ["MIT", "Apache-2.0", "ISC", "BSD-3-Clause", "MPL-2.0"];
    let components: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            let hash = hex::encode(openssl::sha::sha512(purl(i).as_bytes()));
            serde_json::json!({
                "type": "library",
                "bom-ref": purl(i),
                "name": name(i),
                "version": version(i),
                "description": format!("Synthetic component {i} of a large SBOM"),
                "licenses": [{"license": {"id": licenses[i % licenses.len()]}}],
                "purl": purl(i),
                "hashes": [{"alg": "SHA-512", "content": hash}],
                "externalReferences": [{
                    "type": "distribution",
                    "url": format!("https://registry.npmjs.org/{}/-/{}-{}.tgz", name(i), name(i), version(i)),
                }],
            })
        })
        .collect();
    let dependencies: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            let deps: Vec<String> = (i + 1..count.min(i + 3)).map(purl).collect();
            serde_json::json!({"ref": purl(i), "dependsOn": deps})
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:5f1c0e2a-7b3d-4c8e-9a6f-0d2b4e6a8c1e",
        "version": 1,
        "metadata": {
            "timestamp": "2026-01-02T03:04:05Z",
            "tools": {"components": [{"type": "application", "name": "portolan-tests", "version": "1"}]},
            "component": {"type": "application", "bom-ref": "pkg:npm/synthetic-app@1.0.0", "name": "synthetic-app", "version": "1.0.0", "purl": "pkg:npm/synthetic-app@1.0.0"},
        },
        "components": components,
        "dependencies": dependencies,
    }))
    .expect("json")
}
