import type { JsonMessageType } from '../../standards/json/message-types.js';

/** The OpenAPI 3 document for /api/v1, built from the same schemas the gateway validates with. */
export function openApiDocument(
  envelopeSchema: Record<string, unknown>,
  types: JsonMessageType[],
  version: string,
  /** iJw/iWmo payloads as a gemeente receives them (start zorg, declaratie, ...), documented for the back office. */
  receivedTypes: JsonMessageType[] = [],
  bevragingSchema?: Record<string, unknown>,
): Record<string, unknown> {
  const strip = (s: Record<string, unknown>) => {
    const { $schema: _s, $id: _i, ...rest } = s;
    return rest;
  };
  const payloadSchemas = Object.fromEntries(types.map((t) => [`payload-${t.name}`, strip(t.schema)]));
  const receivedSchemas = Object.fromEntries(receivedTypes.map((t) => [`istandaarden-${t.name}`, strip(t.schema)]));
  const xmlBody = { 'application/xml': { schema: { type: 'string', description: 'An iJw 3.2 or iWmo 3.2 bericht (schemas/istandaarden/<ijw|iwmo>/3_2/)' } } };
  const foutbericht = {
    description: 'Transport foutbericht (schemas/istandaarden/transport/foutbericht.xsd) with an IB code',
    content: { 'application/xml': { schema: { type: 'string' } } },
  };
  const istandaardenServers = [{ url: '/istandaarden/v1', description: 'Provider channel for iJw/iWmo XML' }];
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
            '200': { description: 'Already accepted earlier (same messageId, same JSON after canonicalisation)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } } },
            '202': { description: 'Accepted and stored', content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } } },
            '409': problem,
            '400': problem, '401': problem, '403': problem, '413': problem, '415': problem, '422': problem,
          },
        },
        get: {
          summary: 'List your messages (sent and received)',
          parameters: [
            ...pageParams,
            { name: 'direction', in: 'query', schema: { type: 'string', enum: ['sent', 'received'] } },
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['routed', 'delivered', 'partially_delivered', 'dead_letter', 'rejected'] } },
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
      '/envelopes': {
        post: {
          summary: 'Send a sealed envelope: end-to-end encrypted bytes knooppunt routes on metadata only and never opens',
          description:
            'The body is the ciphertext, in any content type, delivered byte for byte. Metadata in headers: X-Knooppunt-Receiver, ' +
            'X-Knooppunt-Envelope-Type, X-Knooppunt-Sender-Reference (idempotency), X-Knooppunt-Content-SHA256 (checked), ' +
            'optional X-Knooppunt-Correlation-Id. Only metadata and the hash are logged.',
          requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          responses: {
            '200': { description: 'Already accepted earlier (same sender reference)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } } },
            '202': { description: 'Accepted and stored', content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } } },
            '409': problem,
            '400': problem, '401': problem, '403': problem, '413': problem, '422': problem, '429': problem,
          },
        },
      },
      '/bevragingen': {
        post: {
          summary: 'Ask for data about a citizen, for a stated purpose (SUWI-style bevraging with doelbinding)',
          description:
            'The purpose (doel) decides the route: who may ask, which source is asked, on which legal basis, and which fields come back ' +
            '(data minimisation in the route\'s mapping). Without an allowed purpose, or with a BSN that fails the elfproef, no source is asked. ' +
            '"niet-gevonden" is an answer (200). The question and the answer are one exchange in the log (purpose, legal basis, source, citizen by keyed hash).',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Bevraging' } } } },
          responses: {
            '200': {
              description: 'Answered: gevonden (with the minimised gegevens) or niet-gevonden',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      id: { type: 'string', format: 'uuid' }, uitkomst: { type: 'string', enum: ['gevonden', 'niet-gevonden'] },
                      gegevens: { type: 'object' }, doel: { type: 'string' }, grondslag: { type: 'string' }, bron: { type: 'string' },
                    },
                  },
                },
              },
            },
            '400': problem, '401': problem, '403': problem, '413': problem, '415': problem, '422': problem, '502': problem, '504': problem,
          },
        },
      },
      '/berichten': {
        servers: istandaardenServers,
        post: {
          summary: 'iStandaarden: deliver an iJw/iWmo 3.2 bericht (XML) and get its retourbericht',
          description:
            'For 301/305/307/315/317/319 the answer (200) is the retourbericht (302/306/308/316/318/320) with retourcodes on the header and ' +
            'on every record: 0200 when accepted, otherwise the code of each failing rule (docs/istandaarden/regels.md). A 323 that passes ' +
            'is answered 202 (the gemeente sends its 325 later); one that fails gets a rejecting 325. A 302 or 320 is answered 202. ' +
            'Deliveries that cannot be read as a bericht get a transport foutbericht: IB001 (not XML, not well-formed, XSD), IB007 (larger than 25 MB), ' +
            'IB004 (unknown bericht or release), IB102 (no routing: receiver not served), IB002 (not authorised: the sender is not the authenticated party). ' +
            'Header X-Knooppunt-Status: accepted, rejected or duplicate; X-Knooppunt-Message-Id: the exchange in the log.',
          requestBody: { required: true, content: xmlBody },
          responses: {
            '200': { description: 'Retourbericht or rejecting declaratie-antwoord', content: xmlBody },
            '202': { description: 'Accepted; no retourbericht for this bericht' },
            '400': foutbericht, '401': foutbericht, '403': foutbericht, '413': foutbericht, '422': foutbericht,
          },
        },
      },
      '/mailbox/{id}': {
        servers: istandaardenServers,
        get: {
          summary: 'iStandaarden: one bericht from your mailbox, as XML (toewijzing, antwoord, declaratie-antwoord)',
          description: 'GET /istandaarden/v1/mailbox lists the unacknowledged berichten (JSON index: id, bericht, afzender, beschikbaarSinds, href).',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '200': { description: 'The bericht', content: xmlBody }, '401': foutbericht, '404': foutbericht },
        },
      },
      '/mailbox/{id}/ontvangstbevestiging': {
        servers: istandaardenServers,
        put: {
          summary: 'iStandaarden: acknowledge pick-up of a bericht (idempotent)',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '200': { description: 'Acknowledged' }, '401': foutbericht, '404': foutbericht },
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
        ...(bevragingSchema ? { Bevraging: strip(bevragingSchema) } : {}),
        ...payloadSchemas,
        ...receivedSchemas,
        IstandaardenBericht: {
          description:
            'What a gemeente back office receives for an iJw/iWmo bericht from a provider (mailbox payload or webhook body): ' +
            'the header fields, and `payload` following istandaarden-<berichtsoort>.',
          type: 'object',
          properties: {
            standaard: { type: 'string', enum: ['ijw', 'iwmo'] },
            bericht: { type: 'string', example: 'WMO305' },
            berichtsoort: { type: 'string', example: 'start-zorg' },
            afzender: { type: 'string', description: 'AGB code of the aanbieder' },
            ontvanger: { type: 'string', description: 'CBS gemeentecode' },
            identificatie: { type: 'string' },
            dagtekening: { type: 'string', format: 'date' },
            payload: { type: 'object' },
          },
        },
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
