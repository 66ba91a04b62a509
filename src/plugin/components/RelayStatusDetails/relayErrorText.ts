import { t } from '@grafana/i18n';
import { type RelayError } from '../../api/relay';

/** A sentence telling the user what went wrong and what to do. Call at render time. */
export function relayErrorText(error: RelayError): string {
  switch (error.kind) {
    case 'no-route':
      return t(
        'relay-error.no-route',
        "Grafana has no proxy route for the relay. Restart Grafana after installing or updating the plugin, so it reads the plugin's routes."
      );
    case 'not-enabled':
      return t(
        'relay-error.not-enabled',
        'The WeCom Relay app is not enabled in this organization. Enable it on the configuration page.'
      );
    case 'forbidden':
      return t('relay-error.forbidden', 'Your Grafana role is not allowed to do this. Ask an organization admin.');
    case 'unauthorized':
      return t(
        'relay-error.unauthorized',
        "The relay refused the admin token. Set the admin token to the relay's WECOM_RELAY_ADMIN_TOKEN and save."
      );
    case 'unreachable':
      return t(
        'relay-error.unreachable',
        "Grafana could not reach the relay at the saved URL. Check the relay URL as Grafana's server sees it (in Docker, the service name rather than localhost) and that the relay is running."
      );
    case 'network':
      return t('relay-error.network', 'The request did not complete. Check your connection to Grafana and try again.');
    default:
      return t('relay-error.http', 'The relay answered with an error.');
  }
}
