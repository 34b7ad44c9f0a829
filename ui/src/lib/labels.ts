// What an image says about itself, as GitHub's package page shows it: the OCI
// `org.opencontainers.image.*` keys, from the config's labels, then the image manifest's
// annotations, then the index's (where multi-platform images keep them). Only an https
// source or URL is offered as a link; anything else stays text.

const PREFIX = 'org.opencontainers.image.';

export type Summary = {
  title: string | null;
  description: string | null;
  version: string | null;
  licenses: string | null;
  vendor: string | null;
  authors: string | null;
  created: string | null;
  /** The source repository, when it is an https URL. */
  source: string | null;
  /** The project's page, when it is an https URL. */
  url: string | null;
  /** The revision (commit) it was built from. */
  revision: string | null;
};

type Dict = { [key in string]?: string };

function https(value: string | null): string | null {
  if (!value) return null;
  try {
    const u = new URL(value.replace(/^git\+/, ''));
    return u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
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
    source: https(pick('source')),
    url: https(pick('url')),
    revision: pick('revision'),
  };
}

/** Whether there is anything to show. */
export function isEmpty(s: Summary): boolean {
  return Object.values(s).every((v) => v === null);
}
