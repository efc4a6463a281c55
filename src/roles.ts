/**
 * What the signed-in user may do, from their organisation role as Grafana hands it to plugins
 * (`config.bootData.user`). Grafana itself enforces the same split on its server (the data source's proxy routes
 * carry a `reqRole`, the app's pages a `role`); the pages and the panel use these to hide what would be refused.
 */
import { config } from '@grafana/runtime';

export type OrgRole = 'Viewer' | 'Editor' | 'Admin';

const RANK: Record<string, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

/** Whether a user of `role` (Grafana server admins count as Admin) has at least `required`. Pure. */
export function roleAllows(role: string | undefined, required: OrgRole, isGrafanaAdmin = false): boolean {
  if (isGrafanaAdmin) return true;
  return (RANK[role ?? 'None'] ?? 0) >= RANK[required];
}

function user(): { orgRole?: string; isGrafanaAdmin?: boolean } {
  return (config.bootData?.user ?? {}) as { orgRole?: string; isGrafanaAdmin?: boolean };
}

/** Editors and Admins write: jobs, backtests, feedback. */
export function canWrite(): boolean {
  const u = user();
  return roleAllows(u.orgRole, 'Editor', u.isGrafanaAdmin);
}

/** Admins configure the app and the data source. */
export function canConfigure(): boolean {
  const u = user();
  return roleAllows(u.orgRole, 'Admin', u.isGrafanaAdmin);
}
