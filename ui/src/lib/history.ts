// The history line that made a layer, as a table cell can show it: the shell wrapper
// (`/bin/sh -c`, `#(nop)`, BuildKit's `# buildkit` and build-argument prefix) left out,
// white space collapsed, and long hex runs (file and blob hashes) cut to their first
// characters. The cell keeps the full line on hover; this only makes it readable at a
// glance, one or two lines instead of a column of hashes.

/** Hex runs at least this long are hashes: shown by their first `HEX_KEEP` characters. */
const HEX_RUN = 16;
const HEX_KEEP = 8;

const NOP = /^\/bin\/sh -c #\(nop\)\s*/;
// `|2 VERSION=1 ARCH=x /bin/sh -c …`: the build arguments a classic build lists first.
const ARGS = /^\|\d+ (?:\S+=\S* )*/;
const SHELL = /^\/bin\/sh -c /;

/** `line` shortened for a glance (see the module comment); '' for none. */
export function shortHistory(line: string | null | undefined): string {
  let text = (line ?? '').replace(/\s+/g, ' ').trim().replace(/ # buildkit$/, '');
  if (NOP.test(text)) {
    text = text.replace(NOP, '');
  } else {
    const run = text.startsWith('RUN ');
    const body = (run ? text.slice(4) : text).replace(ARGS, '');
    if (SHELL.test(body)) text = `RUN ${body.replace(SHELL, '')}`;
    else if (run) text = `RUN ${body}`;
  }
  return text.replace(new RegExp(`[0-9a-f]{${HEX_RUN},}`, 'g'), (hex) => `${hex.slice(0, HEX_KEEP)}…`);
}
