//! Signed, attested and SBOM-carrying images, pushed into a real registry for the
//! supply-chain tests, made without cosign or notation (neither is installed here).
//!
//! [`supply_chain`] pushes one repository holding every way an image is vouched for:
//! a cosign key-based signature (`sha256-<hex>.sig`) and attestation (`.att`), a keyless
//! Sigstore bundle v0.3 referrer shaped like GitHub's artifact attestations (a Fulcio-like
//! certificate, an RFC 3161 timestamp from a TSA answered by `openssl ts`, no log entry), a
//! CycloneDX SBOM referrer made by the real `cyclonedx-npm`, a BuildKit index with an
//! attestation manifest (SPDX from `npm sbom`, SLSA provenance v0.2), and Notary Project
//! signatures; plus the failing cases (a signature naming another digest, flipped
//! signature bytes, the wrong signer, an untrusted CA). Distribution 2.8 has no referrers
//! API: referrers are pushed as manifests with a `subject` and listed in the OCI fallback
//! tag `sha256-<hex>`, as clients do for such registries. The keys, certificates and
//! trust files a verifier needs are written under a temporary folder the returned
//! [`SupplyChainSeed`] keeps alive.

pub mod documents;
pub mod pki;
pub mod tsa;

use std::path::PathBuf;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

pub use documents::{large_cyclonedx, large_spdx};
use documents::{IN_TOTO, SOURCE_COMMIT};
use pki::{Cert, Role, Spec};

use crate::images::{build_image, Blob, ImageSpec, Pusher, TestImage, OCI_INDEX, OCI_MANIFEST};
use crate::registry::TestRegistry;

/// The OIDC issuer Fulcio-like leaves name: GitHub Actions'.
pub const ISSUER: &str = "https://token.actions.githubusercontent.com";
/// The repository the trusted workflow belongs to.
pub const REPOSITORY: &str = "https://github.com/portolan-test/app";
/// The SAN of the trusted signer: the release workflow on `main` of [`REPOSITORY`].
pub const IDENTITY: &str =
    "https://github.com/portolan-test/app/.github/workflows/release.yml@refs/heads/main";
/// The repository of the wrong signer (`other-signer`).
pub const OTHER_REPOSITORY: &str = "https://github.com/someone-else/fork";
/// The SAN of the wrong signer.
pub const OTHER_IDENTITY: &str =
    "https://github.com/someone-else/fork/.github/workflows/release.yml@refs/heads/main";

/// A Sigstore bundle v0.3 (layer and artifact type of its referrer).
pub const SIGSTORE_BUNDLE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// cosign's simple-signing payload layer.
pub const COSIGN_SIMPLESIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// The layer of a cosign attestation (`.att`): a DSSE envelope.
pub const DSSE_ENVELOPE: &str = "application/vnd.dsse.envelope.v1+json";
/// The annotation holding a cosign signature (base64 DER).
pub const COSIGN_SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// A CycloneDX JSON SBOM.
pub const CYCLONEDX_JSON: &str = "application/vnd.cyclonedx+json";
/// A Notary Project signature (artifact type).
pub const NOTATION_SIGNATURE: &str = "application/vnd.cncf.notary.signature";
/// A Notary Project JWS envelope (layer).
pub const JOSE_JSON: &str = "application/jose+json";
/// The OCI empty descriptor's media type (config of artifact manifests).
pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
/// SLSA provenance v1.
pub const SLSA_V1: &str = "https://slsa.dev/provenance/v1";
/// SLSA provenance v0.2.
pub const SLSA_V02: &str = "https://slsa.dev/provenance/v0.2";
/// SPDX as an in-toto predicate.
pub const SPDX_PREDICATE: &str = "https://spdx.dev/Document";

/// Everything [`supply_chain`] pushed and wrote, to check answers against.
pub struct SupplyChainSeed {
    /// The repository.
    pub repo: String,
    /// `host:port/repo`: the `docker-reference` the cosign payloads name.
    pub docker_reference: String,
    /// The SAN a verifier should require ([`IDENTITY`]).
    pub identity: String,
    /// The OIDC issuer a verifier should require ([`ISSUER`]).
    pub issuer: String,
    /// The wrong signer's SAN ([`OTHER_IDENTITY`]).
    pub other_identity: String,
    /// The commit the provenance names ([`SOURCE_COMMIT`]).
    pub source_commit: String,
    /// Key, certificate and trust files.
    pub files: SeedFiles,
    /// Tag `signed`: cosign `.sig` and `.att`, a keyless bundle and a CycloneDX SBOM.
    pub signed: SignedImage,
    /// Tag `unsigned`: nothing attached.
    pub unsigned: SeededImage,
    /// Tag `tampered`: a `.sig` whose payload names the `signed` image, and a bundle whose
    /// signature bytes are flipped.
    pub tampered: TamperedImage,
    /// Tag `other-signer`: a valid bundle from [`OTHER_IDENTITY`].
    pub other_signer: BundledImage,
    /// Tag `multi`: a BuildKit index with an attestation manifest.
    pub multi: MultiImage,
    /// Tag `notation`: a Notary Project signature from the trusted CA.
    pub notation: NotationImage,
    /// Tag `notation-untrusted`: a Notary Project signature from a CA not in the store.
    pub notation_untrusted: NotationImage,
    _dir: tempfile::TempDir,
}

