/**
 * The states of a delivery, apart from the API schemas that use them, so that the plugin's
 * delivery log can name them without loading zod and the config schemas.
 */

/** `skipped`: accepted but never to be sent (`reason` says why), kept so every webhook leaves a trace. */
export const deliveryStatuses = ['pending', 'sent', 'failed', 'skipped'] as const;

/** Why a delivery was not sent at once: skipped (rule_disabled, no_match, duplicate) or held (quiet_hours). */
export const deliveryReasons = ['rule_disabled', 'no_match', 'duplicate', 'quiet_hours'] as const;

export type DeliveryStatus = (typeof deliveryStatuses)[number];
export type DeliveryReason = (typeof deliveryReasons)[number];
