//! One image's supply-chain report: every attachment [`super::discover`] finds, read and
//! given a verdict, for the image and (for an index) each of its platform images.
//!
//! Reading is bounded in bytes: each document by [`super::MAX_ATTACHMENT_BYTES`], the whole
//! report by [`REPORT_BUDGET_BYTES`]; past either, an attachment is "not checkable" and says
//! why.

use std::collections::{BTreeMap, HashSet};

use oci_spec::image::{Descriptor, ImageManifest};
use serde::Serialize;

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::Result;
use crate::manifest::Manifest;
use crate::platform::Platform;
use crate::reference::Reference;

use super::discover::{self, Found};
use super::intoto::Statement;
use super::policy::TrustPolicy;
use super::trust::TrustRoots;
use super::verify::{self, Signed};
use super::{cosign, visible, Format, FoundVia, Verdict, MAX_ATTACHMENT_BYTES};

/// The most bytes of attached documents read for one report.
pub const REPORT_BUDGET_BYTES: u64 = 128 * 1024 * 1024;

/// The most layers read from one attached manifest.
const MAX_LAYERS: usize = 16;

/// What a report checks against.
pub struct Trust {
    /// The trusted roots for keyless signatures (shared: parsing them is not free).
    pub roots: std::sync::Arc<TrustRoots>,
    /// The expected signer and keys.
    pub policy: TrustPolicy,
    /// The X.509 trust store for Notation signatures, when the user named one.
    pub notation: Option<super::notation::TrustStore>,
}

/// How much to read.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Only this platform of an index (else every platform image, and the index itself).
    pub platform: Option<Platform>,
    /// Only the signatures of the reference's own digest, its manifest not read, SBOM
    /// documents not downloaded (the tag list's Signed column).
    pub signatures_only: bool,
    /// The repository's tags, when the caller has them (saves asking for absent cosign tags).
    pub known_tags: Option<HashSet<String>>,
}

/// One attached artifact, read and judged.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Attachment {
    /// The attached manifest's digest.
    pub digest: Digest,
    /// What it is.
    pub format: Format,
    /// Where it was found.
    pub found_via: FoundVia,
    /// The layer's (or artifact's) media type.
    pub media_type: String,
    /// The attestation's predicate type (`https://slsa.dev/provenance/v1`, ...).
    pub predicate_type: Option<String>,
    /// When it was made, as its annotation says (unverified).
    pub created: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// The in-toto statement it carries (verified or unsigned; see `verdict`).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub statement: Option<Statement>,
    /// The SBOM document's bytes, for SBOM formats (read by [`super::sbom`]).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub document: Option<Vec<u8>>,
}

impl Attachment {
    /// Whether this attachment is a signature (or signed attestation), as opposed to a
    /// document stored unsigned.
    pub fn is_signature(&self) -> bool {
        matches!(
            self.format,
            Format::SigstoreBundle
                | Format::CosignSignature
                | Format::CosignAttestation
                | Format::NotationSignature
        )
    }
}

/// One image's attachments.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SubjectReport {
    /// The image's digest.
    pub digest: Digest,
    /// Its platform, for an index's image.
    pub platform: Option<String>,
    /// What is attached to it.
    pub attachments: Vec<Attachment>,
    /// Attached manifests that could not be read, with why.
    pub unreadable: Vec<(Digest, String)>,
    /// How many attached manifests were left unread (over the count limit).
    pub left_unread: usize,
}

/// What vouches for an image, and for each platform image of an index.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SupplyChainReport {
    /// The reference asked about.
    pub reference: String,
    /// What it resolved to.
    pub digest: Digest,
    /// The image itself first, then each platform image of an index.
    pub subjects: Vec<SubjectReport>,
}

impl SupplyChainReport {
    /// Every attachment of every subject.
    pub fn attachments(&self) -> impl Iterator<Item = &Attachment> {
        self.subjects.iter().flat_map(|s| s.attachments.iter())
    }

    /// Whether any verdict is a failure (a bad signature, or a good one by someone else).
    pub fn has_failure(&self) -> bool {
        self.attachments().any(|a| a.verdict.is_failure())
    }
}

struct Budget(u64);

