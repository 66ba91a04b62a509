/** Words the renderer itself writes; everything else is in the (per-language) templates. */
import type { Language } from '../config';

export type LinkKind = 'rule' | 'source' | 'dashboard' | 'panel' | 'silence' | 'runbook' | 'image';

interface Strings {
  truncated: string;
  durationUnits: { d: string; h: string; m: string; s: string };
  links: Record<LinkKind, string>;
  cardButton: string;
  companion: string;
  templateFailed: string;
  /** The first line of a message that carries several groups, each under its own heading. */
  digest(groups: number, firing: number, resolved: number): string;
}

function counts(parts: Array<[number, string]>): string {
  return parts
    .filter(([count]) => count > 0)
    .map(([, text]) => ` · ${text}`)
    .join('');
}

export const STRINGS: Record<Language, Strings> = {
  'zh-CN': {
    truncated: '…（内容过长，已截断）',
    durationUnits: { d: '天', h: '小时', m: '分', s: '秒' },
    links: {
      rule: '规则',
      source: '来源',
      dashboard: '仪表盘',
      panel: '面板',
      silence: '静默',
      runbook: '处理手册',
      image: '截图',
    },
    cardButton: '详情',
    companion: '请关注以上告警',
    templateFailed: '自定义模板出错，已改用默认模板：',
    digest: (groups, firing, resolved) =>
      `【汇总】${groups} 组${counts([
        [firing, `告警 ${firing}`],
        [resolved, `恢复 ${resolved}`],
      ])}`,
  },
  en: {
    truncated: '… (truncated)',
    durationUnits: { d: 'd', h: 'h', m: 'm', s: 's' },
    links: {
      rule: 'Rule',
      source: 'Source',
      dashboard: 'Dashboard',
      panel: 'Panel',
      silence: 'Silence',
      runbook: 'Runbook',
      image: 'Image',
    },
    cardButton: 'More',
    companion: 'Please look at the alert above.',
    templateFailed: 'Custom template failed, default used: ',
    digest: (groups, firing, resolved) =>
      `[DIGEST] ${groups} groups${counts([
        [firing, `${firing} firing`],
        [resolved, `${resolved} resolved`],
      ])}`,
  },
};
