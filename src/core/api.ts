/**
 * The admin API's responses, defined once: the relay declares them as each route's response
 * schema (so what it serialises is exactly this, and no secret field can slip out), the OpenAPI
 * document is generated from them, and the plugin's pages read the inferred types.
 */
import { z } from 'zod';
import { appMessageTypes, ruleSchema, serviceSchema } from './config';
import { deliveryReasons, deliveryStatuses } from './delivery-states';

const isoTime = z.string();
const hint = z.object({ 'zh-CN': z.string(), en: z.string() });
export type Hint = z.infer<typeof hint>;

const objectMeta = {
  provenance: z.enum(['file', 'api']),
  version: z.number().int(),
  createdAt: isoTime,
  updatedAt: isoTime,
};

/** A robot as the API shows it: its key is never returned, `destination` names it instead. */
export const robotViewSchema = z.object({
  /** The robot's queue id in the delivery log; send it back (without webhookUrl) to keep the key. */
  destination: z.string().nullable(),
  groups: z.string(),
  webhookUrlSet: z.boolean(),
});

export const appViewSchema = z.object({
  /** The app's queue id in the delivery log (corpId, agentId and a hash of the recipients). */
  destination: z.string(),
  corpId: z.string(),
  agentId: z.number().int(),
  secretSet: z.boolean(),
  accounts: z.array(z.string()),
  departments: z.array(z.string()),
  tags: z.array(z.string()),
  msgType: z.enum(appMessageTypes),
});

export const serviceViewSchema = z.object({
  uid: z.string(),
  name: z.string(),
  description: z.string(),
  robots: z.array(robotViewSchema),
  app: appViewSchema.optional(),
  /** uids of the rules that send through this service. */
  usedBy: z.array(z.string()),
  ...objectMeta,
});

const ruleFields = ruleSchema.omit({ hmac: true }).shape;

export const ruleViewSchema = z.object({
  uid: z.string(),
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  services: z.array(z.string()),
  match: z.object({
    matchers: z.array(z.object({ label: z.string(), op: z.enum(['=', '!=', '=~', '!~']), value: z.string() })),
    severities: z.array(z.string()),
    statuses: z.array(z.enum(['firing', 'resolved'])),
  }),
  sendResolved: z.boolean(),
  language: ruleFields.language.unwrap(),
  timezone: z.string(),
  template: z.object({ title: z.string().optional(), alert: z.string().optional() }).optional(),
  labels: z.object({ hide: z.array(z.string()), first: z.array(z.string()) }),
  mentions: z.object({ users: z.array(z.string()), mobiles: z.array(z.string()), all: z.boolean() }),
  quietHours: z.object({ start: z.string(), end: z.string(), allowSeverities: z.array(z.string()) }).optional(),
  hmac: z.object({ header: z.string(), timestampHeader: z.string(), secretSet: z.boolean() }).optional(),
  /** Paths of the rule's webhooks on the relay. */
  hooks: z.object({ grafana: z.string(), alertmanager: z.string() }),
  ...objectMeta,
});

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export const deliverySummarySchema = z.object({
  id: z.number().int(),
  status: z.enum(deliveryStatuses),
  rule: z.string(),
  service: z.string(),
  destination: z.string(),
  kind: z.enum(['robot', 'app']),
  label: z.string(),
  isTest: z.boolean(),
  groupStatus: z.enum(['firing', 'resolved']),
  alertnames: z.array(z.string()),
  alerts: z.object({ firing: z.number().int(), resolved: z.number().int() }),
  partsSent: z.number().int(),
  attempts: z.number().int(),
  createdAt: isoTime,
  /** Held until then by quiet hours; the creation time otherwise. */
  notBefore: isoTime,
  sentAt: isoTime.nullable(),
  lastErrcode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  /** What to do about the last error of a failed or retrying delivery, from WeCom's last answer; null otherwise. */
  hint: hint.nullable(),
  reason: z.enum(deliveryReasons).nullable(),
  /** App recipients WeCom did not deliver to while the others got it (users, party:ID, tag:ID, unlicensed:USERID). */
  invalidRecipients: z.array(z.string()),
});

