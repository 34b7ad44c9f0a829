// Known vulnerabilities of an image's packages, from OSV through the backend, behind one
// adapter: the window asks `imageVulnerabilities`, which calls the backend's
// `image_vulnerabilities` command once it exists (the generated `api` then has it) and
// says "not available yet" until then. The types mirror the backend's `VulnReport`; the
// severity order and counts are here, so the section can be tested without a backend.
import { api } from './api';

/** How bad a vulnerability is, worst first. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'unknown';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

/** One known vulnerability of one package. */
export type Vuln = {
  id: string;
  aliases: string[];
  summary: string | null;
  package: string;
  version: string | null;
  purl?: string;
  severity: Severity;
  fixed: string | null;
  /** Its page on osv.dev, built by the backend from a plain id. */
  url: string | null;
};

/** What OSV knows about an image's packages. */
export type VulnReport = {
  queried: number;
  not_queried: number;
  vulns: Vuln[];
  counts?: Partial<Record<Severity, number>>;
  incomplete?: boolean;
};

/** The lookup is not in this build yet. */
export class NotAvailable extends Error {
  constructor() {
    super('Vulnerability lookups are not available in this version of Portolan yet');
  }
}

type Lookup = (reference: string, platform: string | null) => Promise<VulnReport>;

/** The backend's command, when this build has it. */
function backend(): Lookup | null {
  const f = (api as unknown as Record<string, unknown>).imageVulnerabilities;
  return typeof f === 'function' ? (f as Lookup) : null;
}

/** Ask OSV (through the backend) about the packages of `reference`'s SBOMs. */
export async function imageVulnerabilities(reference: string, platform: string | null): Promise<VulnReport> {
  const lookup = backend();
  if (!lookup) throw new NotAvailable();
  return lookup(reference, platform);
}

/** How many vulnerabilities are at each level (the report's own counts when it has them). */
export function severityCounts(report: VulnReport): Record<Severity, number> {
  const counts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } as Record<Severity, number>;
  if (report.counts) {
    for (const s of SEVERITIES) counts[s] = report.counts[s] ?? 0;
    return counts;
  }
  for (const v of report.vulns) counts[SEVERITIES.includes(v.severity) ? v.severity : 'unknown']++;
  return counts;
}

/** The vulnerabilities worst first, then by package and id. */
export function sortVulns(vulns: Vuln[]): Vuln[] {
  const rank = (s: Severity) => {
    const i = SEVERITIES.indexOf(s);
    return i < 0 ? SEVERITIES.length : i;
  };
  return [...vulns].sort((a, b) => rank(a.severity) - rank(b.severity) || a.package.localeCompare(b.package) || a.id.localeCompare(b.id));
}
