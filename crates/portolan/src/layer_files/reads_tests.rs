//! An image's listings within their bounds: a layer listed twice is read once, the layers
//! past the image's budget are left out saying why, and too many layers are refused before
//! any is read.

use std::io::Write;

use http_double::{HttpDouble, Reply};

use super::{Watch, MAX_LAYERS};
use crate::digest::Digest;
use crate::inspect::{Compression, LayerRow};
use crate::layer_files::listing::Detail;
use crate::{Client, Error, Reference};

/// A gzip layer of `files` small files, and its row.
fn layer(index: usize, files: usize) -> (Vec<u8>, LayerRow) {
    let mut builder = tar::Builder::new(Vec::new());
    for i in 0..files {
        let mut header = tar::Header::new_gnu();
        header.set_size(1);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, format!("layer-{index}/file-{i}"), &b"x"[..])
            .expect("tar");
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&builder.into_inner().expect("tar"))
        .expect("gzip");
    let blob = gz.finish().expect("gzip");
    let row = LayerRow {
        index,
        digest: Digest::sha256_of(&blob),
        media_type: "application/vnd.oci.image.layer.v1.tar+gzip".to_owned(),
        compression: Compression::Gzip,
        size: blob.len() as u64,
        urls: Vec::new(),
        not_fetched: None,
        created_by: None,
        comment: None,
        created: None,
    };
    (blob, row)
}

fn serve(layers: Vec<(Vec<u8>, LayerRow)>) -> HttpDouble {
    HttpDouble::serve(move |r| {
        if r.path() == "/v2/" {
            return Reply::empty(200);
        }
        match layers
            .iter()
            .find(|(_, row)| r.path() == format!("/v2/r/blobs/{}", row.digest))
        {
            Some((blob, _)) => Reply::Body {
                status: 200,
                headers: vec![],
                body: blob.clone(),
            },
            None => Reply::empty(404),
        }
    })
}

#[tokio::test]
async fn a_repeated_layer_is_read_once_and_the_layers_past_the_budget_say_why() {
    let (small, big) = (layer(0, 3), layer(1, 50));
    let rows = vec![
        small.1.clone(),
        small.1.clone(),
        big.1.clone(),
        small.1.clone(),
    ];
    let server = serve(vec![small.clone(), big.clone()]);
    let client = Client::anonymous();
    let reference = Reference::parse(&format!("{}/r:v1", server.host)).expect("reference");
    // Room for the small layer's listing four times over, not for the big one's.
    let one = client
        .layer_files(
            &reference,
            &small.1.digest,
            small.1.size,
            Detail::Headers,
            &Watch::none(),
        )
        .await
        .expect("listed")
        .held_bytes();
    let mut budget = one * 4;
    let listings = client
        .listings_within(
            &reference,
            &rows,
            Detail::Headers,
            &Watch::none(),
            &mut budget,
        )
        .await
        .expect("listed");
    assert_eq!(listings.len(), 4);
    assert_eq!(listings[0].entries.len(), 3);
    assert_eq!(listings[1], listings[0], "the same layer, the same listing");
    assert!(listings[2].entries.is_empty());
    assert!(
        listings[2]
            .not_fetched
            .as_deref()
            .is_some_and(|why| why.contains("as much as Portolan keeps for one image")),
        "{:?}",
        listings[2].not_fetched
    );
    assert!(listings[3].not_fetched.is_some(), "nothing read past it");
    let small_reads = server
        .requests_to("GET", &format!("/v2/r/blobs/{}", small.1.digest))
        .len();
    assert_eq!(small_reads, 2, "once before, once in the image");
}

#[tokio::test]
async fn too_many_layers_are_refused_before_any_is_read() {
    let small = layer(0, 1);
    let server = serve(vec![small.clone()]);
    let rows = vec![small.1.clone(); MAX_LAYERS + 1];
    let reference = Reference::parse(&format!("{}/r:v1", server.host)).expect("reference");
    let err = Client::anonymous()
        .layer_listings(&reference, &rows, Detail::Headers, &Watch::none())
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::OverBudget { .. }), "{err}");
    assert!(err.to_string().contains("an image of 501 layers"), "{err}");
    assert!(err.to_string().contains("(500 layers an image)"), "{err}");
    assert!(server
        .requests()
        .iter()
        .all(|r| !r.path().contains("/blobs/")));
}
