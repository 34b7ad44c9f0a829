//! `verify`, `sbom`, `provenance` (and `vulns`): what vouches for an image, over
//! `portolan_ops::supply_chain`. Each exits non-zero when a check fails.

use std::path::PathBuf;

use clap::Args;
use portolan_ops::supply_chain::{self, ExpectedSigner, Holds, Severity, TrustOptions};
use portolan_ops::{Error, Reference, Result};

use super::Context;
use crate::render::supply_chain as render;

/// What the user trusts, shared by every supply-chain subcommand.
#[derive(Args, Clone, Debug)]
pub struct TrustArgs {
    /// The certificate identity keyless signatures must have, exactly (an email, or a
    /// workflow URI such as https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/main).
    #[arg(long, conflicts_with = "certificate_identity_regexp")]
    pub certificate_identity: Option<String>,
    /// A regular expression the whole certificate identity must match.
    #[arg(long)]
    pub certificate_identity_regexp: Option<String>,
    /// The OIDC issuer keyless signatures must have
    /// (https://token.actions.githubusercontent.com for GitHub Actions).
    #[arg(long)]
    pub certificate_oidc_issuer: Option<String>,
    /// A public key (PEM) for key-based signatures; may be repeated.
    #[arg(long = "key", value_name = "FILE")]
    pub keys: Vec<PathBuf>,
    /// A trusted_root.json to check keyless signatures against, instead of the shipped
    /// Sigstore public-good and GitHub roots.
    #[arg(long, value_name = "FILE")]
    pub trusted_root: Option<PathBuf>,
    /// An X.509 trust store (a PEM file or a folder of certificates) for Notation signatures.
    #[arg(long, value_name = "PATH")]
    pub notation_trust_store: Option<PathBuf>,
    /// Only this platform of an index (os/arch[/variant]).
    #[arg(long)]
    pub platform: Option<String>,
}

impl TrustArgs {
    fn options(&self) -> TrustOptions {
        TrustOptions {
            keys: self.keys.clone(),
            signer: ExpectedSigner {
                identity: self.certificate_identity.clone(),
                identity_pattern: self.certificate_identity_regexp.clone(),
                issuer: self.certificate_oidc_issuer.clone(),
            },
            trusted_root: self.trusted_root.clone(),
            notation_trust_store: self.notation_trust_store.clone(),
        }
    }
}

#[derive(Args)]
pub struct VerifyArgs {
    /// Image reference (tag or digest).
    pub reference: String,
    #[command(flatten)]
    pub trust: TrustArgs,
}

#[derive(Args)]
pub struct SbomArgs {
    /// Image reference (tag or digest).
    pub reference: String,
    #[command(flatten)]
    pub trust: TrustArgs,
}

#[derive(Args)]
pub struct ProvenanceArgs {
    /// Image reference (tag or digest).
    pub reference: String,
    #[command(flatten)]
    pub trust: TrustArgs,
}

#[derive(Args)]
pub struct VulnsArgs {
    /// Image reference (tag or digest).
    pub reference: String,
    /// The OSV API to ask (default https://api.osv.dev, or PORTOLAN_OSV_API): the SBOM's
    /// package names and versions are sent there.
    #[arg(long, value_name = "URL")]
    pub osv_api: Option<String>,
    /// Exit with status 1 when a vulnerability at this level or worse is found
    /// (critical, high, medium, low).
    #[arg(long, value_name = "LEVEL", value_parser = ["critical", "high", "medium", "low"])]
    pub fail_on: Option<String>,
    #[command(flatten)]
    pub trust: TrustArgs,
}

pub async fn verify(ctx: &Context, args: &VerifyArgs) -> Result<()> {
    let report = supply_chain::verify(
        &ctx.client,
        &args.reference,
        &args.trust.options(),
        args.trust.platform.as_deref(),
    )
    .await?;
    render::verify(ctx.json, &report);
    match report.failure() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

pub async fn sbom(ctx: &Context, args: &SbomArgs) -> Result<()> {
    let view = supply_chain::supply_chain(
        &ctx.client,
        &args.reference,
        &args.trust.options(),
        args.trust.platform.as_deref(),
    )
    .await?;
    render::sboms(ctx.json, &view);
    if let Some(e) = view.failure_of(Holds::Sbom) {
        return Err(e);
    }
    if view.sboms.is_empty() {
        return Err(none_found(&args.reference, "an SBOM"));
    }
    Ok(())
}

pub async fn provenance(ctx: &Context, args: &ProvenanceArgs) -> Result<()> {
    let view = supply_chain::supply_chain(
        &ctx.client,
        &args.reference,
        &args.trust.options(),
        args.trust.platform.as_deref(),
    )
    .await?;
    render::provenance(ctx.json, &view);
    if let Some(e) = view.failure_of(Holds::Provenance) {
        return Err(e);
    }
    if view.provenance.is_empty() {
        return Err(none_found(&args.reference, "build provenance"));
    }
    Ok(())
}

fn none_found(reference: &str, what: &str) -> Error {
    let registry = Reference::parse(reference)
        .map(|r| r.registry().to_owned())
        .unwrap_or_default();
    Error::NotFound {
        registry,
        what: format!("{what} attached to {reference}"),
        detail: String::new(),
    }
}

pub async fn vulns(ctx: &Context, args: &VulnsArgs) -> Result<()> {
    let view = supply_chain::supply_chain(
        &ctx.client,
        &args.reference,
        &args.trust.options(),
        args.trust.platform.as_deref(),
    )
    .await?;
    if let Some(e) = view.failure_of(Holds::Sbom) {
        return Err(e);
    }
    let api = supply_chain::osv_api(args.osv_api.as_deref());
    let found = supply_chain::vulnerabilities(&ctx.client, &view, &api).await?;
    render::vulns(ctx.json, &found);
    let worst_allowed = match args.fail_on.as_deref() {
        Some("critical") => Some(Severity::Critical),
        Some("high") => Some(Severity::High),
        Some("medium") => Some(Severity::Medium),
        Some("low") => Some(Severity::Low),
        _ => None,
    };
    if let Some(level) = worst_allowed {
        let over: usize = found
            .report
            .vulns
            .iter()
            .filter(|v| v.severity <= level)
            .count();
        if over > 0 {
            return Err(Error::Untrusted {
                reference: found.reference.clone(),
                detail: format!(
                    "{over} known {} at {} or worse",
                    if over == 1 {
                        "vulnerability"
                    } else {
                        "vulnerabilities"
                    },
                    args.fail_on.as_deref().unwrap_or_default()
                ),
            });
        }
    }
    Ok(())
}

#[derive(clap::Subcommand)]
pub enum TrustCommand {
    /// Refresh the shipped Sigstore trusted roots (public-good and GitHub) from their TUF
    /// repositories; each is kept only once TUF has verified it.
    Refresh,
}

#[derive(Args)]
pub struct TrustCmdArgs {
    #[command(subcommand)]
    pub command: TrustCommand,
}

pub async fn trust(ctx: &Context, args: &TrustCmdArgs) -> Result<()> {
    match args.command {
        TrustCommand::Refresh => {
            let done = supply_chain::refresh_trusted_roots(&ctx.client).await?;
            render::refreshed(ctx.json, &done);
            match done.iter().find_map(|d| d.error.clone()) {
                Some(detail) => Err(Error::Unreachable {
                    registry: "the Sigstore TUF repositories".into(),
                    reason: detail,
                    hint: "check the network (tuf-repo-cdn.sigstore.dev, tuf-repo.github.com); the roots in use stay as they were".into(),
                    tls: false,
                }),
                None => Ok(()),
            }
        }
    }
}
