/**
 * The packages Grafana shares with plugins (the webpack externals of .config/bundler/externals.ts
 * that a plugin like this one imports), registered in SystemJS under their bare names, as Grafana
 * does: one instance each, the very one the host renders with. module.js asking for one missing
 * here fails to load, which the browser test reports as a page error.
 */
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import * as i18next from 'i18next';
import lodash from 'lodash';
import React from 'react';
import ReactDOM from 'react-dom';
import ReactDOMClient from 'react-dom/client';
import jsxRuntime from 'react/jsx-runtime';
import * as reactRouter from 'react-router';
import * as reactRouterDom from 'react-router-dom';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

/**
 * CommonJS packages go over as their exports object; ES modules as a namespace webpack's interop
 * recognises, with the bundle's getters kept: exports such as PluginPage are live bindings that
 * the host sets later (setPluginPage).
 */
const esm = (namespace: object) =>
  Object.defineProperties({ __esModule: true }, Object.getOwnPropertyDescriptors(namespace));

const sharedModules: Record<string, unknown> = {
  '@emotion/css': esm(emotionCss),
  '@emotion/react': esm(emotionReact),
  '@grafana/data': esm(grafanaData),
  '@grafana/runtime': esm(grafanaRuntime),
  '@grafana/ui': esm(grafanaUi),
  i18next: esm(i18next),
  lodash,
  react: React,
  'react-dom': ReactDOM,
  'react-dom/client': ReactDOMClient,
  'react/jsx-runtime': jsxRuntime,
  'react-router': esm(reactRouter),
  'react-router-dom': esm(reactRouterDom),
  rxjs: esm(rxjs),
  'rxjs/operators': esm(rxjsOperators),
};

interface SystemJS {
  addImportMap(map: { imports: Record<string, string> }): void;
  set(id: string, module: object): void;
  import(id: string): Promise<Record<string, unknown>>;
}

export function systemJS(): SystemJS {
  return (window as unknown as { System: SystemJS }).System;
}

export function registerSharedModules(): void {
  const System = systemJS();
  const id = (name: string) => `grafana-shared:${name}`;
  System.addImportMap({ imports: Object.fromEntries(Object.keys(sharedModules).map((name) => [name, id(name)])) });
  for (const [name, value] of Object.entries(sharedModules)) {
    // __useDefault: the AMD extra hands `default` (the value itself) to define()'s factory.
    System.set(id(name), { __useDefault: true, default: value });
  }
}
