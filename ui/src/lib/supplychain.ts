// What the supply-chain parts of the window say, in words, kept out of the components so
// they can be tested: a Signed cell's symbol, text and tooltip; a verdict, a format and
// where an attachment was found; a signer in a few characters; the SBOM table's filter and
// license summary; a provenance read defensively (its shape is the backend's, and new
// fields may arrive before the bindings know them). Every string here comes from a
// document or a registry and is shown as text only.
import type { Attachment, ExpectedSigner, FoundVia, Format, Package, SignedSummary, Signer, Verdict } from './bindings';

/** A Signed cell: a summary, still asked for, or why asking failed. */
export type SignedCell = SignedSummary | 'loading' | { error: string };

/** How a Signed cell looks: a symbol, a short text, its tooltip and its tone. */
export type SignedLook = {
  /** The state, for tests and styles: the summary's, or `loading` / `error`. */
  state: SignedSummary['state'] | 'loading' | 'error';
  symbol: string;
  text: string;
  title: string;
  tone: 'good' | 'bad' | 'muted' | 'none';
};

/**
 * A signer in a few characters for a narrow cell: an email's user, a workflow identity's
 * `owner/repo`, a URL's last part, a key's name; the whole when already short.
 *
 * `https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main` → `acme/app`,
 * `ada@example.org` → `ada@example.org` (short enough), `key /home/ada/cosign.pub` →
 * `key cosign.pub`, `CN=Release signer,O=Acme,C=US` → `Release signer`.
 */
