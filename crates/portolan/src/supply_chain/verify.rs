//! Verdicts on Sigstore bundles: the one place a bundle's signature, certificate chain,
//! transparency-log entries and timestamps are checked (by sigstore-rust) and its signer
//! compared with what the user expects.
//!
//! Keyless bundles are tried against each trusted root in turn. A root without
//! transparency logs (GitHub's instance) proves signing times through its timestamp
//! authorities alone, so it is checked without a log, as its operator prescribes, and the
//! verdict lists what was checked. A key-signed bundle is checked against each key the user
//! gave; one that was never logged is accepted only on the key's word, and says so.

use sigstore_types::{Bundle, Sha256Hash, SignatureContent};
use sigstore_verify::{PublicKeyVerificationPolicy, VerificationPolicy, VerificationResult};

use super::intoto::{Envelope, Statement};
use super::policy::TrustPolicy;
use super::trust::{Root, TrustRoots};
use super::{visible, Signer, Verdict};

/// What a signature is over.
#[derive(Debug, Clone, Copy)]
pub enum Signed<'a> {
    /// An artifact known by its SHA-256 (an image's manifest digest, hex).
    Digest(&'a str),
    /// An artifact's bytes (a file, cosign's simple-signing payload).
    Bytes(&'a [u8]),
}

/// A bundle's verdict and, for a DSSE bundle that verified, the in-toto statement it signs.
#[derive(Debug)]
pub struct BundleOutcome {
    /// The verdict.
    pub verdict: Verdict,
    /// The statement, when the bundle is a verified DSSE envelope of one.
    pub statement: Option<Statement>,
}

impl BundleOutcome {
    fn only(verdict: Verdict) -> Self {
        Self {
            verdict,
            statement: None,
        }
    }
}

fn failed(reason: impl Into<String>) -> Verdict {
    Verdict::Failed {
        reason: visible(&reason.into()),
    }
}

/// Check a Sigstore bundle (JSON) over `signed`.
pub fn bundle(
    json: &[u8],
    signed: Signed<'_>,
    roots: &TrustRoots,
    policy: &TrustPolicy,
) -> BundleOutcome {
    let Ok(text) = std::str::from_utf8(json) else {
        return BundleOutcome::only(failed("the bundle is not UTF-8 JSON"));
    };
    let bundle = match Bundle::from_json(text) {
        Ok(b) => b,
        Err(e) => {
            return BundleOutcome::only(failed(format!("not a readable Sigstore bundle: {e}")))
        }
    };
    checked_bundle(&bundle, signed, roots, policy)
}

/// Check a parsed bundle over `signed` (see [`bundle`]).
pub fn checked_bundle(
    bundle: &Bundle,
    signed: Signed<'_>,
    roots: &TrustRoots,
    policy: &TrustPolicy,
) -> BundleOutcome {
    let digest;
    let artifact: sigstore_verify::types::Artifact<'_> = match signed {
        Signed::Digest(hex) => match Sha256Hash::from_hex(hex) {
            Ok(d) => {
                digest = d;
                digest.into()
            }
            Err(_) => return BundleOutcome::only(failed(format!("{hex} is not a SHA-256 digest"))),
        },
        Signed::Bytes(bytes) => bytes.into(),
    };
    let verdict = if bundle.signing_certificate().is_some() {
        keyless(bundle, artifact, roots, policy)
    } else {
        with_keys(bundle, artifact, roots, policy)
    };
    let statement = match (&verdict, &bundle.content) {
        (
            Verdict::Verified { .. } | Verdict::WrongSigner { .. },
            SignatureContent::DsseEnvelope(env),
        ) => dsse_statement(env),
        _ => None,
    };
    // The statement must be about this artifact (sigstore-rust checks it too; a bundle that
    // signs another image's statement must never read as this image's).
    if let (Some(st), Signed::Digest(hex)) = (&statement, signed) {
        if !st.is_about(hex) {
            return BundleOutcome::only(failed(format!(
                "the signed statement is about {}, not sha256:{hex}",
                subjects(st)
            )));
        }
    }
    BundleOutcome { verdict, statement }
}

fn subjects(st: &Statement) -> String {
    let list: Vec<String> = st
        .subject
        .iter()
        .take(3)
        .map(|s| match s.digest.get("sha256") {
            Some(d) => format!("sha256:{}", visible(d)),
            None => visible(&s.name),
        })
        .collect();
    if list.is_empty() {
        "nothing".into()
    } else {
        list.join(", ")
    }
}

fn dsse_statement(env: &sigstore_types::DsseEnvelope) -> Option<Statement> {
    let json = serde_json::to_vec(env).ok()?;
    Envelope::parse(&json).ok()?.statement().ok()
}

