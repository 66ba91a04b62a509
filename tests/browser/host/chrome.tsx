/**
 * Grafana's page chrome, reduced to what a plugin page relies on: the app's nav (plugin.json
 * includes), breadcrumbs, the page header (title, subtitle, actions) that PluginPage fills, and
 * the toasts of app events.
 */
import { css, cx } from '@emotion/css';
import React, { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { AppEvents, EventBusSrv, type GrafanaTheme2, type NavModelItem, type PluginInclude } from '@grafana/data';
import { t } from '@grafana/i18n';
import type { PluginPageProps } from '@grafana/runtime';
import { Alert, Icon, Stack, useStyles2 } from '@grafana/ui';

export interface AppNav {
  appName: string;
  appUrl: string;
  includes: PluginInclude[];
  /** For the plugin's own pages: the Administration › Plugins breadcrumbs instead of Apps. */
  section: 'apps' | 'plugins';
}

/** Grafana's app events (set with setAppEvents): the plugin publishes its toasts there. */
export const appEvents = new EventBusSrv();

const NavContext = createContext<AppNav | undefined>(undefined);

function useAppNav(): AppNav {
  const nav = useContext(NavContext);
  if (!nav) {
    throw new Error('page chrome outside HostShell');
  }
  return nav;
}

function activeInclude(includes: PluginInclude[], pathname: string): PluginInclude | undefined {
  return includes
    .filter((include) => include.path && (pathname === include.path || pathname.startsWith(`${include.path}/`)))
    .sort((a, b) => (b.path ?? '').length - (a.path ?? '').length)[0];
}

export function HostShell({ nav, children }: { nav: AppNav; children: ReactNode }) {
  const styles = useStyles2(getShellStyles);
  const { pathname } = useLocation();
  const active = activeInclude(nav.includes, pathname);
  return (
    <NavContext.Provider value={nav}>
      <div className={styles.shell}>
        <header className={styles.topBar}>
          <Icon name="grafana" size="lg" />
        </header>
        <div className={styles.body}>
          <nav className={styles.menu} aria-label={t('host.nav', 'Navigation')}>
            <div className={styles.menuSection}>{nav.appName}</div>
            <ul className={styles.menuList}>
              {nav.includes
                .filter((include) => include.addToNav && include.path)
                .map((include) => (
                  <li key={include.path}>
                    <a
                      href={include.path}
                      className={cx(styles.menuItem, include === active && styles.menuItemActive)}
                      aria-current={include === active ? 'page' : undefined}
                    >
                      {include.name}
                    </a>
                  </li>
                ))}
            </ul>
          </nav>
          <main className={styles.main}>{children}</main>
        </div>
        <ToastList />
      </div>
    </NavContext.Provider>
  );
}

/** Stands in for Grafana's PluginPage (set with setPluginPage): header from the nav and the props. */
export function HostPluginPage({ pageNav, renderTitle, subTitle, actions, children }: PluginPageProps) {
  const styles = useStyles2(getPageStyles);
  const nav = useAppNav();
  const { pathname } = useLocation();
  const include = activeInclude(nav.includes, pathname);
  const title = pageNav?.text ?? include?.name ?? nav.appName;
  const crumbs = breadcrumbs(nav, include, pageNav);
  return (
    <div className={styles.page}>
      <ol className={styles.breadcrumbs} aria-label={t('host.breadcrumbs', 'Breadcrumbs')}>
        {crumbs.map((crumb, index) => (
          <li key={index} className={styles.crumb}>
            {index > 0 && <Icon name="angle-right" size="sm" />}
            {crumb.url && index < crumbs.length - 1 ? <a href={crumb.url}>{crumb.text}</a> : <span>{crumb.text}</span>}
          </li>
        ))}
      </ol>
      <div className={styles.header}>
        <Stack direction="column" gap={1}>
          <div className={styles.title}>{renderTitle ? renderTitle(title) : <h1>{title}</h1>}</div>
          {subTitle && <div className={styles.subTitle}>{subTitle}</div>}
        </Stack>
        {actions && <div className={styles.actions}>{actions}</div>}
      </div>
      <div className={styles.content}>{children}</div>
    </div>
  );
}

function breadcrumbs(nav: AppNav, include: PluginInclude | undefined, pageNav: NavModelItem | undefined) {
  const trail: Array<{ text: string; url?: string }> = [{ text: t('host.home', 'Home'), url: '/' }];
  if (nav.section === 'plugins') {
    trail.push({ text: t('host.administration', 'Administration') }, { text: t('host.plugins', 'Plugins') });
  } else {
    trail.push({ text: t('host.apps', 'Apps') });
  }
  trail.push({ text: nav.appName, url: nav.appUrl });
  if (include && nav.section === 'apps') {
    trail.push({ text: include.name, url: include.path });
  }
  const parents: NavModelItem[] = [];
  for (let item = pageNav?.parentItem; item; item = item.parentItem) {
    parents.unshift(item);
  }
  // As Grafana's buildBreadcrumbs: a page item with the path of the crumb before it is not repeated.
  for (const item of [...parents, ...(pageNav ? [pageNav] : [])]) {
    const last = trail[trail.length - 1];
    const path = item.url?.split('?')[0];
    if (item.text !== last.text && !(path && path === last.url?.split('?')[0])) {
      trail.push({ text: item.text, url: item.url });
    }
  }
  return trail;
}

interface Toast {
  id: number;
  severity: 'success' | 'error' | 'warning' | 'info';
  title: string;
  text?: string;
}

/** How long Grafana shows a toast before it goes by itself. */
const TOAST_TIMEOUT_MS = { success: 3000, warning: 5000, error: 7000 } as const;

/** Grafana's toasts: alertSuccess/alertError/alertWarning app events, newest first, dismissable. */
function ToastList() {
  const styles = useStyles2(getToastStyles);
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(() => {
    let next = 0;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const remove = (id: number) => setToasts((current) => current.filter((other) => other.id !== id));
    const kinds = [
      [AppEvents.alertSuccess, 'success'],
      [AppEvents.alertError, 'error'],
      [AppEvents.alertWarning, 'warning'],
    ] as const;
    const handlers = kinds.map(([event, severity]) => {
      const handler = (payload?: readonly unknown[]) => {
        const [title, text] = (payload ?? []).map((part) => (part instanceof Error ? part.message : String(part)));
        const id = next++;
        setToasts((current) => [{ id, severity, title, text }, ...current]);
        const timer = setTimeout(() => {
          timers.delete(timer);
          remove(id);
        }, TOAST_TIMEOUT_MS[severity]);
        timers.add(timer);
      };
      appEvents.on(event, handler);
      return () => appEvents.off(event, handler);
    });
    return () => {
      handlers.forEach((off) => off());
      timers.forEach(clearTimeout);
    };
  }, []);
  return (
    <div className={styles.toasts} role="status">
      {toasts.map((toast) => (
        <Alert
          key={toast.id}
          severity={toast.severity}
          title={toast.title}
          onRemove={() => setToasts((current) => current.filter((other) => other.id !== toast.id))}
          className={styles.toast}
          elevated
        >
          {toast.text}
        </Alert>
      ))}
    </div>
  );
}

const getShellStyles = (theme: GrafanaTheme2) => ({
  shell: css({
    display: 'flex',
    flexDirection: 'column',
    minHeight: '100vh',
    background: theme.colors.background.canvas,
  }),
  topBar: css({
    display: 'flex',
    alignItems: 'center',
    height: 40,
    padding: theme.spacing(0, 2),
    background: theme.colors.background.primary,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  body: css({ display: 'flex', flex: 1 }),
  menu: css({
    width: 240,
    flexShrink: 0,
    padding: theme.spacing(1),
    background: theme.colors.background.primary,
    borderRight: `1px solid ${theme.colors.border.weak}`,
  }),
  menuSection: css({ ...theme.typography.h6, padding: theme.spacing(1, 1.5), color: theme.colors.text.primary }),
  menuList: css({ listStyle: 'none', margin: 0, padding: 0 }),
  menuItem: css({
    display: 'block',
    padding: theme.spacing(0.75, 1.5, 0.75, 3),
    borderRadius: theme.shape.radius.default,
    color: theme.colors.text.secondary,
    '&:hover': { background: theme.colors.action.hover, color: theme.colors.text.primary },
  }),
  menuItemActive: css({
    color: theme.colors.text.primary,
    background: theme.colors.action.selected,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  main: css({ flex: 1, minWidth: 0 }),
});

const getPageStyles = (theme: GrafanaTheme2) => ({
  page: css({ padding: theme.spacing(2, 3, 3) }),
  breadcrumbs: css({
    display: 'flex',
    listStyle: 'none',
    margin: theme.spacing(0, 0, 2),
    padding: 0,
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  crumb: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(0.5), marginRight: theme.spacing(0.5) }),
  header: css({
    display: 'flex',
    flexWrap: 'wrap',
    justifyContent: 'space-between',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(3),
  }),
  title: css({ h1: { margin: 0, ...theme.typography.h1 } }),
  subTitle: css({ color: theme.colors.text.secondary }),
  actions: css({ display: 'flex', gap: theme.spacing(1) }),
  content: css({ display: 'flex', flexDirection: 'column', flexGrow: 1 }),
});

const getToastStyles = (theme: GrafanaTheme2) => ({
  toasts: css({
    position: 'fixed',
    top: theme.spacing(7),
    right: theme.spacing(2),
    width: 400,
    zIndex: theme.zIndex.portal,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    // The empty area between toasts must not swallow clicks meant for the page below.
    pointerEvents: 'none',
  }),
  toast: css({ pointerEvents: 'auto' }),
});
