/**
 * A destination is one queue: everything sent to the same robot key, or to the same app
 * recipients, goes through it in order and shares its rate limits.
 */
import crypto from 'node:crypto';
import { robotKeyOf, type AppConfig, type ServiceConfig } from '../../core/config';

function digest(text: string, length: number): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** The robot key never appears in a destination name, only a hash of it. */
export function robotDestination(key: string): string {
  return `robot:${digest(key, 16)}`;
}

export function appDestination(app: AppConfig): string {
  const recipients = [
    ...app.accounts.map((user) => `u:${user.toLowerCase()}`),
    ...app.departments.map((d) => `d:${d}`),
    ...app.tags.map((t) => `t:${t}`),
  ].sort();
  return `app:${app.corpId}:${app.agentId}:${digest(recipients.join('|'), 12)}`;
}

export interface ResolvedRobot {
  kind: 'robot';
  key: string;
  groups: string;
}

export interface ResolvedApp {
  kind: 'app';
  app: AppConfig;
}

export type ResolvedDestination = ResolvedRobot | ResolvedApp;

/** Every destination of a service, by queue name. Robots with the same key are one destination. */
export function destinationsOf(service: ServiceConfig, apiBase: string): Map<string, ResolvedDestination> {
  const destinations = new Map<string, ResolvedDestination>();
  for (const robot of service.robots) {
    const result = robotKeyOf(robot.webhookUrl, apiBase);
    if ('key' in result && !destinations.has(robotDestination(result.key))) {
      destinations.set(robotDestination(result.key), { kind: 'robot', key: result.key, groups: robot.groups });
    }
  }
  if (service.app) {
    destinations.set(appDestination(service.app), { kind: 'app', app: service.app });
  }
  return destinations;
}

export function destinationLabel(destination: ResolvedDestination): string {
  if (destination.kind === 'robot') {
    return destination.groups || 'robot';
  }
  const { accounts, departments, tags } = destination.app;
  return [...accounts, ...departments.map((d) => `dept:${d}`), ...tags.map((t) => `tag:${t}`)].join('|');
}

/** Rate-limit keys: one per robot key; one per app recipient (WeCom counts per member). */
export function limiterKeys(destination: ResolvedDestination): string[] {
  if (destination.kind === 'robot') {
    return [robotDestination(destination.key)];
  }
  const { corpId, agentId, accounts, departments, tags } = destination.app;
  const prefix = `app:${corpId}:${agentId}`;
  return [
    ...accounts.map((user) => `${prefix}:u:${user.toLowerCase()}`),
    ...departments.map((d) => `${prefix}:d:${d}`),
    ...tags.map((t) => `${prefix}:t:${t}`),
  ];
}
