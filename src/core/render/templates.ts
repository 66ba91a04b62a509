/**
 * The built-in templates, written in the same Liquid a user writes, so they can be copied and
 * tweaked. Variables: see GroupView and AlertView in view.ts. `kind` lets a template be shorter
 * for textcards (512 bytes); blank lines in the output are dropped.
 */
import type { Language } from '../config';

const zhTitle = [
  '## {% if isTest %}【测试】{% endif %}{% if status == "firing" %}<font color="warning">【告警】</font>{% else %}<font color="info">【恢复】</font>{% endif %}{{ title }} {{ part }}',
  '> 规则：{{ ruleName }}{% if firing %} · <font color="warning">告警 {{ firing }}</font>{% endif %}{% if resolved %} · <font color="info">恢复 {{ resolved }}</font>{% endif %}',
  '{% if truncatedAlerts %}> <font color="comment">另有 {{ truncatedAlerts }} 条告警未列出（Grafana 已截断）</font>{% endif %}',
  '{% if isTest %}> <font color="comment">这是一条测试通知，无需处理</font>{% endif %}',
].join('\n');

const zhAlert = [
  '{% if alert.status == "firing" %}<font color="warning">**【告警】{{ alert.name }}**</font>{% else %}<font color="info">**【恢复】{{ alert.name }}**</font>{% endif %}{% if kind == "app-textcard" %} {{ alert.instance }}{% endif %}',
  '{{ alert.summary }}',
  '{% if kind == "app-textcard" %}',
  '> {{ alert.startsAt }}{% if alert.duration %}　{% if alert.status == "firing" %}已{% endif %}持续 {{ alert.duration }}{% endif %}',
  '{% else %}',
  '{% if alert.description %}<font color="comment">{{ alert.description }}</font>{% endif %}',
  '{% if alert.severity %}> 级别：{% if alert.status == "firing" %}<font color="warning">{{ alert.severity }}</font>{% else %}{{ alert.severity }}{% endif %}{% endif %}',
  '{% if alert.instance %}> 实例：`{{ alert.instance }}`{% endif %}',
  '{% if alert.value %}> 数值：{{ alert.value }}{% endif %}',
  '{% if alert.startsAt %}> 开始：{{ alert.startsAt }}{% if alert.status == "firing" and alert.duration %}（已持续 {{ alert.duration }}）{% endif %}{% endif %}',
  '{% if alert.endsAt %}> 恢复：{{ alert.endsAt }}{% if alert.duration %}（持续 {{ alert.duration }}）{% endif %}{% endif %}',
  '{% for link in alert.links %}{% unless forloop.first %} · {% endunless %}[{{ link.name }}]({{ link.url }}){% endfor %}',
  '{% endif %}',
].join('\n');

const enTitle = [
  '## {% if isTest %}[TEST] {% endif %}{% if status == "firing" %}<font color="warning">[FIRING]</font>{% else %}<font color="info">[RESOLVED]</font>{% endif %} {{ title }} {{ part }}',
  '> Rule: {{ ruleName }}{% if firing %} · <font color="warning">{{ firing }} firing</font>{% endif %}{% if resolved %} · <font color="info">{{ resolved }} resolved</font>{% endif %}',
  '{% if truncatedAlerts %}> <font color="comment">{{ truncatedAlerts }} more alerts not listed (truncated by Grafana)</font>{% endif %}',
  '{% if isTest %}> <font color="comment">This is a test notification; no action needed.</font>{% endif %}',
].join('\n');

const enAlert = [
  '{% if alert.status == "firing" %}<font color="warning">**[FIRING] {{ alert.name }}**</font>{% else %}<font color="info">**[RESOLVED] {{ alert.name }}**</font>{% endif %}{% if kind == "app-textcard" %} {{ alert.instance }}{% endif %}',
  '{{ alert.summary }}',
  '{% if kind == "app-textcard" %}',
  '> {{ alert.startsAt }}{% if alert.duration %} · {% if alert.status == "firing" %}for{% else %}lasted{% endif %} {{ alert.duration }}{% endif %}',
  '{% else %}',
  '{% if alert.description %}<font color="comment">{{ alert.description }}</font>{% endif %}',
  '{% if alert.severity %}> Severity: {% if alert.status == "firing" %}<font color="warning">{{ alert.severity }}</font>{% else %}{{ alert.severity }}{% endif %}{% endif %}',
  '{% if alert.instance %}> Instance: `{{ alert.instance }}`{% endif %}',
  '{% if alert.value %}> Value: {{ alert.value }}{% endif %}',
  '{% if alert.startsAt %}> Started: {{ alert.startsAt }}{% if alert.status == "firing" and alert.duration %} (for {{ alert.duration }}){% endif %}{% endif %}',
  '{% if alert.endsAt %}> Resolved: {{ alert.endsAt }}{% if alert.duration %} (lasted {{ alert.duration }}){% endif %}{% endif %}',
  '{% for link in alert.links %}{% unless forloop.first %} · {% endunless %}[{{ link.name }}]({{ link.url }}){% endfor %}',
  '{% endif %}',
].join('\n');

export const DEFAULT_TEMPLATES: Record<Language, { title: string; alert: string }> = {
  'zh-CN': { title: zhTitle, alert: zhAlert },
  en: { title: enTitle, alert: enAlert },
};

/**
 * Compact templates for digests: when a backlog builds up for one destination, each alert takes
 * one line so that a whole storm fits the robot's per-minute budget. Custom templates do not
 * apply to digests.
 */
const digestLink =
  '{% assign link = alerts.first.links.first %}{% if link %} [{{ link.name }}]({{ link.url }}){% endif %}';
const zhDigestTitle = `{% if isTest %}【测试】{% endif %}{% if status == "firing" %}<font color="warning">**【告警】{{ title }}**</font>{% else %}<font color="info">**【恢复】{{ title }}**</font>{% endif %}{% if total > 1 %} ×{{ total }}{% endif %} {{ part }}${digestLink}`;
const enDigestTitle = `{% if isTest %}[TEST] {% endif %}{% if status == "firing" %}<font color="warning">**[FIRING] {{ title }}**</font>{% else %}<font color="info">**[RESOLVED] {{ title }}**</font>{% endif %}{% if total > 1 %} ×{{ total }}{% endif %} {{ part }}${digestLink}`;
const digestAlert =
  '> {% if alert.name != title %}{% if alert.status == "firing" %}<font color="warning">{{ alert.name }}</font>{% else %}<font color="info">{{ alert.name }}</font>{% endif %} {% endif %}{{ alert.summary }}{% if alert.instance %} `{{ alert.instance }}`{% endif %} <font color="comment">{{ alert.startsAt | slice: 5, 11 }}</font>';

export const DIGEST_TEMPLATES: Record<Language, { title: string; alert: string }> = {
  'zh-CN': { title: zhDigestTitle, alert: digestAlert },
  en: { title: enDigestTitle, alert: digestAlert },
};
