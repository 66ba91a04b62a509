import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import {
  Alert,
  Badge,
  Button,
  ConfirmModal,
  EmptyState,
  FilterInput,
  InteractiveTable,
  LinkButton,
  LoadingPlaceholder,
  Modal,
  Stack,
  TagList,
  Text,
  TextLink,
  Tooltip,
  useStyles2,
} from '@grafana/ui';
import type { ServiceView } from '../../../core/api';
import { DisabledReason } from '../../components/DisabledReason/DisabledReason';
import { ROUTES } from '../../constants';
import { userRole } from '../../data/permissions';
import { errorMessage } from '../../data/queryClient';
import { useRules } from '../../data/useRules';
import { useDeleteService, useServices } from '../../data/useServices';
import { prefixRoute } from '../../utils/utils.routing';
import { splitGroups } from './groups';
import { ServiceTest } from './ServiceTest';
import { testIds } from './testIds';
import { verbatim } from '../../utils/i18n';

const editUrl = (uid: string) => prefixRoute(`${ROUTES.Services}/${encodeURIComponent(uid)}/edit`);
const ruleUrl = (uid: string) => prefixRoute(`${ROUTES.Rules}/${encodeURIComponent(uid)}/edit`);

function matches(service: ServiceView, query: string): boolean {
  const text = [service.name, service.uid, service.description, ...service.robots.map((robot) => robot.groups)]
    .join(' ')
    .toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}

