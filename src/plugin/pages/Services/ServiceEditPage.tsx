import React, { useMemo } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import { Alert, FieldSet, LinkButton, LoadingPlaceholder } from '@grafana/ui';
import type { ServiceView } from '../../../core/api';
import { DEFAULT_API_BASE } from '../../../core/config';
import { errorMessage } from '../../data/queryClient';
import { userRole } from '../../data/permissions';
import { useRelayStatus } from '../../data/useRelayStatus';
import { useSaveService, useService } from '../../data/useServices';
import { ROUTES } from '../../constants';
import { prefixRoute } from '../../utils/utils.routing';
import { emptyValues, valuesOf } from './serviceForm';
import { ServiceForm } from './ServiceForm';
import { ServiceTest } from './ServiceTest';
import { testIds } from './testIds';

/** services/new and services/:uid/edit: the service form, read-only for Viewers and provisioned services. */
export default function ServiceEditPage() {
  const { uid } = useParams<{ uid: string }>();
  const service = useService(uid);
  const title = uid
    ? t('services.edit.title', 'Edit notification service')
    : t('services.new.title', 'New notification service');
  return (
    <PluginPage
      pageNav={{
        text: service.data?.name ?? title,
        parentItem: { text: t('services.list.title', 'Notification services'), url: prefixRoute(ROUTES.Services) },
      }}
      renderTitle={() => <h1>{title}</h1>}
    >
      {uid && service.isLoading && <LoadingPlaceholder text={t('services.edit.loading', 'Loading service…')} />}
      {uid && service.error && (
        <Alert severity="error" title={t('services.edit.load-failed', 'The service could not be loaded')}>
          {errorMessage(service.error)}
          <div>
            <LinkButton variant="secondary" href={prefixRoute(ROUTES.Services)}>
              {t('services.form.back', 'Back to services')}
            </LinkButton>
          </div>
        </Alert>
      )}
      {(!uid || service.data) && <ServiceEditor key={service.data?.version ?? 'new'} service={service.data} />}
    </PluginPage>
  );
}

function ServiceEditor({ service }: { service?: ServiceView }) {
  const navigate = useNavigate();
  const status = useRelayStatus();
  const save = useSaveService();
  const { canEdit } = userRole();
  const initial = useMemo(() => (service ? valuesOf(service) : emptyValues()), [service]);
  const provisioned = service?.provenance === 'file';
  const listUrl = prefixRoute(ROUTES.Services);

  return (
    <>
      {provisioned && (
        <Alert
          severity="info"
          title={t('services.edit.provisioned.title', 'Provisioned service')}
          data-testid={testIds.form.readOnly}
        >
          {t(
            'services.edit.provisioned.body',
            'This service comes from a provisioning file of the relay and cannot be changed here. Change it in the file, then reload the relay’s provisioning.'
          )}
        </Alert>
      )}
      {!provisioned && !canEdit && (
        <Alert severity="info" title={t('services.edit.viewer.title', 'Read only')} data-testid={testIds.form.readOnly}>
          {t('services.edit.viewer.body', 'Changing notification services needs the Editor or Admin role in Grafana.')}
        </Alert>
      )}
      {save.error && (
        <Alert severity="error" title={t('services.save-failed', 'Service not saved')}>
          {errorMessage(save.error)}
        </Alert>
      )}
      <ServiceForm
        initial={initial}
        isNew={!service}
        readOnly={provisioned || !canEdit}
        apiBase={status.data?.wecomApiBase ?? DEFAULT_API_BASE}
        egressIp={status.data?.egressIp ?? null}
        saving={save.isPending}
        serverProblems={save.error?.problems ?? []}
        cancelUrl={listUrl}
        onSubmit={(body) =>
          save.mutate({ uid: service?.uid, version: service?.version, body }, { onSuccess: () => navigate(listUrl) })
        }
        renderExtra={(dirty) =>
          service && (
            <FieldSet label={t('services.test.title', 'Send test')}>
              <ServiceTest uid={service.uid} unsaved={dirty} />
            </FieldSet>
          )
        }
      />
    </>
  );
}
