//! The sidebar's registries: listing, adding, removing, signing in and out.

use serde::Serialize;
use tauri::{AppHandle, Manager};
use ts_rs::TS;

use crate::error::{AppError, AppResult};
use crate::settings::{self, RegistryEntry};
use crate::state::AppState;
use portolan::ErrorCode;
use portolan_ops::host_advice::HostAdvice;
use portolan_ops::packages::{vendor_of, Vendor};
use portolan_ops::sign_in::SignIn;

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
    let warning = (entry.insecure && !portolan::transport::is_loopback_host(&entry.host))
        .then(|| portolan_ops::setup::insecure_warning(&entry.host));
    RegistryView {
        vendor: vendor_of(&entry.host, &state.vendor_apis),
        entry,
        sign_in: found.sign_in,
        keyring_problem: found.problem,
        sign_in_advice: found.advice,
        warning,
    }
}

async fn all_views(app: &AppHandle, state: &AppState) -> AppResult<Vec<RegistryView>> {
    let mut out = Vec::new();
    for entry in settings::load(app)?.registries {
        out.push(view(state, entry).await);
    }
    Ok(out)
}

/// The registries in the sidebar, with their sign-in state.
pub async fn list_registries(app: &AppHandle) -> AppResult<Vec<RegistryView>> {
    let state = app.state::<AppState>();
    all_views(app, &state).await
}

/// What Portolan makes of a host the user is typing (its name, whether it is local, what
/// to say before allowing plain HTTP for it).
pub async fn advise_host(_app: &AppHandle, host: String) -> AppResult<HostAdvice> {
    Ok(portolan_ops::host_advice::advise(&host))
}

/// Add a registry. Plain HTTP may be allowed for any host (the sidebar warns for hosts that
/// are not on this machine), as the CLI's `--insecure` allows it.
pub async fn add_registry(
    app: &AppHandle,
    name: String,
    host: String,
    insecure: bool,
    ca_file: Option<String>,
) -> AppResult<Vec<RegistryView>> {
    let state = app.state::<AppState>();
    let host = portolan::reference::normalize_registry(&host)?;
    let mut s = settings::load(app)?;
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
    settings::save(app, &s)?;
    state.rebuild(&s);
    all_views(app, &state).await
}

/// Remove a registry from the sidebar, with its saved sign-in (the keyring entry), its
/// recent and pinned repositories.
pub async fn remove_registry(app: &AppHandle, host: String) -> AppResult<Vec<RegistryView>> {
    let state = app.state::<AppState>();
    // Its saved sign-in goes too (the confirm says so): a removed registry keeps no
    // secret. Only when there is one: without a usable keyring there is nothing to delete,
    // and that must not keep the registry in the sidebar.
    let found = portolan_ops::sign_in::state(&state.credentials(), &host).await;
    if matches!(found.sign_in, portolan_ops::sign_in::SignIn::Keyring { .. }) {
        portolan_ops::sign_in::sign_out(&state.client(), &state.secrets, &host).await?;
    }
    let mut s = settings::load(app)?;
    s.registries.retain(|r| r.host != host);
    let prefix = format!("{host}/");
    s.recent.retain(|r| !r.starts_with(&prefix));
    s.pinned.retain(|r| !r.starts_with(&prefix));
    settings::save(app, &s)?;
    state.rebuild(&s);
    all_views(app, &state).await
}

/// Try a registry as the add dialog has it (before it is saved): what answered, or why not.
pub async fn test_registry(
    _app: &AppHandle,
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
    app: &AppHandle,
    host: String,
    name: String,
) -> AppResult<Vec<RegistryView>> {
    let state = app.state::<AppState>();
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::new(ErrorCode::Input, "a registry needs a name"));
    }
    let mut s = settings::load(app)?;
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
    settings::save(app, &s)?;
    all_views(app, &state).await
}

fn entry_for(app: &AppHandle, host: &str) -> AppResult<RegistryEntry> {
    settings::load(app)?
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
    app: &AppHandle,
    host: String,
    username: String,
    secret: String,
) -> AppResult<RegistryView> {
    let state = app.state::<AppState>();
    let entry = entry_for(app, &host)?;
    portolan_ops::sign_in::sign_in(&state.client(), &state.secrets, &host, username, secret)
        .await?;
    Ok(view(&state, entry).await)
}

/// Use the Docker login the user already has for this registry (checked, not copied).
pub async fn use_docker_login(app: &AppHandle, host: String) -> AppResult<RegistryView> {
    let state = app.state::<AppState>();
    let entry = entry_for(app, &host)?;
    portolan_ops::sign_in::use_docker_login(&state.client(), &host).await?;
    Ok(view(&state, entry).await)
}

/// Forget the saved sign-in.
pub async fn sign_out(app: &AppHandle, host: String) -> AppResult<RegistryView> {
    let state = app.state::<AppState>();
    let entry = entry_for(app, &host)?;
    portolan_ops::sign_in::sign_out(&state.client(), &state.secrets, &host).await?;
    Ok(view(&state, entry).await)
}
