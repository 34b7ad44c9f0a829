// The registries people add most, for "Add a registry": each fills the host (with `<…>`
// parts for what is the user's own: an account, a region, a name) and says in one line how
// to sign in to it, which is where most first attempts fail (ECR's and Google's passwords
// are short-lived command outputs, GitLab and Quay want tokens, not account passwords).

export type Preset = { id: string; label: string; name: string; host: string; signIn: string };

export const PRESETS: readonly Preset[] = [
  {
    id: 'ghcr',
    label: 'ghcr.io',
    name: 'GitHub (ghcr.io)',
    host: 'ghcr.io',
    signIn: 'Your GitHub user and a classic token with read:packages (write:packages and delete:packages to change things).',
  },
  {
    id: 'hub',
    label: 'Docker Hub',
    name: 'Docker Hub',
    host: 'docker.io',
    signIn: 'Your Docker ID and a personal access token (Account settings → Personal access tokens).',
  },
  {
    id: 'quay',
    label: 'Quay',
    name: 'Quay',
    host: 'quay.io',
    signIn: 'A robot account: its name (org+robot) as the user, its token as the password.',
  },
  {
    id: 'gitlab',
    label: 'GitLab',
    name: 'GitLab',
    host: 'registry.gitlab.com',
    signIn: 'Your GitLab user and a personal access token with read_registry (write_registry to push).',
  },
  {
    id: 'harbor',
    label: 'Harbor',
    name: 'Harbor',
    host: '<harbor.example.com>',
    signIn: 'Your Harbor user and its CLI secret (User profile), or a robot account robot$name and its secret.',
  },
  {
    id: 'ecr',
    label: 'Amazon ECR',
    name: 'Amazon ECR',
    host: '<account>.dkr.ecr.<region>.amazonaws.com',
    signIn: 'User AWS; the password is the output of aws ecr get-login-password --region <region> (valid 12 hours).',
  },
  {
    id: 'gar',
    label: 'Google Artifact Registry',
    name: 'Google Artifact Registry',
    host: '<region>-docker.pkg.dev',
    signIn: 'User oauth2accesstoken; the password is the output of gcloud auth print-access-token (valid 1 hour).',
  },
  {
    id: 'acr',
    label: 'Azure',
    name: 'Azure Container Registry',
    host: '<name>.azurecr.io',
    signIn: "The registry's admin user and password (Access keys), or a token's name and password.",
  },
];

/** Where the first `<…>` part still to fill is in `host` (to select it for typing over). */
export function placeholderAt(host: string): { start: number; end: number } | null {
  const m = /<[^<>]*>/.exec(host);
  return m ? { start: m.index, end: m.index + m[0].length } : null;
}
