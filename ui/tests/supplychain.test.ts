import { describe, expect, it } from 'vitest';
import {
  attachedTagIndex,
  attachedTagsFor,
  expectable,
  expectedWords,
  filterPackages,
  foundViaWords,
  lookupCount,
  predicateWords,
  provenanceFacts,
  shortCommit,
  shortSigner,
  signedLook,
} from '../src/lib/supplychain';
import { severityCounts, sortVulns, type Vuln } from '../src/lib/vulns';
import type { Attachment, Package } from '../src/lib/bindings';

const HEX = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

describe('Signed cells', () => {
  it('names a signer in a few characters', () => {
    expect(shortSigner('https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main')).toBe('acme/app');
    expect(shortSigner('ada@example.org')).toBe('ada@example.org');
    expect(shortSigner('a-very-long-user-name-indeed@example.org')).toBe('a-very-long-user-name…');
    expect(shortSigner('key /home/ada/keys/release-signing/cosign.pub')).toBe('key cosign.pub');
    expect(shortSigner('CN=portolan-test Notation signer,O=portolan-test,C=US')).toBe('portolan-test Notatio…');
    expect(shortSigner('C=US, O=Acme Corporation, CN=Release')).toBe('Release');
    expect(shortSigner(null)).toBe('');
  });

  it('draws each state as the column shows it', () => {
    const verified = signedLook({ state: 'verified', by: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main', issuer: null, detail: null, signatures: 2 });
    expect(verified).toMatchObject({ state: 'verified', symbol: '✓', text: 'acme/app', tone: 'good' });
    expect(verified.title).toContain('.github/workflows/release.yml');
    expect(verified.title).toContain('2 signatures');
    const invalid = signedLook({ state: 'invalid', by: null, issuer: null, detail: 'the signed digest is another image', signatures: 1 });
    expect(invalid).toMatchObject({ symbol: '✗', text: 'invalid', tone: 'bad' });
    expect(invalid.title).toContain('the signed digest is another image');
    const other = signedLook({ state: 'wrong_signer', by: 'mallory@example.org', issuer: null, detail: 'expected ada@example.org', signatures: 1 });
    // As loud as invalid, and says who and who was expected.
    expect(other).toMatchObject({ symbol: '⚠', text: 'other signer', tone: 'bad' });
    expect(other.title).toContain('mallory@example.org');
    expect(other.title).toContain('expected ada@example.org');
    expect(signedLook({ state: 'not_checkable', by: null, issuer: null, detail: 'no key given', signatures: 1 })).toMatchObject({ symbol: '?', text: 'not checked', tone: 'muted' });
    expect(signedLook({ state: 'none', by: null, issuer: null, detail: null, signatures: 0 })).toMatchObject({ symbol: '—', tone: 'none' });
    expect(signedLook('loading').symbol).toBe('…');
    expect(signedLook(undefined).symbol).toBe('…');
    expect(signedLook({ error: 'unreachable' })).toMatchObject({ state: 'error', symbol: '?', title: 'Could not check: unreachable' });
  });

  it("passes an image's own attached tags, and an index every attached tag", () => {
    const index = attachedTagIndex(['v1', `sha256-${HEX}.sig`, `sha256-${HEX}`, `sha256-${OTHER}.att`, 'sha256-short', 'latest']);
    expect(attachedTagsFor(index, `sha256:${HEX}`, false)).toEqual([`sha256-${HEX}.sig`, `sha256-${HEX}`]);
    expect(attachedTagsFor(index, 'sha256:' + 'c'.repeat(64), false)).toEqual([]);
    expect(attachedTagsFor(index, `sha256:${HEX}`, true).sort()).toEqual([`sha256-${HEX}`, `sha256-${HEX}.sig`, `sha256-${OTHER}.att`]);
  });
});

describe('attachments in words', () => {
  it('says where each was found and what its predicate is', () => {
    expect(foundViaWords({ via: 'cosign_tag', tag: `sha256-${HEX}.sig` })).toBe(`tag sha256-${HEX}.sig`);
    expect(foundViaWords({ via: 'referrers_api' })).toBe('referrers API');
    expect(predicateWords('https://slsa.dev/provenance/v1')).toBe('SLSA provenance v1');
    expect(predicateWords('https://slsa.dev/provenance/v0.2')).toBe('SLSA provenance v0.2');
    expect(predicateWords('https://cyclonedx.org/bom')).toBe('CycloneDX SBOM');
    expect(predicateWords('https://example.org/custom')).toBe('https://example.org/custom');
  });

  it('offers a verified keyless signer to expect, never a key or a failed one', () => {
    const base = { digest: 'sha256:' + HEX, format: 'sigstore_bundle', found_via: { via: 'referrers_api' }, media_type: 'x', predicate_type: null, created: null } as const;
    const signer = { identity: 'ada@example.org', issuer: 'https://accounts.example', key: null, source_repository: null, source_commit: null, build_config: null, run: null, subject: null };
    const keyed: Attachment = { ...base, verdict: { verdict: 'verified', signer: { ...signer, identity: null, issuer: null, key: 'cosign.pub' }, signed_at: null, checks: [], policy_matched: true } };
    const other: Attachment = { ...base, verdict: { verdict: 'wrong_signer', signer, expected: 'bob' } };
    const good: Attachment = { ...base, verdict: { verdict: 'verified', signer, signed_at: null, checks: [], policy_matched: false } };
    expect(expectable([keyed, other])).toBeNull();
    expect(expectable([keyed, other, good])).toEqual({ identity: 'ada@example.org', identity_pattern: null, issuer: 'https://accounts.example' });
  });

  it('says who is expected as the backend does', () => {
    expect(expectedWords(null)).toBe('anyone the trusted root vouches for');
    expect(expectedWords({ identity: 'ada@example.org', identity_pattern: null, issuer: 'https://accounts.example' })).toBe('ada@example.org from https://accounts.example');
    expect(expectedWords({ identity: null, identity_pattern: '^ada@.*$', issuer: null })).toBe('an identity matching ^ada@.*$');
    expect(expectedWords({ identity: null, identity_pattern: null, issuer: 'https://accounts.example' })).toBe('any identity from https://accounts.example');
  });
});

describe('SBOM table', () => {
  const pkg = (name: string, version: string | null, licenses: string[], purl: string | null = null): Package =>
    ({ name, version, licenses, purl }) as Package;
  const packages = [pkg('openssl', '3.0.13', ['Apache-2.0'], 'pkg:deb/debian/openssl@3.0.13'), pkg('zlib', '1.3', ['Zlib']), pkg('left-pad', '1.3.0', [], 'pkg:npm/left-pad@1.3.0'), pkg('musl', '1.2.4', ['MIT'])];

  it('filters by name, version, purl or license, in any case, and by one license', () => {
    expect(filterPackages(packages, 'OPENSSL', null).map((p) => p.name)).toEqual(['openssl']);
    expect(filterPackages(packages, 'npm', null).map((p) => p.name)).toEqual(['left-pad']);
    expect(filterPackages(packages, 'mit', null).map((p) => p.name)).toEqual(['musl']);
    expect(filterPackages(packages, '', 'unknown').map((p) => p.name)).toEqual(['left-pad']);
    expect(filterPackages(packages, '1.3', 'Zlib').map((p) => p.name)).toEqual(['zlib']);
    expect(filterPackages(packages, '  ', null)).toBe(packages);
  });

  it('counts the packages a lookup would send: those with a purl, once each', () => {
    expect(lookupCount([...packages, packages[0]])).toBe(2);
  });

  it('filters 5,000 packages quickly', () => {
    const many = Array.from({ length: 5000 }, (_, i) => pkg(`pkg-${i}`, `1.${i}`, [i % 3 ? 'MIT' : 'Apache-2.0'], `pkg:npm/pkg-${i}@1.${i}`));
    const t = performance.now();
    expect(filterPackages(many, 'pkg-49', 'MIT').length).toBeGreaterThan(0);
    expect(performance.now() - t).toBeLessThan(100);
  });
});

describe('provenance', () => {
  it('reads what it has, drops what is not text, and takes links only from the links the backend built', () => {
    const facts = provenanceFacts({
      predicate_type: 'https://slsa.dev/provenance/v1',
      builder_id: 'https://github.com/actions/runner/github-hosted',
      source_repository: 'https://github.com/acme/app',
      source_commit: '0123456789abcdef0123456789abcdef01234567',
      workflow: '.github/workflows/release.yml',
      trigger: 'push',
      run_id: 42,
      invocation_id: 'https://github.com/acme/app/actions/runs/42/attempts/1',
      build_parameters: { 'build-arg:VERSION': '1.2', nested: { not: 'text' } },
      materials: [{ uri: 'pkg:docker/alpine@3.19', digest: 'sha256:x' }, { nope: true }],
      links: { repository: 'https://github.com/acme/app', commit: null, run: 7 },
      homepage: 'javascript:alert(1)',
    });
    expect(facts.repository).toBe('https://github.com/acme/app');
    expect(shortCommit(facts.commit)).toBe('0123456789ab');
    expect(facts.run).toBe('https://github.com/acme/app/actions/runs/42/attempts/1');
    expect(facts.parameters).toEqual([['build-arg:VERSION', '1.2']]);
    expect(facts.materials).toEqual([{ uri: 'pkg:docker/alpine@3.19', digest: 'sha256:x' }]);
    expect(facts.links).toEqual({ repository: 'https://github.com/acme/app', commit: null, workflow: null, run: null });
  });

  it('reads an empty or odd provenance as nothing', () => {
    const facts = provenanceFacts(null);
    expect(facts.repository).toBeNull();
    expect(facts.links).toEqual({ repository: null, commit: null, workflow: null, run: null });
    expect(provenanceFacts({ links: 'https://evil.example' }).links.repository).toBeNull();
  });
});

describe('vulnerabilities', () => {
  const v = (id: string, severity: Vuln['severity'], pkg = 'p'): Vuln => ({ id, aliases: [], summary: null, package: pkg, version: '1', purl: `pkg:npm/${pkg}@1`, severity, fixed: null, url: null });

  it('counts by severity and sorts worst first', () => {
    const vulns = [v('B', 'low'), v('A', 'critical', 'z'), v('C', 'critical', 'a'), v('D', 'unknown')];
    expect(severityCounts({ vulns })).toEqual({ critical: 2, high: 0, medium: 0, low: 1, unknown: 1 });
    expect(severityCounts({ vulns, counts: { high: 5 } }).high).toBe(5);
    expect(sortVulns(vulns).map((x) => x.id)).toEqual(['C', 'A', 'B', 'D']);
  });

});
