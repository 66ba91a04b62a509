import React, { lazy, Suspense, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { QueryClientProvider } from '@tanstack/react-query';
import { type AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import { ROUTES } from '../../constants';
import { PluginMetaProvider } from '../../data/pluginMeta';
import { createQueryClient } from '../../data/queryClient';
import { type AppJsonData } from '../../types';
import { prefixRoute } from '../../utils/utils.routing';

// Each page is its own chunk: module.js stays small and a page's code loads when it is opened.
const HomePage = lazy(() => import('../../pages/Home/HomePage'));
const ServicesPage = lazy(() => import('../../pages/Services/ServicesPage'));
const ServiceEditPage = lazy(() => import('../../pages/Services/ServiceEditPage'));
const RulesPage = lazy(() => import('../../pages/Rules/RulesPage'));
const RuleEditPage = lazy(() => import('../../pages/Rules/RuleEditPage'));
const DeliveriesPage = lazy(() => import('../../pages/Deliveries/DeliveriesPage'));

function App({ meta }: AppRootProps<AppJsonData>) {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <PluginMetaProvider meta={meta}>
        <Suspense fallback={<LoadingPlaceholder text="" />}>
          <Routes>
            <Route path={ROUTES.Home} element={<HomePage />} />
            <Route path={ROUTES.Services} element={<ServicesPage />} />
            <Route path={`${ROUTES.Services}/new`} element={<ServiceEditPage />} />
            <Route path={`${ROUTES.Services}/:uid/edit`} element={<ServiceEditPage />} />
            <Route path={ROUTES.Rules} element={<RulesPage />} />
            <Route path={`${ROUTES.Rules}/new`} element={<RuleEditPage />} />
            <Route path={`${ROUTES.Rules}/:uid/edit`} element={<RuleEditPage />} />
            <Route path={ROUTES.Deliveries} element={<DeliveriesPage />} />
            <Route path="*" element={<Navigate to={prefixRoute(ROUTES.Home)} replace />} />
          </Routes>
        </Suspense>
      </PluginMetaProvider>
    </QueryClientProvider>
  );
}

export default App;