/// The files a verifier is given, under a temporary folder the seed keeps alive.
pub struct SeedFiles {
    /// The folder.
    pub dir: PathBuf,
    /// cosign's public key (PEM, SubjectPublicKeyInfo, P-256): `cosign verify --key`.
    pub cosign_public_key: PathBuf,
    /// Its private key (PKCS#8 PEM, unencrypted), to sign more in a test.
    pub cosign_private_key: PathBuf,
    /// `trusted_root.json`: the Fulcio-like chain and the TSA, no logs.
    pub trusted_root: PathBuf,
    /// The Fulcio-like root CA (PEM).
    pub fulcio_root: PathBuf,
    /// The Fulcio-like intermediate CA (PEM).
    pub fulcio_intermediate: PathBuf,
    /// The TSA's signing certificate (PEM).
    pub tsa_cert: PathBuf,
    /// The TSA's root CA (PEM): `openssl ts -verify -CAfile`.
    pub tsa_root: PathBuf,
    /// The Notary Project trust store: the trusted CA (PEM).
    pub notation_trust_store: PathBuf,
    /// The CA of `notation-untrusted` (PEM), in no trust store.
    pub notation_untrusted_ca: PathBuf,
}

/// An image pushed under a tag.
#[derive(Clone, Debug)]
pub struct SeededImage {
    /// The tag.
    pub tag: String,
    /// The image (its manifest is the subject of what is attached).
    pub image: TestImage,
}

impl SeededImage {
    /// The manifest digest, `sha256:<hex>`.
    pub fn digest(&self) -> &str {
        &self.image.manifest.digest
    }
}

/// A cosign simple-signing signature at `sha256-<hex>.sig`.
#[derive(Clone, Debug)]
pub struct CosignSignature {
    /// `sha256-<hex>.sig`.
    pub tag: String,
    /// The signature image's manifest.
    pub manifest: Blob,
    /// The simple-signing payload (the layer's bytes).
    pub payload: Vec<u8>,
    /// The DER ECDSA signature over the payload (base64 in the layer's annotation).
    pub signature: Vec<u8>,
}

/// A cosign attestation at `sha256-<hex>.att`: a DSSE envelope signed with the cosign key.
#[derive(Clone, Debug)]
pub struct CosignAttestation {
    /// `sha256-<hex>.att`.
    pub tag: String,
    /// The attestation image's manifest.
    pub manifest: Blob,
    /// The envelope (the layer's bytes).
    pub envelope: Vec<u8>,
    /// The in-toto statement inside (SLSA provenance v1).
    pub statement: Vec<u8>,
    /// The pre-authentication encoding the signature covers.
    pub pae: Vec<u8>,
    /// The DER ECDSA signature.
    pub signature: Vec<u8>,
}

/// A keyless Sigstore bundle attached as a referrer.
#[derive(Clone, Debug)]
pub struct SigstoreBundle {
    /// The referrer manifest (artifact type [`SIGSTORE_BUNDLE`]).
    pub manifest: Blob,
    /// The bundle JSON (the layer's bytes).
    pub bundle: Vec<u8>,
    /// The same bundle, as a file.
    pub path: PathBuf,
    /// The in-toto statement in the DSSE envelope (SLSA provenance v1).
    pub statement: Vec<u8>,
    /// The pre-authentication encoding the signature covers.
    pub pae: Vec<u8>,
    /// The DER ECDSA signature (flipped in `tampered`).
    pub signature: Vec<u8>,
    /// The DER `TimeStampResp` over the signature bytes.
    pub timestamp: Vec<u8>,
    /// The signing certificate (PEM), as a file.
    pub leaf_path: PathBuf,
    /// The SAN the certificate names.
    pub identity: String,
}

/// A CycloneDX SBOM attached as a referrer.
#[derive(Clone, Debug)]
pub struct SbomReferrer {
    /// The referrer manifest (artifact type [`CYCLONEDX_JSON`]).
    pub manifest: Blob,
    /// The SBOM (the layer's bytes), as `cyclonedx-npm` wrote it.
    pub document: Vec<u8>,
}

/// The OCI referrers fallback tag of a subject: an index listing its referrers.
#[derive(Clone, Debug)]
pub struct Fallback {
    /// `sha256-<hex>` of the subject.
    pub tag: String,
    /// The index (entries carry `artifactType` and the referrer's annotations).
    pub index: Blob,
}

