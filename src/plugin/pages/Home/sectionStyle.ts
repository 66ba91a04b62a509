import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';

/** A boxed section of the overview, as Grafana draws secondary panels. */
export const sectionStyle = (theme: GrafanaTheme2) =>
  css({
    padding: theme.spacing(2),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    height: '100%',
  });
