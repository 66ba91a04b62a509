/**
 * Splitting a rendered group into parts that each fit the kind's limit on their own: the header
 * repeats in every part, alerts are never split across parts, an alert too big for a part is cut
 * with a visible marker, and "(i/N)" marks the parts when there are several.
 */
import type { AlertGroup } from '../alert';
import { utf8Bytes } from '../limits';
import { STRINGS } from './i18n';
import { FORMATS, limitOf } from './kinds';
import { tidy, toCardDescription } from './markdown';
import { mentionFooter } from './mentions';
import { PART_PLACEHOLDER, renderGroup } from './render-group';
import { cardTitle, cardUrl, encodeCard } from './textcard';
import { fitToBudget } from './truncate';
import type { MessageKind, RenderContext } from './types';
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

export function renderParts(group: AlertGroup, ctx: RenderContext, kind: MessageKind): string[] {
  const rendered = renderGroup(group, ctx, kind);
  const format = FORMATS[kind];
  const separatorBytes = utf8Bytes(format.separator);
  const truncated = STRINGS[ctx.language].truncated;
  const firing = rendered.alerts.some((alert) => alert.status === 'firing');
  const footer = kind === 'robot-markdown' && firing ? mentionFooter(ctx.mentions.users) : '';
  const budget = limitOf(kind) - utf8Bytes(footer);
  const measure = (markdown: string) => utf8Bytes(format.body(markdown));
  const join = (frame: Frame, bodies: string[]) =>
    [frame.body, ...bodies].filter((piece) => piece !== '').join(format.separator);
  const assemble = (frame: Frame, bodies: string[], alerts: AlertView[]): string =>
    kind === 'app-textcard'
      ? encodeCard({
          title: frame.title,
          description: join(frame, bodies),
          url: cardUrl(alerts, rendered.externalURL),
          btntxt: STRINGS[ctx.language].cardButton,
        })
      : join(frame, bodies);

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
