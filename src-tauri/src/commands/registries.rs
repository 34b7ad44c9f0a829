//! The sidebar's registries: listing, adding, removing, signing in and out.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::settings::RegistryEntry;
use crate::state::AppState;
pub use portolan_ops::host_advice::HostAdvice;
use portolan_ops::packages::{vendor_of, Vendor};
use portolan_ops::sign_in::SignIn;

/// A registry to add, as the add dialog has it.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewRegistry {
    /// What the sidebar shows (the host when empty).
    pub name: String,
    /// Host (and port).
    pub host: String,
    /// Allow plain HTTP.
    pub insecure: bool,
    /// An extra CA certificate file (PEM) to trust (none when empty).
    pub ca_file: Option<String>,
}

/// A registry as the sidebar shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RegistryView {
    /// Settings entry.
    pub entry: RegistryEntry,
    /// Sign-in state.
    pub sign_in: SignIn,
    /// When a credential source (the keyring, Docker's config) could not be read: why.
    pub keyring_problem: Option<String>,
    /// What to sign in to this registry with.
    pub sign_in_advice: String,
    /// What the user should know about how it is reached (plain HTTP to a remote host).
    pub warning: Option<String>,
    /// The vendor API that lists its packages (ghcr.io, Docker Hub), if any.
    pub vendor: Option<Vendor>,
}

async fn view(state: &AppState, entry: RegistryEntry) -> RegistryView {
    let found = portolan_ops::sign_in::state(&state.credentials(), &entry.host).await;
    let warning = portolan_ops::host_advice::plain_http_warning(&entry.host, entry.insecure);
    RegistryView {
        vendor: vendor_of(&entry.host, &state.vendor_apis),
        entry,
        sign_in: found.sign_in,
        keyring_problem: found.problem,
        sign_in_advice: found.advice,
        warning,
    }
}

async fn all_views(state: &AppState) -> AppResult<Vec<RegistryView>> {
    let mut out = Vec::new();
    for entry in state.settings.load()?.registries {
        out.push(view(state, entry).await);
    }
    Ok(out)
}

/// The registries in the sidebar, with their sign-in state.
pub async fn list_registries(state: &AppState) -> AppResult<Vec<RegistryView>> {
    all_views(state).await
}

/// What Portolan makes of a host the user is typing (its name, whether it is local, what
/// to say before allowing plain HTTP for it).
pub async fn advise_host(_state: &AppState, host: String) -> AppResult<HostAdvice> {
    Ok(portolan_ops::host_advice::advise(&host))
}

/// Add a registry. Plain HTTP may be allowed for any host (the sidebar warns for hosts that
/// are not on this machine), as the CLI's `--insecure` allows it.
pub async fn add_registry(state: &AppState, request: NewRegistry) -> AppResult<Vec<RegistryView>> {
    let NewRegistry {
        name,
        host,
        insecure,
        ca_file,
    } = request;
    let host = portolan_ops::host_advice::registry_host(&host)?;
    let mut s = state.settings.load()?;
    s.registries.retain(|r| r.host != host);
    let name = if name.trim().is_empty() {
        host.clone()
    } else {
        name.trim().to_owned()
    };
    s.registries.push(RegistryEntry {
        name,
        host,
        insecure,
        ca_file: ca_file.filter(|c| !c.trim().is_empty()),
    });
    state.settings.save(&s)?;
    state.rebuild(&s);
    all_views(state).await
}

/// Remove a registry from the sidebar, with its saved sign-in (the keyring entry), its
/// recent and pinned repositories.
pub async fn remove_registry(state: &AppState, host: String) -> AppResult<Vec<RegistryView>> {
    // Its saved sign-in goes too (the confirm says so): a removed registry keeps no
    // secret. Only when there is one: without a usable keyring there is nothing to delete,
    // and that must not keep the registry in the sidebar.
    let found = portolan_ops::sign_in::state(&state.credentials(), &host).await;
    if matches!(found.sign_in, portolan_ops::sign_in::SignIn::Keyring { .. }) {
        portolan_ops::sign_in::sign_out(&state.client(), &state.secrets, &host).await?;
    }
    let mut s = state.settings.load()?;
    s.registries.retain(|r| r.host != host);
    let prefix = format!("{host}/");
    s.recent.retain(|r| !r.starts_with(&prefix));
    s.pinned.retain(|r| !r.starts_with(&prefix));
    state.settings.save(&s)?;
    state.rebuild(&s);
    all_views(state).await
}

/// Try a registry as the add dialog has it (before it is saved): what answered, or why not.
pub async fn test_registry(
    _state: &AppState,
    host: String,
    insecure: bool,
    ca_file: Option<String>,
) -> AppResult<String> {
    let access = portolan_ops::setup::RegistryAccess {
        host,
        insecure,
        ca_file: ca_file
            .filter(|c| !c.trim().is_empty())
            .map(std::path::PathBuf::from),
    };
    Ok(portolan_ops::setup::test_connection(access).await?)
}

/// Give a registry another name in the sidebar (its host, and so its sign-in, stay).
pub async fn rename_registry(
    state: &AppState,
    host: String,
    name: String,
) -> AppResult<Vec<RegistryView>> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::new(ErrorCode::Input, "a registry needs a name"));
    }
    let mut s = state.settings.load()?;
    let entry = s
        .registries
        .iter_mut()
        .find(|r| r.host == host)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("{host} is not in the registry list"),
            )
        })?;
    entry.name = name.to_owned();
    state.settings.save(&s)?;
    all_views(state).await
}

fn entry_for(state: &AppState, host: &str) -> AppResult<RegistryEntry> {
    state
        .settings
        .load()?
        .registries
        .into_iter()
        .find(|r| r.host == host)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("{host} is not in the registry list"),
            )
        })
}

/// Check a username and password/token against the registry, then save it in the keyring.
pub async fn sign_in(
    state: &AppState,
    host: String,
    username: String,
    secret: String,
) -> AppResult<RegistryView> {
    let entry = entry_for(state, &host)?;
    portolan_ops::sign_in::sign_in(&state.client(), &state.secrets, &host, username, secret)
        .await?;
    Ok(view(state, entry).await)
}

/// Use the Docker login the user already has for this registry (checked, not copied).
pub async fn use_docker_login(state: &AppState, host: String) -> AppResult<RegistryView> {
    let entry = entry_for(state, &host)?;
    portolan_ops::sign_in::use_docker_login(&state.client(), &host).await?;
    Ok(view(state, entry).await)
}

/// Forget the saved sign-in.
pub async fn sign_out(state: &AppState, host: String) -> AppResult<RegistryView> {
    let entry = entry_for(state, &host)?;
    portolan_ops::sign_in::sign_out(&state.client(), &state.secrets, &host).await?;
    Ok(view(state, entry).await)
}
