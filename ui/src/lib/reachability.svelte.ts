// Which registries could not be reached lately, for the sidebar's marker: set by the API
// module when a command fails with `unreachable` for a registry, cleared when the user
// tries that registry again or a list from it loads.
export const unreachable = $state<{ hosts: string[] }>({ hosts: [] });

export function markUnreachable(host: string) {
  if (!unreachable.hosts.includes(host)) unreachable.hosts.push(host);
}

export function markReachable(host: string) {
  const at = unreachable.hosts.indexOf(host);
  if (at >= 0) unreachable.hosts.splice(at, 1);
}
