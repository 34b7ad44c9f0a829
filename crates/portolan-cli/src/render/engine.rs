//! How the local engine's images and a pull into it look: which engine first (so the user
//! knows whose images these are), then one aligned row per name.

use portolan_ops::{EngineInfo, LocalImage};
use serde::Serialize;

use super::{human_size, print_json};
use crate::terminal::out;

pub fn images(json: bool, info: &EngineInfo, images: &[LocalImage]) {
    #[derive(Serialize)]
    struct Listed<'a> {
        engine: &'a EngineInfo,
        images: &'a [LocalImage],
    }
    if json {
        print_json(&Listed {
            engine: info,
            images,
        });
        return;
    }
    out!(
        "{} (found by {})",
        portolan_ops::local_engine::describe(info),
        info.socket.found_by
    );
    if images.is_empty() {
        out!("No images");
        return;
    }
    let rows: Vec<(String, &LocalImage)> = images
        .iter()
        .flat_map(|i| {
            let names = if i.repo_tags.is_empty() {
                vec!["<none>".to_owned()]
            } else {
                i.repo_tags.clone()
            };
            names.into_iter().map(move |n| (n, i))
        })
        .collect();
    let width = rows
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0);
    out!(
        "{:<width$}  {:<12}  {:>10}  CREATED",
        "NAME",
        "IMAGE ID",
        "SIZE"
    );
    for (name, image) in rows {
        let id = image.id.trim_start_matches("sha256:");
        out!(
            "{name:<width$}  {:<12}  {:>10}  {}",
            &id[..id.len().min(12)],
            human_size(image.size),
            created(image.created)
        );
    }
}

/// A Unix time as `2026-01-31 12:00 UTC`.
fn created(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| "-".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_times_read_as_dates() {
        assert_eq!(created(0), "1970-01-01 00:00 UTC");
        assert_eq!(created(1_700_000_000), "2023-11-14 22:13 UTC");
    }
}
