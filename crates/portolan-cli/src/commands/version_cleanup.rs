//! `cleanup` of a ghcr.io package: its versions by rules (untagged, older than N days,
//! before a date; keeping the newest N and tags matching patterns) or the versions named
//! with `--version` and what goes with them, from the plan
//! `portolan_ops::packages::version_cleanup` makes, printed first, confirmed, then run
//! 4 at a time with a summary naming each failure's reason.

use portolan_ops::packages::version_cleanup;
use portolan_ops::packages::version_plan::{parse_days, VersionRules};
use portolan_ops::packages::VendorApis;
use portolan_ops::{Error, Result};

use super::cleanup::CleanupArgs;
use super::Context;
use crate::render;

pub async fn cleanup(ctx: &Context, args: &CleanupArgs, apis: &VendorApis) -> Result<()> {
    if args.keep_since.is_some() {
        return Err(Error::input(
            "--keep-since keeps tags by build date on other registries",
            "for ghcr.io versions use --older-than DAYS or --before DATE",
        ));
    }
    let rules = VersionRules {
        delete_untagged: args.delete_untagged,
        older_than_days: args.older_than.as_deref().map(parse_days).transpose()?,
        before: args.before.clone(),
        keep_newest: args.keep_newest,
        keep_matching: args.keep_matching.clone(),
        picked: args.versions.clone(),
        ..VersionRules::default()
    };
    let plan =
        version_cleanup::plan_versions(&ctx.client, apis, &args.repository, args.org, &rules)
            .await?;
    // With --json, one document: the plan on a dry run, else the summary.
    if !ctx.json || args.dry_run {
        render::packages::version_plan(ctx.json, &plan);
    }
    if args.dry_run || plan.deleted + plan.untagged == 0 {
        return Ok(());
    }
    if !args.yes {
        super::manage::confirm(
            &format!(
                "Delete {} versions (restorable for 30 days)? [y/N] ",
                plan.deleted
            ),
            "refusing to delete versions without confirmation",
            "no terminal to ask on; pass --yes (or --dry-run to see the plan)",
        )?;
    }
    let bar = crate::progress::counter(
        ctx.json,
        u64::from(plan.deleted + plan.untagged),
        "versions",
    );
    let summary = version_cleanup::run_version_plan(
        &ctx.client,
        apis,
        &args.repository,
        args.org,
        plan.steps(),
        |p| bar.set_position(u64::from(p.finished)),
    )
    .await?;
    bar.finish_and_clear();
    render::packages::version_summary(ctx.json, &summary);
    match summary.shortfall() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
