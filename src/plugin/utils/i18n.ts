/**
 * Interpolation values for t() shown as typed. Grafana initialises i18next with escapeValue on, so
 * a value such as a URL, a name with "&" or a WeCom errmsg would come out HTML-escaped
 * ("http:&#x2F;&#x2F;…"), and React escapes the text once more when it renders it.
 */
export function verbatim<T extends Record<string, unknown>>(values: T): T & { interpolation: { escapeValue: false } } {
  return { ...values, interpolation: { escapeValue: false } };
}
