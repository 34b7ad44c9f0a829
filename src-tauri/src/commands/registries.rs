//! The sidebar's registries: listing, adding, removing, signing in and out.

use serde::Serialize;
use tauri::{AppHandle, Manager};
use ts_rs::TS;

use crate::error::{AppError, AppResult};
use crate::settings::{self, RegistryEntry};
use crate::state::AppState;
use portolan::{Credential, ErrorCode};

/// How the app is signed in to a registry.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignIn {
    /// No credential: public content only.
    Anonymous,
    /// Signed in with Portolan; the secret is in the OS keyring.
    Keyring {
        /// The username.
        username: String,
    },
    /// Using the user's Docker login (read-only to Portolan).
    Docker {
        /// The username.
        username: String,
        /// Where Docker keeps it (config file or helper).
        source: String,
    },
}

/// A registry as the sidebar shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RegistryView {
    /// Settings entry.
    pub entry: RegistryEntry,
    /// Sign-in state.
    pub sign_in: SignIn,
    /// When the keyring could not be read: why.
    pub keyring_problem: Option<String>,
}

async fn view(state: &AppState, entry: RegistryEntry) -> RegistryView {
    let secrets = state.secrets.clone();
    let host = entry.host.clone();
    let keyring = tauri::async_runtime::spawn_blocking(move || secrets.get(&host))
        .await
        .unwrap_or_else(|e| Err(portolan::Error::internal(e)));
    let (sign_in, keyring_problem) = match keyring {
        Ok(Some(c)) => (
            SignIn::Keyring {
                username: c.username,
            },
            None,
        ),
        Ok(None) => (docker_sign_in(&entry.host).await, None),
        Err(e) => (docker_sign_in(&entry.host).await, Some(e.to_string())),
    };
    RegistryView {
        entry,
        sign_in,
        keyring_problem,
    }
}

async fn docker_sign_in(host: &str) -> SignIn {
    let host = host.to_owned();
    let found = tauri::async_runtime::spawn_blocking(move || {
        let docker = portolan::auth::docker_config::DockerConfig::load_default().ok()?;
        docker.credential_for(&host).ok().flatten()
    })
    .await
    .ok()
    .flatten();
    match found {
        Some(c) => SignIn::Docker {
            username: c.username,
            source: match c.source {
                portolan::auth::credentials::CredentialSource::DockerHelper(h) => h,
                portolan::auth::credentials::CredentialSource::DockerConfig(p) => p,
                other => format!("{other:?}"),
            },
        },
        None => SignIn::Anonymous,
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

/// Add a registry. Plain HTTP is accepted only for local hosts.
pub async fn add_registry(
    app: &AppHandle,
    name: String,
    host: String,
    insecure: bool,
    ca_file: Option<String>,
) -> AppResult<Vec<RegistryView>> {
    let state = app.state::<AppState>();
    let host = portolan::reference::normalize_registry(&host)?;
    if insecure && !portolan::transport::is_local_host(&host) {
        return Err(AppError::new(
            ErrorCode::Input,
            format!("plain HTTP is only offered for local hosts (localhost, 127.0.0.0/8, private networks, .local); {host} must use HTTPS"),
        ));
    }
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

/// Remove a registry from the sidebar (its saved sign-in stays in the keyring until signed out).
pub async fn remove_registry(app: &AppHandle, host: String) -> AppResult<Vec<RegistryView>> {
    let state = app.state::<AppState>();
    let mut s = settings::load(app)?;
    s.registries.retain(|r| r.host != host);
    settings::save(app, &s)?;
    state.rebuild(&s);
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
    let credential = Credential::password(username, secret);
    state
        .client()
        .verify_login(&host, credential.clone())
        .await?;
    let secrets = state.secrets.clone();
    let h = host.clone();
    tauri::async_runtime::spawn_blocking(move || secrets.set(&h, &credential))
        .await
        .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))??;
    state.client().forget(&host);
    Ok(view(&state, entry).await)
}

/// Use the Docker login the user already has for this registry (checked, not copied).
pub async fn use_docker_login(app: &AppHandle, host: String) -> AppResult<RegistryView> {
    let state = app.state::<AppState>();
    let entry = entry_for(app, &host)?;
    let h = host.clone();
    let found = tauri::async_runtime::spawn_blocking(move || {
        portolan::auth::docker_config::DockerConfig::load_default()
            .and_then(|d| d.credential_for(&h))
    })
    .await
    .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))??;
    let Some(credential) = found else {
        return Err(AppError::new(
            ErrorCode::NotFound,
            format!(
                "there is no Docker login for {host}; run `docker login {host}` or sign in here"
            ),
        ));
    };
    state.client().verify_login(&host, credential).await?;
    Ok(view(&state, entry).await)
}

/// Forget the saved sign-in.
pub async fn sign_out(app: &AppHandle, host: String) -> AppResult<RegistryView> {
    let state = app.state::<AppState>();
    let entry = entry_for(app, &host)?;
    let secrets = state.secrets.clone();
    let h = host.clone();
    tauri::async_runtime::spawn_blocking(move || secrets.delete(&h))
        .await
        .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))??;
    state.client().forget(&host);
    Ok(view(&state, entry).await)
}
