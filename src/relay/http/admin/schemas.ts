/** What every admin route declares alike: its instance type, the uid parameter and the error answers. */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema } from '../../../core/api';

/** The admin scope: requests are validated, and responses serialised, by the routes' zod schemas. */
export type AdminApi = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export const uidParams = z.object({ uid: z.string().describe('the uid of the service or rule') });

/** Any string: an id that is not a number is answered 404 like any unknown id. */
export const idParams = z.object({ id: z.string().describe('the delivery id (an integer)') });

/**
 * The error answers of a route: 401 (admin token) and 500 on every route, plus the given codes,
 * all with the one error body.
 */
export function errorResponses(...codes: number[]) {
  return Object.fromEntries([401, 500, ...codes].map((code) => [code, errorBodySchema]));
}
