import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

/** Every route registers itself here as it is defined, so the document covers every endpoint. */
export const registry = new OpenAPIRegistry();

registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: 'Error' });

export function openApiDocument() {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'MetaX API',
      version: '1.0.0',
      description:
        'Members and staff API of the MetaX Coin platform. Amounts are decimal strings with 8 places; errors are `{error: {code, message, details}}`.',
    },
    servers: [{ url: '/' }],
  });
}