/// Tag `signed` and all that vouches for it.
#[derive(Clone, Debug)]
pub struct SignedImage {
    /// The image.
    pub image: SeededImage,
    /// Its cosign signature (`.sig`), by the key in [`SeedFiles::cosign_public_key`].
    pub cosign: CosignSignature,
    /// Its cosign attestation (`.att`), by the same key.
    pub attestation: CosignAttestation,
    /// Its keyless bundle from [`IDENTITY`].
    pub bundle: SigstoreBundle,
    /// A managed-key Sigstore bundle v0.3 referrer (cosign 3's `sign --key` with no log):
    /// a message signature over the image's manifest by the cosign key (its manifest).
    pub key_bundle: Blob,
    /// Its CycloneDX SBOM.
    pub sbom: SbomReferrer,
    /// The fallback tag listing the bundle and the SBOM.
    pub referrers: Fallback,
}

/// Tag `tampered`.
#[derive(Clone, Debug)]
pub struct TamperedImage {
    /// The image.
    pub image: SeededImage,
    /// A correctly signed `.sig` whose payload names the `signed` image's digest.
    pub cosign: CosignSignature,
    /// A bundle about this image whose signature bytes were flipped after signing (the
    /// timestamp covers the flipped bytes, so only the signature fails).
    pub bundle: SigstoreBundle,
    /// The fallback tag listing the bundle.
    pub referrers: Fallback,
}

/// An image with one keyless bundle (`other-signer`).
#[derive(Clone, Debug)]
pub struct BundledImage {
    /// The image.
    pub image: SeededImage,
    /// Its bundle.
    pub bundle: SigstoreBundle,
    /// The fallback tag listing the bundle.
    pub referrers: Fallback,
}

/// Tag `multi`: a BuildKit-style index.
#[derive(Clone, Debug)]
pub struct MultiImage {
    /// `multi`.
    pub tag: String,
    /// The index (the amd64 image and the attestation manifest).
    pub index: Blob,
    /// The linux/amd64 image.
    pub amd64: TestImage,
    /// The attestation manifest (platform `unknown/unknown`).
    pub attestation_manifest: Blob,
    /// The SPDX in-toto statement layer (predicate: `npm sbom` output).
    pub spdx: Blob,
    /// The SLSA provenance v0.2 in-toto statement layer.
    pub provenance: Blob,
}

/// A Notary Project signature attached as a referrer.
#[derive(Clone, Debug)]
pub struct NotationImage {
    /// The image.
    pub image: SeededImage,
    /// The referrer manifest (artifact type [`NOTATION_SIGNATURE`]).
    pub manifest: Blob,
    /// The JWS envelope (the layer's bytes).
    pub envelope: Vec<u8>,
    /// What the signature covers: `b64url(protected) "." b64url(payload)`.
    pub signing_input: Vec<u8>,
    /// The ES256 signature, `r || s`.
    pub signature: Vec<u8>,
    /// The signing certificate (PEM), as a file.
    pub leaf_path: PathBuf,
    /// The fallback tag listing the signature.
    pub referrers: Fallback,
}

/// A Fulcio-like CA: a root and an intermediate issuing ten-minute leaves.
struct Fulcio {
    root: Cert,
    intermediate: Cert,
}

impl Fulcio {
    fn new() -> Self {
        let root = pki::ca(
            &[("O", "portolan-test"), ("CN", "portolan-test Fulcio root")],
            Some(1),
            None,
        );
        let intermediate = pki::ca(
            &[
                ("O", "portolan-test"),
                ("CN", "portolan-test Fulcio intermediate"),
            ],
            Some(0),
            Some(&root),
        );
        Self { root, intermediate }
    }

    /// A leaf for the release workflow on `main` of `repository`, as Fulcio issues it to a
    /// GitHub Actions job: empty subject, critical URI SAN, EKU `codeSigning`, the issuer
    /// in `1.3.6.1.4.1.57264.1.1` (raw) and `.1.8` (UTF8String), and the workflow's claims
    /// (`.1.2`-`.1.6` raw, `.1.9`-`.1.22` UTF8String); valid for ten minutes from a minute
    /// ago.
    fn leaf(&self, repository: &str) -> Cert {
        let workflow = format!("{repository}/.github/workflows/release.yml@refs/heads/main");
        let owner = repository.rsplit_once('/').map_or(repository, |(o, _)| o);
        let path = repository.trim_start_matches("https://github.com/");
        let run = format!("{repository}/actions/runs/1234567/attempts/1");
        let raw = |n: u32, v: &str| (format!("1.3.6.1.4.1.57264.1.{n}"), v.as_bytes().to_vec());
        let utf8 = |n: u32, v: &str| (format!("1.3.6.1.4.1.57264.1.{n}"), pki::der_utf8(v));
        let extensions = vec![
            raw(1, ISSUER),
            raw(2, "push"),
            raw(3, SOURCE_COMMIT),
            raw(4, "release"),
            raw(5, path),
            raw(6, "refs/heads/main"),
            utf8(8, ISSUER),
            utf8(9, &workflow),
            utf8(10, SOURCE_COMMIT),
            utf8(11, "github-hosted"),
            utf8(12, repository),
            utf8(13, SOURCE_COMMIT),
            utf8(14, "refs/heads/main"),
            utf8(15, "812345678"),
            utf8(16, owner),
            utf8(17, "91234567"),
            utf8(18, &workflow),
            utf8(19, SOURCE_COMMIT),
            utf8(20, "push"),
            utf8(21, &run),
            utf8(22, "public"),
        ];
        let now = pki::now();
        pki::issue(
            &Spec {
                subject: &[],
                role: Role::CodeSigning,
                not_before: now - 60,
                not_after: now + 540,
                san_uri: Some(&workflow),
                extensions: &extensions,
            },
            Some(&self.intermediate),
        )
    }
}

