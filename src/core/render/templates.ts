/**
 * The built-in templates, written in the same Liquid a user writes, so they can be copied and
 * tweaked. Variables: see GroupView and AlertView in view.ts. `kind` lets a template be shorter
 * for textcards (512 bytes); blank lines in the output are dropped.
 */
import type { Language } from '../config';

const labelList = (list: string) =>
  `{% for label in ${list} %}{% unless forloop.first %} · {% endunless %}{{ label.name }}={{ label.value }}{% endfor %}`;
const linkList = (list: string) =>
  `{% for link in ${list} %}{% unless forloop.first %} · {% endunless %}[{{ link.name }}]({{ link.url }}){% endfor %}`;

const zhHeading = [
  '## {% if isTest %}【测试】{% endif %}{% if status == "firing" %}<font color="warning">【告警】</font>{% else %}<font color="info">【恢复】</font>{% endif %}{{ title }} {{ part }}',
  '> 规则：{{ ruleName }}{% if firing %} · <font color="warning">告警 {{ firing }}</font>{% endif %}{% if resolved %} · <font color="info">恢复 {{ resolved }}</font>{% endif %}',
  `{% if sharedLabels.size > 0 and kind != "app-textcard" %}> 标签：${labelList('sharedLabels')}{% endif %}`,
  '{% if truncatedAlerts %}> <font color="comment">另有 {{ truncatedAlerts }} 条告警未列出（Grafana 已截断）</font>{% endif %}',
  '{% if isTest %}> <font color="comment">这是一条测试通知，无需处理</font>{% endif %}',
];

const zhAlert = [
  '{% if alert.status == "firing" %}<font color="warning">**【告警】{{ alert.name }}**</font>{% else %}<font color="info">**【恢复】{{ alert.name }}**</font>{% endif %}{% if kind == "app-textcard" %} {{ alert.instance }}{% endif %}',
  '{{ alert.summary }}',
  '{% if kind == "app-textcard" %}',
  '> {{ alert.startsAt }}{% if alert.duration %}　{% if alert.status == "firing" %}已{% endif %}持续 {{ alert.duration }}{% endif %}',
  '{% else %}',
  '{% if alert.description %}<font color="comment">{{ alert.description }}</font>{% endif %}',
  '{% if alert.severity %}> 级别：{% if alert.status == "firing" %}<font color="warning">{{ alert.severity }}</font>{% else %}{{ alert.severity }}{% endif %}{% endif %}',
  '{% if alert.instance %}> 实例：`{{ alert.instance }}`{% endif %}',
  `{% if alert.ownLabels.size > 0 %}> 标签：${labelList('alert.ownLabels')}{% endif %}`,
  '{% if alert.value %}> 数值：{{ alert.value }}{% endif %}',
  '{% if alert.startsAt %}> 开始：{{ alert.startsAt }}{% if alert.status == "firing" and alert.duration %}（已持续 {{ alert.duration }}）{% endif %}{% endif %}',
  '{% if alert.endsAt %}> 恢复：{{ alert.endsAt }}{% if alert.duration %}（持续 {{ alert.duration }}）{% endif %}{% endif %}',
  linkList('alert.links'),
  '{% endif %}',
].join('\n');

const enHeading = [
  '## {% if isTest %}[TEST] {% endif %}{% if status == "firing" %}<font color="warning">[FIRING]</font>{% else %}<font color="info">[RESOLVED]</font>{% endif %} {{ title }} {{ part }}',
  '> Rule: {{ ruleName }}{% if firing %} · <font color="warning">{{ firing }} firing</font>{% endif %}{% if resolved %} · <font color="info">{{ resolved }} resolved</font>{% endif %}',
  `{% if sharedLabels.size > 0 and kind != "app-textcard" %}> Labels: ${labelList('sharedLabels')}{% endif %}`,
  '{% if truncatedAlerts %}> <font color="comment">{{ truncatedAlerts }} more alerts not listed (truncated by Grafana)</font>{% endif %}',
  '{% if isTest %}> <font color="comment">This is a test notification; no action needed.</font>{% endif %}',
];

