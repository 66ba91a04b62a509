/**
 * WeCom messages from alert groups: robot markdown, app markdown, app text and app textcard,
 * byte-exact within WeCom's limits. Isomorphic: the relay sends what the plugin previews.
 */
export type { MessageKind, PackedMessage, PackItem, RenderContext, RenderedPart } from './types';
export { renderGroupParts, renderParts } from './parts';
export { packDeliveryMessages, renderDeliveryMessages, type DeliveryMessages, type DeliveryToRender } from './deliver';
export { packMessages } from './pack';
export { renderStormView, type StormGroup, type StormOptions, type StormView } from './storm';
export { companionText } from './mentions';
export { limitOf } from './kinds';
export { DEFAULT_TEMPLATES } from './templates';
export { templateError } from './validate';
export { SAMPLE_GROUPS } from './samples';
export { ruleRenderContext } from './context';
