//! The guard lets real archives through unchanged and refuses oversized members before the
//! `tar` reader has read them, keeping its place in archives whose sizes come from PAX
//! records.

use std::io::Read;

use super::*;

/// Counts the bytes read from it.
struct Counted<'a> {
    bytes: &'a [u8],
    read: usize,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.bytes.len() - self.read);
        buf[..n].copy_from_slice(&self.bytes[self.read..self.read + n]);
        self.read += n;
        Ok(n)
    }
}

fn header(name: &[u8], kind: tar::EntryType, size: u64) -> Vec<u8> {
    let mut h = tar::Header::new_gnu();
    h.as_gnu_mut().expect("gnu").name[..name.len()].copy_from_slice(name);
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_cksum();
    h.as_bytes().to_vec()
}

fn padded(mut data: Vec<u8>) -> Vec<u8> {
    data.resize(data.len().div_ceil(512) * 512, 0);
    data
}

/// The paths the `tar` reader lists through the guard, or the refusal.
fn list(bytes: &[u8]) -> (Result<Vec<String>, String>, usize) {
    let mut source = Counted { bytes, read: 0 };
    let listed = {
        let mut archive = tar::Archive::new(TarGuard::new(&mut source));
        let result: std::io::Result<Vec<String>> = (|| {
            let mut paths = Vec::new();
            for entry in archive.entries()? {
                let entry = entry?;
                paths.push(String::from_utf8_lossy(&entry.path_bytes()).into_owned());
            }
            Ok(paths)
        })();
        result.map_err(|e| match Refusal::of(&e) {
            Some(r) => format!("refused: {r}"),
            None => format!("broken: {e}"),
        })
    };
    (listed, source.read)
}

#[test]
fn real_archives_pass_unchanged_long_names_pax_records_and_all() {
    let mut builder = tar::Builder::new(Vec::new());
    let long = format!("usr/share/{}/file", "deep/".repeat(60));
    for (i, path) in ["etc/hosts", &long, "bin/sh"].iter().enumerate() {
        let data = vec![b'x'; 700 * i];
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        builder
            .append_data(&mut h, path, data.as_slice())
            .expect("append");
    }
    builder
        .append_pax_extensions([("SCHILY.xattr.user.note", b"hello".as_slice())])
        .expect("pax");
    let mut h = tar::Header::new_ustar();
    h.set_size(3);
    h.set_mode(0o644);
    h.set_cksum();
    builder
        .append_data(&mut h, "with-xattr", b"abc".as_slice())
        .expect("append");
    let bytes = builder.into_inner().expect("tar");
    let (listed, read) = list(&bytes);
    assert_eq!(
        listed.expect("listed"),
        vec!["etc/hosts", long.as_str(), "bin/sh", "with-xattr"]
    );
    assert!(read <= bytes.len());
}

#[test]
fn a_long_name_past_the_limit_is_refused_before_it_is_read() {
    let name_size = 10 << 20;
    let mut bytes = header(b"././@LongLink", tar::EntryType::GNULongName, name_size);
    bytes.extend(vec![b'a'; name_size as usize]);
    bytes.extend(header(b"x", tar::EntryType::Regular, 0));
    bytes.extend([0u8; 1024]);
    let (listed, read) = list(&bytes);
    assert_eq!(
        listed,
        Err(format!("refused: a file name of {name_size} bytes"))
    );
    assert!(read <= 1024, "{read} bytes read");

    // At the limit, it is a name like any other.
    let name = vec![b'n'; MAX_NAME_BYTES as usize];
    let mut bytes = header(
        b"././@LongLink",
        tar::EntryType::GNULongName,
        MAX_NAME_BYTES + 1,
    );
    let mut with_nul = name.clone();
    with_nul.push(0);
    bytes.extend(padded(with_nul));
    bytes.extend(header(b"x", tar::EntryType::Regular, 0));
    bytes.extend([0u8; 1024]);
    let (listed, _) = list(&bytes);
    assert_eq!(
        listed.expect("listed"),
        vec![String::from_utf8(name).expect("utf-8")]
    );
}

