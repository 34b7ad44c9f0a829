//! TypeScript declarations of every type that crosses the bridge, generated into
//! `ui/src/lib/bindings.ts` from the command list (`commands/list.rs`): every type a
//! command takes, streams or returns, and every type those name, found by walking ts-rs's
//! dependencies. Nothing is listed by hand but [`EXTRAS`]. A test fails when the file is
//! stale; run `UPDATE_BINDINGS=1 cargo test -p portolan-app generated` to regenerate it.

use std::any::TypeId;
use std::collections::BTreeMap;

use ts_rs::{TypeVisitor, TS};

use crate::error::ErrorCode;

/// The declarations found so far, by TypeScript name (so the file's order is the names'
/// order, whatever order the commands are declared in).
#[derive(Default)]
pub struct Declarations {
    found: BTreeMap<String, (TypeId, String)>,
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // A type with a file of its own is declared (once); the others (numbers, strings,
        // `Vec`, `Option`, maps, tuples) are only looked through.
        if T::output_path().is_none() {
            T::visit_dependencies(self);
            T::visit_generics(self);
            return;
        }
        let name = T::ident();
        if let Some((seen, _)) = self.found.get(&name) {
            assert!(
                *seen == TypeId::of::<T>(),
                "two types are called {name} in the bindings: rename one (#[ts(rename)])"
            );
            return;
        }
        self.found.insert(name, (TypeId::of::<T>(), T::decl()));
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// Types the UI needs that no command names: what every command may fail with (a
/// command's type is its result's `Ok`; the `Err` is always this, with its `ErrorCode`).
const EXTRAS: &[fn(&mut Declarations)] = &[|d| d.visit::<crate::error::AppError>()];

/// Every declaration, in name order.
fn declarations() -> Vec<(String, String)> {
    let mut all = Declarations::default();
    for spec in crate::commands::specs() {
        (spec.types)(&mut all);
    }
    for extra in EXTRAS {
        extra(&mut all);
    }
    all.found
        .into_iter()
        .map(|(name, (_, decl))| (name, decl))
        .collect()
}

/// The whole bindings file.
pub fn render() -> String {
    let mut out = String::from("// Generated from src-tauri/src/commands/list.rs by src-tauri/src/bindings.rs. Do not edit.\n// Regenerate: UPDATE_BINDINGS=1 cargo test -p portolan-app generated\n\n");
    for (_, decl) in declarations() {
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push_str("\n\n");
    }
    out.push_str(&retryable_codes());
    out.trim_end().to_owned() + "\n"
}

/// The codes of the errors worth retrying (`ErrorCode::retryable`, the engine's rule), for
/// the UI to offer Retry on.
fn retryable_codes() -> String {
    let codes: Vec<String> = ErrorCode::ALL
        .iter()
        .filter(|c| c.retryable())
        .map(|c| format!("'{}'", c.as_str()))
        .collect();
    format!(
        "/** The error codes worth a retry (the engine's `ErrorCode::retryable`). */\n\
         export const RETRYABLE_CODES: readonly ErrorCode[] = [{}];\n",
        codes.join(", ")
    )
}

/// The names of the types the bindings file exports.
pub fn exported_names() -> Vec<String> {
    declarations().into_iter().map(|(name, _)| name).collect()
}
