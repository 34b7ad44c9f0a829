//! What vouches for an image: the Signed column's answer per row, the image view's
//! supply-chain section, and the settings they are checked with. Each command is a call to
//! `portolan_ops::supply_chain` (the CLI's `verify`, `sbom` and `provenance` use the same
//! functions) with the trust the settings hold for the image's repository.

use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::Settings;
use crate::state::AppState;
use portolan_ops::supply_chain;
pub use portolan_ops::supply_chain::{
    ExpectedSigner, SignedSummary, SupplyChainView, TrustOptions, VulnerabilityView,
};
use portolan_ops::Reference;

/// The trust the settings (with this run's overrides: `PORTOLAN_TRUSTED_ROOT`,
/// `PORTOLAN_PUBLIC_KEYS`, `PORTOLAN_NOTATION_TRUST_STORE`) hold for `reference`'s
/// repository.
fn trust_for(settings: &Settings, reference: &str) -> AppResult<TrustOptions> {
    let parsed = Reference::parse(reference).map_err(portolan_ops::Error::from)?;
    let repository = format!("{}/{}", parsed.registry(), parsed.repository());
    Ok(TrustOptions {
        signer: settings
            .signers
            .get(&repository)
            .cloned()
            .unwrap_or_default(),
        ..settings.trust.clone()
    })
}

/// Every signature, attestation, SBOM and provenance document of an image, judged.
pub async fn image_supply_chain(
    state: &AppState,
    reference: String,
    platform: Option<String>,
) -> AppResult<SupplyChainView> {
    let trust = trust_for(&state.overrides.over(state.settings.load()?), &reference)?;
    Ok(
        supply_chain::supply_chain(&state.client(), &reference, &trust, platform.as_deref())
            .await?,
    )
}

/// One row's Signed cell. `attached_tags`: the repository's tags that start with the
/// image's `sha256-<hex>` (cosign's tags), when the list is loaded, so absent ones are not
/// asked for.
pub async fn signed_summary(
    state: &AppState,
    reference: String,
    attached_tags: Option<Vec<String>>,
) -> AppResult<SignedSummary> {
    let trust = trust_for(&state.overrides.over(state.settings.load()?), &reference)?;
    Ok(supply_chain::signed(&state.client(), &reference, &trust, attached_tags).await?)
}

/// Remember (or forget, with `None`) who signs `repository` (`host/repo`).
pub async fn set_expected_signer(
    state: &AppState,
    repository: String,
    signer: Option<ExpectedSigner>,
) -> AppResult<Settings> {
    let mut s = state.settings.load()?;
    match signer {
        Some(signer) => {
            if let Some(pattern) = signer.identity_pattern.as_deref().filter(|p| !p.is_empty()) {
                supply_chain::check_identity_pattern(pattern)?;
            }
            s.signers.insert(repository, signer);
        }
        None => {
            s.signers.remove(&repository);
        }
    }
    state.settings.save(&s)?;
    Ok(s)
}

/// Set the keys, trusted root and Notation trust store signatures are checked with.
pub async fn set_trust(state: &AppState, trust: TrustOptions) -> AppResult<Settings> {
    // Refuse what cannot be used now rather than at the next image.
    supply_chain::trust(&trust)?;
    let mut s = state.settings.load()?;
    s.trust = trust;
    state.settings.save(&s)?;
    Ok(s)
}

/// Allow or refuse sending SBOM package lists to OSV.
pub async fn set_vulnerability_lookups(state: &AppState, enabled: bool) -> AppResult<Settings> {
    let mut s = state.settings.load()?;
    s.vulnerability_lookups = Some(enabled);
    state.settings.save(&s)?;
    Ok(s)
}

/// The known vulnerabilities of an image's SBOM packages, from OSV (or `PORTOLAN_OSV_API`).
/// Refused until the user has allowed sending package lists there.
pub async fn image_vulnerabilities(
    state: &AppState,
    reference: String,
    platform: Option<String>,
) -> AppResult<VulnerabilityView> {
    let settings = state.overrides.over(state.settings.load()?);
    if settings.vulnerability_lookups != Some(true) {
        return Err(AppError::new(
            ErrorCode::Input,
            "looking up vulnerabilities sends the SBOM's package names and versions to OSV; allow it first",
        ));
    }
    let trust = trust_for(&settings, &reference)?;
    let client = state.client();
    let view = supply_chain::supply_chain(&client, &reference, &trust, platform.as_deref()).await?;
    Ok(supply_chain::vulnerabilities(&client, &view, &supply_chain::osv_api(None)).await?)
}
