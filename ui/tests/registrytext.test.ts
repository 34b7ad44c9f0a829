import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import { hasHidden, marked, markedText } from '../src/lib/registrytext';
import { linkHost, summarize, webLink } from '../src/lib/labels';
import RegistryText from '../src/components/RegistryText.svelte';

afterEach(cleanup);

// A file that reads as a picture but ends in .exe, and a tag that looks like `latest`.
const TROJAN = 'invoice\u202Egpj.exe';
const LOOKALIKE = 'lat\u200Best';

describe('registry text', () => {
  it('marks bidi overrides and zero-width characters, and leaves plain text alone', () => {
    expect(markedText(TROJAN)).toBe('invoice⟨U+202E⟩gpj.exe');
    expect(markedText(LOOKALIKE)).toBe('lat⟨U+200B⟩est');
    expect(markedText('v1.2.3-alpine')).toBe('v1.2.3-alpine');
    expect(markedText('日本語 / עברית')).toBe('日本語 / עברית');
    expect(markedText(null)).toBe('');
    for (const c of ['\u200E', '\u200F', '\u061C', '\u2066', '\u2069', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u0000', '\u001B', '\u007F', '\u0085', '\u00AD'])
      expect(hasHidden(`a${c}b`), `U+${c.codePointAt(0)!.toString(16)}`).toBe(true);
    // A tag character (ASCII smuggling) outside the basic plane.
    expect(markedText('a\u{E0041}b')).toBe('a⟨U+E0041⟩b');
  });

  it('cuts text into runs, one per hidden character', () => {
    expect(marked(TROJAN)).toEqual([
      { text: 'invoice', hidden: false },
      { text: '⟨U+202E⟩', hidden: true, code: 'U+202E' },
      { text: 'gpj.exe', hidden: false },
    ]);
    expect(marked('\u200B\u200B')).toEqual([
      { text: '⟨U+200B⟩', hidden: true, code: 'U+200B' },
      { text: '⟨U+200B⟩', hidden: true, code: 'U+200B' },
    ]);
    expect(marked('')).toEqual([]);
  });

  it('marks line breaks in a name, keeps them in text that spans lines', () => {
    expect(markedText('a\nb')).toBe('a⟨U+000A⟩b');
    expect(marked('RUN a \\\n\t&& b\u202E', true).map((r) => r.text).join('')).toBe('RUN a \\\n\t&& b⟨U+202E⟩');
  });

  it('renders isolated, with the markers in a style of their own', () => {
    const { container } = render(RegistryText, { text: TROJAN });
    const bdi = container.querySelector('bdi.registry-text');
    expect(bdi?.textContent).toBe('invoice⟨U+202E⟩gpj.exe');
    const marker = bdi?.querySelector('.hidden-char');
    expect(marker?.textContent).toBe('⟨U+202E⟩');
    expect(marker?.getAttribute('title')).toContain('U+202E');
    expect(container.textContent).not.toContain('\u202E');
  });
});

describe('label links', () => {
  it('offers only http(s) links without credentials, and names their host', () => {
    expect(webLink('https://github.com/example/app')).toBe('https://github.com/example/app');
    expect(webLink('http://example.org/docs')).toBe('http://example.org/docs');
    expect(webLink('git+https://github.com/example/app.git')).toBe('https://github.com/example/app.git');
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'ssh://git@github.com/x', 'https://github.com@evil.example/', 'not a link'])
      expect(webLink(bad), bad).toBeNull();
    expect(linkHost('https://docs.example.org:8443/x')).toBe('docs.example.org:8443');
    const about = summarize({ 'org.opencontainers.image.documentation': 'https://docs.example.org/app' });
    expect(about.documentation).toBe('https://docs.example.org/app');
  });
});