export function shortSigner(by: string | null | undefined, max = 22): string {
  const text = (by ?? '').trim();
  if (!text) return '';
  if (text.length <= max) return text;
  const key = /^key (.+)$/.exec(text);
  if (key) {
    const name = key[1].split('/').filter(Boolean).pop() ?? key[1];
    return clip(`key ${name}`, max);
  }
  // A CI workflow identity: https://host/owner/repo/.github/workflows/x.yml@ref
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/([^/]+)\/([^/@]+)/i.exec(text);
  if (url) return clip(`${url[1]}/${url[2]}`, max);
  // A certificate subject (a Notation signer): its common name.
  const cn = /(?:^|[,/]\s*)CN=([^,/]+)/.exec(text);
  if (cn) return clip(cn[1].trim(), max);
  const email = /^([^@\s]+)@([^@\s]+)$/.exec(text);
  if (email) return clip(email[1], max);
  return clip(text, max);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A Signed cell as it is drawn. */
export function signedLook(cell: SignedCell | undefined): SignedLook {
  if (cell === undefined || cell === 'loading') return { state: 'loading', symbol: '…', text: '', title: 'Checking the signatures…', tone: 'muted' };
  if ('error' in cell) return { state: 'error', symbol: '?', text: 'not checked', title: `Could not check: ${cell.error}`, tone: 'muted' };
  switch (cell.state) {
    case 'verified':
      return {
        state: cell.state,
        symbol: '✓',
        text: shortSigner(cell.by),
        title: `Signed by ${cell.by ?? 'an unnamed signer'}${cell.issuer ? ` (${cell.issuer})` : ''}${counted(cell)}`,
        tone: 'good',
      };
    case 'invalid':
      return { state: cell.state, symbol: '✗', text: 'invalid', title: `A signature does not hold: ${cell.detail ?? 'no reason given'}`, tone: 'bad' };
    case 'wrong_signer':
      return {
        state: cell.state,
        symbol: '⚠',
        text: 'other signer',
        title: `Signed by ${cell.by ?? 'an unnamed signer'}${cell.issuer ? ` (${cell.issuer})` : ''}, ${cell.detail ?? 'not the expected signer'}`,
        tone: 'bad',
      };
    case 'not_checkable':
      return { state: cell.state, symbol: '?', text: 'not checked', title: `Signed, but not checked: ${cell.detail ?? 'no reason given'}`, tone: 'muted' };
    default:
      return { state: 'none', symbol: '—', text: '', title: 'No signature', tone: 'none' };
  }
}

function counted(s: SignedSummary): string {
  return s.signatures > 1 ? ` (${s.signatures} signatures)` : '';
}

/** The tags of `tags` that hold what is attached to images, by the image's hex digest
 * (cosign's `sha256-<hex>.sig`, `.att`, `.sbom` and the OCI fallback tag `sha256-<hex>`). */
export function attachedTagIndex(tags: string[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const t of tags) {
    const m = /^sha256-([0-9a-f]{64})/.exec(t);
    if (!m) continue;
    const list = index.get(m[1]);
    if (list) list.push(t);
    else index.set(m[1], [t]);
  }
  return index;
}

/** The tags a Signed cell passes for an image: its own; for an index, every attached tag
 * (its platform images' signatures are among them, and their digests are not known here). */
export function attachedTagsFor(index: Map<string, string[]>, digest: string, isIndex: boolean): string[] {
  if (isIndex) return [...index.values()].flat();
  return index.get(digest.replace(/^sha256:/, '')) ?? [];
}

/** A verdict in one short phrase, with whether it is a failure a user must see. */
export function verdictWords(v: Verdict): { text: string; tone: 'good' | 'bad' | 'muted' } {
  switch (v.verdict) {
    case 'verified':
      return { text: v.policy_matched ? 'Verified' : 'Verified (any signer)', tone: 'good' };
    case 'wrong_signer':
      return { text: 'Signed by someone else', tone: 'bad' };
    case 'failed':
      return { text: 'Invalid', tone: 'bad' };
    case 'not_checkable':
      return { text: 'Not checked', tone: 'muted' };
    default:
      return { text: 'Unsigned', tone: 'muted' };
  }
}

const FORMATS: Record<Format, string> = {
  sigstore_bundle: 'Sigstore bundle',
  cosign_signature: 'cosign signature',
  cosign_attestation: 'cosign attestation',
  notation_signature: 'Notation signature',
  in_toto_statement: 'in-toto statement (unsigned)',
  spdx: 'SPDX SBOM',
  cyclone_dx: 'CycloneDX SBOM',
  other: 'other',
};

/** An attachment's format in words. */
export function formatWords(f: Format): string {
  return FORMATS[f] ?? f;
}

/** Where an attachment was found, in words. */
export function foundViaWords(f: FoundVia): string {
  switch (f.via) {
    case 'referrers_api':
      return 'referrers API';
    case 'fallback_tag':
      return 'referrers tag';
    case 'cosign_tag':
      return `tag ${f.tag}`;
    case 'index_entry':
      return "the image's index";
    default:
      return 'unknown';
  }
}

/** A predicate type in words: SLSA provenance, SBOMs and a few well-known ones; else as is. */
export function predicateWords(type: string | null | undefined): string {
  if (!type) return '';
  const slsa = /^https:\/\/slsa\.dev\/provenance\/(v[0-9.]+)/.exec(type);
  if (slsa) return `SLSA provenance ${slsa[1]}`;
  if (/^https:\/\/spdx\.dev\/Document/.test(type)) return 'SPDX SBOM';
  if (/^https:\/\/cyclonedx\.org\/bom/.test(type)) return 'CycloneDX SBOM';
  if (/^https:\/\/cosign\.sigstore\.dev\/attestation\/vuln/.test(type)) return 'vulnerability scan';
  return type;
}

/** The verdict's signer, when it names one. */
export function signerOf(v: Verdict): Signer | null {
  return v.verdict === 'verified' || v.verdict === 'wrong_signer' ? v.signer : null;
}

/** Who a signer is, in a few words (the backend's `signer_words`). */
export function signerWords(s: Signer): string {
  return s.identity ?? (s.key ? `key ${s.key}` : null) ?? s.subject ?? 'an unnamed signer';
}

/** The signer to offer as "Expect this signer": a verified keyless signature's identity
 * and issuer (a key or a Notation certificate is trusted by the key or the store instead). */
export function expectable(attachments: Attachment[]): ExpectedSigner | null {
  for (const a of attachments) {
    const v = a.verdict;
    if (v.verdict === 'verified' && v.signer.identity && v.signer.issuer) {
      return { identity: v.signer.identity, identity_pattern: null, issuer: v.signer.issuer };
    }
  }
  return null;
}

/** An expected signer in words. */
export function expectedWords(s: ExpectedSigner | null | undefined): string {
  const identity = s?.identity || (s?.identity_pattern ? `an identity matching ${s.identity_pattern}` : null);
  const issuer = s?.issuer || null;
  if (identity && issuer) return `${identity} from ${issuer}`;
  if (identity) return identity;
  if (issuer) return `any identity from ${issuer}`;
  return 'anyone the trusted root vouches for';
}

// ---- SBOM ----

/** Packages whose name, version, purl or license holds `filter` (any case), and, with
 * `license`, only those carrying it. */
export function filterPackages(packages: Package[], filter: string, license: string | null): Package[] {
  const f = filter.trim().toLowerCase();
  if (!f && license === null) return packages;
  return packages.filter((p) => {
    if (license !== null && !licensesOf(p).includes(license)) return false;
    if (!f) return true;
    return (
      p.name.toLowerCase().includes(f) ||
      (p.version ?? '').toLowerCase().includes(f) ||
      (p.purl ?? '').toLowerCase().includes(f) ||
      p.licenses.some((l) => l.toLowerCase().includes(f))
    );
  });
}

/** A package's licenses, `unknown` when it states none (as the license summary counts them). */
export function licensesOf(p: Package): string[] {
  return p.licenses.length ? p.licenses : ['unknown'];
}

/** How many distinct packages (by name and version) carry a purl: those a vulnerability
 * lookup would send. */
export function lookupCount(packages: Package[]): number {
  const seen = new Set<string>();
  for (const p of packages) if (p.purl) seen.add(`${p.name}\u0000${p.version ?? ''}`);
  return seen.size;
}

// ---- Provenance ----

/** Links a provenance's backend built from checked parts. */
export type ProvenanceLinks = { repository: string | null; commit: string | null; workflow: string | null; run: string | null };

/** A provenance as the window shows it: every field optional, strings only. */
export type ProvenanceFacts = {
  predicateType: string | null;
  builder: string | null;
  buildType: string | null;
  repository: string | null;
  commit: string | null;
  ref: string | null;
  workflow: string | null;
  trigger: string | null;
  run: string | null;
  started: string | null;
  finished: string | null;
  parameters: [string, string][];
  materials: { uri: string; digest: string | null }[];
  links: ProvenanceLinks;
};

function str(o: Record<string, unknown>, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'string' && v.trim()) return v;
  }
  return null;
}

