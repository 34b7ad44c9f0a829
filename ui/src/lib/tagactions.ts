// What the tag list's actions open, from a row's buttons or from the keyboard (every
// action has a key on the row under the cursor): a dialog to tag, untag or delete, the
// clean-up preview, or the push dialog. Where a vendor's API manages the registry, the
// same actions open what works there: on ghcr.io (GitHub deletes versions, not tags or
// manifests) the package's version plan; on Docker Hub (no delete at all) what to do
// instead.
import type { SelectionAction, Vendor } from './bindings';

/** The dialog the tag list shows. */
export type TagModal =
  | { kind: 'tag'; tag: string; digest: string }
  | { kind: 'untag'; tag: string; digest: string }
  | { kind: 'hub-untag'; tags: string[]; action?: HubAction }
  | { kind: 'delete'; digest: string }
  | { kind: 'cleanup'; selection: { tags: string[]; action: SelectionAction } | null }
  | { kind: 'versions'; selection: { tags: string[]; untagOnly: boolean } | null }
  | { kind: 'push'; initial: string | null };

/** What a Docker Hub explanation stands in for: removing tags (the default), deleting
 * their images, or a clean-up by rules. */
export type HubAction = SelectionAction | 'cleanup';

/** A row: the tag standing for it, the tags it stands for (a group's, or its own), and
 * the digest, once its details are in. */
export type TagRow = { tag: string; tags: string[]; digest: string | null; vendor?: Vendor | null };

/** What a key does. */
export type KeyAction = { kind: 'pick-all' } | { kind: 'toggle' } | { kind: 'open'; modal: TagModal };

/** Removing a row's tag: a group's row removes every tag of it, from a preview (on
 * ghcr.io, the version plan's); on Docker Hub, which deletes no tag through its API, what
 * to do instead. One tag elsewhere: a confirm (which on ghcr.io says what GitHub does). */
export function untagModal(tag: string, tags: string[], digest: string, vendor: Vendor | null = null): TagModal {
  if (vendor === 'docker_hub') return { kind: 'hub-untag', tags };
  if (tags.length === 1) return { kind: 'untag', tag, digest };
  return cleanupModal({ tags, action: 'untag' }, vendor);
}

/** Deleting a row's image: a confirm that lists its tags; on ghcr.io, the version plan
 * for the versions holding them; on Docker Hub, what to do instead. */
export function deleteModal(tags: string[], digest: string, vendor: Vendor | null = null): TagModal {
  if (vendor === null) return { kind: 'delete', digest };
  return cleanupModal({ tags, action: 'delete' }, vendor);
}

/** The selection bar's "Remove tags…" and "Delete images…" (`selection`: the picked tags
 * and what to do with them) and the toolbar's "Clean up…" (`selection` null): a preview of
 * the clean-up. On ghcr.io the package's version plan (remove just those tags, delete the
 * versions holding them, or the version rules); on Docker Hub, whose API deletes no tag and
 * whose registry refuses every delete, so that no plan could be carried out, what to do
 * instead. */
export function cleanupModal(selection: { tags: string[]; action: SelectionAction } | null, vendor: Vendor | null = null): TagModal {
  if (vendor === 'github') {
    return { kind: 'versions', selection: selection && { tags: selection.tags, untagOnly: selection.action === 'untag' } };
  }
  if (vendor !== 'docker_hub') return { kind: 'cleanup', selection };
  return selection ? { kind: 'hub-untag', tags: selection.tags, action: selection.action } : { kind: 'hub-untag', tags: [], action: 'cleanup' };
}

/** What key `e` does on `row` (the row under the cursor, if any); null for nothing.
 * Ctrl+A picks every row shown, Space toggles the row, T tags its image, Delete removes
 * its tags, Shift+Delete deletes its image. */
export function keyAction(
  e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean },
  row: TagRow | null,
): KeyAction | null {
  if ((e.ctrlKey || e.metaKey) && e.key === 'a') return { kind: 'pick-all' };
  if (!row) return null;
  if (e.key === ' ') return { kind: 'toggle' };
  const { tag, tags, digest, vendor = null } = row;
  if (e.key === 't' && digest) return { kind: 'open', modal: { kind: 'tag', tag, digest } };
  if (e.key === 'Delete' && digest) {
    return { kind: 'open', modal: e.shiftKey ? deleteModal(tags, digest, vendor) : untagModal(tag, tags, digest, vendor) };
  }
  return null;
}
