/**
 * The contact point as a Grafana alerting provisioning file. It carries no secret: Grafana expands
 * $NAME in provisioning files from its own environment, so the token (and HMAC secret) are named
 * there; every literal "$" is written "$$" so Grafana keeps it.
 */
import type { ContactPointTarget } from '../../../api/grafanaContactPoints';

export const INGEST_TOKEN_ENV = 'WECOM_RELAY_INGEST_TOKEN';
export const HMAC_SECRET_ENV = 'WECOM_RELAY_HMAC_SECRET';

/** Grafana's integration uids are at most 40 characters. */
const UID_MAX = 40;

function literal(value: string): string {
  return JSON.stringify(value.replace(/\$/g, '$$$$'));
}

export function provisioningYaml(target: ContactPointTarget, ruleUid: string, orgId: number): string {
  const lines = [
    'apiVersion: 1',
    'contactPoints:',
    `  - orgId: ${orgId}`,
    `    name: ${literal(target.title)}`,
    '    receivers:',
    `      - uid: ${literal(`wecom-relay-${ruleUid}`.slice(0, UID_MAX))}`,
    '        type: webhook',
    '        disableResolveMessage: false',
    '        settings:',
    `          url: ${literal(target.url)}`,
    '          httpMethod: POST',
    '          authorization_scheme: Bearer',
    `          authorization_credentials: $${INGEST_TOKEN_ENV}`,
  ];
  if (target.hmac) {
    lines.push(
      '          hmacConfig:',
      `            secret: $${HMAC_SECRET_ENV}`,
      `            header: ${literal(target.hmac.header)}`,
      `            timestampHeader: ${literal(target.hmac.timestampHeader)}`
    );
  }
  return `${lines.join('\n')}\n`;
}
