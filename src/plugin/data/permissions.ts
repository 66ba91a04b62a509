import { config } from '@grafana/runtime';

/**
 * What the signed-in user may do, as plugin.json's proxy routes allow it: Viewers read, Editors
 * change services and rules (as Grafana lets them change contact points), Admins set the plugin up.
 */
export function userRole(): { canEdit: boolean; isAdmin: boolean } {
  const { orgRole, isGrafanaAdmin } = config.bootData.user;
  const isAdmin = orgRole === 'Admin' || isGrafanaAdmin === true;
  return { canEdit: isAdmin || orgRole === 'Editor', isAdmin };
}
