/**
 * Egress through a proxy (企业可信IP needs a fixed address): the WeCom calls go through a real
 * CONNECT proxy on loopback when --wecom-proxy / WECOM_RELAY_PROXY or HTTP(S)_PROXY say so, and
 * straight to WeCom when NO_PROXY names its host. /status says which proxy is used.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createProxy } from 'proxy';
import { runCli } from '../support/cli';
import {
  ADMIN_TOKEN,
  INGEST_TOKEN,
  ROBOT_KEY,
  SECRET_KEY,
  fixture,
  robotTexts,
  startHarness,
  tempDir,
  type Harness,
} from '../support/relay-harness';
import { spawnRelay } from '../support/relay-process';

interface LoopbackProxy {
  url: string;
  /** host:port of every CONNECT tunnel opened, and every plain request forwarded. */
  tunnels: string[];
  forwarded: string[];
  close(): Promise<void>;
}

async function startProxy(credentials?: { user: string; password: string }): Promise<LoopbackProxy> {
  const server = createProxy(http.createServer());
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  server.on('connect', (request: http.IncomingMessage) => tunnels.push(request.url ?? ''));
  server.on('request', (request: http.IncomingMessage) => forwarded.push(request.url ?? ''));
  if (credentials) {
    const expected = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
    server.authenticate = (request) => request.headers['proxy-authorization'] === expected;
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const auth = credentials ? `${credentials.user}:${credentials.password}@` : '';
  return {
    url: `http://${auth}127.0.0.1:${port}`,
    tunnels,
    forwarded,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const hostOf = (baseUrl: string) => new URL(baseUrl).host;

/** Posts the firing fixture and waits until the robot and both app accounts have it. */
async function deliverOne(h: Harness): Promise<void> {
  assert.equal((await h.post('grafana', 'critical', fixture('grafana-firing.json'))).status, 202);
  await h.until(
    () =>
      robotTexts(h.wecom).length === 1 &&
      h.wecom.appMessages('zhangsan').length === 1 &&
      h.wecom.appMessages('lisi').length === 1
  );
}

describe('egress proxy for the WeCom calls', () => {
  let proxy: LoopbackProxy;
  before(async () => {
    proxy = await startProxy({ user: 'relay', password: 'proxy-pass-123' });
  });
  after(() => proxy.close());

  test('WECOM_RELAY_PROXY: robot, gettoken and app calls go through the CONNECT proxy, with its credentials', async () => {
    const h = await startHarness({ env: { WECOM_RELAY_PROXY: proxy.url } });
    try {
      const before = proxy.tunnels.length;
      await deliverOne(h);
      const opened = proxy.tunnels.slice(before);
      assert.ok(opened.length >= 1, 'at least one tunnel');
      assert.ok(
        opened.every((target) => target === hostOf(h.wecom.baseUrl)),
        `tunnels to the WeCom API base only: ${opened}`
      );
      assert.deepEqual(proxy.forwarded, [], 'nothing sent as a plain proxied request');
      const status = await h.admin('GET', '/status');
      assert.deepEqual(status.body.egressProxy, {
        url: `http://***@127.0.0.1:${new URL(proxy.url).port}`,
        source: 'flag',
      });
      assert.ok(!JSON.stringify(status.body).includes('proxy-pass-123'), 'the proxy password is not shown');
    } finally {
      await h.close();
    }
  });

  test('a proxy that refuses the relay: the send fails and is retried, nothing reaches WeCom directly', async () => {
    const wrongPassword = proxy.url.replace('proxy-pass-123', 'wrong-password');
    const h = await startHarness({ env: { WECOM_RELAY_PROXY: wrongPassword } });
    try {
      assert.equal((await h.post('grafana', 'critical', fixture('grafana-firing.json'))).status, 202);
      await h.until(async () => {
        const deliveries = await h.relay.context.storage.listDeliveries({ limit: 10 });
        return deliveries.length > 0 && deliveries.every((delivery) => delivery.attempts >= 1);
      });
      assert.equal(h.wecom.robotMessages(ROBOT_KEY).length, 0);
      assert.equal(h.wecom.appMessages('zhangsan').length, 0);
    } finally {
      await h.close();
    }
  });

  test('HTTP_PROXY is honoured for an http API base; NO_PROXY naming its host bypasses it', async () => {
    const open = await startProxy();
    try {
      const proxied = await startHarness({ env: { HTTP_PROXY: open.url } });
      try {
        await deliverOne(proxied);
        assert.ok(open.tunnels.includes(hostOf(proxied.wecom.baseUrl)), `tunnelled: ${open.tunnels}`);
        assert.deepEqual((await proxied.admin('GET', '/status')).body.egressProxy, { url: open.url, source: 'env' });
      } finally {
        await proxied.close();
      }

      const tunnelsBefore = open.tunnels.length;
      const bypassed = await startHarness({ env: { http_proxy: open.url, NO_PROXY: 'localhost,127.0.0.1' } });
      try {
        await deliverOne(bypassed);
        assert.equal(open.tunnels.length, tunnelsBefore, 'no tunnel opened');
        assert.deepEqual(open.forwarded, []);
        assert.deepEqual((await bypassed.admin('GET', '/status')).body.egressProxy, { url: null, source: 'no_proxy' });
      } finally {
        await bypassed.close();
      }
    } finally {
      await open.close();
    }
  });

  test('--wecom-proxy: serve and send-test take it as a flag, and it wins over HTTP_PROXY', async () => {
    const h = await startHarness();
    const env = {
      WECOM_RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
      WECOM_RELAY_INGEST_TOKEN: INGEST_TOKEN,
      WECOM_RELAY_SECRET_KEY: SECRET_KEY,
      HTTP_PROXY: 'http://127.0.0.1:9',
    };
    try {
      const before = proxy.tunnels.length;
      const result = await runCli(
        [
          'send-test',
          '--service',
          'ops',
          '--data-dir',
          h.dataDir,
          '--wecom-api-base',
          h.wecom.baseUrl,
          '--wecom-proxy',
          proxy.url,
        ],
        { ...env, ...h.databaseEnv }
      );
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(result.stdout.trim().split('\n'), ['robot 运维群&DBA群: ok', 'app zhangsan|lisi: ok']);
      assert.ok(proxy.tunnels.slice(before).includes(hostOf(h.wecom.baseUrl)), 'send-test tunnelled through the proxy');
    } finally {
      await h.close();
    }

    const relay = await spawnRelay(['--data-dir', tempDir(), '--wecom-proxy', proxy.url], env);
    try {
      const status = await fetch(`${relay.url}/api/v1/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal((await status.json()).egressProxy.source, 'flag');
    } finally {
      await relay.kill('SIGTERM');
    }
  });
});
