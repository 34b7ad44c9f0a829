//! Is this image what I think it is: its signatures and attestations with their verdicts,
//! its SBOMs, its build provenance and its packages' known vulnerabilities, the same for
//! the CLI (`verify`, `sbom`, `provenance`, `vulns`) and the window (the Signed column and
//! the image's supply-chain section).
//!
//! What a user trusts ([`TrustOptions`]: keys, the expected signer, a trusted root, a
//! Notation trust store) becomes the engine's [`Trust`] here, once. The roots shipped with
//! Portolan are parsed once per process.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use portolan::supply_chain::notation::TrustStore;
use portolan::supply_chain::policy::{IdentityRule, TrustPolicy, TrustedKey};
pub use portolan::supply_chain::report::{self, ReportOptions, SupplyChainReport, Trust};
pub use portolan::supply_chain::summary::{self, SignedState, SignedSummary};
use portolan::supply_chain::trust::TrustRoots;
use portolan::supply_chain::{provenance, sbom};
pub use portolan::supply_chain::{Format, FoundVia, Verdict};
use portolan::{Client, Error, Platform, Reference, Result};
use serde::{Deserialize, Serialize};

pub use portolan::supply_chain::osv::{Severity, Vuln, VulnReport};
pub use portolan::supply_chain::policy::ExpectedSigner;
pub use portolan::supply_chain::provenance::Provenance;
pub use portolan::supply_chain::report::{Attachment, SubjectReport};
pub use portolan::supply_chain::sbom::{Package, Sbom, SbomFormat};
pub use portolan::supply_chain::summary::signer_words;
pub use portolan::supply_chain::Signer;

/// What the user trusts, as they said it (CLI flags, or the window's settings).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrustOptions {
    /// Public key files (PEM) for key-based signatures.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Array<string>"))]
    pub keys: Vec<PathBuf>,
    /// The expected keyless signer.
    #[serde(default)]
    pub signer: ExpectedSigner,
    /// A `trusted_root.json` to use instead of the shipped roots.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub trusted_root: Option<PathBuf>,
    /// An X.509 trust store (a PEM file or a folder of certificates) for Notation.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub notation_trust_store: Option<PathBuf>,
}

/// The shipped roots (each replaced by its refreshed copy when a refresh kept one), parsed
/// once per process and again after a refresh.
static SHIPPED: RwLock<Option<Arc<TrustRoots>>> = RwLock::new(None);

fn shipped_roots() -> Result<Arc<TrustRoots>> {
    if let Some(roots) = SHIPPED.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
        return Ok(roots.clone());
    }
    let roots = Arc::new(
        match crate::setup::trust_cache_dir() {
            Some(dir) => TrustRoots::shipped_or_refreshed(&dir),
            None => TrustRoots::shipped(),
        }
        .map_err(|e| Error::Internal {
            detail: e.to_string(),
        })?,
    );
    *SHIPPED.write().unwrap_or_else(|e| e.into_inner()) = Some(roots.clone());
    Ok(roots)
}

/// What refreshing one instance's trusted root did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RootRefresh {
    /// The instance ("Sigstore public-good", "GitHub").
    pub instance: String,
    /// Whether its trusted root changed.
    pub changed: bool,
    /// The TUF root version now trusted, when the refresh succeeded.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub tuf_root_version: Option<u64>,
    /// Why it failed (the root in use stays as it was).
    pub error: Option<String>,
}

/// Refresh the shipped trusted roots from their instances' TUF repositories (network),
/// keeping each only once TUF verified it; the next verification uses them.
#[tracing::instrument(level = "info", skip(client))]
pub async fn refresh_trusted_roots(client: &Client) -> Result<Vec<RootRefresh>> {
    use portolan::supply_chain::refresh::{self, Instance, TufMirror};
    let cache = crate::setup::trust_cache_dir().ok_or_else(|| Error::Configuration {
        what: "where refreshed trusted roots are kept".into(),
        detail: "neither XDG_CACHE_HOME nor HOME is set".into(),
    })?;
    let mut out = Vec::new();
    for instance in Instance::ALL {
        let url = url::Url::parse(instance.tuf_url()).map_err(|e| Error::Internal {
            detail: e.to_string(),
        })?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let http = client.transport_options().build_client(&host)?;
        let result = refresh::refresh(
            TufMirror::new(url, http),
            instance.pinned_tuf_root(),
            &refresh::cache_dir(&cache, instance),
            instance.name(),
        )
        .await;
        out.push(match result {
            Ok(done) => RootRefresh {
                instance: instance.name().into(),
                changed: done.changed,
                tuf_root_version: Some(done.tuf_root_version),
                error: None,
            },
            Err(e) => RootRefresh {
                instance: instance.name().into(),
                changed: false,
                tuf_root_version: None,
                error: Some(e.detail),
            },
        });
    }
    *SHIPPED.write().unwrap_or_else(|e| e.into_inner()) = None;
    Ok(out)
}