/// Read and judge everything attached to `reference`.
#[tracing::instrument(level = "debug", skip_all, fields(reference = %reference))]
pub async fn report(
    client: &RegistryClient,
    reference: &Reference,
    trust: &Trust,
    options: &ReportOptions,
) -> Result<SupplyChainReport> {
    // The Signed column's question is about the row's own digest: its signatures, found
    // without reading its manifest (an index's platform images carry attestations, which
    // the image view shows, not signatures of the row).
    if options.signatures_only {
        let digest = client
            .digest_of(reference.repository(), &reference.target())
            .await?;
        let mut budget = Budget(REPORT_BUDGET_BYTES);
        let subject = subject_report(
            client,
            reference,
            (digest.clone(), None),
            None,
            trust,
            options,
            &mut budget,
        )
        .await?;
        return Ok(SupplyChainReport {
            reference: reference.to_string(),
            digest,
            subjects: vec![subject],
        });
    }
    let top = client
        .get_manifest(reference.repository(), &reference.target())
        .await?;
    let mut subjects: Vec<(Digest, Option<String>)> = Vec::new();
    let index = match &top.manifest {
        Manifest::Index(index) => Some(index.as_ref().clone()),
        Manifest::Image(_) => None,
    };
    if options.platform.is_none() {
        subjects.push((top.digest.clone(), None));
    }
    if let Some(index) = &index {
        for entry in index.manifests() {
            let is_attestation = entry
                .annotations()
                .as_ref()
                .and_then(|a| a.get("vnd.docker.reference.type"))
                .is_some();
            let Some(p) = entry.platform().as_ref().map(Platform::of_entry) else {
                continue;
            };
            if is_attestation
                || options
                    .platform
                    .as_ref()
                    .is_some_and(|want| !want.accepts(&p))
            {
                continue;
            }
            if let Ok(d) = Digest::parse(entry.digest().as_ref()) {
                subjects.push((d, Some(p.to_string())));
            }
        }
    } else if options.platform.is_some() {
        subjects.push((top.digest.clone(), None));
    }
    let mut budget = Budget(REPORT_BUDGET_BYTES);
    let mut out = Vec::new();
    for subject in subjects {
        out.push(
            subject_report(
                client,
                reference,
                subject,
                index.as_ref(),
                trust,
                options,
                &mut budget,
            )
            .await?,
        );
    }
    Ok(SupplyChainReport {
        reference: reference.to_string(),
        digest: top.digest,
        subjects: out,
    })
}

/// One subject's attachments, found and judged.
async fn subject_report(
    client: &RegistryClient,
    reference: &Reference,
    (digest, platform): (Digest, Option<String>),
    index: Option<&oci_spec::image::ImageIndex>,
    trust: &Trust,
    options: &ReportOptions,
    budget: &mut Budget,
) -> Result<SubjectReport> {
    let repository = reference.repository();
    let found = discover::attached(
        client,
        repository,
        &digest,
        options.known_tags.as_ref(),
        index,
    )
    .await?;
    let mut attachments = Vec::new();
    for f in &found.found {
        attachments.extend(read(client, repository, &digest, f, trust, options, budget).await);
    }
    Ok(SubjectReport {
        digest,
        platform,
        attachments,
        unreadable: found.unreadable,
        left_unread: found.left_unread,
    })
}

