import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { ControlledCollapse, useStyles2 } from '@grafana/ui';

/** The text a reader sees in a WeCom message body (markdown, text or textcard), if it has one. */
export function readableText(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') {
    return undefined;
  }
  const record = body as Record<string, unknown>;
  const inner = typeof record.msgtype === 'string' ? record[record.msgtype] : undefined;
  if (!inner || typeof inner !== 'object') {
    return undefined;
  }
  const { content, title, description } = inner as Record<string, unknown>;
  if (typeof content === 'string') {
    return content;
  }
  return typeof description === 'string' ? [title, description].filter(Boolean).join('\n\n') : undefined;
}

/** A message body as WeCom receives it: its text as the reader sees it, and the JSON sent. */
export function MessageBody({ body }: { body: unknown }) {
  const styles = useStyles2(getStyles);
  const text = readableText(body);
  if (text === undefined) {
    return <JsonBlock value={body} />;
  }
  return (
    <>
      <pre className={styles.pre}>{text}</pre>
      <ControlledCollapse label={t('deliveries.message.json', 'Request body (JSON)')}>
        <JsonBlock value={body} />
      </ControlledCollapse>
    </>
  );
}

export function JsonBlock({ value }: { value: unknown }) {
  const styles = useStyles2(getStyles);
  return <pre className={styles.pre}>{JSON.stringify(value, null, 2)}</pre>;
}

const getStyles = (theme: GrafanaTheme2) => ({
  pre: css({
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    maxHeight: 400,
    overflow: 'auto',
    margin: theme.spacing(1, 0),
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
