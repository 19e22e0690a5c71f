import type { JsonMessageType } from '../../standards/json/message-types.js';

/** The OpenAPI 3 document for /api/v1, built from the same schemas the gateway validates with. */
export function openApiDocument(envelopeSchema: Record<string, unknown>, types: JsonMessageType[], version: string): Record<string, unknown> {
  const strip = (s: Record<string, unknown>) => {
    const { $schema: _s, $id: _i, ...rest } = s;
    return rest;
  };
  const payloadSchemas = Object.fromEntries(types.map((t) => [`payload-${t.name}`, strip(t.schema)]));
  const problem = { $ref: '#/components/responses/Problem' };
  const auth = [{ apiKey: [] }];
  const pageParams = [
    { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
    { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
  ];
  return {
    openapi: '3.0.3',
    info: {
      title: 'knooppunt back-office API',
      version,
      description:
        'Submit messages as JSON, follow their delivery, and pick up what is addressed to you. ' +
        'Authenticate with `Authorization: Bearer <API key>`. Errors are application/problem+json (RFC 9457).',
      contact: { name: 'knooppunt' },
    },
    servers: [{ url: '/api/v1' }],
    security: auth,
    paths: {
      '/messages': {
        post: {
          summary: 'Submit a message',
          description:
            'The message is validated, routed, mapped and committed before the answer. 202 means it is stored and will be delivered. ' +
            'Sending the same messageId again returns the first result with 200 (idempotent).',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  allOf: [
                    { $ref: '#/components/schemas/MessageEnvelope' },
                    { description: `payload follows the schema of its messageType: ${types.map((t) => `payload-${t.name}`).join(', ')}` },
                  ],
                },
              },
            },
          },
          responses: {
            '200': { description: 'Already accepted earlier (same messageId)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } } },
            '202': { description: 'Accepted and stored', content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } } },
            '400': problem, '401': problem, '403': problem, '413': problem, '415': problem, '422': problem,
          },
        },
        get: {
          summary: 'List your messages (sent and received)',
          parameters: [
            ...pageParams,
            { name: 'direction', in: 'query', schema: { type: 'string', enum: ['sent', 'received'] } },
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['routed', 'delivered', 'dead_letter', 'rejected'] } },
            { name: 'messageType', in: 'query', schema: { type: 'string' } },
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
          ],
          responses: { '200': { description: 'A page of messages', content: { 'application/json': { schema: { $ref: '#/components/schemas/MessagePage' } } } }, '400': problem, '401': problem },
        },
      },
      '/messages/{id}': {
        get: {
          summary: 'A message with its status, event trail and delivery history',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '200': { description: 'The message', content: { 'application/json': { schema: { $ref: '#/components/schemas/MessageDetail' } } } }, '401': problem, '404': problem },
        },
      },
      '/mailbox': {
        get: {
          summary: 'Messages delivered to your mailbox, oldest first',
          parameters: [...pageParams, { name: 'includeAcknowledged', in: 'query', schema: { type: 'boolean', default: false } }],
          responses: { '200': { description: 'A page of mailbox items', content: { 'application/json': { schema: { $ref: '#/components/schemas/MailboxPage' } } } }, '401': problem },
        },
      },
      '/mailbox/{id}/acknowledgement': {
        put: {
          summary: 'Acknowledge pick-up of a mailbox item (idempotent)',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '200': { description: 'Acknowledged' }, '401': problem, '404': problem },
        },
      },
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key issued by the knooppunt administrator' } },
      responses: {
        Problem: { description: 'Problem details', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
      schemas: {
        MessageEnvelope: strip(envelopeSchema),
        ...payloadSchemas,
        Accepted: {
          type: 'object',
          properties: {
            id: { type: 'string', format: 'uuid' },
            correlationId: { type: 'string' },
            status: { type: 'string' },
            deliveries: { type: 'integer' },
            duplicate: { type: 'boolean' },
          },
        },
        MessageSummary: {
          type: 'object',
          properties: {
            id: { type: 'string', format: 'uuid' }, senderMessageId: { type: 'string' }, correlationId: { type: 'string' },
            channel: { type: 'string' }, standard: { type: 'string' }, messageType: { type: 'string' }, sender: { type: 'string' },
            receiver: { type: 'string', nullable: true }, status: { type: 'string' }, receivedAt: { type: 'string', format: 'date-time' },
            updatedAt: { type: 'string', format: 'date-time' },
          },
        },
        MessagePage: {
          type: 'object',
          properties: { items: { type: 'array', items: { $ref: '#/components/schemas/MessageSummary' } }, page: { type: 'integer' }, pageSize: { type: 'integer' }, total: { type: 'integer' } },
        },
        MessageDetail: {
          allOf: [
            { $ref: '#/components/schemas/MessageSummary' },
            {
              type: 'object',
              properties: {
                events: { type: 'array', items: { type: 'object', properties: { seq: { type: 'integer' }, type: { type: 'string' }, at: { type: 'string', format: 'date-time' }, detail: { type: 'object' } } } },
                deliveries: { type: 'array', items: { type: 'object' } },
              },
            },
          ],
        },
        MailboxPage: {
          type: 'object',
          properties: {
            items: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string', format: 'uuid' }, messageId: { type: 'string', format: 'uuid' }, messageType: { type: 'string' },
                  sender: { type: 'string' }, availableAt: { type: 'string', format: 'date-time' }, contentType: { type: 'string' }, payload: {},
                },
              },
            },
            page: { type: 'integer' }, pageSize: { type: 'integer' }, total: { type: 'integer' },
          },
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code'],
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' },
            code: { type: 'string' }, messageId: { type: 'string', format: 'uuid' },
            invalidParams: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, reason: { type: 'string' }, code: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
