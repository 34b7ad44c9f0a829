import { afterEach, describe, expect, it } from 'vitest';
import { render, cleanup } from '@testing-library/svelte';
import { tick } from 'svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import SupplyChain from '../src/components/SupplyChain.svelte';
import Tags from '../src/components/Tags.svelte';
import { signedCache } from '../src/lib/signed.svelte';
import type { Settings, SupplyChainView, Verdict } from '../src/lib/bindings';

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

afterEach(() => {
  cleanup();
  clearMocks();
  signedCache.clear();
});

const flush = async () => {
  for (let i = 0; i < 6; i++) {
    await tick();
    await new Promise((r) => setTimeout(r, 0));
  }
};

const HEX = '1'.repeat(64);
const DIGEST = `sha256:${HEX}`;
const EVIL = '<img src=x onerror="window.__xss=1">';
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

function settings(over: Partial<Settings> = {}): Settings {
  return {
    registries: [], theme: 'system', window: null, download_dir: null, recent: [], pinned: [], engine: { kind: 'auto' },
    signers: {}, trust: { keys: [], signer: { identity: null, identity_pattern: null, issuer: null }, trusted_root: null, notation_trust_store: null },
    vulnerability_lookups: null, ...over,
  } as Settings;
}

function view(verdict: Verdict, summary: SupplyChainView['verify']['summary']): SupplyChainView {
  return {
    verify: {
      report: {
        reference: `r.example/acme/app@${DIGEST}`, digest: DIGEST,
        subjects: [{ digest: DIGEST, platform: null, unreadable: [], left_unread: 0, attachments: [
          { digest: 'sha256:' + '2'.repeat(64), format: 'sigstore_bundle', found_via: { via: 'referrers_api' }, media_type: 'application/vnd.dev.sigstore.bundle.v0.3+json', predicate_type: 'https://slsa.dev/provenance/v1', created: null, verdict },
        ] }],
      },
      summary,
      expected: 'anyone the trusted root vouches for',
    },
    sboms: [{
      attachment: 'sha256:' + '3'.repeat(64), platform: null, found_via: { via: 'referrers_api' }, verdict: { verdict: 'unsigned' },
      sbom: { format: 'cyclone_dx', spec_version: '1.5', tool: EVIL, packages: [
        { name: EVIL, version: '1.0', purl: 'pkg:npm/evil@1.0', licenses: ['MIT'] },
        { name: 'zlib', version: '1.3', purl: 'pkg:generic/zlib@1.3', licenses: ['Zlib'] },
      ] },
      licenses: [{ license: 'MIT', packages: 1 }, { license: 'Zlib', packages: 1 }],
    }] as unknown as SupplyChainView['sboms'],
    provenance: [{
      attachment: 'sha256:' + '2'.repeat(64), platform: null, found_via: { via: 'referrers_api' }, verdict,
      provenance: { predicate_type: 'https://slsa.dev/provenance/v1', source_repository: 'https://github.com/acme/app', source_commit: 'abcdef0123456789abcdef0123456789abcdef01', workflow: EVIL, homepage: 'https://evil.example', links: { repository: 'https://github.com/acme/app', commit: null, workflow: null, run: null } },
    }] as unknown as SupplyChainView['provenance'],
    unread: [],
  };
}

const signer = { identity: IDENTITY, issuer: ISSUER, key: null, source_repository: 'https://github.com/acme/app', source_commit: 'abcdef0123456789abcdef0123456789abcdef01', build_config: null, run: null, subject: null };
const VERIFIED: Verdict = { verdict: 'verified', signer, signed_at: '2026-01-15T10:00:00Z', checks: ['certificate chain', 'transparency log'], policy_matched: false };

function props() {
  return { reference: `r.example/acme/app@${DIGEST}`, platform: null, repository: 'r.example/acme/app', onlink: () => {} };
}

