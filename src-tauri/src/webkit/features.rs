//! WebKit's feature flags (`webkit_settings_set_feature_enabled`, WebKitGTK 2.42+), which
//! the `webkit2gtk` bindings wry pins (2.0, up to the 2.40 API) do not cover.
//!
//! The six C functions are looked up at run time in the WebKitGTK library the app already
//! links (`dlsym`), not linked by name: on a WebKitGTK older than 2.42 they are missing,
//! and the app must still start (without the tweak) rather than fail to load.
//!
//! The only `unsafe` code in Portolan: calling those functions on the GTK main thread with
//! the web view's own settings object. Each C type has its own opaque Rust type, so a
//! feature list cannot be passed where a feature or the settings are expected.

#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, CStr};
use std::marker::{PhantomData, PhantomPinned};

use webkit2gtk::glib::object::ObjectType;

/// Declares an opaque C type: never built or moved in Rust, only pointed at.
macro_rules! opaque {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[repr(C)]
        struct $name {
            _data: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}

opaque! {
    /// `WebKitSettings`.
    WebKitSettings;
    /// `WebKitFeatureList`: a reference-counted list of features.
    WebKitFeatureList;
    /// `WebKitFeature`: one feature, owned by the list it came from.
    WebKitFeature;
}

type GetAllFeatures = unsafe extern "C" fn() -> *mut WebKitFeatureList;
type ListLength = unsafe extern "C" fn(*mut WebKitFeatureList) -> usize;
type ListGet = unsafe extern "C" fn(*mut WebKitFeatureList, usize) -> *mut WebKitFeature;
type ListUnref = unsafe extern "C" fn(*mut WebKitFeatureList);
type Identifier = unsafe extern "C" fn(*mut WebKitFeature) -> *const c_char;
type SetEnabled = unsafe extern "C" fn(*mut WebKitSettings, *mut WebKitFeature, c_int);

/// The feature functions of the WebKitGTK in this process.
struct FeatureApi {
    get_all_features: GetAllFeatures,
    list_length: ListLength,
    list_get: ListGet,
    list_unref: ListUnref,
    identifier: Identifier,
    set_enabled: SetEnabled,
}

/// The address of the C function `name` in the libraries this process has loaded.
fn symbol(name: &CStr) -> Option<*mut libc::c_void> {
    // SAFETY: `dlsym` with `RTLD_DEFAULT` only searches the loaded libraries for a
    // NUL-terminated name; it neither loads nor runs anything.
    let address = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    (!address.is_null()).then_some(address)
}

impl FeatureApi {
    /// The functions, or the name of the first one this WebKitGTK lacks (older than 2.42).
    fn load() -> Result<Self, &'static str> {
        macro_rules! function {
            ($name:literal as $ty:ty) => {{
                let address = symbol($name).ok_or($name.to_str().unwrap_or("?"))?;
                // SAFETY: WebKitGTK 2.42+ exports this function with exactly the
                // signature `$ty` (webkit/WebKitFeature.h, WebKitSettings.h); a function
                // pointer and a data pointer have the same size on every platform GTK
                // runs on.
                unsafe { std::mem::transmute::<*mut libc::c_void, $ty>(address) }
            }};
        }
        Ok(Self {
            get_all_features: function!(c"webkit_settings_get_all_features" as GetAllFeatures),
            list_length: function!(c"webkit_feature_list_get_length" as ListLength),
            list_get: function!(c"webkit_feature_list_get" as ListGet),
            list_unref: function!(c"webkit_feature_list_unref" as ListUnref),
            identifier: function!(c"webkit_feature_get_identifier" as Identifier),
            set_enabled: function!(c"webkit_settings_set_feature_enabled" as SetEnabled),
        })
    }
}

/// What [`set`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The feature was switched.
    Set,
    /// This WebKit has feature flags, but none by that name.
    NoSuchFeature,
    /// This WebKit has no feature flags (older than 2.42): this function is missing.
    Unsupported(&'static str),
}

/// Switch the feature named `identifier` (as WebKit names it, e.g.
/// `AsyncOverflowScrolling`) on or off in `settings`.
pub fn set(settings: &webkit2gtk::Settings, identifier: &str, enabled: bool) -> Outcome {
    let api = match FeatureApi::load() {
        Ok(api) => api,
        Err(missing) => return Outcome::Unsupported(missing),
    };
    // SAFETY: the functions are WebKitGTK's own (looked up above, with their C
    // signatures). `get_all_features` returns a new reference to a list that lives until
    // the unref below; `list_get` returns a feature owned by that list (valid while it
    // is), checked for null before use, and `identifier` a NUL-terminated string owned by
    // the feature, checked for null before it is read. `settings.as_ptr()` is a live
    // `WebKitSettings*` borrowed from `settings` for the duration of the call. Everything
    // runs on the GTK main thread.
    unsafe {
        let list = (api.get_all_features)();
        if list.is_null() {
            return Outcome::NoSuchFeature;
        }
        let mut outcome = Outcome::NoSuchFeature;
        for index in 0..(api.list_length)(list) {
            let feature = (api.list_get)(list, index);
            if feature.is_null() {
                continue;
            }
            let id = (api.identifier)(feature);
            if id.is_null() {
                continue;
            }
            if CStr::from_ptr(id).to_bytes() == identifier.as_bytes() {
                (api.set_enabled)(
                    settings.as_ptr().cast::<WebKitSettings>(),
                    feature,
                    c_int::from(enabled),
                );
                outcome = Outcome::Set;
                break;
            }
        }
        (api.list_unref)(list);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keep WebKitGTK linked into this test binary (the app links it through wry).
    fn link_webkit() {
        std::hint::black_box(webkit2gtk::ffi::webkit_settings_new as *const ());
    }

    #[test]
    fn a_missing_function_is_found_missing_not_called() {
        link_webkit();
        assert!(symbol(c"webkit_settings_no_such_function_in_any_version").is_none());
        // A function every WebKitGTK 4.1 has.
        assert!(symbol(c"webkit_settings_new").is_some());
    }

    #[test]
    fn this_webkit_has_the_feature_functions() {
        link_webkit();
        // The build machine's WebKitGTK is 2.42 or newer; on an older one `load` names
        // the first missing function instead of failing.
        assert!(FeatureApi::load().is_ok());
    }
}
