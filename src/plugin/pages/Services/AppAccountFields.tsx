import React, { type Dispatch } from 'react';
import { t } from '@grafana/i18n';
import { Alert, Box, Field, Input, RadioButtonGroup, SecretInput, Stack, TagsInput, TextArea } from '@grafana/ui';
import type { AppMessageType } from '../../../core/config';
import type { Problem } from '../../../core/validation';
import { FieldHelp } from './FieldHelp';
import { AccountImport } from './import/AccountImport';
import { type AppValues, parseAccounts, problemsAt, type ServiceAction } from './serviceForm';

interface Props {
  app: AppValues;
  dispatch: Dispatch<ServiceAction>;
  problems: Problem[];
  readOnly: boolean;
  /** The relay's address as WeCom saw it, once a 60020 answer named it. */
  egressIp: string | null;
}

/** The problems of the accounts field, naming each bad account rather than its position. */
function accountsError(problems: Problem[], accounts: string[]): string | undefined {
  const messages = problems
    .filter((problem) => problem.path === 'app.accounts' || problem.path.startsWith('app.accounts['))
    .map((problem) => {
      const index = /^app\.accounts\[(\d+)\]/.exec(problem.path)?.[1];
      return index === undefined ? problem.message : `${accounts[Number(index)]}: ${problem.message}`;
    });
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** 企业微信账号: the self-built app (企业ID, AgentId, Secret) and who it sends to. */
export function AppAccountFields({ app, dispatch, problems, readOnly, egressIp }: Props) {
  const change = (values: Partial<AppValues>) => dispatch({ type: 'app', change: values });
  const accounts = parseAccounts(app.accounts);
  const messageTypes: Array<{ label: string; value: AppMessageType; description: string }> = [
    {
      label: t('services.app.msg-type.markdown', 'Markdown'),
      value: 'markdown',
      description: t('services.app.msg-type.markdown-description', 'Reads best in the WeCom app'),
    },
    {
      label: t('services.app.msg-type.text', 'Text'),
      value: 'text',
      description: t('services.app.msg-type.text-description', 'Plain text, readable in personal WeChat too'),
    },
    {
      label: t('services.app.msg-type.textcard', 'Text card'),
      value: 'textcard',
      description: t(
        'services.app.msg-type.textcard-description',
        'A card with a title, readable in personal WeChat too'
      ),
    },
  ];

  return (
    <div>
      <AppHelp egressIp={egressIp} />
      <Field
        label={t('services.app.corp-id.label', 'Corp ID (企业ID)')}
        description={t(
          'services.app.corp-id.description',
          'Admin console → 我的企业: the 企业ID at the bottom of the page.'
        )}
        invalid={Boolean(problemsAt(problems, 'app.corpId'))}
        error={problemsAt(problems, 'app.corpId')}
        htmlFor="service-app-corp-id"
      >
        <Input
          id="service-app-corp-id"
          width={40}
          value={app.corpId}
          disabled={readOnly}
          placeholder={t('services.app.corp-id.placeholder', 'e.g. ww0123456789abcdef')}
          onChange={(event) => change({ corpId: event.currentTarget.value })}
        />
      </Field>
      <Field
        label={t('services.app.agent-id.label', 'AgentId')}
        description={t(
          'services.app.agent-id.description',
          'Admin console → 应用管理 → your app: its AgentId is on the app’s page.'
        )}
        invalid={Boolean(problemsAt(problems, 'app.agentId'))}
        error={problemsAt(problems, 'app.agentId')}
        htmlFor="service-app-agent-id"
      >
        <Input
          id="service-app-agent-id"
          width={20}
          inputMode="numeric"
          value={app.agentId}
          disabled={readOnly}
          placeholder={t('services.app.agent-id.placeholder', 'e.g. 1000002')}
          onChange={(event) => change({ agentId: event.currentTarget.value.trim() })}
        />
      </Field>
      <Field
        label={t('services.app.secret.label', 'Secret')}
        description={t(
          'services.app.secret.description',
          'On the same page as the AgentId (WeCom sends it to the admin’s WeCom when you ask to view it). With the 企业ID and AgentId it signs the relay in; stored encrypted, never shown again.'
        )}
        invalid={Boolean(problemsAt(problems, 'app.secret'))}
        error={problemsAt(problems, 'app.secret')}
        htmlFor="service-app-secret"
      >
        <SecretInput
          id="service-app-secret"
          width={40}
          isConfigured={app.secretSet}
          value={app.secret}
          disabled={readOnly}
          autoComplete="off"
          onReset={() => change({ secretSet: false, secret: '' })}
          onChange={(event) => change({ secret: event.currentTarget.value })}
        />
      </Field>
      <Field
        label={t('services.app.accounts.label', 'Accounts (账号)')}
        description={t(
          'services.app.accounts.description',
          'Who receives the alerts: their 账号 exactly as in the admin console’s 通讯录, one per line (commas and spaces work too). Or import the member list exported from 通讯录 → 导出成员.'
        )}
        invalid={Boolean(accountsError(problems, accounts))}
        error={accountsError(problems, accounts)}
        htmlFor="service-app-accounts"
      >
        <TextArea
          id="service-app-accounts"
          rows={Math.min(10, Math.max(3, accounts.length + 1))}
          value={app.accounts}
          disabled={readOnly}
          placeholder={t('services.app.accounts.placeholder', 'zhangsan, lisi, …')}
          onChange={(event) => change({ accounts: event.currentTarget.value })}
        />
      </Field>
      <Box marginBottom={2}>
        <Stack direction="column" gap={1}>
          {accounts.length > 0 && (
            <span>{t('services.app.accounts.count', '{{number}} accounts', { number: accounts.length })}</span>
          )}
          {!readOnly && (
            <AccountImport present={accounts} onAdd={(added) => dispatch({ type: 'addAccounts', accounts: added })} />
          )}
        </Stack>
      </Box>
      <Field
        label={t('services.app.departments.label', 'Departments (optional)')}
        description={t(
          'services.app.departments.description',
          'Department ids (通讯录 → the department → its ID): everyone in them receives the alerts.'
        )}
        invalid={Boolean(problemsAt(problems, 'app.departments'))}
        error={problemsAt(problems, 'app.departments')}
        htmlFor="service-app-departments"
      >
        <TagsInput
          id="service-app-departments"
          tags={app.departments}
          addOnBlur
          autoColors={false}
          disabled={readOnly}
          onChange={(departments) => change({ departments })}
        />
      </Field>
      <Field
        label={t('services.app.tags.label', 'Tags (optional)')}
        description={t(
          'services.app.tags.description',
          'Tag ids (通讯录 → 标签): everyone with the tag receives the alerts.'
        )}
        invalid={Boolean(problemsAt(problems, 'app.tags'))}
        error={problemsAt(problems, 'app.tags')}
        htmlFor="service-app-tags"
      >
        <TagsInput
          id="service-app-tags"
          tags={app.tags}
          addOnBlur
          autoColors={false}
          disabled={readOnly}
          onChange={(tags) => change({ tags })}
        />
      </Field>
      <Field
        label={t('services.app.msg-type.label', 'Message type')}
        description={t(
          'services.app.msg-type.description',
          'Readers who get WeCom messages in personal WeChat (微信插件) cannot see markdown: choose text or text card for them.'
        )}
      >
        <RadioButtonGroup
          options={messageTypes}
          value={app.msgType}
          disabled={readOnly}
          onChange={(msgType) => change({ msgType })}
        />
      </Field>
    </div>
  );
}

function AppHelp({ egressIp }: { egressIp: string | null }) {
  return (
    <>
      <Alert severity="info" title={t('services.app.trusted-ip.title', 'Add the relay to the app’s 企业可信IP')}>
        {egressIp
          ? t(
              'services.app.trusted-ip.known',
              'WeCom only accepts calls from a new self-built app’s trusted IPs. The relay reaches WeCom from {{ip}}: add it under 应用管理 → your app → 企业可信IP.',
              { ip: egressIp }
            )
          : t(
              'services.app.trusted-ip.unknown',
              'WeCom only accepts calls from a new self-built app’s trusted IPs (应用管理 → your app → 企业可信IP). The relay learns its address from WeCom’s first refusal (errcode 60020): save, press Send test, and the result names the IP to add.'
            )}
      </Alert>
      <FieldHelp
        label={t('services.app.help.title', 'How to create the app and find its values')}
        sections={[
          {
            title: t('services.app.help.create', 'Create a self-built app'),
            steps: [
              t(
                'services.app.help.create-1',
                'Sign in to the admin console (work.weixin.qq.com/wework_admin) and open 应用管理; click 创建应用.'
              ),
              t(
                'services.app.help.create-2',
                'Name the app and set its visible range (可见范围) to the departments or members who should get alerts: it may only send to them.'
              ),
              t(
                'services.app.help.create-3',
                'At the bottom of the app’s page, open 企业可信IP. WeCom first asks for a trusted domain (可信域名) or a message server URL (接收消息服务器URL): set one.'
              ),
              t('services.app.help.create-4', 'Then add the relay’s egress IP to 企业可信IP and save.'),
            ],
          },
          {
            title: t('services.app.help.values', 'Where the values are'),
            steps: [
              t('services.app.help.values-agent', 'AgentId and Secret: 应用管理 → click your app → its details page.'),
              t('services.app.help.values-corp', '企业ID: 我的企业, at the bottom of the page.'),
              t(
                'services.app.help.values-accounts',
                '账号: 通讯录 → a member’s page, or every member at once from 通讯录 → 导出成员 (import that file here).'
              ),
            ],
          },
        ]}
      />
    </>
  );
}
