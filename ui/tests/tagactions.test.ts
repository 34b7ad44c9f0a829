import { describe, expect, it } from 'vitest';
import { cleanupModal, keyAction, untagModal } from '../src/lib/tagactions';

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
    expect(untagModal('v1', ['v1'], D, true)).toEqual({ kind: 'hub-untag', tags: ['v1'] });
    expect(untagModal('v1', ['v1', 'latest'], D, true)).toEqual({ kind: 'hub-untag', tags: ['v1', 'latest'] });
    expect(keyAction(key('Delete'), { ...one, hub: true })).toEqual({ kind: 'open', modal: { kind: 'hub-untag', tags: ['v1'] } });
  });

  it('previews a selection or a clean-up, except on Docker Hub, where none could run', () => {
    const picked = ['v1', 'v2'];
    expect(cleanupModal({ tags: picked, action: 'untag' })).toEqual({ kind: 'cleanup', selection: { tags: picked, action: 'untag' } });
    expect(cleanupModal({ tags: picked, action: 'delete' })).toEqual({ kind: 'cleanup', selection: { tags: picked, action: 'delete' } });
    expect(cleanupModal(null)).toEqual({ kind: 'cleanup', selection: null });
    expect(cleanupModal({ tags: picked, action: 'untag' }, true)).toEqual({ kind: 'hub-untag', tags: picked, action: 'untag' });
    expect(cleanupModal({ tags: picked, action: 'delete' }, true)).toEqual({ kind: 'hub-untag', tags: picked, action: 'delete' });
    expect(cleanupModal(null, true)).toEqual({ kind: 'hub-untag', tags: [], action: 'cleanup' });
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
