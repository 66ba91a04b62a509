/** Checking a custom template before it is saved, so failures show in the form, not at 3 a.m. */
import type { AlertGroup } from '../alert';
import { DEFAULT_TIMEZONE } from '../config';
import { LIMITS, utf8Bytes } from '../limits';
import { checkSyntax } from './engine';
import { renderWith, TemplateFailure, templatesFor, type RenderedGroup, type Templates } from './render-group';
import { SAMPLE_GROUPS } from './samples';
import type { MessageKind } from './types';

const SAMPLE_KINDS: MessageKind[] = ['robot-markdown', 'app-text', 'app-textcard'];
const HEADER_MAX_BYTES = LIMITS.robotMarkdown / 2;

function renderSample(templates: Templates, group: AlertGroup, kind: MessageKind): RenderedGroup {
  const now = new Date('2026-01-02T07:09:05Z');
  return renderWith(templates, group, {
    kind,
    language: 'zh-CN',
    timezone: DEFAULT_TIMEZONE,
    ruleName: '示例规则',
    now,
    labels: { hide: [], first: [] },
    digest: false,
  });
}

export function templateError(template: { title?: string; alert?: string }): string | null {
  const templates = templatesFor(template, 'zh-CN');
  const custom = { title: templates.title === template.title, alert: templates.alert === template.alert };
  for (const which of ['title', 'alert'] as const) {
    try {
      checkSyntax(templates[which], DEFAULT_TIMEZONE);
    } catch (error) {
      return new TemplateFailure(which, error).message;
    }
  }
  for (const group of [SAMPLE_GROUPS.firing, SAMPLE_GROUPS.resolved, SAMPLE_GROUPS.test]) {
    for (const kind of SAMPLE_KINDS) {
      let rendered: RenderedGroup;
      try {
        rendered = renderSample(templates, group, kind);
      } catch (error) {
        return error instanceof TemplateFailure ? error.message : String(error);
      }
      if (custom.alert && rendered.blocks.some((block) => block === '')) {
        return `alert template: renders nothing for the sample alert (${kind})`;
      }
      const headerBytes = utf8Bytes(rendered.header);
      if (custom.title && headerBytes > HEADER_MAX_BYTES) {
        return `title template: renders ${headerBytes} bytes for the sample group; keep it under ${HEADER_MAX_BYTES}`;
      }
    }
  }
  return null;
}
