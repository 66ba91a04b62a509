import React, { type ReactNode, useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Collapse, Text, useStyles2 } from '@grafana/ui';

export interface HelpSection {
  title: string;
  steps: ReactNode[];
  note?: ReactNode;
}

/** Step-by-step help for finding a value in WeCom, folded away until asked for. */
export function FieldHelp({ label, sections }: { label: string; sections: HelpSection[] }) {
  const [open, setOpen] = useState(false);
  const styles = useStyles2(getStyles);
  return (
    <Collapse label={label} isOpen={open} onToggle={() => setOpen(!open)} className={styles.collapse}>
      {sections.map((section) => (
        <section key={section.title} className={styles.section}>
          <Text element="h6" weight="medium">
            {section.title}
          </Text>
          <ol className={styles.steps}>
            {section.steps.map((step, index) => (
              <li key={index}>{step}</li>
            ))}
          </ol>
          {section.note && (
            <Text element="p" color="secondary" variant="bodySmall">
              {section.note}
            </Text>
          )}
        </section>
      ))}
    </Collapse>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  collapse: css({ marginBottom: theme.spacing(2) }),
  section: css({ marginBottom: theme.spacing(1.5) }),
  steps: css({ paddingLeft: theme.spacing(3), margin: theme.spacing(0.5, 0), color: theme.colors.text.secondary }),
});
