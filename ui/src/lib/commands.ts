// Generated from src-tauri/src/commands/list.rs by src-tauri/src/commands/mod.rs. Do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p portolan-app commands

import { Channel } from '@tauri-apps/api/core';
import { call } from './call';
import type { ImageReport, ProgressEvent, PullDone, PullFormat, RawDocument, Referrer, RegistryView, RepositoryPage, Settings, TagSummary, Theme } from './bindings';

/** Every command of the backend, typed. */
export const commands = {
  listRegistries: () =>
    call<Array<RegistryView>>('list_registries'),
  addRegistry: (name: string, host: string, insecure: boolean, caFile: string | null) =>
    call<Array<RegistryView>>('add_registry', { name, host, insecure, caFile }),
  removeRegistry: (host: string) =>
    call<Array<RegistryView>>('remove_registry', { host }),
  signIn: (host: string, username: string, secret: string) =>
    call<RegistryView>('sign_in', { host, username, secret }),
  useDockerLogin: (host: string) =>
    call<RegistryView>('use_docker_login', { host }),
  signOut: (host: string) =>
    call<RegistryView>('sign_out', { host }),
  listRepositories: (host: string, next: string | null) =>
    call<RepositoryPage>('list_repositories', { host, next }),
  resolveRepository: (host: string, name: string) =>
    call<string>('resolve_repository', { host, name }),
  listTags: (repository: string) =>
    call<Array<string>>('list_tags', { repository }),
  describeTag: (reference: string) =>
    call<TagSummary>('describe_tag', { reference }),
  inspectImage: (reference: string, platform: string | null) =>
    call<ImageReport>('inspect_image', { reference, platform }),
  rawManifest: (reference: string) =>
    call<RawDocument>('raw_manifest', { reference }),
  rawConfig: (repository: string, digest: string, mediaType: string) =>
    call<RawDocument>('raw_config', { repository, digest, mediaType }),
  listReferrers: (reference: string) =>
    call<Array<Referrer>>('list_referrers', { reference }),
  getSettings: () =>
    call<Settings>('get_settings'),
  setTheme: (theme: Theme) =>
    call<Settings>('set_theme', { theme }),
  pinRepository: (repository: string, pinned: boolean) =>
    call<Settings>('pin_repository', { repository, pinned }),
  pullImage: (transferId: number, reference: string, format: PullFormat, platform: string | null, onProgress: (event: ProgressEvent) => void) => {
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return call<PullDone>('pull_image', { transferId, reference, format, platform, onProgress: channel });
  },
  cancelTransfer: (transferId: number) =>
    call<boolean>('cancel_transfer', { transferId }),
};
