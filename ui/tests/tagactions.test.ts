import { describe, expect, it } from 'vitest';
import { cleanupModal, deleteModal, keyAction, untagModal } from '../src/lib/tagactions';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) => ({
  key: k, ctrlKey: false, metaKey: false, shiftKey: false, ...mods,
});
const D = 'sha256:' + 'a'.repeat(64);
const one = { tag: 'v1', tags: ['v1'], digest: D };
const group = { tag: 'v1', tags: ['v1', 'latest'], digest: D };

describe('tag row actions', () => {
  it('removes a group from a preview, a single tag with a confirm', () => {
    expect(untagModal('v1', ['v1'], D)).toEqual({ kind: 'untag', tag: 'v1', digest: D });
    expect(untagModal('v1', ['v1', 'latest'], D)).toEqual({ kind: 'cleanup', selection: { tags: ['v1', 'latest'], action: 'untag' } });
  });

  it('on Docker Hub, which deletes no tag through its API, says what to do instead', () => {
    expect(untagModal('v1', ['v1'], D, 'docker_hub')).toEqual({ kind: 'hub-untag', tags: ['v1'] });
    expect(untagModal('v1', ['v1', 'latest'], D, 'docker_hub')).toEqual({ kind: 'hub-untag', tags: ['v1', 'latest'] });
    expect(keyAction(key('Delete'), { ...one, vendor: 'docker_hub' as const })).toEqual({ kind: 'open', modal: { kind: 'hub-untag', tags: ['v1'] } });
  });

  it('previews a selection or a clean-up, except on Docker Hub, where none could run', () => {
    const picked = ['v1', 'v2'];
    expect(cleanupModal({ tags: picked, action: 'untag' })).toEqual({ kind: 'cleanup', selection: { tags: picked, action: 'untag' } });
    expect(cleanupModal({ tags: picked, action: 'delete' })).toEqual({ kind: 'cleanup', selection: { tags: picked, action: 'delete' } });
    expect(cleanupModal(null)).toEqual({ kind: 'cleanup', selection: null });
    expect(cleanupModal({ tags: picked, action: 'untag' }, 'docker_hub')).toEqual({ kind: 'hub-untag', tags: picked, action: 'untag' });
    expect(cleanupModal({ tags: picked, action: 'delete' }, 'docker_hub')).toEqual({ kind: 'hub-untag', tags: picked, action: 'delete' });
    expect(cleanupModal(null, 'docker_hub')).toEqual({ kind: 'hub-untag', tags: [], action: 'cleanup' });
  });

  it('on ghcr.io, where GitHub deletes versions, opens the version plan', () => {
    const picked = ['v1', 'v2'];
    expect(cleanupModal({ tags: picked, action: 'untag' }, 'github')).toEqual({ kind: 'versions', selection: { tags: picked, untagOnly: true } });
    expect(cleanupModal({ tags: picked, action: 'delete' }, 'github')).toEqual({ kind: 'versions', selection: { tags: picked, untagOnly: false } });
    expect(cleanupModal(null, 'github')).toEqual({ kind: 'versions', selection: null });
    expect(untagModal('v1', ['v1'], D, 'github')).toEqual({ kind: 'untag', tag: 'v1', digest: D });
    expect(untagModal('v1', ['v1', 'latest'], D, 'github')).toEqual({ kind: 'versions', selection: { tags: ['v1', 'latest'], untagOnly: true } });
    expect(deleteModal(['v1'], D, 'github')).toEqual({ kind: 'versions', selection: { tags: ['v1'], untagOnly: false } });
    expect(deleteModal(['v1'], D, 'docker_hub')).toEqual({ kind: 'hub-untag', tags: ['v1'], action: 'delete' });
    expect(deleteModal(['v1'], D)).toEqual({ kind: 'delete', digest: D });
    expect(keyAction(key('Delete', { shiftKey: true }), { ...one, vendor: 'github' as const })).toEqual({
      kind: 'open',
      modal: { kind: 'versions', selection: { tags: ['v1'], untagOnly: false } },
    });
  });

  it('maps keys to actions on the row under the cursor', () => {
    expect(keyAction(key('a', { ctrlKey: true }), null)).toEqual({ kind: 'pick-all' });
    expect(keyAction(key('a', { metaKey: true }), one)).toEqual({ kind: 'pick-all' });
    expect(keyAction(key(' '), null)).toBeNull();
    expect(keyAction(key(' '), one)).toEqual({ kind: 'toggle' });
    expect(keyAction(key('t'), one)).toEqual({ kind: 'open', modal: { kind: 'tag', tag: 'v1', digest: D } });
    expect(keyAction(key('Delete'), one)).toEqual({ kind: 'open', modal: { kind: 'untag', tag: 'v1', digest: D } });
    expect(keyAction(key('Delete'), group)).toEqual({ kind: 'open', modal: { kind: 'cleanup', selection: { tags: ['v1', 'latest'], action: 'untag' } } });
    expect(keyAction(key('Delete', { shiftKey: true }), group)).toEqual({ kind: 'open', modal: { kind: 'delete', digest: D } });
    expect(keyAction(key('x'), one)).toBeNull();
  });

  it('waits for the digest before tag and delete keys do anything', () => {
    const pending = { ...one, digest: null };
    expect(keyAction(key('t'), pending)).toBeNull();
    expect(keyAction(key('Delete'), pending)).toBeNull();
    expect(keyAction(key(' '), pending)).toEqual({ kind: 'toggle' });
  });
});
