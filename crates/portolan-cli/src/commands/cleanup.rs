//! `cleanup`: remove many tags of a repository by rules, from the same plan the desktop
//! app previews (`portolan_ops::cleanup`): printed first, confirmed, then run a few at a
//! time with a progress bar and a summary. A ghcr.io package's versions are cleaned up
//! by [`super::version_cleanup`] instead, from the same subcommand.

use clap::Args;
use portolan_ops::cleanup::{self, CleanupRules};
use portolan_ops::packages::{vendor_of, Place, Vendor};
use portolan_ops::{Error, Result};

use super::Context;
use crate::render;

#[derive(Args)]
pub struct CleanupArgs {
    /// The repository (host/name), or a ghcr.io package (ghcr.io/OWNER/PACKAGE).
    pub repository: String,
    /// Keep the newest N tags (by their image's build date); on ghcr.io, the newest N
    /// versions.
    #[arg(long, value_name = "N")]
    pub keep_newest: Option<u32>,
    /// Keep tags matching this pattern (`*`, `?`, `[abc]`); repeat it, or separate
    /// patterns with commas, to keep several. Case-sensitive, as tags are. On ghcr.io, a
    /// version with a matching tag is kept.
    #[arg(long, value_name = "PATTERN")]
    pub keep_matching: Vec<String>,
    /// Keep tags whose image was built on or after this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub keep_since: Option<String>,
    /// ghcr.io: delete untagged versions only (platform images of kept indexes and
    /// signatures of kept versions stay).
    #[arg(long)]
    pub delete_untagged: bool,
    /// ghcr.io: delete only versions older than this (`30d`).
    #[arg(long, value_name = "DAYS")]
    pub older_than: Option<String>,
    /// ghcr.io: delete only versions created before this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub before: Option<String>,
    /// ghcr.io: delete exactly this version (by id; repeat for several), with what only it
    /// needs (an index's platform images, its signatures), instead of by rules.
    #[arg(long = "version", value_name = "ID", conflicts_with_all = ["delete_untagged", "older_than", "before", "keep_newest", "keep_matching", "keep_since"])]
    pub versions: Vec<u64>,
    /// ghcr.io: OWNER is a GitHub organisation.
    #[arg(long)]
    pub org: bool,
    #[command(flatten)]
    pub apis: super::packages::ApiArgs,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

pub async fn cleanup(ctx: &Context, args: &CleanupArgs) -> Result<()> {
    let apis = args.apis.apis();
    let host = Place::parse(&args.repository)?.host;
    if vendor_of(&host, &apis) == Some(Vendor::GitHub) {
        return super::version_cleanup::cleanup(ctx, args, &apis).await;
    }
    if args.delete_untagged
        || args.older_than.is_some()
        || args.before.is_some()
        || !args.versions.is_empty()
    {
        return Err(Error::input(
            "--delete-untagged, --older-than, --before and --version clean up ghcr.io package versions",
            "on this registry, clean up tags with --keep-newest, --keep-matching and --keep-since",
        ));
    }
    let rules = CleanupRules {
        keep_newest: args.keep_newest,
        keep_matching: args.keep_matching.clone(),
        keep_built_since: args.keep_since.clone(),
    };
    let plan = cleanup::plan_rules(&ctx.client, &args.repository, &rules).await?;
    render::cleanup_plan(ctx.json && args.dry_run, &plan);
    if args.dry_run || plan.steps.is_empty() {
        return Ok(());
    }
    if !args.yes {
        super::manage::confirm(
            &format!(
                "Remove {} tags (deleting {} images)? [y/N] ",
                plan.removed, plan.images_deleted
            ),
            "refusing to remove tags without confirmation",
            "no terminal to ask on; pass --yes (or --dry-run to see the plan)",
        )?;
    }
    // The registry is read again as the plan runs: a step whose image changed since the
    // preview above is skipped and reported, not sent.
    let bar = crate::progress::counter(ctx.json, u64::from(plan.removed), "tags");
    let summary = cleanup::run(&ctx.client, &args.repository, plan.steps, |p| {
        bar.set_position(u64::from(p.finished));
    })
    .await?;
    bar.finish_and_clear();
    render::cleanup_summary(ctx.json, &summary);
    match summary.shortfall() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
