// Known vulnerabilities of an image's packages, from OSV through the backend, behind one
// adapter (`imageVulnerabilities`), so the section can be tested without a backend and
// the command changed in one place. The severity order and counts are here too.
import { api, type Severity, type Vuln, type VulnerabilityView, type VulnReport } from './api';

export type { Severity, Vuln, VulnerabilityView, VulnReport };

/** Every level, worst first. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'unknown'];

/** Ask OSV (through the backend, which refuses until the user allowed it) about the
 * packages of `reference`'s SBOMs. */
export function imageVulnerabilities(reference: string, platform: string | null): Promise<VulnerabilityView> {
  return api.imageVulnerabilities(reference, platform);
}

/** How many vulnerabilities are at each level (the report's own counts when it has them). */
export function severityCounts(report: Pick<VulnReport, 'vulns'> & { counts?: VulnReport['counts'] }): Record<Severity, number> {
  const counts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } as Record<Severity, number>;
  if (report.counts && Object.keys(report.counts).length) {
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
