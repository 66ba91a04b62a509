/**
 * The host's page: what Grafana does before and while it shows an app plugin. window.grafanaBootData
 * is set by the HTML before this runs (@grafana/runtime reads it once, when it is evaluated).
 * Order as in Grafana: services, i18n, GET /api/plugins/<id>/settings, the plugin's translations,
 * module.js through SystemJS, plugin.init(meta), then the app root or the config page.
 */
import { css } from '@emotion/css';
import React, { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { type Location, Route, Router, Routes, useLocation } from 'react-router-dom';
import {
  type AppPlugin,
  type AppPluginMeta,
  type GrafanaTheme2,
  locationUtil,
  ThemeContext,
  urlUtil,
} from '@grafana/data';
import { t } from '@grafana/i18n';
import { config, locationService, setAppEvents, setBackendSrv } from '@grafana/runtime';
import { GlobalStyles, PortalContainer, Tab, TabsBar, useStyles2 } from '@grafana/ui';
import { createBackendSrv } from './backendSrv';
import { addResourceBundle, changeLanguage, initializeI18n, setPluginPage } from './grafanaInternals';
import { appEvents, HostPluginPage, HostShell, type AppNav } from './chrome';
import { HOST_STRINGS_ZH_HANS } from './hostStrings';
import { registerSharedModules, systemJS } from './shared';

const PLUGIN_ID = 'wecomrelay-app';

type Meta = AppPluginMeta & { translations?: Record<string, string> };

async function loadPluginTranslations(meta: Meta, language: string): Promise<void> {
  const file = meta.translations?.[language];
  if (!file) {
    return;
  }
  const response = await fetch(`/${file}`);
  if (!response.ok) {
    throw new Error(`translations ${file}: HTTP ${response.status}`);
  }
  addResourceBundle(language, PLUGIN_ID, await response.json());
}

/** Grafana intercepts clicks on local links and navigates in place (no page load). */
function interceptLinkClicks(): void {
  document.addEventListener('click', (event) => {
    const anchor = (event.target as Element | null)?.closest?.('a');
    const href = anchor?.getAttribute('href');
    if (!anchor || !href || event.defaultPrevented || event.button !== 0 || anchor.target === '_blank') {
      return;
    }
    if (
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      /^[a-z]+:/i.test(href) ||
      href.startsWith('#')
    ) {
      return;
    }
    event.preventDefault();
    locationService.push(locationUtil.stripBaseFromUrl(href));
  });
}

function useHistoryLocation() {
  const history = locationService.getHistory();
  // The runtime's history is history v4, whose package has no types here; its locations are react-router's shape.
  const [location, setLocation] = useState<Location>(history.location);
  useEffect(() => history.listen((next: Location) => setLocation(next)), [history]);
  return location;
}

function HostRouter({ plugin, meta }: { plugin: AppPlugin; meta: Meta }) {
  const location = useHistoryLocation();
  const history = locationService.getHistory();
  const navigator = {
    push: (to: string | object, state?: unknown) => history.push(to as string, state),
    replace: (to: string | object, state?: unknown) => history.replace(to as string, state),
    go: (delta: number) => history.go(delta),
    createHref: (to: string | object) => history.createHref(typeof to === 'string' ? { pathname: to } : to),
  };
  const nav = (section: AppNav['section']): AppNav => ({
    appName: meta.name,
    appUrl: `/a/${PLUGIN_ID}`,
    includes: meta.includes ?? [],
    section,
  });
  return (
    <Router location={location} navigator={navigator}>
      <Routes>
        <Route
          path={`/plugins/${PLUGIN_ID}`}
          element={
            <HostShell nav={nav('plugins')}>
              <ConfigPage plugin={plugin} />
            </HostShell>
          }
        />
        <Route
          path={`/a/${PLUGIN_ID}/*`}
          element={
            <HostShell nav={nav('apps')}>
              <AppRoot plugin={plugin} />
            </HostShell>
          }
        />
      </Routes>
    </Router>
  );
}

function AppRoot({ plugin }: { plugin: AppPlugin }) {
  const location = useLocation();
  const Root = plugin.root;
  if (!Root) {
    throw new Error('the plugin has no root page');
  }
  return (
    <Root
      meta={plugin.meta}
      basename={`/a/${PLUGIN_ID}`}
      path={location.pathname}
      query={urlUtil.getUrlSearchParams() as Record<string, string>}
      onNavChanged={() => undefined}
    />
  );
}

/** Administration › Plugins › <app>: the plugin's header and its config page as the active tab. */
function ConfigPage({ plugin }: { plugin: AppPlugin }) {
  const styles = useStyles2(getConfigStyles);
  const page = plugin.configPages?.[0];
  if (!page) {
    throw new Error('the plugin has no config page');
  }
  const Body = page.body;
  return (
    <HostPluginPage
      pageNav={{ text: plugin.meta.name }}
      renderTitle={(title) => (
        <div className={styles.title}>
          <img src={`/${plugin.meta.info.logos.small}`} alt="" className={styles.logo} />
          <h1>{title}</h1>
        </div>
      )}
      subTitle={plugin.meta.info.description}
    >
      <TabsBar>
        <Tab
          label={t('host.plugin-tab.overview', 'Overview')}
          icon="file-alt"
          href={`/plugins/${PLUGIN_ID}?page=overview`}
        />
        <Tab label={page.title} icon={page.icon} active href={`/plugins/${PLUGIN_ID}?page=${page.id}`} />
      </TabsBar>
      <div className={styles.tabContent}>
        <Body plugin={plugin} query={urlUtil.getUrlSearchParams() as Record<string, string>} />
      </div>
    </HostPluginPage>
  );
}

const getConfigStyles = (theme: GrafanaTheme2) => ({
  title: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(2) }),
  logo: css({ width: 32, height: 32 }),
  tabContent: css({ paddingTop: theme.spacing(3) }),
});

async function start(): Promise<void> {
  const language = config.bootData.user.language;
  setBackendSrv(createBackendSrv());
  setAppEvents(appEvents);
  setPluginPage(HostPluginPage);
  registerSharedModules();
  interceptLinkClicks();

  await initializeI18n({ language: 'en-US', ns: ['grafana'] });
  // i18next counts a language as resolved only once it has strings; the host's own go first.
  addResourceBundle('zh-Hans', 'grafana', HOST_STRINGS_ZH_HANS);

  const settings = await fetch(`/api/plugins/${PLUGIN_ID}/settings`);
  if (!settings.ok) {
    throw new Error(`GET /api/plugins/${PLUGIN_ID}/settings: HTTP ${settings.status}`);
  }
  const meta: Meta = await settings.json();
  await loadPluginTranslations(meta, language);
  await changeLanguage(language);
  document.documentElement.lang = language;

  const exports = await systemJS().import(`/${meta.module}`);
  const plugin = exports.plugin as AppPlugin;
  plugin.meta = meta;
  plugin.init(meta);

  createRoot(document.getElementById('reactRoot')!).render(
    <ThemeContext.Provider value={config.theme2}>
      <GlobalStyles />
      <PortalContainer />
      <HostRouter plugin={plugin} meta={meta} />
    </ThemeContext.Provider>
  );
}

start().catch((error: unknown) => {
  console.error('host start failed', error);
});
