import React, { Suspense, lazy } from 'react';
import { AppPlugin, type AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import i18next from 'i18next';
import pluginJson from './plugin.json';
import type { AppConfigProps } from './plugin/components/AppConfig/AppConfig';
import type { AppJsonData } from './plugin/types';

// Translations: Grafana (>= 12.1) loads src/locales/<language>/wecomrelay-app.json for the
// languages listed in plugin.json; initPluginTranslations binds t()/<Trans> to that namespace.
// Done once, lazily, before the first page renders (as grafana/synthetic-monitoring-app does).
let translations: Promise<unknown> | undefined;
function ensureTranslations(): Promise<unknown> {
  if (!translations) {
    translations = import('@grafana/i18n').then(({ initPluginTranslations }) => initPluginTranslations(pluginJson.id));
  }
  return translations;
}

const LazyApp = lazy(async () => {
  await ensureTranslations();
  return import('./plugin/components/App/App');
});

const LazyAppConfig = lazy(async () => {
  await ensureTranslations();
  return import('./plugin/components/AppConfig/AppConfig');
});

const App = (props: AppRootProps<AppJsonData>) => (
  <Suspense fallback={<LoadingPlaceholder text="" />}>
    <LazyApp {...props} />
  </Suspense>
);

const AppConfig = (props: AppConfigProps) => (
  <Suspense fallback={<LoadingPlaceholder text="" />}>
    <LazyAppConfig {...props} />
  </Suspense>
);

// The tab title is needed now, at module load, when @grafana/i18n's t() is not yet bound to the
// plugin's namespace (binding is asynchronous; t() throws in development builds if called first).
// Grafana has already added the plugin's translations for the user's language to its i18next,
// which the plugin shares as an external, before it loads module.js: the title is looked up there.
const configTitle = i18next.t('config.tab-title', 'Configuration', { ns: pluginJson.id });

export const plugin = new AppPlugin<AppJsonData>().setRootPage(App).addConfigPage({
  title: configTitle,
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