#[test]
fn an_oversized_pax_header_is_refused() {
    let size = MAX_PAX_BYTES + 1;
    let mut bytes = header(b"pax", tar::EntryType::XHeader, size);
    bytes.extend(padded(vec![b'1'; size as usize]));
    bytes.extend([0u8; 1024]);
    let (listed, read) = list(&bytes);
    assert_eq!(
        listed,
        Err(format!("refused: a PAX header of {size} bytes"))
    );
    assert!(read <= 512);
}

#[test]
fn a_size_from_a_pax_record_keeps_the_guard_in_step() {
    // A file whose size only its PAX header gives (the ustar field says 0), then a long
    // name past the limit: found where the reader finds it, not in the file's bytes.
    let record = b"13 size=1024\n".to_vec();
    let mut bytes = header(b"pax", tar::EntryType::XHeader, record.len() as u64);
    bytes.extend(padded(record));
    bytes.extend(header(b"big", tar::EntryType::Regular, 0));
    bytes.extend(vec![0u8; 1024]);
    bytes.extend(header(
        b"././@LongLink",
        tar::EntryType::GNULongName,
        1 << 20,
    ));
    bytes.extend(vec![b'a'; 1 << 20]);
    bytes.extend([0u8; 1024]);
    let (listed, read) = list(&bytes);
    assert_eq!(
        listed,
        Err("refused: a file name of 1048576 bytes".to_owned())
    );
    assert!(read <= 512 * 6, "{read}");
}

#[test]
fn a_sparse_file_in_endless_pieces_is_refused() {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::GNUSparse);
    h.set_size(0);
    h.set_mode(0o644);
    {
        let gnu = h.as_gnu_mut().expect("gnu");
        gnu.name[..6].copy_from_slice(b"sparse");
        gnu.isextended[0] = 1;
    }
    h.set_cksum();
    let mut bytes = h.as_bytes().to_vec();
    let mut extension = [0u8; 512];
    extension[504] = 1;
    for _ in 0..MAX_SPARSE_HEADERS + 10 {
        bytes.extend(extension);
    }
    bytes.extend([0u8; 1024]);
    let (listed, _) = list(&bytes);
    assert_eq!(
        listed,
        Err("refused: a sparse file in too many pieces".to_owned())
    );
}

#[test]
fn a_sparse_file_from_gnu_tar_passes_and_the_guard_stays_in_step() {
    // 30 pieces of data with holes between: more than the header holds, so GNU tar writes
    // extension headers; then a file after it, and a long name past the limit after that.
    let dir = tempfile::tempdir().expect("dir");
    let sparse = dir.path().join("sparse");
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::File::create(&sparse).expect("create");
        for i in 0..30u64 {
            f.seek(SeekFrom::Start(i << 20)).expect("seek");
            f.write_all(&[b'd'; 4096]).expect("write");
        }
        f.set_len(31 << 20).expect("size");
    }
    std::fs::write(dir.path().join("after"), b"after").expect("write");
    let out = std::process::Command::new("tar")
        .args(["--format=gnu", "--sparse", "-C"])
        .arg(dir.path())
        .args(["-cf", "-", "sparse", "after"])
        .output()
        .expect("GNU tar");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut bytes = out.stdout;
    assert_eq!(bytes[156], b'S', "a GNU sparse member");
    assert_eq!(bytes[482], 1, "with extension headers");
    assert_eq!(list(&bytes).0.expect("listed"), vec!["sparse", "after"]);
    // Drop the end-of-archive blocks, then add an oversized long name.
    while bytes.len() >= 512 && bytes[bytes.len() - 512..].iter().all(|b| *b == 0) {
        bytes.truncate(bytes.len() - 512);
    }
    bytes.extend(header(
        b"././@LongLink",
        tar::EntryType::GNULongName,
        1 << 20,
    ));
    bytes.extend(vec![b'a'; 1 << 20]);
    bytes.extend([0u8; 1024]);
    assert_eq!(
        list(&bytes).0,
        Err("refused: a file name of 1048576 bytes".to_owned())
    );
}
