//! `login` and `logout`: a login is checked against the registry, then kept in the OS
//! keyring; logging out says when Docker's own login still applies.

use std::io::{IsTerminal, Read};

use clap::Args;

use portolan_ops::host_advice::registry_host;
use portolan_ops::setup::os_keyring;
use portolan_ops::{sign_in, Error, Result};

use super::Context;
use crate::{render, terminal};

#[derive(Args)]
pub struct LoginArgs {
    /// Registry host, e.g. ghcr.io, docker.io, localhost:5000.
    pub registry: String,
    /// Username (asked for when not given).
    #[arg(short, long)]
    pub username: Option<String>,
    /// Read the password or token from standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Args)]
pub struct LogoutArgs {
    /// Registry host.
    pub registry: String,
}

pub async fn login(ctx: &Context, args: &LoginArgs) -> Result<()> {
    let registry = registry_host(&args.registry)?;
    let username = match &args.username {
        Some(u) => u.clone(),
        None => prompt_line("Username: ")?,
    };
    let secret = read_secret(args.password_stdin)?;
    let store = os_keyring();
    let info = sign_in::sign_in(&ctx.client, &store, &registry, username, secret).await?;
    render::login(ctx.json, &registry, &info);
    Ok(())
}

pub async fn logout(ctx: &Context, args: &LogoutArgs) -> Result<()> {
    let registry = registry_host(&args.registry)?;
    let store = os_keyring();
    let done = sign_in::sign_out(&ctx.client, &store, &registry).await?;
    render::logout(ctx.json, &registry, done.removed, done.docker_login);
    Ok(())
}

fn prompt_line(prompt: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::input(
            "no terminal to ask for a username",
            "pass -u USER",
        ));
    }
    terminal::prompt(prompt);
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::Io {
            action: "cannot read the username from",
            path: "the terminal".to_owned(),
            source: e,
        })?;
    Ok(line.trim().to_owned())
}

fn read_secret(from_stdin: bool) -> Result<String> {
    let secret = if from_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::Io {
                action: "cannot read the password from",
                path: "standard input".to_owned(),
                source: e,
            })?;
        text.trim_end_matches(['\n', '\r']).to_owned()
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password or token: ").map_err(|e| Error::Io {
            action: "cannot read the password from",
            path: "the terminal".to_owned(),
            source: e,
        })?
    } else {
        return Err(Error::input(
            "no terminal to ask for a password",
            "pipe it in with --password-stdin",
        ));
    };
    if secret.is_empty() {
        return Err(Error::input(
            "the password or token is empty",
            "give the password or an access token",
        ));
    }
    Ok(secret)
}
