import React, { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Button, ConfirmModal, LoadingPlaceholder, Stack } from '@grafana/ui';
import type { RuleView } from '../../../core/api';
import { relayErrorText } from '../../components/RelayStatusDetails/relayErrorText';
import { ROUTES } from '../../constants';
import { userRole } from '../../data/permissions';
import { useDeleteRule, useRule, useSaveRule } from '../../data/useRules';
import { useServices } from '../../data/useServices';
import { prefixRoute } from '../../utils/utils.routing';
import { RuleForm } from './components/RuleForm';
import { ConnectContactPoint } from './connect/ConnectContactPoint';
import { newRuleValues, valuesFromView } from './ruleForm';
import { verbatim } from '../../utils/i18n';

/** rules/new and rules/:uid/edit. */
export default function RuleEditPage() {
  const { uid } = useParams<{ uid: string }>();
  const rule = useRule(uid);
  const isNew = uid === undefined;
  const title = isNew
    ? t('rules.edit.new-title', 'New notification rule')
    : t('rules.edit.title', 'Edit rule {{name}}', verbatim({ name: rule.data?.name ?? uid }));
  return (
    <PluginPage
      pageNav={{
        text: title,
        parentItem: { text: t('rules.title', 'Notification rules'), url: prefixRoute(ROUTES.Rules) },
      }}
      renderTitle={() => (
        <Stack direction="row" gap={1} alignItems="center">
          <h1>{title}</h1>
          {rule.data?.provenance === 'file' && (
            <Badge color="purple" icon="lock" text={t('rules.provisioned', 'Provisioned')} />
          )}
        </Stack>
      )}
    >
      {!isNew && rule.isLoading && <LoadingPlaceholder text={t('rules.edit.loading', 'Loading rule…')} />}
      {!isNew && rule.error && (
        <Alert severity="error" title={t('rules.edit.load-failed', 'The rule could not be loaded')}>
          {rule.error.kind === 'http' ? rule.error.detail : relayErrorText(rule.error)}
        </Alert>
      )}
      {(isNew || rule.data) && <RuleEditor rule={rule.data} />}
    </PluginPage>
  );
}

function RuleEditor({ rule }: { rule: RuleView | undefined }) {
  const navigate = useNavigate();
  const services = useServices();
  const save = useSaveRule();
  const remove = useDeleteRule();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const { canEdit } = userRole();
  const readOnlyReason = !canEdit
    ? t('rules.edit.viewer', 'You can view this rule; changing it needs the Editor or Admin role.')
    : rule?.provenance === 'file'
      ? t(
          'rules.edit.provisioned',
          "This rule comes from the relay's provisioning file: change it there and reload the relay."
        )
      : undefined;

  const onSave = (body: unknown) =>
    save.mutate(
      { uid: rule?.uid, version: rule?.version, body },
      {
        onSuccess: (saved) =>
          rule ? undefined : navigate(prefixRoute(`${ROUTES.Rules}/${encodeURIComponent(saved.uid)}/edit`)),
      }
    );

  return (
    <Stack direction="column" gap={3}>
      {rule && <ConnectContactPoint rule={rule} />}
      {save.error?.status === 409 && (
        <Alert severity="error" title={t('rules.edit.conflict', 'Not saved')}>
          {save.error.detail}
        </Alert>
      )}
      <RuleForm
        // A saved rule starts the form again from what the relay now holds.
        key={rule ? `${rule.uid}@${rule.version}` : 'new'}
        initial={rule ? valuesFromView(rule) : newRuleValues()}
        isNew={!rule}
        readOnlyReason={readOnlyReason}
        services={services.data}
        servicesLoading={services.isLoading}
        saving={save.isPending}
        serverProblems={save.error?.problems ?? []}
        onSave={onSave}
      />
      {rule && !readOnlyReason && (
        <div>
          <Button variant="destructive" fill="outline" icon="trash-alt" onClick={() => setConfirmDelete(true)}>
            {t('rules.edit.delete', 'Delete rule')}
          </Button>
        </div>
      )}
      {rule && (
        <ConfirmModal
          isOpen={confirmDelete}
          title={t('rules.delete.title', 'Delete rule')}
          body={t(
            'rules.delete.body',
            'Delete "{{name}}"? Grafana\'s contact point for it will be refused by the relay from then on.',
            verbatim({ name: rule.name })
          )}
          confirmText={t('rules.delete.confirm', 'Delete')}
          onConfirm={() =>
            remove.mutate(
              { uid: rule.uid, version: rule.version },
              { onSuccess: () => navigate(prefixRoute(ROUTES.Rules)), onSettled: () => setConfirmDelete(false) }
            )
          }
          onDismiss={() => setConfirmDelete(false)}
        />
      )}
    </Stack>
  );
}