fn keyless(
    bundle: &Bundle,
    artifact: sigstore_verify::types::Artifact<'_>,
    roots: &TrustRoots,
    policy: &TrustPolicy,
) -> Verdict {
    let mut errors: Vec<(&Root, String)> = Vec::new();
    for root in roots.roots() {
        let mut rules = VerificationPolicy::any_identity();
        if !root.has_tlogs {
            rules = rules.skip_tlog_unsafe();
        }
        if !root.has_ctlogs {
            rules = rules.skip_sct();
        }
        match root.verifier.verify(artifact.clone(), bundle, &rules) {
            Ok(result) => return judged(&result, root, policy),
            Err(e) => errors.push((root, e.to_string())),
        }
    }
    // Report the root the bundle was most likely meant for: one with logs when the bundle
    // carries log entries, else one without.
    let logged = !bundle.verification_material.tlog_entries.is_empty();
    let pick = errors
        .iter()
        .find(|(root, _)| root.has_tlogs == logged)
        .or(errors.first());
    match pick {
        Some((root, e)) if errors.len() > 1 => {
            failed(format!("{e} (checked against {})", root.name))
        }
        Some((_, e)) => failed(e.clone()),
        None => failed("no trusted root to check against"),
    }
}

fn judged(result: &VerificationResult, root: &Root, policy: &TrustPolicy) -> Verdict {
    let claims = result.certificate().map(|c| &c.ci_claims);
    let claim = |f: fn(&sigstore_verify::crypto::FulcioCiClaims) -> &Option<String>| {
        claims.and_then(|c| f(c).as_deref()).map(visible)
    };
    let signer = Signer {
        identity: result.identity().map(|i| visible(i.as_str())),
        issuer: result.issuer().map(visible),
        source_repository: claim(|c| &c.source_repository_uri),
        source_commit: claim(|c| &c.source_repository_digest),
        build_config: claim(|c| &c.build_config_uri),
        run: claim(|c| &c.run_invocation_uri),
        ..Signer::default()
    };
    if !policy.accepts(&signer) {
        return Verdict::WrongSigner {
            signer,
            expected: policy.describe(),
        };
    }
    let mut checks = Vec::new();
    if result.certificate_verified() {
        checks.push(format!("certificate chain ({})", root.name));
    }
    if result.sct_verified() {
        checks.push("certificate transparency".to_string());
    }
    if result.tlog_verified() {
        checks.push("transparency log".to_string());
    }
    let logged_times = usize::from(result.integrated_time().is_some());
    if result.verified_timestamps().len() > logged_times {
        checks.push("RFC 3161 timestamp".to_string());
    }
    checks.push("signature".to_string());
    Verdict::Verified {
        signer,
        signed_at: signing_time(result),
        checks,
        policy_matched: policy.names_a_signer(),
    }
}

fn signing_time(result: &VerificationResult) -> Option<String> {
    result
        .integrated_time()
        .or_else(|| result.verified_timestamps().iter().min().copied())
        .map(|t| t.to_string())
}

fn with_keys(
    bundle: &Bundle,
    artifact: sigstore_verify::types::Artifact<'_>,
    roots: &TrustRoots,
    policy: &TrustPolicy,
) -> Verdict {
    if policy.keys.is_empty() {
        return Verdict::NotCheckable {
            reason: "signed with a key, and no public key was given to check it with".into(),
        };
    }
    let logged = !bundle.verification_material.tlog_entries.is_empty();
    // A key bundle's log entries and timestamps are checked against the first root's logs
    // and timestamp authorities (the public-good instance's, unless the user named a root).
    let Some(root) = roots.roots().first() else {
        return failed("no trusted root to check against");
    };
    let mut first_error = None;
    for key in &policy.keys {
        let mut rules = PublicKeyVerificationPolicy::new(key.key.clone());
        if !logged {
            rules = rules.skip_tlog_unsafe();
        }
        match root.verifier.verify(artifact.clone(), bundle, &rules) {
            Ok(result) => {
                let mut checks = vec![format!("signature (key {})", key.name)];
                if result.tlog_verified() {
                    checks.push("transparency log".into());
                } else {
                    checks.push("not in a transparency log: the key's word alone".into());
                }
                if !result.verified_timestamps().is_empty() {
                    checks.push("RFC 3161 timestamp".into());
                }
                return Verdict::Verified {
                    signer: Signer {
                        key: Some(key.name.clone()),
                        ..Signer::default()
                    },
                    signed_at: signing_time(&result),
                    checks,
                    policy_matched: true,
                };
            }
            Err(e) => {
                first_error.get_or_insert(format!("{e} (key {})", key.name));
            }
        }
    }
    failed(first_error.unwrap_or_default())
}
