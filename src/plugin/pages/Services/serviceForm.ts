/**
 * The service form's state and what it sends: a reducer over plain values, the body the relay's
 * `serviceSchema` accepts, and the check the relay would make (same schema, same API base).
 */
import type { ServiceView } from '../../../core/api';
import { type AppMessageType, serviceSchema } from '../../../core/config';
import { type Problem, serviceProblems, validate } from '../../../core/validation';
import type { Language } from '../../../core/config';
import { splitGroups } from './groups';

export interface RobotRow {
  /** React key of the row: rows are added and removed in any order. */
  key: string;
  /** The saved robot this row is (the view's destination); null for a new robot. */
  destination: string | null;
  groups: string[];
  webhookUrl: string;
  /** The saved key stays unless a new URL is typed. */
  webhookUrlSet: boolean;
}

export interface AppValues {
  corpId: string;
  agentId: string;
  secret: string;
  secretSet: boolean;
  /** As typed: one account per line (or separated by commas or spaces). */
  accounts: string;
  departments: string[];
  tags: string[];
  msgType: AppMessageType;
}

export interface ServiceValues {
  uid: string;
  /** Until the uid is typed by hand, it follows the name. */
  uidEdited: boolean;
  name: string;
  description: string;
  toRobots: boolean;
  toApp: boolean;
  robots: RobotRow[];
  app: AppValues;
}

export type ServiceAction =
  | { type: 'set'; field: 'name' | 'description' | 'uid'; value: string }
  | { type: 'destinations'; toRobots: boolean; toApp: boolean }
  | { type: 'addRobot' }
  | { type: 'removeRobot'; key: string }
  | { type: 'robot'; key: string; change: Partial<Pick<RobotRow, 'groups' | 'webhookUrl' | 'webhookUrlSet'>> }
  | { type: 'app'; change: Partial<AppValues> }
  | { type: 'addAccounts'; accounts: string[] };

let nextRowKey = 0;

function newRobot(): RobotRow {
  nextRowKey += 1;
  return { key: `robot-${nextRowKey}`, destination: null, groups: [], webhookUrl: '', webhookUrlSet: false };
}

const EMPTY_APP: AppValues = {
  corpId: '',
  agentId: '',
  secret: '',
  secretSet: false,
  accounts: '',
  departments: [],
  tags: [],
  msgType: 'markdown',
};

/** A new service sends to a group robot, as WeCom's own 通知服务 does by default. */
export function emptyValues(): ServiceValues {
  return {
    uid: '',
    uidEdited: false,
    name: '',
    description: '',
    toRobots: true,
    toApp: false,
    robots: [newRobot()],
    app: EMPTY_APP,
  };
}

export function valuesOf(service: ServiceView): ServiceValues {
  return {
    uid: service.uid,
    uidEdited: true,
    name: service.name,
    description: service.description,
    toRobots: service.robots.length > 0,
    toApp: service.app !== undefined,
    robots:
      service.robots.length > 0
        ? service.robots.map((robot) => ({
            ...newRobot(),
            destination: robot.destination,
            groups: splitGroups(robot.groups),
            webhookUrlSet: robot.webhookUrlSet && robot.destination !== null,
          }))
        : [newRobot()],
    app: service.app
      ? {
          corpId: service.app.corpId,
          agentId: String(service.app.agentId),
          secret: '',
          secretSet: service.app.secretSet,
          accounts: service.app.accounts.join('\n'),
          departments: service.app.departments,
          tags: service.app.tags,
          msgType: service.app.msgType,
        }
      : EMPTY_APP,
  };
}

export function parseAccounts(text: string): string[] {
  return text.split(/[\s,，;；|]+/).filter((account) => account !== '');
}

/**
 * A default uid from the name: its ASCII words in lower case joined by "-"; a name without any
 * (e.g. 运维通知) gets "service-" and a short hash of the name, so the same name gives the same uid.
 */
export function uidFromName(name: string): string {
  const words = name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  if (words.length > 0) {
    return words.join('-').slice(0, 64);
  }
  if (name.trim() === '') {
    return '';
  }
  let hash = 0x811c9dc5;
  for (const char of name.trim()) {
    hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
  }
  return `service-${hash.toString(36)}`;
}

export function serviceReducer(values: ServiceValues, action: ServiceAction): ServiceValues {
  switch (action.type) {
    case 'set':
      if (action.field === 'uid') {
        return { ...values, uid: action.value, uidEdited: true };
      }
      if (action.field === 'name' && !values.uidEdited) {
        return { ...values, name: action.value, uid: uidFromName(action.value) };
      }
      return { ...values, [action.field]: action.value };
    case 'destinations':
      return { ...values, toRobots: action.toRobots, toApp: action.toApp };
    case 'addRobot':
      return { ...values, robots: [...values.robots, newRobot()] };
    case 'removeRobot':
      return { ...values, robots: values.robots.filter((robot) => robot.key !== action.key) };
    case 'robot':
      return {
        ...values,
        robots: values.robots.map((robot) => (robot.key === action.key ? { ...robot, ...action.change } : robot)),
      };
    case 'app':
      return { ...values, app: { ...values.app, ...action.change } };
    case 'addAccounts': {
      const accounts = [...parseAccounts(values.app.accounts), ...action.accounts];
      return { ...values, app: { ...values.app, accounts: accounts.join('\n') } };
    }
  }
}

/**
 * The create/update body. A saved robot whose URL was not retyped goes back with its destination
 * and no webhookUrl, and an app without a new secret goes without one: the relay keeps both.
 */
export function bodyOf(values: ServiceValues): Record<string, unknown> {
  const { app } = values;
  return {
    uid: values.uid.trim(),
    name: values.name,
    description: values.description,
    robots: values.toRobots
      ? values.robots.map((robot) =>
          robot.webhookUrlSet
            ? { destination: robot.destination, groups: robot.groups.join('&') }
            : { groups: robot.groups.join('&'), webhookUrl: robot.webhookUrl }
        )
      : [],
    app: values.toApp
      ? {
          corpId: app.corpId,
          agentId: app.agentId,
          ...(app.secretSet ? {} : { secret: app.secret }),
          accounts: parseAccounts(app.accounts),
          departments: app.departments,
          tags: app.tags,
          msgType: app.msgType,
        }
      : undefined,
  };
}

/** Stands for a key or secret the relay keeps, so the schema can check the rest of the form. */
const KEPT = 'kept-by-the-relay';

/** What the relay would refuse in this form, with the paths it would name (robots[0].webhookUrl, app.corpId, …). */
export function formProblems(values: ServiceValues, apiBase: string, language: Language): Problem[] {
  const body = bodyOf(values);
  const checked = {
    ...body,
    robots: (body.robots as Array<Record<string, unknown>>).map((robot) =>
      'webhookUrl' in robot ? robot : { groups: robot.groups, webhookUrl: KEPT }
    ),
    app: body.app && { secret: KEPT, ...(body.app as object) },
  };
  const result = validate(serviceSchema, checked, language);
  if (!result.ok) {
    return result.problems;
  }
  return serviceProblems(result.value, apiBase, language);
}

/** The problems of one field: its own path, and those of its items (e.g. app.accounts[3] under app.accounts). */
export function problemsAt(problems: readonly Problem[], path: string): string | undefined {
  const messages = problems
    .filter(
      (problem) => problem.path === path || problem.path.startsWith(`${path}[`) || problem.path.startsWith(`${path}.`)
    )
    .map((problem) => problem.message);
  return messages.length > 0 ? [...new Set(messages)].join('; ') : undefined;
}