/// What signs: the keys, CAs and TSA of one seed.
struct Signers {
    cosign_key: openssl::pkey::PKey<openssl::pkey::Private>,
    fulcio: Fulcio,
    tsa: tsa::Tsa,
    notation_ca: Cert,
    notation_untrusted_ca: Cert,
    dir: PathBuf,
}

/// Push the supply-chain set into `repo` of `registry` (no auth, or an admin-capable
/// one), and write the trust files under a temporary folder. Runs `cyclonedx-npm` (from
/// `tests/mocks`), `npm sbom` and `openssl ts`; panics loudly when one is missing.
pub fn supply_chain(registry: &TestRegistry, repo: &str) -> SupplyChainSeed {
    seed_with(registry, repo, CycloneDxFrom::CycloneDxNpm)
}

/// Which real generator makes the `signed` image's CycloneDX SBOM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CycloneDxFrom {
    /// `cyclonedx-npm` (installed in `tests/mocks`): what the tests use.
    CycloneDxNpm,
    /// `npm sbom --sbom-format cyclonedx` (npm alone): for the demo registry, which runs
    /// where `tests/mocks` is not installed.
    NpmSbom,
}

/// The same set for the demo registry: the CycloneDX SBOM from `npm sbom`.
pub fn demo(registry: &TestRegistry, repo: &str) -> SupplyChainSeed {
    seed_with(registry, repo, CycloneDxFrom::NpmSbom)
}

fn seed_with(registry: &TestRegistry, repo: &str, cyclonedx: CycloneDxFrom) -> SupplyChainSeed {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_owned();
    for sub in ["sigstore/bundles", "notation"] {
        std::fs::create_dir_all(root.join(sub)).expect("mkdir");
    }
    let signers = Signers {
        cosign_key: pki::p256(),
        fulcio: Fulcio::new(),
        tsa: tsa::Tsa::new(&root.join("sigstore/tsa")),
        notation_ca: pki::ca(
            &[
                ("C", "US"),
                ("O", "portolan-test"),
                ("CN", "portolan-test Notation root"),
            ],
            None,
            None,
        ),
        notation_untrusted_ca: pki::ca(
            &[
                ("C", "US"),
                ("O", "someone-else"),
                ("CN", "untrusted Notation root"),
            ],
            None,
            None,
        ),
        dir: root.clone(),
    };
    let files = write_trust_files(&signers);
    let pusher = Pusher::new(registry);
    let docker_reference = format!("{}/{repo}", registry.host);
    let empty = Blob::new(OCI_EMPTY, b"{}".to_vec());
    pusher.push_blob(repo, &empty);

    let signed = push_signed(&pusher, repo, &docker_reference, &signers, cyclonedx);
    let unsigned = push_plain(&pusher, repo, "unsigned");
    let tampered = push_tampered(&pusher, repo, &docker_reference, &signers, &signed);
    let other_image = push_plain(&pusher, repo, "other-signer");
    let other_bundle = keyless_bundle(
        &signers,
        &docker_reference,
        &other_image,
        OTHER_REPOSITORY,
        false,
        "other-signer",
    );
    let other_referrers = push_referrers(&pusher, repo, &other_image, &[&other_bundle.0]);
    let multi = push_multi(&pusher, repo, &docker_reference);
    let notation = push_notation(&pusher, repo, &signers, "notation", false);
    let notation_untrusted = push_notation(&pusher, repo, &signers, "notation-untrusted", true);
    SupplyChainSeed {
        repo: repo.to_owned(),
        docker_reference,
        identity: IDENTITY.to_owned(),
        issuer: ISSUER.to_owned(),
        other_identity: OTHER_IDENTITY.to_owned(),
        source_commit: SOURCE_COMMIT.to_owned(),
        files,
        signed,
        unsigned,
        tampered,
        other_signer: BundledImage {
            image: other_image,
            bundle: other_bundle.1,
            referrers: other_referrers,
        },
        multi,
        notation,
        notation_untrusted,
        _dir: dir,
    }
}

