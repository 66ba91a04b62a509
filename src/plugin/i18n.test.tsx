import React from 'react';
import i18next from 'i18next';
import { initPluginTranslations } from '@grafana/i18n';
import zhHans from '../locales/zh-Hans/wecomrelay-app.json';
import pluginJson from '../plugin.json';
import { HomePage } from './pages/Home/HomePage';
import { mockBackendSrvFetch, RELAY_STATUS } from './test/backendSrv';
import { createMeta, render, screen } from './test/render';

// What Grafana does for a user whose language is 简体中文: it loads
// public/plugins/wecomrelay-app/locales/zh-Hans/wecomrelay-app.json into the plugin's namespace,
// and the plugin binds t()/<Trans> to that namespace (module.tsx).
describe('translations', () => {
  beforeAll(async () => {
    await initPluginTranslations(pluginJson.id);
    i18next.addResourceBundle('zh-Hans', pluginJson.id, zhHans, true, false);
    await i18next.changeLanguage('zh-Hans');
  });

  test('the overview speaks zh-Hans', async () => {
    mockBackendSrvFetch(() => ({ data: RELAY_STATUS }));
    render(<HomePage />);

    expect(await screen.findByText('中继状态')).toBeInTheDocument();
    expect(screen.getByText('待发送')).toBeInTheDocument();
    expect(screen.getByText('版本')).toBeInTheDocument();
  });

  test('the not-configured notice speaks zh-Hans, <Trans> included', () => {
    mockBackendSrvFetch(() => ({ data: RELAY_STATUS }));
    render(<HomePage />, { meta: createMeta() });

    expect(screen.getByText('将 Grafana 连接到 WeCom Relay')).toBeInTheDocument();
    expect(screen.getByText(/尚未设置中继地址和管理令牌/)).toBeInTheDocument();
  });
});
