import { afterEach, describe, expect, it } from 'vitest';
import { render, cleanup } from '@testing-library/svelte';
import { tick } from 'svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import VirtualList from './VirtualListHarness.svelte';
import Image from '../src/components/Image.svelte';
import HubUntagDialog from '../src/components/HubUntagDialog.svelte';

// jsdom has no layout: a ResizeObserver that reports nothing is enough for bind:clientHeight.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

afterEach(() => {
  cleanup();
  clearMocks();
});

const flush = async () => {
  for (let i = 0; i < 5; i++) {
    await tick();
    await new Promise((r) => setTimeout(r, 0));
  }
};

describe('VirtualList', () => {
  it('renders only the rows in view out of 10,000', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => `t${i}`);
    const { container } = render(VirtualList, { items });
    await flush();
    const rows = container.querySelectorAll('[data-row]');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(100);
    expect(container.querySelector('[role=grid]')?.getAttribute('data-count')).toBe('10000');
  });

  it('gives each row its own height when they differ, and the list their sum', async () => {
    const items = Array.from({ length: 1_000 }, (_, i) => `t${i}`);
    const { container } = render(VirtualList, { items, heightOf: (_: string, i: number) => (i === 1 ? 100 : 32) });
    await flush();
    const spacer = container.querySelector<HTMLElement>('.spacer');
    expect(spacer?.style.height).toBe(`${999 * 32 + 100}px`);
    const rows = container.querySelectorAll<HTMLElement>('[role=row]');
    expect(rows[1].style.height).toBe('100px');
    expect(rows[0].style.height).toBe('32px');
  });
});

describe('Image', () => {
  it('shows hostile registry text as text and creates no elements from it', async () => {
    const evil = '<img src=x onerror="window.__xss=1">';
    const digest = 'sha256:' + '1'.repeat(64);
    mockIPC((cmd) => {
      if (cmd === 'inspect_image')
        return {
          reference: 'r/evil:v1', digest, media_type: 'application/vnd.oci.image.manifest.v1+json', kind: 'image', manifest_size: 10,
          platforms: [], annotations: { note: evil },
          repository: 'r/evil', pull_commands: { docker: `docker pull r/evil@${digest}`, podman: `podman pull r/evil@${digest}` },
          image: {
            digest, media_type: 'application/vnd.oci.image.manifest.v1+json', kind: 'image', artifact_type: null, platform: 'linux/amd64',
            config_digest: digest, config_media_type: 'application/vnd.oci.image.config.v1+json', created: null,
            config: { user: evil, working_dir: null, env: [evil], entrypoint: [], cmd: [], exposed_ports: [], labels: { l: evil }, stop_signal: null },
            layers: [{ index: 0, digest, media_type: 'x', size: 100, created_by: `RUN ${evil}`, comment: null, created: null }],
            history: [], total_size: 100, annotations: {},
          },
        };
      if (cmd === 'list_referrers') return [];
      if (cmd === 'count_tags') return { count: 2, more: false };
      if (cmd === 'tag_digests') return { tags: [{ tag: 'v1', digest }, { tag: evil, digest }], source: 'registry' };
      return null;
    });
    const { container } = render(Image, {
      reference: 'r/evil:v1', platform: null, onnavigate: () => {}, onplatform: () => {}, oncopied: () => {}, ontransfer: () => {}, onlayer: () => {}, oncompare: () => {}, ongone: () => {},
    });
    await flush();
    // The header (the other tag on the image) and every tab.
    expect(container.querySelector('[data-testid=tags-here]')?.textContent).toContain(evil);
    expect(container.textContent).toContain(`docker pull r/evil@${digest}`);
    for (const [tab, shows] of [['overview', evil], ['layers', `RUN ${evil}`], ['config', evil]]) {
      container.querySelector<HTMLButtonElement>(`[data-tab=${tab}]`)!.click();
      await flush();
      expect(container.querySelector('[role=tabpanel]')?.textContent).toContain(shows);
      expect(container.querySelectorAll('img').length).toBe(0);
    }
    expect((window as unknown as { __xss?: number }).__xss).toBeUndefined();
  });
});

describe('HubUntagDialog', () => {
  const explained = (c: HTMLElement) => c.querySelector('[data-testid=hub-untag-explained]')?.textContent?.replace(/\s+/g, ' ') ?? '';

  it('reads right for a clean-up, with no tags', async () => {
    const { container } = render(HubUntagDialog, { repository: 'docker.io/alice/app', tags: [], action: 'cleanup', onclose: () => {} });
    await flush();
    expect(container.textContent).toContain('Clean up on Docker Hub');
    expect(explained(container)).toContain('cannot clean up a Docker Hub repository');
    expect(explained(container)).not.toContain('0 tags');
  });

  it('names the first of many tags and counts the rest', async () => {
    const tags = Array.from({ length: 20 }, (_, i) => `v${i}`);
    const { container } = render(HubUntagDialog, { repository: 'docker.io/alice/app', tags, action: 'delete', onclose: () => {} });
    await flush();
    expect(container.textContent).toContain('Delete the images of 20 tags on Docker Hub');
    expect(explained(container)).toContain('these 20 tags');
    const named = [...container.querySelectorAll('[data-testid=hub-untag-tags] li')].map((li) => li.textContent);
    expect(named).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'and 12 more']);
  });
});
