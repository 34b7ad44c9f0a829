// Text a registry controls (tag, repository and file names, label keys and values) may
// carry characters that do not show as themselves: a right-to-left override (U+202E) turns
// `gpj.exe` into what reads as `exe.jpg`, a zero-width space (U+200B) makes two different
// tags look alike. As the CLI does for a terminal, the window never lets them act: each is
// shown as a visible marker (`⟨U+202E⟩`) in a style of its own, and the text as a whole is
// isolated from what surrounds it (RegistryText.svelte puts it in a <bdi>).

/** A piece of registry text: plain text, or one character shown as its marker. */
export type Run = { text: string; hidden: false } | { text: string; hidden: true; code: string };

// Controls (C0, DEL, C1); the soft hyphen; combining grapheme joiner; Arabic letter mark;
// Hangul and Khmer fillers; Mongolian vowel separator; zero-width space, non-joiner, joiner
// and the direction marks; line and paragraph separators; the embeddings, overrides and
// isolates; word joiner, invisible operators and deprecated format characters; the
// byte-order mark (zero-width no-break space); interlinear annotation marks; tag characters.
const HIDDEN =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');
/** Tab, line feed and carriage return: whitespace, where text may span lines. */
const LAYOUT = /^[\t\n\r]$/;

/** `U+202E` for a character. */
export function codePoint(char: string): string {
  return 'U+' + (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

/** The marker a hidden character is shown as: `⟨U+202E⟩`. */
export function marker(char: string): string {
  return `⟨${codePoint(char)}⟩`;
}

/** Whether `text` has any character that would not show as itself. */
export function hasHidden(text: string): boolean {
  return HIDDEN.test(text);
}

/**
 * `text` cut into plain runs and one run per hidden character (its marker). A name (tag,
 * file, repository, label key) has every control marked, a newline too; with
 * `keepWhitespace`, text that may span lines (a label's value, a history line, a file's
 * text) keeps its tabs and line breaks as they are.
 */
export function marked(text: string | null | undefined, keepWhitespace = false): Run[] {
  const t = text ?? '';
  if (!hasHidden(t)) return t ? [{ text: t, hidden: false }] : [];
  const runs: Run[] = [];
  let at = 0;
  for (const m of t.matchAll(HIDDEN_ALL)) {
    if (keepWhitespace && LAYOUT.test(m[0])) continue;
    const i = m.index ?? 0;
    if (i > at) runs.push({ text: t.slice(at, i), hidden: false });
    runs.push({ text: marker(m[0]), hidden: true, code: codePoint(m[0]) });
    at = i + m[0].length;
  }
  if (at < t.length) runs.push({ text: t.slice(at), hidden: false });
  return runs;
}

/** `text` with each hidden character replaced by its marker (for a title or a label). */
export function markedText(text: string | null | undefined): string {
  const t = text ?? '';
  return hasHidden(t) ? t.replace(HIDDEN_ALL, marker) : t;
}