/// Write the keys and trust material verifiers are given.
fn write_trust_files(s: &Signers) -> SeedFiles {
    let write = |name: &str, bytes: &[u8]| {
        let path = s.dir.join(name);
        std::fs::write(&path, bytes).expect("write seed file");
        path
    };
    let start = rfc3339(pki::now() - 3600);
    SeedFiles {
        dir: s.dir.clone(),
        cosign_public_key: write("cosign.pub", &pki::public_pem(&s.cosign_key)),
        cosign_private_key: write(
            "cosign.key",
            &s.cosign_key
                .private_key_to_pem_pkcs8()
                .expect("private key PEM"),
        ),
        trusted_root: write(
            "sigstore/trusted_root.json",
            &documents::trusted_root(
                &[&s.fulcio.intermediate, &s.fulcio.root],
                &[&s.tsa.leaf, &s.tsa.root],
                &start,
            ),
        ),
        fulcio_root: write("sigstore/fulcio-root.pem", &s.fulcio.root.pem()),
        fulcio_intermediate: write(
            "sigstore/fulcio-intermediate.pem",
            &s.fulcio.intermediate.pem(),
        ),
        tsa_cert: s.tsa.leaf_path.clone(),
        tsa_root: s.tsa.root_path.clone(),
        notation_trust_store: write("notation/trust-store.pem", &s.notation_ca.pem()),
        notation_untrusted_ca: write("notation/untrusted-ca.pem", &s.notation_untrusted_ca.pem()),
    }
}

/// A small single-layer image pushed under `tag`.
fn push_plain(pusher: &Pusher<'_>, repo: &str, tag: &str) -> SeededImage {
    let image = build_image(&ImageSpec::new(
        &format!("supply-chain-{tag}"),
        "amd64",
        &[2_000],
    ));
    pusher.push_image(repo, tag, &image);
    SeededImage {
        tag: tag.to_owned(),
        image,
    }
}

/// `signed`: the image, its `.sig` and `.att`, a keyless bundle and a CycloneDX SBOM.
fn push_signed(
    pusher: &Pusher<'_>,
    repo: &str,
    docker_reference: &str,
    s: &Signers,
    cyclonedx: CycloneDxFrom,
) -> SignedImage {
    let image = push_plain(pusher, repo, "signed");
    let cosign = push_cosign_signature(
        pusher,
        repo,
        docker_reference,
        s,
        image.digest(),
        image.digest(),
    );
    let attestation = push_cosign_attestation(pusher, repo, docker_reference, s, image.digest());
    let (bundle_referrer, bundle) =
        keyless_bundle(s, docker_reference, &image, REPOSITORY, false, "signed");
    let document = match cyclonedx {
        CycloneDxFrom::CycloneDxNpm => documents::cyclonedx_npm(),
        CycloneDxFrom::NpmSbom => documents::npm_cyclonedx(),
    };
    let sbom_layer = Blob::new(CYCLONEDX_JSON, document.clone());
    let sbom_referrer = Referrer {
        manifest: referrer_manifest(
            CYCLONEDX_JSON,
            &sbom_layer,
            &image.image.manifest,
            serde_json::json!({"org.opencontainers.image.created": rfc3339(pki::now())}),
        ),
        blobs: vec![sbom_layer],
    };
    let key_bundle = key_bundle(s, &image);
    let referrers = push_referrers(
        pusher,
        repo,
        &image,
        &[&bundle_referrer, &sbom_referrer, &key_bundle],
    );
    SignedImage {
        image,
        cosign,
        attestation,
        bundle,
        key_bundle: key_bundle.manifest,
        sbom: SbomReferrer {
            manifest: sbom_referrer.manifest,
            document,
        },
        referrers,
    }
}

/// `tampered`: a `.sig` naming the `signed` image, and a bundle with flipped signature
/// bytes.
fn push_tampered(
    pusher: &Pusher<'_>,
    repo: &str,
    docker_reference: &str,
    s: &Signers,
    signed: &SignedImage,
) -> TamperedImage {
    let image = push_plain(pusher, repo, "tampered");
    let cosign = push_cosign_signature(
        pusher,
        repo,
        docker_reference,
        s,
        image.digest(),
        signed.image.digest(),
    );
    let (referrer, bundle) =
        keyless_bundle(s, docker_reference, &image, REPOSITORY, true, "tampered");
    let referrers = push_referrers(pusher, repo, &image, &[&referrer]);
    TamperedImage {
        image,
        cosign,
        bundle,
        referrers,
    }
}

/// `sha256-<hex of subject>` and that plus `suffix`.
fn cosign_tag(subject: &str, suffix: &str) -> String {
    format!("sha256-{}{suffix}", subject.trim_start_matches("sha256:"))
}

