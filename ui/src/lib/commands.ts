// Generated from src-tauri/src/commands/list.rs by src-tauri/src/commands/mod.rs. Do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p portolan-app generated

import { Channel } from '@tauri-apps/api/core';
import { call } from './call';
import type { CleanupPlan, CleanupProgress, CleanupRules, CleanupSummary, Comparison, CopyRequest, DeletePreview, Digest, DroppedFiles, EngineChoice, EngineStatus, ExpectedSigner, FileRead, HostAdvice, ImageDiff, ImageReport, LayerListing, LayerRead, LocalImage, LocalImageDetails, MergedTree, NewRegistry, PackageList, PlannedVersion, ProgressEvent, PullRequest, PushRequest, RawDocument, Referrer, RegistryView, RepositoryPage, SelectionAction, Settings, ShownFile, SignedSummary, Step, SupplyChainView, TagCheck, TagCount, TagDigests, TagList, TagRequest, TagSummary, Tagged, Theme, TransferView, TrustOptions, UntagFinish, UntagFinished, UntagUndo, UntagUndone, Untagged, VersionCleanupSummary, VersionList, VersionPlan, VersionRules, VersionUntag, VersionUntagPreview, VersionUntagRequest, VulnerabilityView, WebPage } from './bindings';

/** Every command of the backend, typed. */
export const commands = {
  listRegistries: () =>
    call<Array<RegistryView>>('list_registries'),
  adviseHost: (host: string) =>
    call<HostAdvice>('advise_host', { host }),
  addRegistry: (request: NewRegistry) =>
    call<Array<RegistryView>>('add_registry', { request }),
  removeRegistry: (host: string) =>
    call<Array<RegistryView>>('remove_registry', { host }),
  renameRegistry: (host: string, name: string) =>
    call<Array<RegistryView>>('rename_registry', { host, name }),
  testRegistry: (host: string, insecure: boolean, caFile: string | null) =>
    call<string>('test_registry', { host, insecure, caFile }),
  signIn: (host: string, username: string, secret: string) =>
    call<RegistryView>('sign_in', { host, username, secret }),
  useDockerLogin: (host: string) =>
    call<RegistryView>('use_docker_login', { host }),
  signOut: (host: string) =>
    call<RegistryView>('sign_out', { host }),
  listRepositories: (host: string, next: string | null) =>
    call<RepositoryPage>('list_repositories', { host, next }),
  listPackages: (host: string, owner: string | null, visibility: string | null) =>
    call<PackageList>('list_packages', { host, owner, visibility }),
  listVersions: (repository: string, deleted: boolean) =>
    call<VersionList>('list_versions', { repository, deleted }),
  deleteVersion: (repository: string, versionId: string) =>
    call<null>('delete_version', { repository, versionId }),
  restoreVersion: (repository: string, versionId: string) =>
    call<null>('restore_version', { repository, versionId }),
  openInBrowser: (page: WebPage) =>
    call<null>('open_in_browser', { page }),
  previewVersionUntag: (repository: string, tag: string, expected: Digest) =>
    call<VersionUntagPreview | null>('preview_version_untag', { repository, tag, expected }),
  untagVersion: (request: VersionUntagRequest) =>
    call<VersionUntag>('untag_version', { request }),
  finishVersionUntag: (finish: UntagFinish) =>
    call<UntagFinished>('finish_version_untag', { finish }),
  undoVersionUntag: (undo: UntagUndo) =>
    call<UntagUndone>('undo_version_untag', { undo }),
  planVersionCleanup: (repository: string, rules: VersionRules) =>
    call<VersionPlan>('plan_version_cleanup', { repository, rules }),
  deleteVersions: (repository: string, versions: Array<PlannedVersion>, onProgress: (event: CleanupProgress) => void) => {
    const channel = new Channel<CleanupProgress>();
    channel.onmessage = onProgress;
    return call<VersionCleanupSummary>('delete_versions', { repository, versions, onProgress: channel });
  },
  resolveRepository: (host: string, name: string) =>
    call<string>('resolve_repository', { host, name }),
  listTags: (repository: string) =>
    call<TagList>('list_tags', { repository }),
  countTags: (repository: string) =>
    call<TagCount>('count_tags', { repository }),
  tagDigests: (repository: string) =>
    call<TagDigests>('tag_digests', { repository }),
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
  imageSupplyChain: (reference: string, platform: string | null) =>
    call<SupplyChainView>('image_supply_chain', { reference, platform }),
  signedSummary: (reference: string, attachedTags: Array<string> | null) =>
    call<SignedSummary>('signed_summary', { reference, attachedTags }),
  setExpectedSigner: (repository: string, signer: ExpectedSigner | null) =>
    call<Settings>('set_expected_signer', { repository, signer }),
  setTrust: (trust: TrustOptions) =>
    call<Settings>('set_trust', { trust }),
  setVulnerabilityLookups: (enabled: boolean) =>
    call<Settings>('set_vulnerability_lookups', { enabled }),
  imageVulnerabilities: (reference: string, platform: string | null) =>
    call<VulnerabilityView>('image_vulnerabilities', { reference, platform }),
  listLayerFiles: (layer: LayerRead, onProgress: (event: ProgressEvent) => void) => {
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return call<LayerListing>('list_layer_files', { layer, onProgress: channel });
  },
  readLayerFile: (file: FileRead, onProgress: (event: ProgressEvent) => void) => {
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return call<ShownFile>('read_layer_file', { file, onProgress: channel });
  },
  saveLayerFile: (file: FileRead, to: string, onProgress: (event: ProgressEvent) => void) => {
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return call<string>('save_layer_file', { file, to, onProgress: channel });
  },
  imageFiles: (reference: string, platform: string | null, readId: number, onProgress: (event: ProgressEvent) => void) => {
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return call<MergedTree>('image_files', { reference, platform, readId, onProgress: channel });
  },
  compareImages: (request: Comparison, onProgress: (event: ProgressEvent) => void) => {
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return call<ImageDiff>('compare_images', { request, onProgress: channel });
  },
  cancelRead: (readId: number) =>
    call<boolean>('cancel_read', { readId }),
  checkNewTag: (repository: string, tag: string) =>
    call<TagCheck>('check_new_tag', { repository, tag }),
  addTag: (request: TagRequest) =>
    call<Tagged>('add_tag', { request }),
  removeTag: (repository: string, tag: string, digest: Digest) =>
    call<Untagged>('remove_tag', { repository, tag, digest }),
  previewDelete: (repository: string, digest: Digest) =>
    call<DeletePreview>('preview_delete', { repository, digest }),
  deleteImage: (repository: string, digest: Digest, tags: Array<string>) =>
    call<Digest>('delete_image', { repository, digest, tags }),
  planCleanup: (repository: string, rules: CleanupRules) =>
    call<CleanupPlan>('plan_cleanup', { repository, rules }),
  planRemoval: (repository: string, tags: Array<string>, action: SelectionAction) =>
    call<CleanupPlan>('plan_removal', { repository, tags, action }),
  runCleanup: (repository: string, steps: Array<Step>, onProgress: (event: CleanupProgress) => void) => {
    const channel = new Channel<CleanupProgress>();
    channel.onmessage = onProgress;
    return call<CleanupSummary>('run_cleanup', { repository, steps, onProgress: channel });
  },
  getSettings: () =>
    call<Settings>('get_settings'),
  setTheme: (theme: Theme) =>
    call<Settings>('set_theme', { theme }),
  pinRepository: (repository: string, pinned: boolean) =>
    call<Settings>('pin_repository', { repository, pinned }),
  setEngine: (engine: EngineChoice) =>
    call<Settings>('set_engine', { engine }),
  engineStatus: () =>
    call<EngineStatus>('engine_status'),
  localImages: (filter: string) =>
    call<Array<LocalImage>>('local_images', { filter }),
  tagLocalImage: (image: string, target: string) =>
    call<string>('tag_local_image', { image, target }),
  removeLocalImage: (name: string) =>
    call<Array<string>>('remove_local_image', { name }),
  inspectLocalImage: (name: string) =>
    call<LocalImageDetails>('inspect_local_image', { name }),
  startPull: (request: PullRequest, folder: string | null) =>
    call<TransferView>('start_pull', { request, folder }),
  pushSourceImages: (source: string) =>
    call<Array<string>>('push_source_images', { source }),
  suggestPushTarget: (image: string, host: string) =>
    call<string>('suggest_push_target', { image, host }),
  startPush: (request: PushRequest) =>
    call<TransferView>('start_push', { request }),
  startCopy: (request: CopyRequest) =>
    call<TransferView>('start_copy', { request }),
  listTransfers: () =>
    call<Array<TransferView>>('list_transfers'),
  cancelTransfer: (transferId: number) =>
    call<boolean>('cancel_transfer', { transferId }),
  clearTransfers: () =>
    call<Array<TransferView>>('clear_transfers'),
  pickFolder: (title: string) =>
    call<string | null>('pick_folder', { title }),
  pickFile: (title: string) =>
    call<string | null>('pick_file', { title }),
  pickSaveFile: (title: string, name: string) =>
    call<string | null>('pick_save_file', { title, name }),
  watchDrops: (onProgress: (event: DroppedFiles) => void) => {
    const channel = new Channel<DroppedFiles>();
    channel.onmessage = onProgress;
    return call<null>('watch_drops', { onProgress: channel });
  },
  showTransferResult: (transferId: number) =>
    call<null>('show_transfer_result', { transferId }),
};
