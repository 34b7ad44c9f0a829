//! The app binary the end-to-end tests drive (target/e2e/portolan), checked without
//! starting it: it starts on a WebKitGTK older than 2.42, because it imports none of that
//! version's functions (they are looked up at run time, and the tweak they serve is
//! skipped when they are missing), and it is the build with the test hooks the other app
//! tests need. The Debian package's binary is checked the same way, and for having no
//! test hooks, in `package.rs`.

use portolan_tests::app_binary;
use portolan_tests::binary::{assert_starts_on_older_webkit, contains};

#[test]
fn the_app_imports_no_webkit_2_42_function() {
    assert_starts_on_older_webkit(&app_binary());
}

#[test]
fn the_app_under_test_is_built_with_the_test_hooks() {
    assert!(
        contains(&app_binary(), b"PORTOLAN_TEST_OPEN_LOG"),
        "target/e2e/portolan has no test hooks: build it with `--features portolan-app/test-hooks` (scripts/test)"
    );
}
