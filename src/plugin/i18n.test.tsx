import React from 'react';
import i18next from 'i18next';
import { initPluginTranslations } from '@grafana/i18n';
import zhHans from '../locales/zh-Hans/wecomrelay-app.json';
import pluginJson from '../plugin.json';
import { HomePage } from './pages/Home/HomePage';
import { combineHandlers, mockBackendSrvFetch, RELAY_STATUS } from './test/backendSrv';
import { contactPointsHandler } from './test/handlers/contactPoints';
import { deliveriesHandler } from './test/handlers/deliveries';
import { policiesHandler } from './test/handlers/policies';
import { rulesHandler } from './test/handlers/rules';
import { servicesHandler } from './test/handlers/services';
import { statusHandler } from './test/handlers/status';
import { createMeta, render, screen, waitFor, within } from './test/render';
import { testIds } from './components/testIds';

// What Grafana does for a user whose language is 简体中文: it loads
// public/plugins/wecomrelay-app/locales/zh-Hans/wecomrelay-app.json into the plugin's namespace,
// and the plugin binds t()/<Trans> to that namespace (module.tsx).
describe('translations', () => {
  beforeAll(async () => {
    await initPluginTranslations(pluginJson.id);
    i18next.addResourceBundle('zh-Hans', pluginJson.id, zhHans, true, false);
    await i18next.changeLanguage('zh-Hans');
  });

  test('the overview and its start guide speak zh-Hans', async () => {
    const services = servicesHandler({
      services: [
        {
          config: {
            uid: 'ops',
            name: '运维群',
            robots: [{ groups: '运维', webhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234' }],
          },
        },
      ],
    });
    mockBackendSrvFetch(
      combineHandlers(
        statusHandler().handler,
        services.handler,
        rulesHandler().handler,
        deliveriesHandler().handler,
        contactPointsHandler().handler,
        policiesHandler().handler
      )
    );
    render(<HomePage />);

    expect(await screen.findByText('待发送')).toBeInTheDocument();
    expect(screen.getByText('中继状态')).toBeInTheDocument();
    expect(screen.getByText('版本')).toBeInTheDocument();
    expect(screen.getByText('开始使用')).toBeInTheDocument();
    const first = within(screen.getByTestId(testIds.overview.step(1)));
    expect(first.getByText('创建通知服务')).toBeInTheDocument();
    await waitFor(() => expect(first.getByText('已完成')).toBeInTheDocument());
    expect(first.getByText('通知服务：运维群')).toBeInTheDocument();
    expect(within(screen.getByTestId(testIds.overview.step(2))).getByText('待完成')).toBeInTheDocument();
    expect(await screen.findByText('没有失败的发送记录。')).toBeInTheDocument();
  });

  test("the config page's tab is titled in zh-Hans, read when module.js loads", async () => {
    const { plugin } = await import('../module');
    expect(plugin.configPages?.map((page) => page.title)).toEqual(['配置']);
  });

  test('the not-configured notice speaks zh-Hans, <Trans> included', () => {
    mockBackendSrvFetch(() => ({ data: RELAY_STATUS }));
    render(<HomePage />, { meta: createMeta() });

    expect(screen.getByText('将 Grafana 连接到 WeCom Relay')).toBeInTheDocument();
    expect(screen.getByText(/尚未设置中继地址和管理令牌/)).toBeInTheDocument();
  });
});
