//! Moving images: `pull` (to a folder, an archive, or the local engine), `push` (from any
//! of them) and `copy`, each with progress bars on stderr and a
//! Ctrl-C that cancels cleanly (partial work is left resumable, not corrupt).

use std::path::PathBuf;

use clap::Args;
use portolan_ops::copy;
use portolan_ops::local_engine::{self, EngineChoice};
use portolan_ops::pull::{self, PullInto};
use portolan_ops::push::{self, LocalSources, PushFrom};
use portolan_ops::setup::spool_dir;
use portolan_ops::{Cancel, Platform, PlatformChoice, PullOptions, PushOptions, Reference, Result};

use super::Context;
use crate::progress::Bars;
use crate::setup::save_blob_cache;
use crate::{render, terminal};

#[derive(Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["oci", "archive", "engine"])))]
pub struct PullArgs {
    /// Image reference (tag or digest).
    pub reference: String,
    /// Write an OCI image layout into this folder (created if needed).
    #[arg(long, value_name = "DIR")]
    pub oci: Option<PathBuf>,
    /// Write a `docker load` archive to this file.
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
    /// Load it straight into the local engine (Docker, or Podman's API service; found
    /// through DOCKER_HOST, the Docker context, or the usual sockets) and name it after
    /// the reference. Nothing is written to disk.
    #[arg(long)]
    pub engine: bool,
    /// For an index, the platform to pull (default: this machine's).
    #[arg(
        long,
        value_name = "OS/ARCH[/VARIANT]",
        conflicts_with = "all_platforms"
    )]
    pub platform: Option<String>,
    /// For an index, pull every platform (OCI layout only).
    #[arg(long)]
    pub all_platforms: bool,
    /// Blobs downloaded at once.
    #[arg(long, default_value_t = 4)]
    pub jobs: usize,
}

#[derive(Args)]
pub struct PushArgs {
    /// `engine:IMAGE` (an image in the local engine, by name or ID: see `images`), or DIR
    /// or FILE.tar, optionally followed by `:NAME` to choose one of several images (a
    /// layout's ref.name such as `1.0` or `localhost/app:1`, or an archive's REPO:TAG).
    pub source: String,
    /// Where to push (tag or digest).
    pub reference: String,
    /// The image to push when the source holds several (same as SOURCE:NAME).
    #[arg(long, value_name = "NAME")]
    pub image: Option<String>,
    /// Blobs uploaded at once.
    #[arg(long, default_value_t = 4)]
    pub jobs: usize,
    /// Blobs larger than this many MiB are sent in chunks of that size.
    #[arg(long, default_value_t = 64)]
    pub chunk_mib: u64,
}

#[derive(Args)]
pub struct CopyArgs {
    /// Source reference.
    pub source: String,
    /// Destination reference.
    pub destination: String,
    /// Also copy signatures, SBOMs and other artifacts that refer to it.
    #[arg(long)]
    pub referrers: bool,
    /// Blobs copied at once.
    #[arg(long, default_value_t = 4)]
    pub jobs: usize,
}

impl PullArgs {
    fn platform_choice(&self) -> Result<PlatformChoice> {
        Ok(match (&self.platform, self.all_platforms) {
            (_, true) => PlatformChoice::All,
            (Some(p), false) => PlatformChoice::One(Platform::parse(p)?),
            (None, false) => PlatformChoice::Host,
        })
    }
}

pub async fn pull(ctx: &Context, args: &PullArgs) -> Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let platform = args.platform_choice()?;
    let into = match (&args.oci, &args.archive) {
        (Some(dir), _) => PullInto::Layout(dir.clone()),
        (None, Some(file)) => PullInto::Archive(file.clone()),
        // `--engine` (clap requires one of the three).
        (None, None) => PullInto::Engine(local_engine::socket_of(&EngineChoice::Auto)?),
    };
    let bars = Bars::new("pull");
    let options = PullOptions {
        platform,
        jobs: args.jobs,
        progress: bars.progress(),
        cancel: cancel_on_ctrl_c(),
    };
    let pulled = pull::pull(&ctx.client, &reference, &into, &options).await?;
    drop(bars);
    save_blob_cache(&ctx.client);
    render::pulled(ctx.json, &reference, &pulled);
    Ok(())
}

pub async fn push(ctx: &Context, args: &PushArgs) -> Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let local = LocalSources {
        engine: EngineChoice::Auto,
        spool_dir: spool_dir(),
    };
    let from = PushFrom::of(&args.source, args.image.clone(), &local)?;
    let bars = Bars::new("push");
    let options = PushOptions {
        jobs: args.jobs,
        chunk_size: args.chunk_mib.max(1) * 1024 * 1024,
        progress: bars.progress(),
        cancel: cancel_on_ctrl_c(),
    };
    let report = push::push(&ctx.client, &from, &reference, &options).await?;
    drop(bars);
    save_blob_cache(&ctx.client);
    render::pushed(ctx.json, &reference, &report);
    Ok(())
}

pub async fn copy(ctx: &Context, args: &CopyArgs) -> Result<()> {
    let (from, to) = copy::endpoints(&args.source, &args.destination)?;
    let bars = Bars::new("copy");
    let options = PushOptions {
        jobs: args.jobs,
        progress: bars.progress(),
        cancel: cancel_on_ctrl_c(),
        ..PushOptions::default()
    };
    let report = copy::copy(&ctx.client, &from, &to, args.referrers, &options).await?;
    drop(bars);
    save_blob_cache(&ctx.client);
    render::copied(ctx.json, &to, &report);
    Ok(())
}

/// A cancel token that fires on Ctrl-C, so partial work is left resumable, not corrupt.
fn cancel_on_ctrl_c() -> Cancel {
    let cancel = Cancel::new();
    let fire = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            terminal::err!();
            terminal::err!("cancelling...");
            fire.cancel();
        }
    });
    cancel
}
