/**
 * The Liquid engine for message templates: synchronous, no file system (include/render/layout find
 * nothing), every `{{ … }}` neutralised, and bounded in template size, memory and time so a user's
 * template cannot hang or exhaust the relay or the browser.
 */
import { Liquid, type Template } from 'liquidjs';
import type { Language } from '../config';
import { neutraliseOutput } from './neutralise';
import { formatDuration } from './time';

const PARSE_LIMIT_CHARS = 100_000;
const MEMORY_LIMIT = 10_000_000;
const RENDER_LIMIT_MS = 1_000;
const CACHE_SIZE = 64;

interface Engine {
  liquid: Liquid;
  parsed: Map<string, Template[]>;
}

/** One engine per time zone: Liquid's `date` filter formats in the engine's zone. */
const engines = new Map<string, Engine>();

function createEngine(timezone: string): Engine {
  const liquid = new Liquid({
    templates: {},
    strictFilters: true,
    // '' and 0 are false, so `{% if alert.panelURL %}` and `{% if truncatedAlerts %}` read naturally.
    jsTruthy: true,
    ownPropertyOnly: true,
    timezoneOffset: timezone,
    outputEscape: neutraliseOutput,
    parseLimit: PARSE_LIMIT_CHARS,
    memoryLimit: MEMORY_LIMIT,
    renderLimit: RENDER_LIMIT_MS,
  });
  liquid.registerFilter('duration', function (seconds: unknown) {
    const { language } = this.context.globals as { language: Language };
    return typeof seconds === 'number' ? formatDuration(seconds, language) : '';
  });
  return { liquid, parsed: new Map() };
}

/** Bounded caches: forget everything rather than grow without limit. */
function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= CACHE_SIZE) {
    cache.clear();
  }
  cache.set(key, value);
  return value;
}

function engineFor(timezone: string): Engine {
  return engines.get(timezone) ?? remember(engines, timezone, createEngine(timezone));
}

function parse(engine: Engine, source: string): Template[] {
  return engine.parsed.get(source) ?? remember(engine.parsed, source, engine.liquid.parse(source));
}

/** Throws Liquid's error (with line and column) when the template does not parse. */
export function checkSyntax(source: string, timezone: string): void {
  parse(engineFor(timezone), source);
}

export interface RenderOptions {
  timezone: string;
  language: Language;
  /** Date.now() by which every render of one group must be done. */
  deadline: number;
}

export function renderLiquid(source: string, scope: object, options: RenderOptions): string {
  const engine = engineFor(options.timezone);
  return engine.liquid.renderSync(parse(engine, source), scope, {
    globals: { language: options.language },
    renderLimit: Math.max(1, Math.min(RENDER_LIMIT_MS, options.deadline - Date.now())),
  });
}
