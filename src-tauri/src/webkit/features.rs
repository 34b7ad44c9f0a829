//! WebKit's feature flags (`webkit_settings_set_feature_enabled`, WebKitGTK 2.42+), which
//! the `webkit2gtk` bindings wry pins (2.0, up to the 2.40 API) do not cover.
//!
//! The only `unsafe` code in Portolan: six C functions of the WebKitGTK library the app
//! already links, called on the GTK main thread with the web view's own settings object.

#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CStr};

use webkit2gtk::glib::object::ObjectType;

extern "C" {
    fn webkit_settings_get_all_features() -> *mut c_void;
    fn webkit_feature_list_get_length(list: *mut c_void) -> usize;
    fn webkit_feature_list_get(list: *mut c_void, index: usize) -> *mut c_void;
    fn webkit_feature_list_unref(list: *mut c_void);
    fn webkit_feature_get_identifier(feature: *mut c_void) -> *const c_char;
    fn webkit_settings_set_feature_enabled(
        settings: *mut c_void,
        feature: *mut c_void,
        enabled: c_int,
    );
}

/// Switch the feature named `identifier` (as WebKit names it, e.g.
/// `AsyncOverflowScrolling`) on or off in `settings`. Returns false when this WebKit has no
/// such feature.
pub fn set(settings: &webkit2gtk::Settings, identifier: &str, enabled: bool) -> bool {
    // SAFETY: `webkit_settings_get_all_features` returns a new reference to a list that
    // lives until the unref below; `webkit_feature_list_get` returns features owned by that
    // list (valid while it is), and `webkit_feature_get_identifier` a NUL-terminated string
    // owned by the feature. `settings.as_ptr()` is a live `WebKitSettings*` borrowed from
    // `settings` for the duration of the call. Everything runs on the GTK main thread.
    unsafe {
        let list = webkit_settings_get_all_features();
        if list.is_null() {
            return false;
        }
        let mut found = false;
        for index in 0..webkit_feature_list_get_length(list) {
            let feature = webkit_feature_list_get(list, index);
            let id = webkit_feature_get_identifier(feature);
            if feature.is_null() || id.is_null() {
                continue;
            }
            if CStr::from_ptr(id).to_bytes() == identifier.as_bytes() {
                webkit_settings_set_feature_enabled(
                    settings.as_ptr().cast(),
                    feature,
                    c_int::from(enabled),
                );
                found = true;
                break;
            }
        }
        webkit_feature_list_unref(list);
        found
    }
}