fn annotations(d: &Descriptor) -> BTreeMap<String, String> {
    d.annotations()
        .as_ref()
        .map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// The format a layer's media type (in a manifest of `artifact_type`) says it is.
pub fn format_of(layer_type: &str, artifact_type: &str) -> Format {
    let t = layer_type.to_ascii_lowercase();
    if t.starts_with("application/vnd.dev.sigstore.bundle") {
        Format::SigstoreBundle
    } else if t == cosign::SIMPLE_SIGNING {
        Format::CosignSignature
    } else if t == cosign::DSSE_ENVELOPE {
        Format::CosignAttestation
    } else if artifact_type == "application/vnd.cncf.notary.signature" {
        Format::NotationSignature
    } else if t == super::intoto::INTOTO_PAYLOAD_TYPE {
        Format::InTotoStatement
    } else if t.contains("spdx") {
        Format::Spdx
    } else if t.contains("cyclonedx") {
        Format::CycloneDx
    } else {
        Format::Other
    }
}

async fn read(
    client: &RegistryClient,
    repository: &str,
    subject: &Digest,
    found: &Found,
    trust: &Trust,
    options: &ReportOptions,
    budget: &mut Budget,
) -> Vec<Attachment> {
    let Manifest::Image(manifest) = &found.manifest.manifest else {
        return Vec::new();
    };
    let manifest: &ImageManifest = manifest;
    let artifact_type = manifest
        .artifact_type()
        .as_ref()
        .map(|t| t.to_string())
        .unwrap_or_else(|| manifest.config().media_type().to_string());
    let top = annotations_of(manifest);
    let mut out = Vec::new();
    for layer in manifest.layers().iter().take(MAX_LAYERS) {
        let media_type = layer.media_type().to_string();
        let format = format_of(&media_type, &artifact_type);
        let layer_annotations = annotations(layer);
        let mut attachment = Attachment {
            digest: found.manifest.digest.clone(),
            format,
            found_via: found.via.clone(),
            media_type: visible(&media_type),
            predicate_type: layer_annotations
                .get("in-toto.io/predicate-type")
                .or_else(|| layer_annotations.get("predicateType"))
                .or_else(|| top.get("dev.sigstore.bundle.predicateType"))
                .map(|s| visible(s)),
            created: top.get(crate::referrers::CREATED).map(|s| visible(s)),
            verdict: Verdict::Unsigned,
            statement: None,
            document: None,
        };
        let is_document = matches!(
            format,
            Format::Spdx | Format::CycloneDx | Format::InTotoStatement
        );
        if format == Format::Other || (options.signatures_only && is_document) {
            if format == Format::Other {
                attachment.verdict = Verdict::NotCheckable {
                    reason: format!("{} is not a format Portolan reads", attachment.media_type),
                };
            }
            out.push(attachment);
            continue;
        }
        let bytes = match fetch(client, repository, layer, budget).await {
            Ok(b) => b,
            Err(reason) => {
                attachment.verdict = Verdict::NotCheckable { reason };
                out.push(attachment);
                continue;
            }
        };
        judge(&mut attachment, bytes, &layer_annotations, subject, trust);
        out.push(attachment);
    }
    if manifest.layers().is_empty() {
        out.push(Attachment {
            digest: found.manifest.digest.clone(),
            format: format_of("", &artifact_type),
            found_via: found.via.clone(),
            media_type: visible(&artifact_type),
            predicate_type: None,
            created: top.get(crate::referrers::CREATED).map(|s| visible(s)),
            verdict: Verdict::NotCheckable {
                reason: "the artifact has no content to read".into(),
            },
            statement: None,
            document: None,
        });
    }
    out
}

fn annotations_of(manifest: &ImageManifest) -> BTreeMap<String, String> {
    manifest
        .annotations()
        .as_ref()
        .map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

async fn fetch(
    client: &RegistryClient,
    repository: &str,
    layer: &Descriptor,
    budget: &mut Budget,
) -> std::result::Result<Vec<u8>, String> {
    let size = layer.size();
    if size > MAX_ATTACHMENT_BYTES {
        return Err(format!(
            "it is {}, over the {} read for one document",
            crate::error::size_words(size),
            crate::error::size_words(MAX_ATTACHMENT_BYTES)
        ));
    }
    if size > budget.0 {
        return Err("over the bytes this report reads in all".into());
    }
    let digest = Digest::parse(layer.digest().as_ref()).map_err(|e| e.to_string())?;
    let bytes = client
        .get_blob_bytes(repository, &digest, size.min(MAX_ATTACHMENT_BYTES))
        .await
        .map_err(|e| visible(&e.to_string()))?;
    budget.0 = budget.0.saturating_sub(bytes.len() as u64);
    Ok(bytes)
}

fn judge(
    attachment: &mut Attachment,
    bytes: Vec<u8>,
    layer_annotations: &BTreeMap<String, String>,
    subject: &Digest,
    trust: &Trust,
) {
    let hex = subject.hex();
    match attachment.format {
        Format::SigstoreBundle => {
            let outcome = verify::bundle(&bytes, Signed::Digest(hex), &trust.roots, &trust.policy);
            attachment.verdict = outcome.verdict;
            adopt(attachment, outcome.statement);
        }
        Format::CosignSignature => {
            attachment.verdict =
                cosign::simple_signing(&bytes, layer_annotations, hex, &trust.roots, &trust.policy);
        }
        Format::CosignAttestation => {
            let (verdict, statement) =
                cosign::attestation(&bytes, layer_annotations, hex, &trust.roots, &trust.policy);
            attachment.verdict = verdict;
            adopt(attachment, statement);
        }
        Format::NotationSignature => {
            attachment.verdict = match &trust.notation {
                Some(store) => super::notation::verify_envelope(
                    &attachment.media_type,
                    &bytes,
                    &subject.to_string(),
                    Some(store),
                    jiff::Timestamp::now(),
                ),
                None => Verdict::NotCheckable {
                    reason: "a Notation signature: name an X.509 trust store to check it".into(),
                },
            };
        }
        Format::InTotoStatement => match Statement::parse(&bytes) {
            Ok(st) if st.is_about(hex) => {
                attachment.verdict = Verdict::Unsigned;
                adopt(attachment, Some(st));
            }
            Ok(_) => {
                attachment.verdict = Verdict::Failed {
                    reason: "the statement is about another artifact".into(),
                }
            }
            Err(e) => {
                attachment.verdict = Verdict::NotCheckable {
                    reason: visible(&e.to_string()),
                }
            }
        },
        Format::Spdx | Format::CycloneDx => {
            attachment.verdict = Verdict::Unsigned;
            attachment.document = Some(bytes);
        }
        Format::Other => {}
    }
}

fn adopt(attachment: &mut Attachment, statement: Option<Statement>) {
    if let Some(st) = statement {
        if !st.predicate_type.is_empty() {
            attachment.predicate_type = Some(visible(&st.predicate_type));
        }
        attachment.statement = Some(st);
    }
}
