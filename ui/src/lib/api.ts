// The UI's only door to the backend: one typed function per command. Nothing else in the
// UI imports `invoke` or `Channel`.
import { invoke, Channel } from '@tauri-apps/api/core';
import type {
  AppError,
  ImageReport,
  ProgressEvent,
  PullDone,
  PullFormat,
  RawDocument,
  Referrer,
  RegistryView,
  RepositoryPage,
  Settings,
  TagSummary,
  Theme,
} from './bindings';

export type * from './bindings';

/** A failed command, as an Error the UI can throw and show. */
export class ApiError extends Error {
  readonly code: string;
  readonly detail: string | null;
  constructor(e: AppError) {
    super(e.message);
    this.code = e.code;
    this.detail = e.detail;
  }
}

function toApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const a = e as AppError;
    return new ApiError({ code: String(a.code), message: String(a.message), detail: a.detail ?? null });
  }
  return new ApiError({ code: 'internal', message: String(e), detail: null });
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const api = {
  listRegistries: () => call<RegistryView[]>('list_registries'),
  addRegistry: (name: string, host: string, insecure: boolean, caFile: string | null) =>
    call<RegistryView[]>('add_registry', { name, host, insecure, caFile }),
  removeRegistry: (host: string) => call<RegistryView[]>('remove_registry', { host }),
  signIn: (host: string, username: string, secret: string) =>
    call<RegistryView>('sign_in', { host, username, secret }),
  useDockerLogin: (host: string) => call<RegistryView>('use_docker_login', { host }),
  signOut: (host: string) => call<RegistryView>('sign_out', { host }),
  listRepositories: (host: string, next: string | null) =>
    call<RepositoryPage>('list_repositories', { host, next }),
  resolveRepository: (host: string, name: string) => call<string>('resolve_repository', { host, name }),
  listTags: (repository: string) => call<string[]>('list_tags', { repository }),
  describeTag: (reference: string) => call<TagSummary>('describe_tag', { reference }),
  inspectImage: (reference: string, platform: string | null) =>
    call<ImageReport>('inspect_image', { reference, platform }),
  rawManifest: (reference: string) => call<RawDocument>('raw_manifest', { reference }),
  rawConfig: (repository: string, digest: string, mediaType: string) =>
    call<RawDocument>('raw_config', { repository, digest, mediaType }),
  listReferrers: (reference: string) => call<Referrer[]>('list_referrers', { reference }),
  getSettings: () => call<Settings>('get_settings'),
  setTheme: (theme: Theme) => call<Settings>('set_theme', { theme }),
  pinRepository: (repository: string, pinned: boolean) =>
    call<Settings>('pin_repository', { repository, pinned }),
  pullImage: (
    transferId: number,
    reference: string,
    format: PullFormat,
    platform: string | null,
    onProgress: (e: ProgressEvent) => void,
  ) => {
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return call<PullDone>('pull_image', { transferId, reference, format, platform, onProgress: channel });
  },
  cancelTransfer: (transferId: number) => call<boolean>('cancel_transfer', { transferId }),
};
