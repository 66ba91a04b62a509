/** POST /rules/{uid}/contact-point: what a Grafana webhook contact point for the rule needs. */
import { contactPointSpecSchema } from '../../../core/api';
import type { RelayContext } from '../../context';
import { notFound } from '../errors';
import { errorResponses, uidParams, type AdminApi } from './schemas';
import { hookPaths } from './views';

export function contactPointRoutes(app: AdminApi, context: RelayContext) {
  app.post(
    '/rules/:uid/contact-point',
    {
      schema: {
        summary:
          'The settings of a Grafana webhook contact point for the rule: hook path, ingest token, HMAC secret. ' +
          "A POST on purpose, though it changes nothing: Grafana's plugin proxy lets Viewers make GET calls only, " +
          'so only Editors and Admins can receive the ingest token',
        tags: ['rules'],
        params: uidParams,
        response: { 200: contactPointSpecSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const rule = context.catalog.rules.get(request.params.uid)?.config;
      if (!rule) {
        throw notFound('rule', request.params.uid);
      }
      return {
        rule: rule.uid,
        path: hookPaths(rule.uid).grafana,
        ingestToken: context.tokens.ingest,
        hmac: rule.hmac
          ? { secret: rule.hmac.secret, header: rule.hmac.header, timestampHeader: rule.hmac.timestampHeader }
          : null,
      };
    }
  );
}
