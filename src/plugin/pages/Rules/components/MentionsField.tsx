import React from 'react';
import { t } from '@grafana/i18n';
import { Box, Checkbox, Field, Stack, TagsInput } from '@grafana/ui';
import type { RuleFormValues } from '../ruleForm';

interface Props {
  mentions: RuleFormValues['mentions'];
  onChange: (mentions: RuleFormValues['mentions']) => void;
  problemOf: (path: string) => string | undefined;
}

/** Who robots @mention when a message carries firing alerts: WeCom userids, mobile numbers, or everyone. */
export function MentionsField({ mentions, onChange, problemOf }: Props) {
  return (
    <Stack direction="column" gap={0}>
      <Field
        label={t('rules.mentions.users', 'Mention users')}
        description={t(
          'rules.mentions.users-description',
          'WeCom userids (账号). Robots mention them in the markdown message itself.'
        )}
        invalid={problemOf('mentions.users') !== undefined}
        error={problemOf('mentions.users')}
      >
        <TagsInput
          id="rule-mentions-users"
          tags={mentions.users}
          addOnBlur
          placeholder={t('rules.mentions.users-placeholder', 'userid, then Enter')}
          onChange={(users) => onChange({ ...mentions, users })}
        />
      </Field>
      <Field
        label={t('rules.mentions.mobiles', 'Mention mobile numbers')}
        description={t(
          'rules.mentions.mobiles-description',
          'Robots can mention by mobile number (and @all) only in a short text message sent right after the markdown.'
        )}
        invalid={problemOf('mentions.mobiles') !== undefined}
        error={problemOf('mentions.mobiles')}
      >
        <TagsInput
          id="rule-mentions-mobiles"
          tags={mentions.mobiles}
          addOnBlur
          placeholder={t('rules.mentions.mobiles-placeholder', 'mobile number, then Enter')}
          onChange={(mobiles) => onChange({ ...mentions, mobiles })}
        />
      </Field>
      {/* Not stretched across the column (the label would float away from its box), spaced like a field. */}
      <Box marginBottom={2}>
        <Checkbox
          label={t('rules.mentions.all', 'Mention everyone (@all)')}
          value={mentions.all}
          onChange={(event) => onChange({ ...mentions, all: event.currentTarget.checked })}
        />
      </Box>
    </Stack>
  );
}