/// A cosign signature image at `sha256-<hex of attached_to>.sig` whose payload names
/// `names` (the same digest, unless tampering), signed with the cosign key.
fn push_cosign_signature(
    pusher: &Pusher<'_>,
    repo: &str,
    docker_reference: &str,
    s: &Signers,
    attached_to: &str,
    names: &str,
) -> CosignSignature {
    let payload = documents::simple_signing_payload(docker_reference, names);
    let signature = pki::sign_der(&s.cosign_key, &payload);
    let layer = Blob::new(COSIGN_SIMPLESIGNING, payload.clone());
    let annotations = serde_json::json!({COSIGN_SIGNATURE_ANNOTATION: STANDARD.encode(&signature)});
    let tag = cosign_tag(attached_to, ".sig");
    let manifest = push_cosign_image(pusher, repo, &tag, layer, annotations);
    CosignSignature {
        tag,
        manifest,
        payload,
        signature,
    }
}

/// A cosign attestation image at `sha256-<hex>.att`: a DSSE envelope of an SLSA v1
/// statement about `subject`, signed with the cosign key.
fn push_cosign_attestation(
    pusher: &Pusher<'_>,
    repo: &str,
    docker_reference: &str,
    s: &Signers,
    subject: &str,
) -> CosignAttestation {
    let statement = documents::statement(
        "v1",
        docker_reference,
        subject,
        SLSA_V1,
        documents::github_provenance(REPOSITORY),
    );
    let pae = documents::pae(IN_TOTO, &statement);
    let signature = pki::sign_der(&s.cosign_key, &pae);
    let envelope = serde_json::to_vec(&documents::dsse_envelope(
        IN_TOTO,
        &statement,
        &signature,
        Some(""),
    ))
    .expect("json");
    let layer = Blob::new(DSSE_ENVELOPE, envelope.clone());
    let annotations =
        serde_json::json!({COSIGN_SIGNATURE_ANNOTATION: "", "predicateType": SLSA_V1});
    let tag = cosign_tag(subject, ".att");
    let manifest = push_cosign_image(pusher, repo, &tag, layer, annotations);
    CosignAttestation {
        tag,
        manifest,
        envelope,
        statement,
        pae,
        signature,
    }
}

/// Push a one-layer image as cosign writes signatures and attestations (its small config,
/// the layer annotated), under `tag`.
fn push_cosign_image(
    pusher: &Pusher<'_>,
    repo: &str,
    tag: &str,
    layer: Blob,
    annotations: serde_json::Value,
) -> Blob {
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        documents::cosign_config(&[&layer.digest]),
    );
    let mut layer_descriptor = layer.descriptor();
    layer_descriptor["annotations"] = annotations;
    let manifest = Blob::new(
        OCI_MANIFEST,
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": config.descriptor(),
            "layers": [layer_descriptor],
        }))
        .expect("json"),
    );
    pusher.push_blob(repo, &config);
    pusher.push_blob(repo, &layer);
    pusher.push_manifest(repo, tag, &manifest);
    manifest
}

/// A referrer to push: its manifest and the blobs it names (besides the empty config).
struct Referrer {
    manifest: Blob,
    blobs: Vec<Blob>,
}

/// An OCI artifact manifest of `artifact_type` with one layer, the empty config and
/// `subject`.
fn referrer_manifest(
    artifact_type: &str,
    layer: &Blob,
    subject: &Blob,
    annotations: serde_json::Value,
) -> Blob {
    Blob::new(
        OCI_MANIFEST,
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "artifactType": artifact_type,
            "config": {"mediaType": OCI_EMPTY, "digest": crate::images::sha256(b"{}"), "size": 2},
            "layers": [layer.descriptor()],
            "subject": subject.descriptor(),
            "annotations": annotations,
        }))
        .expect("json"),
    )
}

/// Push `referrers` of `subject` by digest (distribution stores their `subject` but
/// serves no referrers API), then the fallback tag `sha256-<hex>` listing them all, as
/// the referrers API would (artifact type and annotations on each entry).
fn push_referrers(
    pusher: &Pusher<'_>,
    repo: &str,
    subject: &SeededImage,
    referrers: &[&Referrer],
) -> Fallback {
    let mut entries = Vec::new();
    for r in referrers {
        for blob in &r.blobs {
            pusher.push_blob(repo, blob);
        }
        pusher.push_manifest(repo, &r.manifest.digest, &r.manifest);
        let manifest: serde_json::Value =
            serde_json::from_slice(&r.manifest.bytes).expect("referrer json");
        let mut entry = r.manifest.descriptor();
        entry["artifactType"] = manifest["artifactType"].clone();
        entry["annotations"] = manifest["annotations"].clone();
        entries.push(entry);
    }
    let index = Blob::new(
        OCI_INDEX,
        serde_json::to_vec(
            &serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}),
        )
        .expect("json"),
    );
    let tag = cosign_tag(subject.digest(), "");
    pusher.push_manifest(repo, &tag, &index);
    Fallback { tag, index }
}

