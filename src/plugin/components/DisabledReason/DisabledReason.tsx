import React, { type ReactElement } from 'react';
import { Tooltip } from '@grafana/ui';

/**
 * A control with the reason it is disabled shown on hover and focus. A disabled LinkButton takes no
 * pointer events, so the tooltip hangs on a wrapper; without a reason the control is left as is.
 */
export function DisabledReason({ reason, children }: { reason: string | undefined; children: ReactElement }) {
  if (!reason) {
    return children;
  }
  return (
    <Tooltip content={reason}>
      <span tabIndex={0}>{children}</span>
    </Tooltip>
  );
}
