// What an image says about itself, as GitHub's package page shows it: the OCI
// `org.opencontainers.image.*` keys, from the config's labels, then the image manifest's
// annotations, then the index's (where multi-platform images keep them). Only an http(s)
// source, URL or documentation link (without a user name or password in it) is offered as
// a link, and the window names its host and asks before opening it; anything else stays
// text.

const PREFIX = 'org.opencontainers.image.';

export type Summary = {
  title: string | null;
  description: string | null;
  version: string | null;
  licenses: string | null;
  vendor: string | null;
  authors: string | null;
  created: string | null;
  /** The source repository, when it is an http(s) link. */
  source: string | null;
  /** The project's page, when it is an http(s) link. */
  url: string | null;
  /** The documentation, when it is an http(s) link. */
  documentation: string | null;
  /** The revision (commit) it was built from. */
  revision: string | null;
};

type Dict = { [key in string]?: string };

/** `value` as a link that may be offered: http or https, with a host, no credentials. */
export function webLink(value: string | null): string | null {
  if (!value) return null;
  try {
    const u = new URL(value.replace(/^git\+/, ''));
    const web = u.protocol === 'https:' || u.protocol === 'http:';
    return web && u.hostname && !u.username && !u.password ? u.toString() : null;
  } catch {
    return null;
  }
}

/** The host a link goes to, as the confirm names it (`github.com`). */
export function linkHost(link: string): string {
  try {
    return new URL(link).host;
  } catch {
    return '';
  }
}

/** The summary from the sources in order of precedence (first wins). */
export function summarize(...sources: (Dict | null | undefined)[]): Summary {
  const pick = (key: string): string | null => {
    for (const s of sources) {
      const v = s?.[PREFIX + key]?.trim();
      if (v) return v;
    }
    return null;
  };
  return {
    title: pick('title'),
    description: pick('description'),
    version: pick('version'),
    licenses: pick('licenses'),
    vendor: pick('vendor'),
    authors: pick('authors'),
    created: pick('created'),
    source: webLink(pick('source')),
    url: webLink(pick('url')),
    documentation: webLink(pick('documentation')),
    revision: pick('revision'),
  };
}

/** Whether there is anything to show. */
export function isEmpty(s: Summary): boolean {
  return Object.values(s).every((v) => v === null);
}
