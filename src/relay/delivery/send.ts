import type { AppBody, RobotBody } from '../../core/messages';
import type { Storage } from '../storage/types';
import type { SendOutcome, WecomClient } from '../wecom/client';
import { limiterKeys, type ResolvedDestination } from './destinations';

/**
 * One message to one destination. It is counted against the rate budget before it leaves: a
 * request that times out may still have reached WeCom, and counts there.
 */
export async function sendTo(
  client: WecomClient,
  storage: Storage,
  target: ResolvedDestination,
  body: RobotBody | AppBody
): Promise<SendOutcome> {
  await storage.logSends(limiterKeys(target), Date.now());
  if (target.kind === 'robot') {
    return client.sendRobot(target.key, body as RobotBody);
  }
  const { accounts, departments, tags } = target.app;
  return client.sendApp(target.app, { users: accounts, departments, tags }, body as AppBody);
}
