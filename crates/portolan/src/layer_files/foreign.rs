//! Layers whose bytes the registry does not hold: Docker's foreign layers (Windows base
//! layers, `…rootfs.foreign.diff.tar.gzip`) and OCI's non-distributable ones
//! (`…layer.nondistributable.…`). Their blobs live at the descriptor's `urls`, on another
//! host and under their owner's terms, so asking the registry fails, and fetching from
//! those URLs would send requests where the user never pointed Portolan. Such a layer is
//! shown for what it is, with the reason, and never fetched.

/// Why the layer of `media_type` (with `urls`) is not fetched, or `None` when it is an
/// ordinary layer the registry holds.
pub fn not_fetched(media_type: &str, urls: &[String]) -> Option<String> {
    let kind = if media_type.contains(".foreign.") {
        "a foreign layer"
    } else if media_type.contains(".nondistributable.") {
        "a non-distributable layer"
    } else {
        return None;
    };
    let place = match urls {
        [] => "its manifest names no URL for it".to_owned(),
        [one] => format!("its bytes are at {one}"),
        [first, rest @ ..] => format!("its bytes are at {first} (and {} more)", rest.len()),
    };
    Some(format!(
        "{kind}, not in the registry: {place}, under its owner's terms; Portolan does not \
         fetch it"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_and_non_distributable_layers_say_where_their_bytes_are() {
        let urls = ["https://mcr.example/base.tar.gz".to_owned()];
        let why = not_fetched(
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
            &urls,
        )
        .expect("foreign");
        assert!(why.starts_with("a foreign layer"), "{why}");
        assert!(why.contains("https://mcr.example/base.tar.gz"), "{why}");
        assert!(not_fetched(
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            &[]
        )
        .expect("non-distributable")
        .contains("names no URL"));
        assert_eq!(
            not_fetched("application/vnd.oci.image.layer.v1.tar+gzip", &urls),
            None,
            "an ordinary layer with URLs is still in the registry"
        );
    }
}