const enAlert = [
  '{% if alert.status == "firing" %}<font color="warning">**[FIRING] {{ alert.name }}**</font>{% else %}<font color="info">**[RESOLVED] {{ alert.name }}**</font>{% endif %}{% if kind == "app-textcard" %} {{ alert.instance }}{% endif %}',
  '{{ alert.summary }}',
  '{% if kind == "app-textcard" %}',
  '> {{ alert.startsAt }}{% if alert.duration %} · {% if alert.status == "firing" %}for{% else %}lasted{% endif %} {{ alert.duration }}{% endif %}',
  '{% else %}',
  '{% if alert.description %}<font color="comment">{{ alert.description }}</font>{% endif %}',
  '{% if alert.severity %}> Severity: {% if alert.status == "firing" %}<font color="warning">{{ alert.severity }}</font>{% else %}{{ alert.severity }}{% endif %}{% endif %}',
  '{% if alert.instance %}> Instance: `{{ alert.instance }}`{% endif %}',
  `{% if alert.ownLabels.size > 0 %}> Labels: ${labelList('alert.ownLabels')}{% endif %}`,
  '{% if alert.value %}> Value: {{ alert.value }}{% endif %}',
  '{% if alert.startsAt %}> Started: {{ alert.startsAt }}{% if alert.status == "firing" and alert.duration %} (for {{ alert.duration }}){% endif %}{% endif %}',
  '{% if alert.endsAt %}> Resolved: {{ alert.endsAt }}{% if alert.duration %} (lasted {{ alert.duration }}){% endif %}{% endif %}',
  linkList('alert.links'),
  '{% endif %}',
].join('\n');

export const DEFAULT_TEMPLATES: Record<Language, { title: string; alert: string }> = {
  'zh-CN': { title: zhHeading.join('\n'), alert: zhAlert },
  en: { title: enHeading.join('\n'), alert: enAlert },
};

/**
 * Compact templates, one line per alert: for big groups (when the full form needs several
 * messages) and for digests (a backlog that must fit the robot's per-minute budget). A compact
 * group shows alerts of one status (firing and resolved are rendered as two sections), so the
 * heading says the status once; the group's shared labels and links (`groupLinks`: rule,
 * dashboard, panel, and one silence link for all its firing alerts) are in the heading once.
 * Each line keeps the alert's summary, instance, severity, value, the labels and links it does
 * not share, start time and description, and its name when it is not the heading's. Long text
 * is cut with "…". Custom templates do not apply.
 */
interface CompactWords {
  rule: string;
  firingCount: string;
  resolvedCount: string;
  resolvedAt: string;
}

/** The full heading's status line and notes, the rule line with the shared labels, and the group's links. */
const compactTitle = ([status, , , ...notes]: string[], words: CompactWords) =>
  [
    status,
    `> ${words.rule}{{ ruleName }}{% if firing %} · ${words.firingCount}{% endif %}{% if resolved %} · ${words.resolvedCount}{% endif %}` +
      "{% for label in sharedLabels %} · {{ label.name }}={{ label.value | truncate: 60, '…' }}{% endfor %}",
    ...notes,
    linkList('groupLinks'),
  ].join('\n');

const compactAlert = (words: CompactWords) =>
  [
    '> {% if alert.name != title %}{{ alert.name }} {% endif %}',
    '{{ alert.summary | truncate: 120, "…" }}',
    '{% if alert.instance %} · `{{ alert.instance }}`{% endif %}',
    '{% if alert.severity %} · {{ alert.severity }}{% endif %}',
    '{% if alert.value %} · {{ alert.value | truncate: 60, "…" }}{% endif %}',
    "{% for label in alert.ownLabels %} · {{ label.name }}={{ label.value | truncate: 40, '…' }}{% endfor %}",
    '{% if alert.startsAt %} · {{ alert.startsAt | slice: 5, 11 }}{% endif %}',
    `{% if alert.endsAt %} ${words.resolvedAt} {{ alert.endsAt | slice: 5, 11 }}{% endif %}`,
    '{% if alert.description %} · {{ alert.description | truncate: 40, "…" }}{% endif %}',
    '{% for link in alert.ownLinks %} · [{{ link.name }}]({{ link.url }}){% endfor %}',
  ].join('');

const zhWords: CompactWords = {
  rule: '规则：',
  firingCount: '告警 {{ firing }}',
  resolvedCount: '恢复 {{ resolved }}',
  resolvedAt: '恢复',
};
const enWords: CompactWords = {
  rule: 'Rule: ',
  firingCount: '{{ firing }} firing',
  resolvedCount: '{{ resolved }} resolved',
  resolvedAt: 'resolved',
};

export const COMPACT_TEMPLATES: Record<Language, { title: string; alert: string }> = {
  'zh-CN': { title: compactTitle(zhHeading, zhWords), alert: compactAlert(zhWords) },
  en: { title: compactTitle(enHeading, enWords), alert: compactAlert(enWords) },
};
