import { describe, expect, it } from 'vitest';
import { buildTree, folderPaths, visibleRows, type TreeOf } from '../src/lib/filetree';

interface E {
  path: string;
  kind: 'file' | 'dir' | 'opaque_dir' | 'symlink';
  size: number;
}
const of: TreeOf<E> = {
  path: (e) => e.path,
  bytes: (e) => (e.kind === 'file' ? e.size : 0),
  isFile: (e) => e.kind === 'file',
  isFolder: (e) => e.kind === 'dir' || e.kind === 'opaque_dir',
};
const entries: E[] = [
  { path: 'usr', kind: 'dir', size: 0 },
  { path: 'usr/lib/libc.so', kind: 'file', size: 1000 },
  { path: 'usr/bin/app10', kind: 'file', size: 10 },
  { path: 'usr/bin/app2', kind: 'file', size: 2 },
  { path: 'etc/motd', kind: 'file', size: 5 },
  { path: 'var/cache', kind: 'dir', size: 0 },
  { path: 'var/cache', kind: 'opaque_dir', size: 0 },
  { path: 'link', kind: 'symlink', size: 0 },
];

describe('file tree', () => {
  it('rolls sizes and file counts up to every folder, making up folders a tar skipped', () => {
    const root = buildTree(entries, of);
    expect(root.bytes).toBe(1017);
    expect(root.files).toBe(4);
    const usr = root.children.find((c) => c.name === 'usr')!;
    expect(usr.bytes).toBe(1012);
    const bin = usr.children.find((c) => c.name === 'bin')!;
    expect(bin.items).toEqual([]);
    expect(bin.folder).toBe(true);
    expect(bin.bytes).toBe(12);
    expect(root.children.find((c) => c.name === 'var')!.children[0].items.map((e) => e.kind)).toEqual(['dir', 'opaque_dir']);
  });

  it('lists folders first, then names in natural order, and hides what is collapsed', () => {
    const root = buildTree(entries, of);
    const paths = (collapsed: Set<string>) => visibleRows(root, collapsed).map((r) => `${r.depth}:${r.node.path}`);
    expect(paths(new Set())).toEqual([
      '0:etc', '1:etc/motd',
      '0:usr', '1:usr/bin', '2:usr/bin/app2', '2:usr/bin/app10', '1:usr/lib', '2:usr/lib/libc.so',
      '0:var', '1:var/cache',
      '0:link',
    ]);
    expect(paths(new Set(['usr']))).toEqual(['0:etc', '1:etc/motd', '0:usr', '0:var', '1:var/cache', '0:link']);
    expect(paths(folderPaths(root))).toEqual(['0:etc', '0:usr', '0:var', '0:link']);
  });

  it('keeps every one of 100,000 paths', () => {
    const many: E[] = [];
    for (let i = 0; i < 100_000; i++) many.push({ path: `d${i % 100}/s${i % 7}/f${i}`, kind: 'file', size: 1 });
    const root = buildTree(many, of);
    expect(root.files).toBe(100_000);
    expect(visibleRows(root, new Set()).length).toBe(100_000 + 100 + 700);
  });
});
