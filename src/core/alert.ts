/**
 * The alert model shared by the relay and the plugin. Grafana's webhook payload and
 * Alertmanager's webhook payload are both normalised into an AlertGroup.
 */
export type AlertStatus = 'firing' | 'resolved';

export type Labels = Record<string, string>;

export interface Alert {
  status: AlertStatus;
  labels: Labels;
  annotations: Labels;
  /** ISO-8601, or null when the sender gave none. */
  startsAt: string | null;
  /** ISO-8601; null while firing (Grafana and Alertmanager send the zero time 0001-01-01). */
  endsAt: string | null;
  fingerprint: string;
  /** Absolute URLs, or '' when absent or not usable. */
  generatorURL: string;
  silenceURL: string;
  dashboardURL: string;
  panelURL: string;
  imageURL: string;
  /** Grafana's evaluated values (refId → number); {} for Alertmanager. */
  values: Record<string, number>;
  valueString: string;
}

export type AlertSource = 'grafana' | 'alertmanager';

export interface AlertGroup {
  source: AlertSource;
  receiver: string;
  status: AlertStatus;
  groupKey: string;
  groupLabels: Labels;
  commonLabels: Labels;
  commonAnnotations: Labels;
  externalURL: string;
  truncatedAlerts: number;
  alerts: Alert[];
  /** Grafana's contact point "Test" button (alertname TestAlert) or the relay's own test-send. */
  isTest: boolean;
}

export const SEVERITY_LABELS = ['severity', 'level', 'priority'] as const;

/** The alert's severity, from the first of the usual labels that is set, lower-cased. */
export function severityOf(alert: Pick<Alert, 'labels'>): string {
  for (const name of SEVERITY_LABELS) {
    const value = alert.labels[name];
    if (value) {
      return value.toLowerCase();
    }
  }
  return '';
}
