//! The commands the UI may call. Each is a few lines over the operations layer
//! (`portolan_ops`, which the CLI calls too) or the settings; anything that knows about
//! registries lives there or in the engine under it, not here.
//!
//! The list of commands is declared once, in `list.rs`. The [`declare_commands`] macro
//! turns it into the Tauri command adapters ([`generated`]), the handler ([`handler`]) and
//! a description of each command ([`specs`]) from which the main window's capability, the
//! UI's typed functions and the UI's type declarations are generated (see
//! [`capability_json`], [`typescript_functions`] and `crate::bindings`); `build.rs` reads
//! the same file for the ACL. The types a declaration names are paths through the
//! submodules (`registries::RegistryView`): each submodule re-exports what its commands
//! take and return, so this file imports nothing.

pub mod browse;
pub mod engine;
pub mod files;
pub mod layers;
pub mod manage;
pub mod packages;
pub mod registries;
pub mod settings;
pub mod supply_chain;
pub mod transfer;

/// One command as the UI sees it.
#[derive(Debug, Clone)]
pub struct CommandSpec {
    /// Its name (`snake_case`, as Tauri and the ACL name it).
    pub name: &'static str,
    /// Arguments: Rust name and TypeScript type.
    pub args: Vec<(&'static str, String)>,
    /// The TypeScript type of its progress events, when it streams any.
    pub stream: Option<String>,
    /// The TypeScript type of what it returns.
    pub returns: String,
    /// Hands every type it names (arguments, events, result) to a visitor: the bindings
    /// are the types reachable from these (`crate::bindings`).
    pub types: fn(&mut crate::bindings::Declarations),
}

/// Declares every command once: see `list.rs`.
macro_rules! declare_commands {
    ($( $module:ident :: $name:ident $([$handle:ident])? ( $($arg:ident : $ty:ty),* $(,)? ) $(streams($ev:ty))? -> $ret:ty ; )*) => {
        /// The Tauri commands: adapters that hand the app state (and, to the commands
        /// marked `[handle]`, the app handle), the arguments and the progress channel to
        /// the functions of the same name in this module's submodules.
        pub mod generated {
            use super::*;
            $(
                #[doc = concat!("The `", stringify!($name), "` command (see `", stringify!($module), "::", stringify!($name), "`).")]
                #[tauri::command]
                pub async fn $name(
                    app: tauri::AppHandle,
                    $($arg: $ty,)*
                    $(on_progress: tauri::ipc::Channel<$ev>,)?
                ) -> crate::error::AppResult<$ret> {
                    let state = tauri::Manager::state::<crate::state::AppState>(&app);
                    super::$module::$name(
                        $({ let _: &str = stringify!($handle); &app },)?
                        &state,
                        $($arg,)*
                        $({ let _: Option<$ev> = None; on_progress },)?
                    ).await
                }
            )*
        }

        /// The handler that routes every declared command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(generated::$name),*]
        }

        /// Every declared command, in order.
        pub fn specs() -> Vec<CommandSpec> {
            vec![$(
                CommandSpec {
                    name: stringify!($name),
                    args: vec![$((stringify!($arg), <$ty as ts_rs::TS>::name())),*],
                    stream: None$(.or(Some(<$ev as ts_rs::TS>::name())))?,
                    returns: <$ret as ts_rs::TS>::name(),
                    types: |visitor| {
                        $(ts_rs::TypeVisitor::visit::<$ty>(visitor);)*
                        $(ts_rs::TypeVisitor::visit::<$ev>(visitor);)?
                        ts_rs::TypeVisitor::visit::<$ret>(visitor);
                    },
                }
            ),*]
        }
    };
}

include!("list.rs");

/// `snake_case` to `camelCase` (Tauri's naming of arguments on the JavaScript side).
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `capabilities/main.json`: the main window may call these commands and nothing else.
pub fn capability_json() -> String {
    let permissions: Vec<String> = specs()
        .iter()
        .map(|c| format!("allow-{}", c.name.replace('_', "-")))
        .collect();
    let value = serde_json::json!({
        "$schema": "../gen/schemas/desktop-schema.json",
        "identifier": "main",
        "description": "The main window may call Portolan's own commands, and nothing else. Generated from src/commands/list.rs.",
        "windows": ["main"],
        "permissions": permissions,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// `ui/src/lib/commands.ts`: one typed function per command.
pub fn typescript_functions(exported_types: &[String]) -> String {
    let specs = specs();
    let mut used: Vec<&String> = exported_types
        .iter()
        .filter(|t| {
            specs.iter().any(|c| {
                std::iter::once(&c.returns)
                    .chain(c.stream.iter())
                    .chain(c.args.iter().map(|(_, ty)| ty))
                    .any(|ty| mentions(ty, t))
            })
        })
        .collect();
    used.sort();
    let mut out = String::from(
        "// Generated from src-tauri/src/commands/list.rs by src-tauri/src/commands/mod.rs. Do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p portolan-app generated\n\n",
    );
    let any_stream = specs.iter().any(|c| c.stream.is_some());
    if any_stream {
        out.push_str("import { Channel } from '@tauri-apps/api/core';\n");
    }
    out.push_str("import { call } from './call';\n");
    if !used.is_empty() {
        let names: Vec<&str> = used.iter().map(|s| s.as_str()).collect();
        out.push_str(&format!(
            "import type {{ {} }} from './bindings';\n",
            names.join(", ")
        ));
    }
    out.push_str("\n/** Every command of the backend, typed. */\nexport const commands = {\n");
    for c in &specs {
        let mut params: Vec<String> = c
            .args
            .iter()
            .map(|(n, ty)| format!("{}: {ty}", camel(n)))
            .collect();
        let mut fields: Vec<String> = c.args.iter().map(|(n, _)| camel(n)).collect();
        if let Some(ev) = &c.stream {
            params.push(format!("onProgress: (event: {ev}) => void"));
            fields.push("onProgress: channel".to_owned());
        }
        let args = if fields.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", fields.join(", "))
        };
        let invoke = format!("call<{}>('{}'{args})", c.returns, c.name);
        match &c.stream {
            Some(ev) => out.push_str(&format!(
                "  {}: ({}) => {{\n    const channel = new Channel<{ev}>();\n    channel.onmessage = onProgress;\n    return {invoke};\n  }},\n",
                camel(c.name),
                params.join(", ")
            )),
            None => out.push_str(&format!(
                "  {}: ({}) =>\n    {invoke},\n",
                camel(c.name),
                params.join(", ")
            )),
        }
    }
    out.push_str("};\n");
    out
}

/// Whether the TypeScript type expression `ty` names the type `name`.
fn mentions(ty: &str, name: &str) -> bool {
    ty.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_named_once_and_camel_cased() {
        let specs = specs();
        let mut names: Vec<&str> = specs.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), specs.len(), "a command is declared twice");
        assert_eq!(camel("pull_image"), "pullImage");
        assert_eq!(camel("ca_file"), "caFile");
        assert!(mentions("Array<RegistryView>", "RegistryView"));
        assert!(!mentions("Array<RegistryViews>", "RegistryView"));
    }
}
