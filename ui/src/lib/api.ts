// The UI's only door to the backend. The typed functions are generated from the Rust
// command list (commands.ts); `call.ts` is the one place that calls `invoke`. Nothing else
// in the UI imports `invoke` or `Channel`.
import { commands } from './commands';

export { ApiError } from './call';
export type * from './bindings';

/** One typed function per backend command. */
export const api = commands;
