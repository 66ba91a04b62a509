/** zh-Hans for the host's own chrome (Grafana's own words for them). */
export const HOST_STRINGS_ZH_HANS = {
  host: {
    nav: '导航',
    breadcrumbs: '面包屑',
    home: '首页',
    apps: '应用',
    administration: '管理',
    plugins: '插件',
    'plugin-tab': { overview: '概述' },
  },
};