/** Read a provenance whatever fields it has (unknown ones are ignored, wrong types dropped). */
export function provenanceFacts(p: unknown): ProvenanceFacts {
  const o = p && typeof p === 'object' ? (p as Record<string, unknown>) : {};
  const l = o.links && typeof o.links === 'object' ? (o.links as Record<string, unknown>) : {};
  const params = o.build_parameters && typeof o.build_parameters === 'object' ? Object.entries(o.build_parameters as Record<string, unknown>) : [];
  const materials = Array.isArray(o.materials) ? o.materials : [];
  return {
    predicateType: str(o, 'predicate_type'),
    builder: str(o, 'builder_id', 'builder'),
    buildType: str(o, 'build_type'),
    repository: str(o, 'source_repository'),
    commit: str(o, 'source_commit'),
    ref: str(o, 'source_ref'),
    workflow: str(o, 'workflow'),
    trigger: str(o, 'trigger'),
    run: str(o, 'run_id', 'invocation_id'),
    started: str(o, 'started_on', 'started'),
    finished: str(o, 'finished_on', 'finished'),
    parameters: params.filter((e): e is [string, string] => typeof e[1] === 'string'),
    materials: materials
      .filter((m): m is Record<string, unknown> => !!m && typeof m === 'object' && typeof (m as Record<string, unknown>).uri === 'string')
      .map((m) => ({ uri: m.uri as string, digest: typeof m.digest === 'string' ? m.digest : null })),
    links: { repository: str(l, 'repository'), commit: str(l, 'commit'), workflow: str(l, 'workflow'), run: str(l, 'run') },
  };
}

/** A commit id as people read it: 12 characters of a hex commit, else as is. */
export function shortCommit(commit: string | null): string {
  if (!commit) return '';
  return /^[0-9a-f]{13,}$/i.test(commit) ? commit.slice(0, 12) : commit;
}
