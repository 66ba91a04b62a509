/**
 * Splitting a rendered group into parts that each fit the kind's limit on their own: the header
 * repeats in every part, alerts are never split across parts, an alert too big for a part is cut
 * with a visible marker, and "(i/N)" marks the parts when there are several.
 *
 * A big group (COMPACT_FROM_ALERTS alerts or more whose full form needs several messages), and
 * every group of a digest, is shown compact: one line per alert, in two sections, firing then
 * resolved, each under a heading of its own status and numbered on its own.
 */
import type { AlertGroup } from '../alert';
import { utf8Bytes } from '../limits';
import { STRINGS } from './i18n';
import { FORMATS, limitOf } from './kinds';
import { tidy, toCardDescription } from './markdown';
import { mentionFooter } from './mentions';
import { hasCustomTemplate, PART_PLACEHOLDER, renderGroup, type RenderedGroup } from './render-group';
import { cardTitle, cardUrl, encodeCard } from './textcard';
import { fitToBudget } from './truncate';
import type { MessageKind, RenderContext, RenderedPart } from './types';
import type { AlertView } from './view';

/** The placeholder, or what is left of it when a too-long header was cut inside it. */
const PLACEHOLDER_REMAINS = /\uE000[a-z]*\uE001?/g;

/** The header with its "(i/N)" marker in place: where the template put `{{ part }}`, else ending the first line. */
function withMarker(header: string, marker: string): string {
  if (header.includes(PART_PLACEHOLDER[0])) {
    return tidy(header.replace(PLACEHOLDER_REMAINS, marker));
  }
  if (marker === '') {
    return header;
  }
  const end = header.indexOf('\n');
  return end === -1 ? `${header} ${marker}` : `${header.slice(0, end)} ${marker}${header.slice(end)}`;
}

interface Frame {
  /** textcard only: the card title. */
  title: string;
  /** The header as it counts against the limit. */
  body: string;
}

function frameOf(header: string, marker: string, kind: MessageKind): Frame {
  if (kind !== 'app-textcard') {
    return { title: '', body: FORMATS[kind].body(withMarker(header, marker)) };
  }
  const [first = '', ...rest] = withMarker(header, '').split('\n');
  return { title: cardTitle(first, marker), body: toCardDescription(rest.join('\n')) };
}

/** Consecutive runs of pieces whose joined size stays within `room`. */
function chunk(sizes: number[], room: number, separatorBytes: number): number[][] {
  const chunks: number[][] = [];
  let used = 0;
  sizes.forEach((size, index) => {
    const current = chunks[chunks.length - 1];
    if (current && used + separatorBytes + size <= room) {
      current.push(index);
      used += separatorBytes + size;
    } else {
      chunks.push([index]);
      used = size;
    }
  });
  return chunks;
}

const COMPACT_FROM_ALERTS = 6;

function partOf(text: string, alerts: AlertView[]): RenderedPart {
  const firing = alerts.filter((alert) => alert.status === 'firing').length;
  return { text, firing, resolved: alerts.length - firing, fingerprints: alerts.map((alert) => alert.fingerprint) };
}

function split(rendered: RenderedGroup, ctx: RenderContext, kind: MessageKind): RenderedPart[] {
  const format = FORMATS[kind];
  const separatorBytes = utf8Bytes(format.separator);
  const truncated = STRINGS[ctx.language].truncated;
  const firing = rendered.alerts.some((alert) => alert.status === 'firing');
  const footer = kind === 'robot-markdown' && firing ? mentionFooter(ctx.mentions.users) : '';
  const budget = limitOf(kind) - utf8Bytes(footer);
  const measure = (markdown: string) => utf8Bytes(format.body(markdown));
  const join = (frame: Frame, bodies: string[]) =>
    [frame.body, ...bodies].filter((piece) => piece !== '').join(format.separator);
  const assemble = (frame: Frame, bodies: string[], alerts: AlertView[]): RenderedPart =>
    partOf(
      kind === 'app-textcard'
        ? encodeCard({
            title: frame.title,
            description: join(frame, bodies),
            url: cardUrl(alerts, rendered.externalURL),
            btntxt: STRINGS[ctx.language].cardButton,
          })
        : join(frame, bodies),
      alerts
    );

  // Half the room at most for the header, so alerts always have space.
  const header = fitToBudget(
    rendered.header,
    Math.floor(budget / 2),
    (text) => utf8Bytes(frameOf(text, '(99/99)', kind).body),
    truncated
  );
  const whole = frameOf(header, '', kind);
  const bodies = rendered.blocks.map((block) => format.body(block));
  if (utf8Bytes(join(whole, bodies)) <= budget) {
    return [assemble(whole, bodies, rendered.alerts)];
  }

  // The marker's width changes the room left for alerts: split with room for the widest marker of
  // d digits, and again with d+1 digits in the rare case that gives 10^d parts or more.
  for (let digits = 1; ; digits++) {
    const widest = '9'.repeat(digits);
    const frame = frameOf(header, `(${widest}/${widest})`, kind);
    const room = budget - utf8Bytes(frame.body) - (frame.body === '' ? 0 : separatorBytes);
    const fitted = rendered.blocks.map((block) => format.body(fitToBudget(block, room, measure, truncated)));
    const chunks = chunk(fitted.map(utf8Bytes), room, separatorBytes);
    if (chunks.length === 1 || String(chunks.length).length <= digits) {
      return chunks.map((indices, i) =>
        assemble(
          frameOf(header, chunks.length === 1 ? '' : `(${i + 1}/${chunks.length})`, kind),
          indices.map((index) => fitted[index]),
          indices.map((index) => rendered.alerts[index])
        )
      );
    }
  }
}

/** The group's firing alerts and its resolved ones, as groups of their own; Grafana's truncation note goes with the first. */
function sections(group: AlertGroup): AlertGroup[] {
  const firing = group.alerts.filter((alert) => alert.status === 'firing');
  const resolved = group.alerts.filter((alert) => alert.status !== 'firing');
  if (firing.length === 0 || resolved.length === 0) {
    return [group];
  }
  return [
    { ...group, status: 'firing', alerts: firing },
    { ...group, status: 'resolved', alerts: resolved, truncatedAlerts: 0 },
  ];
}

function compactParts(group: AlertGroup, ctx: RenderContext, kind: MessageKind): RenderedPart[] {
  return sections(group).flatMap((section) => split(renderGroup(section, ctx, kind, 'compact'), ctx, kind));
}

/** The group's parts, in order; each fits the kind's limit with the rule's mention footer. */
export function renderGroupParts(group: AlertGroup, ctx: RenderContext, kind: MessageKind): RenderedPart[] {
  if (ctx.digest) {
    return compactParts(group, ctx, kind);
  }
  const full = split(renderGroup(group, ctx, kind, 'full'), ctx, kind);
  if (full.length > 1 && group.alerts.length >= COMPACT_FROM_ALERTS && !hasCustomTemplate(ctx)) {
    return compactParts(group, ctx, kind);
  }
  return full;
}

/** The text of each of the group's parts. */
export function renderParts(group: AlertGroup, ctx: RenderContext, kind: MessageKind): string[] {
  return renderGroupParts(group, ctx, kind).map((part) => part.text);
}
