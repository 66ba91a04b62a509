/**
 * The services and rules the relay works with, decrypted, in memory. Storage keeps them sealed;
 * every change goes through here so the pipeline always sees the committed state.
 */
import { ruleSchema, serviceSchema, type RuleConfig, type ServiceConfig } from '../../core/config';
import { destinationsOf, type ResolvedDestination } from '../delivery/destinations';
import type { SecretBox } from '../secrets';
import type { ObjectChange, ObjectKind, ObjectStore, Provenance, StoredObject } from '../storage/types';

export interface Entry<T> {
  config: T;
  provenance: Provenance;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface ServiceEntry extends Entry<ServiceConfig> {
  /** Its destinations by queue name, worked out once per load rather than once per alert. */
  destinations: Map<string, ResolvedDestination>;
}
export type RuleEntry = Entry<RuleConfig>;

type SecretPath = (config: any) => Array<{ get(): string | undefined; set(value: string): void }>;

/** Where the secrets are in each kind of object. */
const SECRET_FIELDS: Record<ObjectKind, SecretPath> = {
  service: (service: ServiceConfig) => [
    ...service.robots.map((robot) => ({
      get: () => robot.webhookUrl,
      set: (value: string) => (robot.webhookUrl = value),
    })),
    ...(service.app ? [{ get: () => service.app!.secret, set: (value: string) => (service.app!.secret = value) }] : []),
  ],
  rule: (rule: RuleConfig) =>
    rule.hmac ? [{ get: () => rule.hmac!.secret, set: (value: string) => (rule.hmac!.secret = value) }] : [],
};

export function sealConfig(kind: ObjectKind, config: ServiceConfig | RuleConfig, box: SecretBox): string {
  const copy = structuredClone(config);
  for (const field of SECRET_FIELDS[kind](copy)) {
    const value = field.get();
    if (value !== undefined) {
      field.set(box.seal(value));
    }
  }
  return JSON.stringify(copy);
}

function openConfig<T>(kind: ObjectKind, stored: StoredObject, box: SecretBox): T {
  const config = JSON.parse(stored.sealed);
  for (const field of SECRET_FIELDS[kind](config)) {
    const value = field.get();
    if (value !== undefined) {
      field.set(box.open(value));
    }
  }
  const schema = kind === 'service' ? serviceSchema : ruleSchema;
  return schema.parse(config) as T;
}

function toEntry<T>(kind: ObjectKind, stored: StoredObject, box: SecretBox): Entry<T> {
  return {
    config: openConfig<T>(kind, stored, box),
    provenance: stored.provenance,
    version: stored.version,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

export class Catalog {
  services = new Map<string, ServiceEntry>();
  rules = new Map<string, RuleEntry>();

  /** Reloads started so far, and the newest one: one that finishes after a later one must not win. */
  private reloads = 0;
  private newest: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: ObjectStore,
    readonly box: SecretBox,
    private readonly apiBase: string
  ) {}

  /** Follows the changes other relays sharing the storage make; `onError` when a reload fails. */
  follow(onError: (error: unknown) => void): void {
    this.storage.onObjectsChanged(() => this.reload().catch(onError));
  }

  /** Resolves once the view holds what storage held at the call, or later. */
  reload(): Promise<void> {
    const reload = ++this.reloads;
    this.newest = Promise.all([this.storage.listObjects('service'), this.storage.listObjects('rule')]).then(
      ([services, rules]) => {
        if (reload !== this.reloads) {
          return this.newest;
        }
        this.services = new Map(
          services.map((stored) => {
            const entry = toEntry<ServiceConfig>('service', stored, this.box);
            return [stored.uid, { ...entry, destinations: destinationsOf(entry.config, this.apiBase) }];
          })
        );
        this.rules = new Map(rules.map((stored) => [stored.uid, toEntry<RuleConfig>('rule', stored, this.box)]));
        return undefined;
      }
    );
    return this.newest;
  }

  /** Commits changes in one transaction, then refreshes the in-memory view. */
  async write(changes: ObjectChange[]): Promise<void> {
    await this.storage.writeObjects(changes);
    await this.reload();
  }

  putChange(
    kind: ObjectKind,
    config: ServiceConfig | RuleConfig,
    provenance: Provenance,
    expectVersion?: number
  ): ObjectChange {
    return {
      op: 'put',
      kind,
      object: { uid: config.uid, name: config.name, sealed: sealConfig(kind, config, this.box), provenance },
      expectVersion,
      now: Date.now(),
    };
  }

  /** Rules that send through a service. */
  rulesUsing(serviceUid: string): string[] {
    return [...this.rules.values()]
      .filter((rule) => rule.config.services.includes(serviceUid))
      .map((rule) => rule.config.uid);
  }
}
