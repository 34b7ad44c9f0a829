// Part of the API module (with api.ts and the generated commands.ts): the one place that
// calls `invoke`, turning rejections into ApiError.
import { invoke } from '@tauri-apps/api/core';
import type { AppError, ErrorCode } from './bindings';
import { markUnreachable } from './reachability.svelte';

/** A failed command, as an Error the UI can throw and show. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  /** The registry host the failure is about, when there is one. */
  readonly registry: string | null;
  /** Whether that registry is on this machine or its network. */
  readonly registryLocal: boolean;
  /** The HTTP status the registry answered, when the failure is an answer it gave. */
  readonly status: number | null;
  /** What was not found (`manifest HOST/REPO:TAG`), for a not-found failure. */
  readonly missing: string | null;
  constructor(e: AppError) {
    super(e.message);
    this.code = e.code;
    this.registry = e.registry;
    this.registryLocal = e.registry_local;
    this.status = e.status;
    this.missing = e.missing;
  }
}

function toApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const a = e as AppError;
    return new ApiError({
      code: a.code,
      message: String(a.message),
      registry: a.registry ?? null,
      registry_local: !!a.registry_local,
      status: typeof a.status === 'number' ? a.status : null,
      missing: typeof a.missing === 'string' ? a.missing : null,
    });
  }
  return new ApiError({ code: 'internal', message: String(e), registry: null, registry_local: false, status: null, missing: null });
}

/** Invoke a backend command by name. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    const error = toApiError(e);
    if (error.code === 'unreachable' && error.registry) markUnreachable(error.registry);
    throw error;
  }
}