/** 通知服务: the relay's notification services, searchable, with what uses them. */
export default function ServicesPage() {
  const styles = useStyles2(getStyles);
  const { canEdit } = userRole();
  const services = useServices();
  const rules = useRules();
  const ruleName = (uid: string) => rules.data?.find((rule) => rule.uid === uid)?.name ?? uid;
  const remove = useDeleteService();
  const [query, setQuery] = useState('');
  const [deleting, setDeleting] = useState<ServiceView>();
  const [testing, setTesting] = useState<ServiceView>();
  const shown = useMemo(
    () => (services.data ?? []).filter((service) => matches(service, query)),
    [services.data, query]
  );

  const newButton = (
    <DisabledReason
      reason={canEdit ? undefined : t('services.list.viewer', 'Creating a service needs the Editor or Admin role')}
    >
      <LinkButton icon="plus" href={prefixRoute(`${ROUTES.Services}/new`)} disabled={!canEdit}>
        {t('services.list.new', 'New service')}
      </LinkButton>
    </DisabledReason>
  );

  const columns = [
    {
      id: 'name',
      header: t('services.list.name', 'Name'),
      sortType: 'string' as const,
      cell: ({ row: { original } }: { row: { original: ServiceView } }) => (
        <Stack direction="column" gap={0}>
          <TextLink href={editUrl(original.uid)} inline={false}>
            {original.name}
          </TextLink>
          <Text color="secondary" variant="bodySmall">
            {original.description || original.uid}
          </Text>
        </Stack>
      ),
    },
    {
      id: 'destinations',
      header: t('services.list.destinations', 'Sends to'),
      cell: ({ row: { original } }: { row: { original: ServiceView } }) => <Destinations service={original} />,
    },
    {
      id: 'usedBy',
      header: t('services.list.used-by', 'Used by rules'),
      cell: ({ row: { original } }: { row: { original: ServiceView } }) =>
        original.usedBy.length === 0 ? (
          <Text color="secondary">{t('services.list.unused', 'No rule')}</Text>
        ) : (
          <Stack gap={1} wrap="wrap">
            {original.usedBy.map((rule) => (
              <TextLink key={rule} href={ruleUrl(rule)} inline={false}>
                {ruleName(rule)}
              </TextLink>
            ))}
          </Stack>
        ),
    },
    {
      id: 'provenance',
      header: '',
      cell: ({ row: { original } }: { row: { original: ServiceView } }) =>
        original.provenance === 'file' ? (
          <Tooltip
            content={t('services.list.provisioned-tip', 'From a provisioning file of the relay: change it there')}
          >
            <span>
              <Badge color="purple" text={t('services.list.provisioned', 'Provisioned')} />
            </span>
          </Tooltip>
        ) : null,
    },
    {
      id: 'actions',
      header: '',
      cell: ({ row: { original } }: { row: { original: ServiceView } }) => (
        <Stack gap={1} justifyContent="flex-end">
          <Button
            size="sm"
            variant="secondary"
            icon="message"
            disabled={!canEdit}
            tooltip={canEdit ? undefined : t('services.test.viewer', 'Sending a test needs the Editor role')}
            onClick={() => setTesting(original)}
          >
            {t('services.test.button', 'Send test')}
          </Button>
          <LinkButton
            size="sm"
            variant="secondary"
            icon={canEdit && original.provenance !== 'file' ? 'pen' : 'eye'}
            href={editUrl(original.uid)}
          >
            {canEdit && original.provenance !== 'file'
              ? t('services.list.edit', 'Edit')
              : t('services.list.view', 'View')}
          </LinkButton>
          {canEdit && (
            <Button
              size="sm"
              variant="destructive"
              icon="trash-alt"
              disabled={original.provenance === 'file'}
              tooltip={
                original.provenance === 'file'
                  ? t('services.list.delete-provisioned', 'Provisioned: remove it from its file')
                  : undefined
              }
              aria-label={t('services.list.delete', 'Delete {{name}}', verbatim({ name: original.name }))}
              onClick={() => {
                remove.reset();
                setDeleting(original);
              }}
            />
          )}
        </Stack>
      ),
    },
  ];

  return (
    <PluginPage
      renderTitle={() => <h1>{t('services.list.title', 'Notification services')}</h1>}
      subTitle={t(
        'services.list.subtitle',
        'Where alerts go: WeCom group robots, and people through a self-built app.'
      )}
      actions={newButton}
    >
      {services.isLoading && <LoadingPlaceholder text={t('services.list.loading', 'Loading services…')} />}
      {services.error && (
        <Alert severity="error" title={t('services.list.load-failed', 'The services could not be loaded')}>
          {errorMessage(services.error)}
        </Alert>
      )}
      {remove.error && (
        <Alert
          severity="error"
          title={t('services.delete-failed', 'Service not deleted')}
          onRemove={() => remove.reset()}
          data-testid={testIds.list.deleteError}
        >
          {errorMessage(remove.error)}
        </Alert>
      )}
      {services.data && services.data.length === 0 && (
        <EmptyState
          variant="call-to-action"
          message={t('services.list.empty', 'No notification service yet')}
          button={newButton}
        >
          {t(
            'services.list.empty-body',
            'A service says where alerts go: a WeCom group robot, people’s WeCom accounts, or both.'
          )}
        </EmptyState>
      )}
      {services.data && services.data.length > 0 && (
        <Stack direction="column" gap={2}>
          <div className={styles.search}>
            <FilterInput
              value={query}
              onChange={setQuery}
              placeholder={t('services.list.search', 'Search by name, uid, description or group')}
            />
          </div>
          {shown.length === 0 ? (
            <EmptyState variant="not-found" message={t('services.list.no-match', 'No service matches the search')} />
          ) : (
            <InteractiveTable columns={columns} data={shown} getRowId={(service) => service.uid} pageSize={50} />
          )}
        </Stack>
      )}
      {deleting && (
        <ConfirmModal
          isOpen
          title={t('services.delete.title', 'Delete notification service')}
          body={
            deleting.usedBy.length > 0
              ? t(
                  'services.delete.used',
                  'Delete "{{name}}"? Rules {{rules}} still send through it: the relay refuses until they no longer do.',
                  verbatim({
                    name: deleting.name,
                    rules: deleting.usedBy.map(ruleName).join(', '),
                  })
                )
              : t('services.delete.body', 'Delete "{{name}}"? Alerts stop going to its destinations.', verbatim({
                  name: deleting.name,
                }))
          }
          confirmText={t('services.delete.confirm', 'Delete')}
          onConfirm={() => {
            remove.mutate({ uid: deleting.uid, version: deleting.version });
            setDeleting(undefined);
          }}
          onDismiss={() => setDeleting(undefined)}
        />
      )}
      {testing && (
        <Modal
          isOpen
          title={t('services.test.drawer', 'Send test: {{name}}', verbatim({ name: testing.name }))}
          onDismiss={() => setTesting(undefined)}
        >
          <ServiceTest uid={testing.uid} />
        </Modal>
      )}
    </PluginPage>
  );
}

function Destinations({ service }: { service: ServiceView }) {
  const groups = service.robots.flatMap((robot) => splitGroups(robot.groups));
  const unnamed = service.robots.filter((robot) => splitGroups(robot.groups).length === 0).length;
  return (
    <Stack direction="column" gap={0.5}>
      {service.robots.length > 0 && (
        <Stack gap={1} alignItems="center" wrap="wrap">
          <Text variant="bodySmall">
            {t('services.list.robots', '{{number}} group robots', { number: service.robots.length })}
          </Text>
          {groups.length > 0 && <TagList tags={groups} />}
          {unnamed > 0 && groups.length > 0 && <Text color="secondary">+{unnamed}</Text>}
        </Stack>
      )}
      {service.app && (
        <Text variant="bodySmall">
          {t(
            'services.list.app',
            'App {{agentId}}: {{accounts}} accounts, {{departments}} departments, {{tags}} tags',
            {
              agentId: service.app.agentId,
              accounts: service.app.accounts.length,
              departments: service.app.departments.length,
              tags: service.app.tags.length,
            }
          )}
        </Text>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  search: css({ maxWidth: theme.spacing(60) }),
});