describe('the Supply chain tab', () => {
  it('shows who signed, offers to expect them, and shows documents as text only', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    let s = settings();
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === 'get_settings') return s;
      if (cmd === 'image_supply_chain') return view(VERIFIED, { state: 'verified', by: IDENTITY, issuer: null, detail: null, signatures: 1 });
      if (cmd === 'set_expected_signer') {
        const a = args as { repository: string; signer: Settings['signers'][string] };
        s = settings({ signers: { [a.repository]: a.signer! } });
        return s;
      }
      return null;
    });
    const { container } = render(SupplyChain, props());
    await flush();
    const banner = container.querySelector('[data-testid=verdict-banner]')!;
    expect(banner.getAttribute('data-state')).toBe('verified');
    expect(banner.textContent).toContain(IDENTITY);
    // Provenance: repository @ commit, and a link only from the backend's links.
    expect(container.querySelector('[data-testid=provenance-source]')?.textContent).toContain('https://github.com/acme/app @ abcdef012345');
    expect([...container.querySelectorAll('[data-testid=provenance-links] [data-link]')].map((b) => b.getAttribute('data-link'))).toEqual(['repository']);
    expect(container.textContent).not.toContain('evil.example');
    // The SBOM's hostile text, as text.
    expect(container.querySelector('[data-testid=sbom]')?.textContent).toContain(EVIL);
    expect(container.querySelectorAll('img').length).toBe(0);
    expect(container.querySelectorAll('a[href]').length).toBe(0);
    expect((window as unknown as { __xss?: number }).__xss).toBeUndefined();
    // The consent question names how many packages would be sent.
    expect(container.querySelector('[data-testid=vulns-consent]')?.textContent).toContain('2 package names and versions to OSV');

    container.querySelector<HTMLButtonElement>('[data-testid=expect-signer]')!.click();
    await flush();
    const set = calls.find((c) => c.cmd === 'set_expected_signer');
    expect(set?.args).toEqual({ repository: 'r.example/acme/app', signer: { identity: IDENTITY, identity_pattern: null, issuer: ISSUER } });
    // Read again with the new trust; the offer is gone, the expected signer named.
    expect(calls.filter((c) => c.cmd === 'image_supply_chain').length).toBe(2);
    expect(container.querySelector('[data-testid=expect-signer]')).toBeNull();
    expect(container.querySelector('[data-testid=expected-signer]')?.textContent).toContain(`${IDENTITY} from ${ISSUER}`);
  });

  it('says loudly when an image is signed by someone else, and offers no shortcut to accept them', async () => {
    mockIPC((cmd) => {
      if (cmd === 'get_settings') return settings({ vulnerability_lookups: false });
      if (cmd === 'image_supply_chain')
        return view({ verdict: 'wrong_signer', signer: { ...signer, identity: 'mallory@example.org' }, expected: 'ada@example.org' }, { state: 'wrong_signer', by: 'mallory@example.org', issuer: null, detail: 'expected ada@example.org', signatures: 1 });
      return null;
    });
    const { container } = render(SupplyChain, { ...props(), reference: `r.example/acme/app@sha256:${'9'.repeat(64)}` });
    await flush();
    const banner = container.querySelector('[data-testid=verdict-banner]')!;
    expect(banner.textContent).toContain('SIGNED BY SOMEONE ELSE');
    expect(banner.textContent).toContain('mallory@example.org');
    expect(container.querySelector('[data-testid=expect-signer]')).toBeNull();
    expect(container.querySelector('[data-testid=vulns-off]')).not.toBeNull();
  });

  it('asks OSV only with consent, then shows counts and each vulnerability with its OSV page', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'get_settings') return settings();
      if (cmd === 'image_supply_chain') return view({ verdict: 'unsigned' }, { state: 'none', by: null, issuer: null, detail: null, signatures: 0 });
      if (cmd === 'set_vulnerability_lookups') return settings({ vulnerability_lookups: true });
      if (cmd === 'image_vulnerabilities')
        return {
          reference: 'r', source: 'api.osv.dev', sboms: 1,
          report: {
            queried: 2, not_queried: 0, incomplete: false, counts: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 },
            vulns: [{ id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], summary: EVIL, package: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', severity: 'high', fixed: '4.17.21', url: 'https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm' }],
          },
        };
      if (cmd === 'open_in_browser') return null;
      return null;
    });
    const { container } = render(SupplyChain, { ...props(), reference: `r.example/acme/app@sha256:${'8'.repeat(64)}` });
    await flush();
    expect(container.querySelector('[data-testid=verdict-banner]')?.getAttribute('data-state')).toBe('none');
    container.querySelector<HTMLButtonElement>('[data-testid=vulns-yes]')!.click();
    await flush();
    expect(calls).toContain('set_vulnerability_lookups');
    expect(calls.indexOf('image_vulnerabilities')).toBeGreaterThan(calls.indexOf('set_vulnerability_lookups'));
    expect(container.querySelector('[data-severity=high]')?.textContent).toContain('1 high');
    const row = container.querySelector('[data-vuln=GHSA-35jh-r3h4-6jhm]')!;
    expect(row.textContent).toContain('lodash');
    expect(row.textContent).toContain('4.17.21');
    expect(row.textContent).toContain(EVIL);
    expect(container.querySelectorAll('img').length).toBe(0);
  });
});

describe('the Signed column', () => {
  it("asks for each row's image by digest with its attached tags, and shows the answer", async () => {
    const signedAsked: unknown[] = [];
    const sig = `sha256-${HEX}.sig`;
    mockIPC((cmd, args) => {
      if (cmd === 'list_tags') return { tags: ['v1', 'v2', sig], supply_chain: [sig] };
      if (cmd === 'describe_tag') {
        const reference = (args as { reference: string }).reference;
        const tag = reference.slice(reference.lastIndexOf(':') + 1);
        const digest = tag === 'v1' ? DIGEST : 'sha256:' + '4'.repeat(64);
        return { tag, digest, media_type: 'application/vnd.oci.image.manifest.v1+json', kind: 'image', platforms: [], size: 1, size_max: 1, created: null, pull_commands: { docker: '', docker_tag: null, podman: '', podman_tag: null } };
      }
      if (cmd === 'signed_summary') {
        signedAsked.push(args);
        const a = args as { reference: string };
        return a.reference.endsWith(HEX)
          ? { state: 'invalid', by: null, issuer: null, detail: 'the signature does not match the image', signatures: 1 }
          : { state: 'none', by: null, issuer: null, detail: null, signatures: 0 };
      }
      return null;
    });
    const { container } = render(Tags, { repository: 'r.example/acme/app', onopen: () => {}, oncopied: () => {}, ontransfer: () => {}, oncompare: () => {} });
    await flush();
    await flush();
    expect(signedAsked).toContainEqual({ reference: `r.example/acme/app@${DIGEST}`, attachedTags: [sig] });
    const cell = (tag: string) => container.querySelector(`[data-tag='${tag}'] [data-testid=signed]`);
    expect(cell('v1')?.getAttribute('data-signed')).toBe('invalid');
    expect(cell('v1')?.textContent).toContain('✗ invalid');
    expect(cell('v1')?.getAttribute('title')).toContain('the signature does not match the image');
    expect(cell('v2')?.getAttribute('data-signed')).toBe('none');
  });
});
