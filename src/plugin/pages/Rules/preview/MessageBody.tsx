import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Stack, Text, useStyles2 } from '@grafana/ui';
import type { RobotTextBody, WecomBody } from '../../../../core/messages';

/** A WeCom message body as text: markdown source, plain text, or a textcard's title, description and link. */
export function MessageBody({ body }: { body: unknown }) {
  const styles = useStyles2(getStyles);
  const message = body as WecomBody;
  switch (message.msgtype) {
    case 'markdown':
      return <pre className={styles.pre}>{message.markdown.content}</pre>;
    case 'text': {
      const text: RobotTextBody['text'] = message.text;
      const mentions = [...(text.mentioned_list ?? []), ...(text.mentioned_mobile_list ?? [])];
      return (
        <Stack direction="column" gap={0.5}>
          <pre className={styles.pre}>{text.content}</pre>
          {mentions.length > 0 && (
            <Text color="secondary" variant="bodySmall">
              @ {mentions.join(', ')}
            </Text>
          )}
        </Stack>
      );
    }
    case 'textcard':
      return (
        <Stack direction="column" gap={0.5}>
          <Text weight="medium">{message.textcard.title}</Text>
          <pre className={styles.pre}>{message.textcard.description}</pre>
          <Text color="link" variant="bodySmall">
            {message.textcard.url}
          </Text>
        </Stack>
      );
    default:
      return <pre className={styles.pre}>{JSON.stringify(body, null, 2)}</pre>;
  }
}

const getStyles = (theme: GrafanaTheme2) => ({
  pre: css({
    margin: 0,
    padding: theme.spacing(1),
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.canvas,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    maxHeight: 480,
    overflowY: 'auto',
  }),
});
