import React, { useMemo, useState } from 'react';
import { t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import {
  Alert,
  Badge,
  EmptyState,
  FilterInput,
  InteractiveTable,
  LinkButton,
  LoadingPlaceholder,
  Stack,
  Text,
  TextLink,
  type CellProps,
} from '@grafana/ui';
import type { RuleView } from '../../../core/api';
import { relayErrorText } from '../../components/RelayStatusDetails/relayErrorText';
import { DisabledReason } from '../../components/DisabledReason/DisabledReason';
import { ROUTES } from '../../constants';
import { userRole } from '../../data/permissions';
import { useRules } from '../../data/useRules';
import { useServices } from '../../data/useServices';
import { prefixRoute } from '../../utils/utils.routing';
import { filterSummary } from './filterSummary';
import { testIds } from './testIds';

const editUrl = (uid: string) => prefixRoute(`${ROUTES.Rules}/${encodeURIComponent(uid)}/edit`);

/** 通知规则: which alerts go to which services, searchable. */
export default function RulesPage() {
  const rules = useRules();
  const services = useServices();
  const [search, setSearch] = useState('');
  const { canEdit } = userRole();

  const serviceNames = useMemo(
    () => new Map((services.data ?? []).map((service) => [service.uid, service.name])),
    [services.data]
  );
  const visible = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (rules.data ?? []).filter((rule) =>
      [rule.name, rule.uid, rule.description, ...rule.services.map((uid) => serviceNames.get(uid) ?? uid)].some(
        (text) => text.toLowerCase().includes(needle)
      )
    );
  }, [rules.data, search, serviceNames]);

  const actions = (
    <DisabledReason
      reason={canEdit ? undefined : t('rules.list.viewer', 'Creating rules needs the Editor or Admin role.')}
    >
      <LinkButton icon="plus" href={prefixRoute(`${ROUTES.Rules}/new`)} disabled={!canEdit}>
        {t('rules.list.new', 'New rule')}
      </LinkButton>
    </DisabledReason>
  );

  const columns = [
    {
      id: 'name',
      header: t('rules.list.name', 'Name'),
      cell: ({ row: { original } }: CellProps<RuleView>) => (
        <Stack direction="column" gap={0}>
          <TextLink href={editUrl(original.uid)} inline={false}>
            {original.name}
          </TextLink>
          <Text color="secondary" variant="bodySmall">
            {original.uid}
          </Text>
        </Stack>
      ),
    },
    {
      id: 'services',
      header: t('rules.list.services', 'Services'),
      cell: ({ row: { original } }: CellProps<RuleView>) =>
        original.services.map((uid) => serviceNames.get(uid) ?? uid).join(', '),
    },
    {
      id: 'filters',
      header: t('rules.list.filters', 'Alerts'),
      cell: ({ row: { original } }: CellProps<RuleView>) => <Text variant="code">{filterSummary(original.match)}</Text>,
    },
    {
      id: 'state',
      header: t('rules.list.state', 'State'),
      cell: ({ row: { original } }: CellProps<RuleView>) => (
        <Stack direction="row" gap={1} data-testid={testIds.list.row(original.uid)}>
          {original.enabled ? (
            <Badge color="green" text={t('rules.list.enabled', 'Enabled')} />
          ) : (
            <Badge color="darkgrey" text={t('rules.list.disabled', 'Disabled')} />
          )}
          {original.provenance === 'file' && (
            <Badge color="purple" icon="lock" text={t('rules.provisioned', 'Provisioned')} />
          )}
        </Stack>
      ),
    },
  ];

  return (
    <PluginPage
      renderTitle={() => <h1>{t('rules.title', 'Notification rules')}</h1>}
      subTitle={t(
        'rules.subtitle',
        'Which alerts go to which services (通知规则), in which language and template. Each rule has its own Grafana contact point.'
      )}
      actions={actions}
    >
      {rules.isLoading && <LoadingPlaceholder text={t('rules.list.loading', 'Loading rules…')} />}
      {rules.error && (
        <Alert severity="error" title={t('rules.list.load-failed', 'The rules could not be loaded')}>
          {rules.error.kind === 'http' ? rules.error.detail : relayErrorText(rules.error)}
        </Alert>
      )}
      {rules.data && rules.data.length === 0 && (
        <EmptyState
          variant="call-to-action"
          message={t('rules.list.empty', 'No notification rules yet')}
          button={actions}
        >
          {t('rules.list.empty-body', 'A rule picks alerts and sends them through services to WeCom.')}
        </EmptyState>
      )}
      {rules.data && rules.data.length > 0 && (
        <Stack direction="column" gap={2}>
          <FilterInput
            placeholder={t('rules.list.search', 'Search by name, uid or service')}
            value={search}
            onChange={setSearch}
            escapeRegex={false}
          />
          {visible.length === 0 ? (
            <EmptyState variant="not-found" message={t('rules.list.no-match', 'No rule matches your search')} />
          ) : (
            <InteractiveTable columns={columns} data={visible} getRowId={(rule: RuleView) => rule.uid} />
          )}
        </Stack>
      )}
    </PluginPage>
  );
}