/// The engine's trust from what the user said.
pub fn trust(options: &TrustOptions) -> Result<Trust> {
    let roots = match &options.trusted_root {
        Some(path) => Arc::new(
            TrustRoots::from_file(path).map_err(|e| Error::Configuration {
                what: format!("the trusted root {}", path.display()),
                detail: e.detail,
            })?,
        ),
        None => shipped_roots()?,
    };
    let input = |e: portolan::supply_chain::policy::PolicyError| Error::Input {
        what: "the expected signer".into(),
        detail: e.to_string(),
    };
    let mut policy = TrustPolicy::from_expected(&options.signer).map_err(input)?;
    for path in &options.keys {
        policy.keys.push(TrustedKey::load(path).map_err(input)?);
    }
    let notation = match &options.notation_trust_store {
        Some(path) => Some(TrustStore::load(path).map_err(|e| Error::Configuration {
            what: format!("the Notation trust store {}", path.display()),
            detail: e.to_string(),
        })?),
        None => None,
    };
    Ok(Trust {
        roots,
        policy,
        notation,
    })
}

/// An identity pattern, checked as the user types it (the same rule the policy uses).
pub fn check_identity_pattern(pattern: &str) -> Result<()> {
    IdentityRule::pattern(pattern)
        .map(|_| ())
        .map_err(|e| Error::Input {
            what: "the identity pattern".into(),
            detail: e.to_string(),
        })
}

fn platform(text: Option<&str>) -> Result<Option<Platform>> {
    Ok(text.map(Platform::parse).transpose()?)
}

async fn read(
    client: &Client,
    reference: &str,
    trust: &Trust,
    options: ReportOptions,
) -> Result<SupplyChainReport> {
    let reference = Reference::parse(reference)?;
    let registry = client.registry(reference.registry())?;
    report::report(&registry, &reference, trust, &options).await
}

/// Every signature and attestation of an image with its verdict, and the one-line answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerifyReport {
    /// What was found and how each one fared.
    pub report: SupplyChainReport,
    /// The answer in one line.
    pub summary: SignedSummary,
    /// Who was expected, in words.
    pub expected: String,
}

impl VerifyReport {
    /// Whether the image passes: a signature verified by the expected signer and no
    /// failure anywhere.
    pub fn passes(&self) -> bool {
        self.summary.state == SignedState::Verified
    }

    /// The error a failing verification amounts to (for exit statuses).
    pub fn failure(&self) -> Option<Error> {
        let detail = match self.summary.state {
            SignedState::Verified => return None,
            SignedState::Invalid => format!(
                "a signature does not hold: {}",
                self.summary.detail.clone().unwrap_or_default()
            ),
            SignedState::WrongSigner => format!(
                "signed by {}, not by {}",
                self.summary.by.clone().unwrap_or_default(),
                self.expected
            ),
            SignedState::NotCheckable => format!(
                "no signature could be checked: {}",
                self.summary.detail.clone().unwrap_or_default()
            ),
            SignedState::None => "no signature found".into(),
        };
        Some(Error::Untrusted {
            reference: self.report.reference.clone(),
            detail,
        })
    }
}

/// Verify everything attached to `reference` (`platform`: one platform of an index).
#[tracing::instrument(level = "info", skip(client, options))]
pub async fn verify(
    client: &Client,
    reference: &str,
    options: &TrustOptions,
    platform_text: Option<&str>,
) -> Result<VerifyReport> {
    let trust = trust(options)?;
    let report = read(
        client,
        reference,
        &trust,
        ReportOptions {
            platform: platform(platform_text)?,
            ..ReportOptions::default()
        },
    )
    .await?;
    Ok(VerifyReport {
        summary: summary::summarize(&report),
        expected: trust.policy.describe(),
        report,
    })
}

