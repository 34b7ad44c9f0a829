// What a user may copy about an image, in the order a copy menu offers it: the digest,
// then the pull commands by tag (when it was reached by one) and by digest, for docker
// and for podman. The commands come from the engine (it knows each tool's naming rules).
import type { PullCommands } from './bindings';

export type CopyChoice = { label: string; text: string; what: string };

export function copyChoices(digest: string, c: PullCommands): CopyChoice[] {
  return [
    { label: 'Digest', text: digest, what: 'digest' },
    ...(c.docker_tag ? [{ label: 'docker pull, by tag', text: c.docker_tag, what: 'docker pull command (by tag)' }] : []),
    { label: 'docker pull, by digest (this exact image)', text: c.docker, what: 'docker pull command' },
    ...(c.podman_tag ? [{ label: 'podman pull, by tag', text: c.podman_tag, what: 'podman pull command (by tag)' }] : []),
    { label: 'podman pull, by digest', text: c.podman, what: 'podman pull command' },
  ];
}