export const deliveryPageSchema = z.object({
  items: z.array(deliverySummarySchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.number().int().nullable(),
});

export const attemptViewSchema = z.object({
  id: z.number().int(),
  deliveryId: z.number().int(),
  destination: z.string(),
  at: isoTime,
  ok: z.boolean(),
  errcode: z.number().int().nullable(),
  errmsg: z.string(),
  httpStatus: z.number().int().nullable(),
  durationMs: z.number(),
  /** The message body as it was sent. */
  message: z.unknown(),
  hint: hint.nullable(),
  invalidRecipients: z.array(z.string()),
});

export const renderedMessageSchema = z.object({
  body: z.unknown(),
  bytes: z.number().int(),
  limit: z.number().int(),
});

export const deliveryDetailSchema = deliverySummarySchema.extend({
  group: z.unknown(),
  attempts: z.array(attemptViewSchema),
  messages: z.array(renderedMessageSchema),
});

export const destinationResultSchema = z.object({
  destination: z.string(),
  kind: z.enum(['robot', 'app']),
  label: z.string(),
  ok: z.boolean(),
  errcode: z.number().int().nullable(),
  errmsg: z.string(),
  hint: hint.nullable(),
  invalidRecipients: z.array(z.string()),
});

export const serviceTestResultSchema = z.object({
  ok: z.boolean(),
  results: z.array(destinationResultSchema),
});

export const previewDestinationSchema = z.object({
  service: z.string(),
  destination: z.string(),
  kind: z.enum(['robot', 'app']),
  label: z.string(),
  messageKind: z.enum(['robot-markdown', 'app-markdown', 'app-text', 'app-textcard']),
  limit: z.number().int(),
  messages: z.array(renderedMessageSchema),
  /** The text message that carries @all / @mobile mentions for robots, if any. */
  companion: z.unknown().nullable(),
});

export const previewResultSchema = z.object({
  alerts: z.number().int(),
  matched: z.number().int(),
  note: z.string().optional(),
  destinations: z.array(previewDestinationSchema),
});

/**
 * What Grafana's webhook contact point for a rule needs. Answered only to a non-GET call, so only
 * Grafana Editors and Admins (plugin.json's proxy routes) ever receive the ingest token.
 */
export const contactPointSpecSchema = z.object({
  rule: z.string(),
  /** The hook path on the relay, e.g. /hooks/grafana/critical; the plugin prefixes the relay URL. */
  path: z.string(),
  ingestToken: z.string(),
  hmac: z.object({ secret: z.string(), header: z.string(), timestampHeader: z.string() }).nullable(),
});

export const relayStatusSchema = z.object({
  version: z.string(),
  uptimeSeconds: z.number(),
  storage: z.object({ kind: z.enum(['sqlite', 'postgres']), ok: z.boolean() }),
  /** null when the storage cannot be read. */
  queue: z
    .object({ pending: z.number().int(), failed: z.number().int(), oldestPendingSeconds: z.number().nullable() })
    .nullable(),
  wecomApiBase: z.string(),
  /** The relay's address as WeCom reported it in a 60020 answer; add it to 企业可信IP. */
  egressIp: z.string().nullable(),
  provisioning: z.string().nullable(),
  /** The last refused provisioning reload, until one succeeds. */
  provisioningRefused: z
    .object({ at: isoTime, problems: z.array(z.object({ path: z.string(), message: z.string() })) })
    .nullable(),
  /** The proxy the WeCom calls go through (credentials hidden), or null; source: flag, env, or no_proxy (bypassed). */
  egressProxy: z.object({ url: z.string().nullable(), source: z.enum(['flag', 'env', 'no_proxy']).nullable() }),
  services: z.number().int(),
  rules: z.number().int(),
});

export const reloadResultSchema = z.object({
  ok: z.literal(true),
  /** Objects from the files created or changed, removed, and left as they were. */
  changed: z.number().int(),
  removed: z.number().int(),
  unchanged: z.number().int(),
});

/** PUT bodies: what a GET returned, edited. Secrets left out (or empty) keep the stored ones. */
const version = z.number().int().optional().describe('the version edited; or send If-Match: "<version>"');
export const serviceUpdateSchema = serviceSchema.extend({ version });
export const ruleUpdateSchema = ruleSchema.extend({ version });

/** POST /services/{uid}/test: one destination (a robot's `destination`, or the app's queue id), or all. */
export const serviceTestRequestSchema = z
  .object({ destination: z.string().max(256).optional() })
  .nullish()
  .describe('no body, or {}, tests every destination');

export const problemSchema = z.object({ path: z.string(), message: z.string() });

/** Every error the admin API answers: a message in the caller's language and per-field problems. */
export const errorBodySchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  problems: z.array(problemSchema).optional(),
});

export type ServiceView = z.infer<typeof serviceViewSchema>;
export type RobotView = z.infer<typeof robotViewSchema>;
export type AppView = z.infer<typeof appViewSchema>;
export type RuleView = z.infer<typeof ruleViewSchema>;
export type DeliverySummary = z.infer<typeof deliverySummarySchema>;
export type DeliveryPage = z.infer<typeof deliveryPageSchema>;
export type DeliveryDetail = z.infer<typeof deliveryDetailSchema>;
export type AttemptView = z.infer<typeof attemptViewSchema>;
export type RenderedMessage = z.infer<typeof renderedMessageSchema>;
export type DestinationResult = z.infer<typeof destinationResultSchema>;
export type ServiceTestResult = z.infer<typeof serviceTestResultSchema>;
export type PreviewDestination = z.infer<typeof previewDestinationSchema>;
export type PreviewResult = z.infer<typeof previewResultSchema>;
export type ContactPointSpec = z.infer<typeof contactPointSpecSchema>;
export type RelayStatus = z.infer<typeof relayStatusSchema>;
export type ReloadResult = z.infer<typeof reloadResultSchema>;
export type ApiErrorBody = z.infer<typeof errorBodySchema>;
