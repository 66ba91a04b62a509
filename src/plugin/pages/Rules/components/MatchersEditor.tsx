import React from 'react';
import { t } from '@grafana/i18n';
import { Button, IconButton, Input, RadioButtonGroup, Stack, Text } from '@grafana/ui';
import type { MatcherOp, RuleFormValues } from '../ruleForm';

type Matcher = RuleFormValues['matchers'][number];

const OPS: Array<{ label: string; value: MatcherOp }> = [
  { label: '=', value: '=' },
  { label: '!=', value: '!=' },
  { label: '=~', value: '=~' },
  { label: '!~', value: '!~' },
];

interface Props {
  matchers: Matcher[];
  onChange: (matchers: Matcher[]) => void;
  /** Problem of each matcher, by index. */
  problemOf: (index: number) => string | undefined;
}

/** Label matchers as Alertmanager writes them: label, operator, value (a regular expression for =~ and !~). */
export function MatchersEditor({ matchers, onChange, problemOf }: Props) {
  const update = (index: number, patch: Partial<Matcher>) =>
    onChange(matchers.map((matcher, i) => (i === index ? { ...matcher, ...patch } : matcher)));
  return (
    <Stack direction="column" gap={1}>
      {matchers.map((matcher, index) => {
        const problem = problemOf(index);
        return (
          <Stack key={index} direction="column" gap={0.5}>
            <Stack direction="row" gap={1} alignItems="center">
              <Input
                aria-label={t('rules.matchers.label', 'Label of matcher {{number}}', { number: index + 1 })}
                placeholder={t('rules.matchers.label-placeholder', 'label, e.g. team')}
                value={matcher.label}
                invalid={problem !== undefined}
                onChange={(event) => update(index, { label: event.currentTarget.value })}
                width={24}
              />
              <RadioButtonGroup
                aria-label={t('rules.matchers.op', 'Operator of matcher {{number}}', { number: index + 1 })}
                options={OPS}
                value={matcher.op}
                onChange={(op) => update(index, { op })}
              />
              <Input
                aria-label={t('rules.matchers.value', 'Value of matcher {{number}}', { number: index + 1 })}
                placeholder={
                  matcher.op.includes('~')
                    ? t('rules.matchers.regex-placeholder', 'regular expression, e.g. dba|sre')
                    : t('rules.matchers.value-placeholder', 'value, e.g. sre')
                }
                value={matcher.value}
                invalid={problem !== undefined}
                onChange={(event) => update(index, { value: event.currentTarget.value })}
              />
              <IconButton
                name="trash-alt"
                tooltip={t('rules.matchers.remove', 'Remove matcher {{number}}', { number: index + 1 })}
                onClick={() => onChange(matchers.filter((_, i) => i !== index))}
              />
            </Stack>
            {problem && (
              <Text color="error" variant="bodySmall">
                {problem}
              </Text>
            )}
          </Stack>
        );
      })}
      <div>
        <Button
          variant="secondary"
          size="sm"
          icon="plus"
          onClick={() => onChange([...matchers, { label: '', op: '=', value: '' }])}
        >
          {t('rules.matchers.add', 'Add matcher')}
        </Button>
      </div>
    </Stack>
  );
}
