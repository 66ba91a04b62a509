/**
 * What Grafana itself calls from inside its packages (not exported from their index): the same
 * module files the index re-exports from, so the same instances the plugin sees.
 */
import type * as I18nModule from '../../../node_modules/@grafana/i18n/dist/types/i18n';
import type * as PluginPageModule from '../../../node_modules/@grafana/runtime/dist/types/components/PluginPage';
// @ts-expect-error -- the ESM build has no declaration file beside it; its types are imported above
import * as i18nBuild from '../../../node_modules/@grafana/i18n/dist/esm/i18n.mjs';
// @ts-expect-error -- as above
import * as pluginPageBuild from '../../../node_modules/@grafana/runtime/dist/esm/components/PluginPage.mjs';

export const { addResourceBundle, changeLanguage, initializeI18n } = i18nBuild as typeof I18nModule;
export const { setPluginPage } = pluginPageBuild as typeof PluginPageModule;
