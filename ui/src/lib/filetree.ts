// A layer's (or an image's) flat list of paths as a folder tree: every folder knows the
// bytes and files under it (rolled up), children sort folders first, then by name; and
// the tree flattens into the rows a virtual list shows, skipping what is collapsed. Folders
// a layer never lists (a tar may name `a/b/c` without `a/b`) are made up on the way.

export interface TreeNode<T> {
  /** Last component of the path. */
  name: string;
  /** The full path ('' for the root). */
  path: string;
  /** The entries at this path (usually one; an opaque marker shares its folder's path). */
  items: T[];
  /** Children, folders first, then by name. */
  children: TreeNode<T>[];
  /** Whether it is a folder (listed as one, or holding children). */
  folder: boolean;
  /** Bytes of the files at and under this path. */
  bytes: number;
  /** Files at and under this path. */
  files: number;
}

export interface TreeRow<T> {
  node: TreeNode<T>;
  depth: number;
}

export interface TreeOf<T> {
  path: (item: T) => string;
  /** Bytes the item counts for (0 for all but files). */
  bytes: (item: T) => number;
  isFile: (item: T) => boolean;
  isFolder: (item: T) => boolean;
}

function node<T>(path: string): TreeNode<T> {
  const slash = path.lastIndexOf('/');
  return { name: slash < 0 ? path : path.slice(slash + 1), path, items: [], children: [], folder: false, bytes: 0, files: 0 };
}

const byName = new Intl.Collator(undefined, { numeric: true });

/** Build the tree of `items`. */
export function buildTree<T>(items: readonly T[], of: TreeOf<T>): TreeNode<T> {
  const root = node<T>('');
  root.folder = true;
  const nodes = new Map<string, TreeNode<T>>([['', root]]);
  const ensure = (path: string): TreeNode<T> => {
    let n = nodes.get(path);
    if (n) return n;
    n = node<T>(path);
    nodes.set(path, n);
    const slash = path.lastIndexOf('/');
    const parent = ensure(slash < 0 ? '' : path.slice(0, slash));
    parent.folder = true;
    parent.children.push(n);
    return n;
  };
  for (const item of items) {
    const path = of.path(item);
    const n = path === '' ? root : ensure(path);
    n.items.push(item);
    if (of.isFolder(item)) n.folder = true;
  }
  // Roll sizes up, children before parents, and sort each folder's children.
  const order: TreeNode<T>[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    order.push(n);
    for (const c of n.children) stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    for (const item of n.items) {
      if (of.isFile(item)) {
        n.files += 1;
        n.bytes += of.bytes(item);
      }
    }
    for (const c of n.children) {
      n.bytes += c.bytes;
      n.files += c.files;
    }
    n.children.sort((a, b) => (a.folder === b.folder ? byName.compare(a.name, b.name) : a.folder ? -1 : 1));
  }
  return root;
}

/** The rows shown: every node under `root` in order, without what `collapsed` folders hold. */
export function visibleRows<T>(root: TreeNode<T>, collapsed: ReadonlySet<string>): TreeRow<T>[] {
  const rows: TreeRow<T>[] = [];
  const stack: TreeRow<T>[] = [];
  for (let i = root.children.length - 1; i >= 0; i--) stack.push({ node: root.children[i], depth: 0 });
  while (stack.length) {
    const row = stack.pop()!;
    rows.push(row);
    if (row.node.folder && !collapsed.has(row.node.path)) {
      const kids = row.node.children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], depth: row.depth + 1 });
    }
  }
  return rows;
}

/** Every folder path under `root` (to collapse them all). */
export function folderPaths<T>(root: TreeNode<T>): Set<string> {
  const out = new Set<string>();
  const stack = [...root.children];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.folder) {
      out.add(n.path);
      stack.push(...n.children);
    }
  }
  return out;
}