/// The Signed column's answer for one row: signatures only (no SBOM is downloaded), the
/// repository's own expected signer, and its tag list so absent cosign tags are not asked for.
pub async fn signed(
    client: &Client,
    reference: &str,
    options: &TrustOptions,
    known_tags: Option<Vec<String>>,
) -> Result<SignedSummary> {
    let trust = trust(options)?;
    let report = read(
        client,
        reference,
        &trust,
        ReportOptions {
            signatures_only: true,
            known_tags: known_tags.map(|t| t.into_iter().collect::<HashSet<_>>()),
            ..ReportOptions::default()
        },
    )
    .await?;
    Ok(summary::summarize(&report))
}

/// A license and how many packages carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LicenseCount {
    /// The license (SPDX id or expression, or "unknown").
    pub license: String,
    /// How many packages.
    pub packages: usize,
}

/// One SBOM attached to an image.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FoundSbom {
    /// The attached manifest's digest.
    pub attachment: String,
    /// The image it describes and its platform, for an index's image.
    pub platform: Option<String>,
    /// Where it was found.
    pub found_via: FoundVia,
    /// Whether anything signs it.
    pub verdict: Verdict,
    /// The document.
    pub sbom: Sbom,
    /// Its licenses, most common first.
    pub licenses: Vec<LicenseCount>,
}

/// One provenance attestation attached to an image.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FoundProvenance {
    /// The attached manifest's digest.
    pub attachment: String,
    /// The image it describes and its platform, for an index's image.
    pub platform: Option<String>,
    /// Where it was found.
    pub found_via: FoundVia,
    /// Whether its signature holds.
    pub verdict: Verdict,
    /// What it says.
    pub provenance: Provenance,
}

/// A document that was found but could not be read.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnreadDocument {
    /// The attached manifest's digest.
    pub attachment: String,
    /// Why.
    pub reason: String,
}

/// Everything the image view's supply-chain section shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SupplyChainView {
    /// Signatures and attestations with verdicts.
    pub verify: VerifyReport,
    /// The SBOMs.
    pub sboms: Vec<FoundSbom>,
    /// The provenance attestations.
    pub provenance: Vec<FoundProvenance>,
    /// SBOMs or statements that could not be read.
    pub unread: Vec<UnreadDocument>,
}

/// Everything about an image's supply chain, read once.
#[tracing::instrument(level = "info", skip(client, options))]
pub async fn supply_chain(
    client: &Client,
    reference: &str,
    options: &TrustOptions,
    platform_text: Option<&str>,
) -> Result<SupplyChainView> {
    let verify = verify(client, reference, options, platform_text).await?;
    let mut sboms = Vec::new();
    let mut provenance_found = Vec::new();
    let mut unread = Vec::new();
    for subject in &verify.report.subjects {
        for a in &subject.attachments {
            // A failed signature's content is never shown as if it held.
            if a.verdict.is_failure() {
                continue;
            }
            let parsed = match (&a.document, &a.statement) {
                (Some(bytes), _) => Some(sbom::parse(bytes).map_err(|e| e.to_string())),
                (None, Some(st)) => {
                    sbom::from_statement_predicate(&st.predicate_type, &st.predicate)
                        .map(|r| r.map_err(|e| e.to_string()))
                }
                _ => None,
            };
            match parsed {
                Some(Ok(document)) => sboms.push(FoundSbom {
                    attachment: a.digest.to_string(),
                    platform: subject.platform.clone(),
                    found_via: a.found_via.clone(),
                    verdict: a.verdict.clone(),
                    licenses: sbom::license_summary(&document)
                        .into_iter()
                        .map(|(license, packages)| LicenseCount { license, packages })
                        .collect(),
                    sbom: document,
                }),
                Some(Err(reason)) => unread.push(UnreadDocument {
                    attachment: a.digest.to_string(),
                    reason,
                }),
                None => {}
            }
            if let Some(st) = &a.statement {
                if let Some(p) = provenance::from_predicate(&st.predicate_type, &st.predicate) {
                    provenance_found.push(FoundProvenance {
                        attachment: a.digest.to_string(),
                        platform: subject.platform.clone(),
                        found_via: a.found_via.clone(),
                        verdict: a.verdict.clone(),
                        provenance: p,
                    });
                }
            }
        }
    }
    Ok(SupplyChainView {
        verify,
        sboms,
        provenance: provenance_found,
        unread,
    })
}

