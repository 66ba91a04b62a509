import { useSearchParams } from 'react-router-dom';
import { dateTime, isDateTime, rangeUtil, type TimeRange } from '@grafana/data';
import { deliveryStatuses, type DeliveryStatus } from '../../../core/delivery-states';
import { ROUTES } from '../../constants';
import { prefixRoute } from '../../utils/utils.routing';

/** The filters of the delivery log, as the page's URL holds them (so a link opens it filtered). */
export interface DeliveryFilterValues {
  status?: DeliveryStatus;
  rule?: string;
  service?: string;
  /** Grafana's relative time (`now-24h`) or ms since epoch. */
  since?: string;
  until?: string;
}

/** URL query parameters of the page: the filters, the delivery open in the drawer, the auto-refresh interval. */
export const PARAM = {
  status: 'status',
  rule: 'rule',
  service: 'service',
  since: 'since',
  until: 'until',
  id: 'id',
  refresh: 'refresh',
} as const;

const FILTER_PARAMS = [PARAM.status, PARAM.rule, PARAM.service, PARAM.since, PARAM.until] as const;

export function filtersFromParams(params: URLSearchParams): DeliveryFilterValues {
  const status = params.get(PARAM.status);
  const text = (name: string) => params.get(name) || undefined;
  return {
    status: deliveryStatuses.find((known) => known === status),
    rule: text(PARAM.rule),
    service: text(PARAM.service),
    since: text(PARAM.since),
    until: text(PARAM.until),
  };
}

/** `params` with some of them changed; an empty or undefined value removes the parameter. */
export function withParams(params: URLSearchParams, changes: Record<string, string | undefined>): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === '') {
      next.delete(name);
    } else {
      next.set(name, value);
    }
  }
  return next;
}

/** A link to the delivery log, filtered, optionally with one delivery open (e.g. from the overview). */
export function deliveriesUrl(filters: DeliveryFilterValues = {}, id?: number): string {
  const params = withParams(new URLSearchParams(), { ...filters, [PARAM.id]: id === undefined ? undefined : String(id) });
  const search = params.toString();
  return prefixRoute(ROUTES.Deliveries) + (search ? `?${search}` : '');
}

/** The time picker's value for the URL's bounds; an empty range (nothing selected) when there are none. */
export function timeRangeOf({ since, until }: DeliveryFilterValues): TimeRange {
  if (!since && !until) {
    const none = dateTime(null);
    return { from: none, to: none, raw: { from: none, to: none } };
  }
  const bound = (raw: string) => (/^\d+$/.test(raw) ? dateTime(Number(raw)) : raw);
  return rangeUtil.convertRawToRange({ from: bound(since ?? '0'), to: bound(until ?? 'now') });
}

/** The URL's bounds for a picked range: relative ones stay relative, absolute ones become ms. */
export function boundsOf(range: TimeRange): Pick<DeliveryFilterValues, 'since' | 'until'> {
  const bound = (raw: TimeRange['raw']['from']) =>
    isDateTime(raw) ? (raw.isValid() ? String(raw.valueOf()) : undefined) : raw || undefined;
  return { since: bound(range.raw.from), until: bound(range.raw.to) };
}

/** The page's state in its URL: filters, the open delivery, auto-refresh. */
export function useDeliverySearch() {
  const [params, setParams] = useSearchParams();
  const id = Number(params.get(PARAM.id));
  const update = (changes: Record<string, string | undefined>) => setParams((current) => withParams(current, changes));
  return {
    filters: filtersFromParams(params),
    setFilters: (changes: DeliveryFilterValues) => update({ ...changes }),
    clearFilters: () => update(Object.fromEntries(FILTER_PARAMS.map((name) => [name, undefined]))),
    /** The delivery open in the drawer. */
    openId: Number.isInteger(id) && id > 0 ? id : undefined,
    /** The search part of a link that opens a delivery, keeping the filters. */
    searchToOpen: (deliveryId: number) => `?${withParams(params, { [PARAM.id]: String(deliveryId) })}`,
    close: () => update({ [PARAM.id]: undefined }),
    /** Auto-refresh interval, e.g. "10s"; empty when off. */
    refresh: params.get(PARAM.refresh) ?? '',
    setRefresh: (interval: string) => update({ [PARAM.refresh]: interval }),
  };
}