/// A managed-key Sigstore bundle v0.3 about `subject`: a message signature over its
/// manifest by the cosign key, the key named by a hint (the SHA-256 of its DER SPKI), no
/// log entry but an RFC 3161 timestamp of the signature (a bundle needs one or the other),
/// as `cosign sign --key --tlog-upload=false --timestamp-server-url` writes.
fn key_bundle(s: &Signers, subject: &SeededImage) -> Referrer {
    let manifest = &subject.image.manifest.bytes;
    let signature = pki::sign_der(&s.cosign_key, manifest);
    let spki = s.cosign_key.public_key_to_der().expect("spki");
    let timestamp = s.tsa.timestamp(&signature);
    let bundle = serde_json::json!({
        "mediaType": SIGSTORE_BUNDLE,
        "verificationMaterial": {
            "publicKey": {"hint": STANDARD.encode(openssl::sha::sha256(&spki))},
            "tlogEntries": [],
            "timestampVerificationData": {
                "rfc3161Timestamps": [{"signedTimestamp": STANDARD.encode(&timestamp)}],
            },
        },
        "messageSignature": {
            "messageDigest": {"algorithm": "SHA2_256", "digest": STANDARD.encode(openssl::sha::sha256(manifest))},
            "signature": STANDARD.encode(&signature),
        },
    });
    let layer = Blob::new(SIGSTORE_BUNDLE, serde_json::to_vec(&bundle).expect("json"));
    Referrer {
        manifest: referrer_manifest(
            SIGSTORE_BUNDLE,
            &layer,
            &subject.image.manifest,
            serde_json::json!({
                "dev.sigstore.bundle.content": "message-signature",
                "org.opencontainers.image.created": rfc3339(pki::now()),
            }),
        ),
        blobs: vec![layer],
    }
}

/// A keyless bundle (DSSE, SLSA v1 provenance of `repository`'s release workflow) about
/// `subject`, signed by a fresh Fulcio-like leaf for that workflow and timestamped; its
/// signature bytes flipped after signing when `corrupt`. Written to
/// `sigstore/bundles/<name>.sigstore.json`. Returns the referrer to push and the record.
fn keyless_bundle(
    s: &Signers,
    docker_reference: &str,
    subject: &SeededImage,
    repository: &str,
    corrupt: bool,
    name: &str,
) -> (Referrer, SigstoreBundle) {
    let leaf = s.fulcio.leaf(repository);
    let statement = documents::statement(
        "v1",
        docker_reference,
        subject.digest(),
        SLSA_V1,
        documents::github_provenance(repository),
    );
    let pae = documents::pae(IN_TOTO, &statement);
    let mut signature = pki::sign_der(&leaf.key, &pae);
    if corrupt {
        // The last byte of `s`: still well-formed DER, no longer a valid signature.
        if let Some(last) = signature.last_mut() {
            *last ^= 0x01;
        }
    }
    let timestamp = s.tsa.timestamp(&signature);
    let envelope = documents::dsse_envelope(IN_TOTO, &statement, &signature, None);
    let bundle = documents::sigstore_bundle(&leaf, envelope, &timestamp);
    let path = s.dir.join(format!("sigstore/bundles/{name}.sigstore.json"));
    std::fs::write(&path, &bundle).expect("write bundle");
    let leaf_path = s.dir.join(format!("sigstore/bundles/{name}-leaf.pem"));
    std::fs::write(&leaf_path, leaf.pem()).expect("write leaf");
    let layer = Blob::new(SIGSTORE_BUNDLE, bundle.clone());
    let manifest = referrer_manifest(
        SIGSTORE_BUNDLE,
        &layer,
        &subject.image.manifest,
        serde_json::json!({
            "dev.sigstore.bundle.content": "dsse-envelope",
            "dev.sigstore.bundle.predicateType": SLSA_V1,
            "org.opencontainers.image.created": rfc3339(pki::now()),
        }),
    );
    (
        Referrer {
            manifest: manifest.clone(),
            blobs: vec![layer],
        },
        SigstoreBundle {
            manifest,
            bundle,
            path,
            statement,
            pae,
            signature,
            timestamp,
            leaf_path,
            identity: format!("{repository}/.github/workflows/release.yml@refs/heads/main"),
        },
    )
}