/// A kind of document an attachment can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// An SBOM (SPDX or CycloneDX, as a document or an attestation's predicate).
    Sbom,
    /// Build provenance (an attestation whose predicate is provenance).
    Provenance,
}

impl Holds {
    /// Whether `a` holds this kind of document, by its format or predicate type.
    pub fn in_attachment(self, a: &Attachment) -> bool {
        let predicate = a
            .predicate_type
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match self {
            Holds::Sbom => {
                matches!(a.format, Format::Spdx | Format::CycloneDx)
                    || predicate.contains("spdx")
                    || predicate.contains("cyclonedx")
            }
            Holds::Provenance => predicate.contains("provenance"),
        }
    }

    fn words(self) -> &'static str {
        match self {
            Holds::Sbom => "SBOM",
            Holds::Provenance => "provenance",
        }
    }
}

impl SupplyChainView {
    /// The error an attachment holding `what` amounts to when its signature fails (its
    /// content is never shown as if it held), for exit statuses.
    pub fn failure_of(&self, what: Holds) -> Option<Error> {
        let a = self
            .verify
            .report
            .attachments()
            .find(|a| a.verdict.is_failure() && what.in_attachment(a))?;
        let why = match &a.verdict {
            Verdict::Failed { reason } => reason.clone(),
            Verdict::WrongSigner { signer, expected } => {
                format!("signed by {}, not by {expected}", signer_words(signer))
            }
            _ => String::new(),
        };
        Some(Error::Untrusted {
            reference: self.verify.report.reference.clone(),
            detail: format!(
                "the {} attached as {} does not hold: {why}",
                what.words(),
                a.digest
            ),
        })
    }
}

/// Where known vulnerabilities are looked up: `explicit` (the CLI's `--osv-api`), else
/// `PORTOLAN_OSV_API` (tests, mirrors), else OSV's public API.
pub fn osv_api(explicit: Option<&str>) -> String {
    explicit
        .map(str::to_owned)
        .or_else(|| {
            std::env::var("PORTOLAN_OSV_API")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .unwrap_or_else(|| portolan::supply_chain::osv::DEFAULT_API.to_owned())
}

/// An image's known vulnerabilities, from its SBOMs' packages.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VulnerabilityView {
    /// The image asked about.
    pub reference: String,
    /// Where they were looked up (the API's host).
    pub source: String,
    /// How many SBOMs the packages came from.
    pub sboms: usize,
    /// What the lookup found.
    pub report: VulnReport,
}

/// The packages of every SBOM in `view`, each purl once (an index's platforms share many).
pub fn sbom_packages(view: &SupplyChainView) -> Vec<Package> {
    let mut seen = HashSet::new();
    view.sboms
        .iter()
        .flat_map(|s| s.sbom.packages.iter())
        .filter(|p| p.purl.as_ref().is_none_or(|purl| seen.insert(purl.clone())))
        .cloned()
        .collect()
}

/// Look up the known vulnerabilities of the packages `view`'s SBOMs list, at `api`. This
/// sends the package names and versions to that service: front ends ask first.
#[tracing::instrument(level = "info", skip(client, view))]
pub async fn vulnerabilities(
    client: &Client,
    view: &SupplyChainView,
    api: &str,
) -> Result<VulnerabilityView> {
    let reference = view.verify.report.reference.clone();
    if view.sboms.is_empty() {
        let registry = Reference::parse(&reference)
            .map(|r| r.registry().to_owned())
            .unwrap_or_default();
        return Err(Error::NotFound {
            registry,
            what: format!("an SBOM of {reference} to look its packages up by"),
            detail: String::new(),
        });
    }
    let osv = portolan::supply_chain::osv::OsvClient::new(client.transport_options(), api)?;
    let report = osv.vulnerabilities(&sbom_packages(view)).await?;
    Ok(VulnerabilityView {
        reference,
        source: osv.host().to_owned(),
        sboms: view.sboms.len(),
        report,
    })
}
