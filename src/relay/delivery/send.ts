import type { AppBody, RobotBody } from '../../core/messages';
import type { SendLedger } from '../storage/types';
import type { SendOutcome, WecomClient } from '../wecom/client';
import { windowsOf } from './budget';
import { limiterKeys, type ResolvedDestination } from './destinations';

/** Not sent: since it was planned, another worker took the last message a rate window allowed. */
export const OVER_BUDGET = 'over-budget';

/**
 * One message to one destination. It is counted against the rate budget before it leaves: a
 * request that times out may still have reached WeCom, and counts there.
 */
export async function sendTo(
  client: WecomClient,
  ledger: SendLedger,
  target: ResolvedDestination,
  body: RobotBody | AppBody
): Promise<SendOutcome | typeof OVER_BUDGET> {
  if (!(await ledger.reserveSend(limiterKeys(target), windowsOf(target), Date.now()))) {
    return OVER_BUDGET;
  }
  if (target.kind === 'robot') {
    return client.sendRobot(target.key, body as RobotBody);
  }
  const { accounts, departments, tags } = target.app;
  return client.sendApp(target.app, { users: accounts, departments, tags }, body as AppBody);
}