/// `multi`: an index of a linux/amd64 image and BuildKit's attestation manifest for it
/// (unsigned in-toto statements: SPDX from `npm sbom`, SLSA provenance v0.2).
fn push_multi(pusher: &Pusher<'_>, repo: &str, docker_reference: &str) -> MultiImage {
    let amd64 = build_image(&ImageSpec::new(
        "supply-chain-multi-amd64",
        "amd64",
        &[3_000],
    ));
    let subject_name = format!("pkg:docker/{docker_reference}@multi?platform=linux%2Famd64");
    let spdx = Blob::new(
        IN_TOTO,
        documents::statement(
            "v0.1",
            &subject_name,
            &amd64.manifest.digest,
            SPDX_PREDICATE,
            documents::npm_spdx(),
        ),
    );
    let provenance = Blob::new(
        IN_TOTO,
        documents::statement(
            "v0.1",
            &subject_name,
            &amd64.manifest.digest,
            SLSA_V02,
            documents::buildkit_provenance(REPOSITORY),
        ),
    );
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        serde_json::to_vec(&serde_json::json!({
            "architecture": "unknown",
            "os": "unknown",
            "config": {},
            "rootfs": {"type": "layers", "diff_ids": [&spdx.digest, &provenance.digest]},
        }))
        .expect("json"),
    );
    let layer = |blob: &Blob, predicate: &str| {
        let mut d = blob.descriptor();
        d["annotations"] = serde_json::json!({"in-toto.io/predicate-type": predicate});
        d
    };
    let attestation_manifest = Blob::new(
        OCI_MANIFEST,
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": config.descriptor(),
            "layers": [layer(&spdx, SPDX_PREDICATE), layer(&provenance, SLSA_V02)],
        }))
        .expect("json"),
    );
    let mut image_entry = amd64.manifest.descriptor();
    image_entry["platform"] = serde_json::json!({"architecture": "amd64", "os": "linux"});
    let mut attestation_entry = attestation_manifest.descriptor();
    attestation_entry["annotations"] = serde_json::json!({
        "vnd.docker.reference.digest": amd64.manifest.digest,
        "vnd.docker.reference.type": "attestation-manifest",
    });
    attestation_entry["platform"] = serde_json::json!({"architecture": "unknown", "os": "unknown"});
    let index = Blob::new(
        OCI_INDEX,
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [image_entry, attestation_entry],
        }))
        .expect("json"),
    );
    for blob in amd64
        .layers
        .iter()
        .chain([&amd64.config, &config, &spdx, &provenance])
    {
        pusher.push_blob(repo, blob);
    }
    pusher.push_manifest(repo, &amd64.manifest.digest, &amd64.manifest);
    pusher.push_manifest(repo, &attestation_manifest.digest, &attestation_manifest);
    pusher.push_manifest(repo, "multi", &index);
    MultiImage {
        tag: "multi".to_owned(),
        index,
        amd64,
        attestation_manifest,
        spdx,
        provenance,
    }
}

/// An image under `tag` with a Notary Project signature from a leaf of the trusted CA
/// (or of the untrusted one), carrying the leaf and its CA in `x5c`.
fn push_notation(
    pusher: &Pusher<'_>,
    repo: &str,
    s: &Signers,
    tag: &str,
    untrusted: bool,
) -> NotationImage {
    let image = push_plain(pusher, repo, tag);
    let ca = if untrusted {
        &s.notation_untrusted_ca
    } else {
        &s.notation_ca
    };
    let now = pki::now();
    let leaf = pki::issue(
        &Spec {
            subject: &[
                ("C", "US"),
                ("ST", "WA"),
                ("L", "Seattle"),
                (
                    "O",
                    if untrusted {
                        "someone-else"
                    } else {
                        "portolan-test"
                    },
                ),
                ("CN", "portolan-tests signer"),
            ],
            role: Role::CodeSigning,
            not_before: now - 3600,
            not_after: now + 365 * 86_400,
            san_uri: None,
            extensions: &[],
        },
        Some(ca),
    );
    let jws = documents::notation_jws(
        &image.image.manifest.descriptor(),
        &leaf,
        &[&leaf, ca],
        &rfc3339(now),
    );
    let thumbprints: Vec<String> = [&leaf, ca]
        .iter()
        .map(|c| hex::encode(openssl::sha::sha256(&c.der())))
        .collect();
    let layer = Blob::new(JOSE_JSON, jws.envelope.clone());
    let referrer = Referrer {
        manifest: referrer_manifest(
            NOTATION_SIGNATURE,
            &layer,
            &image.image.manifest,
            serde_json::json!({
                "io.cncf.notary.x509chain.thumbprint#S256": serde_json::to_string(&thumbprints).expect("json"),
                "org.opencontainers.image.created": rfc3339(now),
            }),
        ),
        blobs: vec![layer],
    };
    let referrers = push_referrers(pusher, repo, &image, &[&referrer]);
    let leaf_path = s.dir.join(format!("notation/{tag}-leaf.pem"));
    std::fs::write(&leaf_path, leaf.pem()).expect("write leaf");
    NotationImage {
        image,
        manifest: referrer.manifest,
        envelope: jws.envelope,
        signing_input: jws.signing_input,
        signature: jws.signature,
        leaf_path,
        referrers,
    }
}

/// Unix seconds as RFC 3339 in UTC (`2026-01-02T03:04:05Z`).
fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .expect("timestamp")
        .to_string()
}
