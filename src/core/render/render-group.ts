/** A group through the rule's templates: one header and one markdown block per alert. */
import type { AlertGroup } from '../alert';
import type { Language } from '../config';
import { renderLiquid } from './engine';
import { STRINGS } from './i18n';
import { tidy } from './markdown';
import { neutralise } from './neutralise';
import { COMPACT_TEMPLATES, DEFAULT_TEMPLATES } from './templates';
import { usableTimezone } from './time';
import type { MessageKind, RenderContext } from './types';
import { cutToBytes, wellFormed } from './utf8';
import { alertView, groupView, readingOrder, type AlertView, type RenderScope } from './view';

/** Stands for `{{ part }}` while rendering; replaced by "(i/N)" once the number of parts is known. */
export const PART_PLACEHOLDER = '\uE000part\uE001';

/** A slow or looping custom template gives up after this, and the defaults are used instead. */
const GROUP_RENDER_MS = 2_000;

export interface Templates {
  title: string;
  alert: string;
}

export interface RenderedGroup {
  /** Tidy markdown that may hold PART_PLACEHOLDER. */
  header: string;
  /** Tidy markdown, one per alert, in reading order (firing first). */
  blocks: string[];
  alerts: AlertView[];
  externalURL: string;
}

export class TemplateFailure extends Error {
  constructor(
    readonly template: keyof Templates,
    cause: unknown
  ) {
    super(`${template} template: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Full: the rule's templates, each alert in detail. Compact: one line per alert (COMPACT_TEMPLATES). */
export type Style = 'full' | 'compact';

function render(
  source: string,
  which: keyof Templates,
  variables: object,
  scope: RenderScope,
  deadline: number
): string {
  try {
    return wellFormed(
      tidy(renderLiquid(source, variables, { timezone: scope.timezone, language: scope.language, deadline }))
    );
  } catch (error) {
    throw new TemplateFailure(which, error);
  }
}

/** Throws TemplateFailure naming the template that failed. */
export function renderWith(templates: Templates, group: AlertGroup, scope: RenderScope): RenderedGroup {
  const deadline = Date.now() + GROUP_RENDER_MS;
  const shown = readingOrder(group.alerts).map((alert) => alertView(alert, group.source, scope));
  const view = groupView(group, shown, { ...scope, part: PART_PLACEHOLDER });
  return {
    header: render(templates.title, 'title', view, scope, deadline),
    // The marker belongs to the header; alert blocks move between parts.
    blocks: view.alerts.map((alert) => render(templates.alert, 'alert', { ...view, part: '', alert }, scope, deadline)),
    alerts: view.alerts,
    externalURL: view.externalURL,
  };
}

function scopeOf(ctx: RenderContext, kind: MessageKind): RenderScope {
  return {
    kind,
    language: ctx.language,
    timezone: usableTimezone(ctx.timezone),
    ruleName: ctx.ruleName,
    serviceName: ctx.serviceName ?? '',
    now: ctx.now ?? new Date(),
    labels: ctx.labels ?? { hide: [], first: [] },
    digest: ctx.digest ?? false,
  };
}

/** Whether the rule's templates differ from the built-in ones (the compact style uses neither). */
export function hasCustomTemplate(ctx: RenderContext): boolean {
  const used = templatesFor(ctx.template, ctx.language);
  const defaults = DEFAULT_TEMPLATES[ctx.language];
  return used.title !== defaults.title || used.alert !== defaults.alert;
}

/** The given templates, with the built-in ones of the language for what is absent or blank. */
export function templatesFor(custom: Partial<Templates> | undefined, language: Language): Templates {
  const defaults = DEFAULT_TEMPLATES[language];
  return {
    title: custom?.title?.trim() ? custom.title : defaults.title,
    alert: custom?.alert?.trim() ? custom.alert : defaults.alert,
  };
}

/**
 * The group rendered with the rule's templates. A custom template that fails at render time must
 * not cost the alert: the built-in templates are used and the header says why.
 */
export function renderGroup(group: AlertGroup, ctx: RenderContext, kind: MessageKind, style: Style): RenderedGroup {
  const scope = scopeOf(ctx, kind);
  const defaults = DEFAULT_TEMPLATES[scope.language];
  const templates =
    style === 'compact' ? COMPACT_TEMPLATES[scope.language] : templatesFor(ctx.template, scope.language);
  try {
    return renderWith(templates, group, scope);
  } catch (error) {
    if (
      !(error instanceof TemplateFailure) ||
      (templates.title === defaults.title && templates.alert === defaults.alert)
    ) {
      throw error;
    }
    const rendered = renderWith(defaults, group, scope);
    const notice = neutralise(cutToBytes(STRINGS[scope.language].templateFailed + error.message, 300));
    return { ...rendered, header: `${rendered.header}\n> <font color="comment">${notice}</font>` };
  }
}
