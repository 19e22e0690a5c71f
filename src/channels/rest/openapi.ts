import { LIST_COUNT_CAP } from '../../core/message-view.js';
import type { JsonMessageType } from '../../standards/json/message-types.js';

/** The count cap as the documents write it (10,000). */
const CAP = LIST_COUNT_CAP.toLocaleString('en-US');

/**
 * The version of the /api/v1 contract (semver, NL API Design Rules /core/version-header): sent as
 * the `API-Version` header on every answer and declared as info.version. The major is the `v1`
 * of the path; it changes only with a breaking change, not with each release of the software.
 */
export const API_VERSION = '1.0.0';

/** The URL paths of /api/v1 and their methods, as the document declares them (405 and trailing-slash checks use this). */
export function documentedOperations(doc: Record<string, unknown>): Array<{ path: string; methods: string[] }> {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(paths).map(([path, item]) => ({
    path,
    methods: Object.keys(item).filter((k) => ['get', 'put', 'post', 'delete', 'patch'].includes(k)).map((m) => m.toUpperCase()),
  }));
}

export interface OpenApiTypes {
  /** Message types a back office sends on POST /messages (toewijzing, iwmo-toewijzing, zaak-kennisgeving, ...). */
  sent: JsonMessageType[];
  /** iJw/iWmo berichten as a gemeente back office receives them in JSON (start-zorg, declaratie, ...). */
  istandaardenReceived: JsonMessageType[];
  /** StUF-ZKN kennisgevingen as a JSON back office receives them (zaak, zaakdocument). */
  stufReceived: JsonMessageType[];
}

export interface OpenApiContact {
  name: string;
  email: string;
  url: string;
}

/** `iwmo-start-zorg` → `IwmoStartZorg`: component names in UpperCamelCase (NL API Design Rules). */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/**
 * A message type's JSON Schema (draft-07, as the gateway validates with) as an OpenAPI 3.1 schema
 * component: `definitions` become `$defs`, and the schema's own `#/definitions/x` references are
 * rewritten to point into the component, so every $ref resolves inside the document.
 */
function asComponent(schema: Record<string, unknown>, component: string): Record<string, unknown> {
  const { $schema: _s, $id: _i, definitions, ...rest } = schema;
  const withDefs = definitions ? { ...rest, $defs: definitions } : rest;
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, x]) => [
          k,
          k === '$ref' && typeof x === 'string' && x.startsWith('#/definitions/') ? `#/components/schemas/${component}/$defs/${x.slice('#/definitions/'.length)}` : rewrite(x),
        ]),
      );
    }
    return v;
  };
  return rewrite(withDefs) as Record<string, unknown>;
}

/** The OpenAPI 3.1 document for /api/v1, built from the same schemas the gateway validates with. */
export function openApiDocument(
  envelopeSchema: Record<string, unknown>,
  types: OpenApiTypes,
  bevragingSchema: Record<string, unknown>,
  contact: OpenApiContact,
): Record<string, unknown> {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const payloadName = (t: JsonMessageType) => `${pascal(t.name)}Payload`;
  const messageName = (t: JsonMessageType) => `${pascal(t.name)}Message`;
  const receivedName = (prefix: string, t: JsonMessageType) => `${prefix}${pascal(t.name)}`;

  const schemas: Record<string, unknown> = {};
  // POST /messages: one envelope per message type, its payload typed by that type's schema.
  const { $schema: _s, $id: _i, properties: envProps, required: envRequired, ...envRest } = envelopeSchema as {
    $schema?: string; $id?: string; properties: Record<string, unknown>; required: string[]; [k: string]: unknown;
  };
  const { payload: _payload, ...headerProps } = envProps;
  for (const t of types.sent) {
    schemas[payloadName(t)] = asComponent(t.schema, payloadName(t));
    schemas[messageName(t)] = {
      ...envRest,
      title: `Message of type ${t.name}`,
      required: envRequired,
      properties: { ...headerProps, messageType: { type: 'string', const: t.name }, payload: ref(payloadName(t)) },
    };
  }
  const istandaardenPayloads = types.istandaardenReceived.map((t) => {
    const name = receivedName('Istandaarden', t);
    schemas[name] = asComponent(t.schema, name);
    return { t, name };
  });
  const stufPayloads = types.stufReceived.map((t) => {
    const name = receivedName('Stuf', t);
    schemas[name] = asComponent(t.schema, name);
    return { t, name };
  });

  const apiVersion = { $ref: '#/components/headers/ApiVersion' };
  const ok = (description: string, schema: unknown, extraHeaders: Record<string, unknown> = {}) => ({
    description,
    headers: { 'API-Version': apiVersion, ...extraHeaders },
    content: { 'application/json': { schema } },
  });
  const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/Problem${s}` }]));
  const problemStatuses = [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 502, 504];
  const auth = [{ apiKey: [] }];
  const uuidParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const pageParams = [
    { name: 'page', in: 'query', description: `Pages reach the first ${CAP} matches: page × pageSize is at most ${CAP} (narrow the list with from and to)`, schema: { type: 'integer', minimum: 1, default: 1 } },
    { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
  ];
  const location = { Location: { description: 'Where the message can be followed: /api/v1/messages/{id}', schema: { type: 'string' } } };

  return {
    openapi: '3.1.0',
    info: {
      title: 'knooppunt back-office API',
      version: API_VERSION,
      description:
        'Submit messages as JSON, follow their delivery, pick up what is addressed to you, and ask bevragingen. ' +
        'Authenticate with `Authorization: Bearer <API key>`. Errors are application/problem+json (RFC 9457). ' +
        'Every answer carries the API-Version header. Care providers deliver iJw/iWmo XML on /istandaarden/v1 ' +
        '(answers are retourberichten and transport foutberichten, schemas/istandaarden/); zaaksystemen speak StUF-ZKN on /stuf/zds ' +
        '(WSDLs at ?wsdl); those channels follow their own standards and are not part of this JSON API.',
      contact,
      license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
    },
    servers: [{ url: '/api/v1', description: 'This gateway' }],
    security: auth,
    tags: [
      { name: 'berichten', description: 'Messages: submit, status, history' },
      { name: 'postbus', description: 'Mailbox: pick up and acknowledge' },
      { name: 'bevragingen', description: 'Questions about a citizen with purpose binding' },
    ],
    paths: {
      '/messages': {
        post: {
          operationId: 'submitMessage',
          tags: ['berichten'],
          summary: 'Submit a message',
          description:
            'The message is validated, routed, mapped and committed before the answer. 202 means it is stored and will be delivered. ' +
            'Sending the same messageId again returns the first result with 200 (idempotent). The payload follows the schema of its messageType.',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  oneOf: types.sent.map((t) => ref(messageName(t))),
                  discriminator: { propertyName: 'messageType', mapping: Object.fromEntries(types.sent.map((t) => [t.name, `#/components/schemas/${messageName(t)}`])) },
                },
              },
            },
          },
          responses: {
            '200': ok('Already accepted earlier (same messageId, same JSON after canonicalisation)', ref('Accepted'), location),
            '202': ok('Accepted and stored', ref('Accepted'), location),
            ...problems(400, 401, 403, 409, 413, 415, 422, 429),
          },
        },
        get: {
          operationId: 'listMessages',
          tags: ['berichten'],
          summary: 'List your messages (sent and received)',
          parameters: [
            ...pageParams,
            { name: 'direction', in: 'query', schema: { type: 'string', enum: ['sent', 'received'] } },
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['routed', 'delivered', 'partially_delivered', 'dead_letter', 'rejected'] } },
            { name: 'messageType', in: 'query', schema: { type: 'string' } },
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
          ],
          responses: { '200': ok('A page of messages', ref('MessagePage')), ...problems(400, 401, 429) },
        },
      },
      '/messages/{id}': {
        get: {
          operationId: 'getMessage',
          tags: ['berichten'],
          summary: 'A message with its status, event trail and delivery history',
          parameters: [uuidParam],
          responses: { '200': ok('The message', ref('MessageDetail')), ...problems(400, 401, 404, 429) },
        },
      },
      '/mailbox': {
        get: {
          operationId: 'listMailbox',
          tags: ['postbus'],
          summary: 'Messages delivered to your mailbox, oldest first',
          parameters: [...pageParams, { name: 'includeAcknowledged', in: 'query', schema: { type: 'boolean', default: false } }],
          responses: { '200': ok('A page of mailbox items', ref('MailboxPage')), ...problems(400, 401, 429) },
        },
      },
      '/mailbox/{id}/acknowledgement': {
        put: {
          operationId: 'acknowledgeMailboxItem',
          tags: ['postbus'],
          summary: 'Acknowledge pick-up of a mailbox item (idempotent)',
          parameters: [uuidParam],
          responses: { '200': ok('Acknowledged', ref('Acknowledgement')), ...problems(400, 401, 404, 429) },
        },
      },
      '/envelopes': {
        post: {
          operationId: 'sendSealedEnvelope',
          tags: ['berichten'],
          summary: 'Send a sealed envelope: end-to-end encrypted bytes knooppunt routes on metadata only and never opens',
          description:
            'The body is the ciphertext, in any content type, delivered byte for byte. Only metadata and the hash are logged.',
          parameters: [
            { name: 'X-Knooppunt-Receiver', in: 'header', required: true, schema: { type: 'string' }, description: 'Party id of the receiver' },
            { name: 'X-Knooppunt-Envelope-Type', in: 'header', required: true, schema: { type: 'string' } },
            { name: 'X-Knooppunt-Sender-Reference', in: 'header', required: true, schema: { type: 'string' }, description: 'Your reference; resending it is idempotent' },
            { name: 'X-Knooppunt-Content-SHA256', in: 'header', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' }, description: 'Hex SHA-256 of the body, checked' },
            { name: 'X-Knooppunt-Correlation-Id', in: 'header', required: false, schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          responses: {
            '200': ok('Already accepted earlier (same sender reference)', ref('Accepted'), location),
            '202': ok('Accepted and stored', ref('Accepted'), location),
            ...problems(400, 401, 403, 409, 413, 422, 429),
          },
        },
      },
      '/bevragingen': {
        post: {
          operationId: 'askBevraging',
          tags: ['bevragingen'],
          summary: 'Ask for data about a citizen, for a stated purpose (SUWI-style bevraging with doelbinding)',
          description:
            'The purpose (doel) decides the route: who may ask, which source is asked, on which legal basis, and which fields come back ' +
            "(data minimisation in the route's mapping). Without an allowed purpose, or with a BSN that fails the elfproef, no source is asked. " +
            '"niet-gevonden" is an answer (200). Answers and problems of this resource are in Dutch.',
          requestBody: { required: true, content: { 'application/json': { schema: ref('Bevraging') } } },
          responses: {
            '200': ok('Answered: gevonden (with the minimised gegevens) or niet-gevonden', ref('BevragingAntwoord')),
            ...problems(400, 401, 403, 413, 415, 422, 429, 502, 504),
          },
        },
      },
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key issued by the knooppunt administrator' } },
      headers: {
        ApiVersion: { description: 'The full version of this API (semver)', schema: { type: 'string', example: API_VERSION } },
      },
      responses: Object.fromEntries(
        problemStatuses.map((s) => [
          `Problem${s}`,
          {
            description: `Problem details (${s})`,
            headers: { 'API-Version': apiVersion },
            content: { 'application/problem+json': { schema: ref('Problem') } },
          },
        ]),
      ),
      schemas: {
        Bevraging: asComponent(bevragingSchema, 'Bevraging'),
        BevragingAntwoord: {
          type: 'object',
          required: ['id', 'uitkomst'],
          properties: {
            id: { type: 'string', format: 'uuid', description: 'De uitwisseling in het logboek' },
            uitkomst: { type: 'string', enum: ['gevonden', 'niet-gevonden'] },
            gegevens: { type: 'object', additionalProperties: true, description: 'Alleen de velden die de mapping van het doel doorgeeft (dataminimalisatie)' },
            doel: { type: 'string' },
            grondslag: { type: 'string' },
            bron: { type: 'string' },
            uitCache: { type: 'boolean' },
          },
        },
        ...schemas,
        IstandaardenBericht: {
          description:
            'What a gemeente back office receives for an iJw/iWmo bericht from a provider (mailbox payload or webhook body): ' +
            'the header fields, and `payload` following its berichtsoort.',
          type: 'object',
          required: ['standaard', 'bericht', 'berichtsoort', 'afzender', 'ontvanger', 'identificatie', 'payload'],
          properties: {
            standaard: { type: 'string', enum: ['ijw', 'iwmo'] },
            bericht: { type: 'string', examples: ['WMO305'] },
            berichtsoort: { type: 'string', enum: istandaardenPayloads.map((p) => p.t.name) },
            afzender: { type: 'string', description: 'AGB code of the aanbieder' },
            ontvanger: { type: 'string', description: 'CBS gemeentecode' },
            identificatie: { type: 'string' },
            dagtekening: { type: 'string', format: 'date' },
            payload: { oneOf: istandaardenPayloads.map((p) => ref(p.name)) },
          },
        },
        Accepted: {
          type: 'object',
          required: ['id', 'status'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            correlationId: { type: 'string' },
            status: { type: 'string' },
            deliveries: { type: 'integer' },
            duplicate: { type: 'boolean' },
          },
        },
        Acknowledgement: {
          type: 'object',
          required: ['id', 'acknowledged'],
          properties: { id: { type: 'string', format: 'uuid' }, acknowledged: { type: 'boolean' }, alreadyAcknowledged: { type: 'boolean' } },
        },
        MessageSummary: {
          type: 'object',
          properties: {
            id: { type: 'string', format: 'uuid' }, senderMessageId: { type: 'string' }, correlationId: { type: 'string' },
            channel: { type: 'string' }, standard: { type: 'string' }, messageType: { type: 'string' }, sender: { type: 'string' },
            receiver: { type: ['string', 'null'] }, status: { type: 'string' }, receivedAt: { type: 'string', format: 'date-time' },
            updatedAt: { type: 'string', format: 'date-time' },
            error: { description: 'Why the message was rejected or dead-lettered, when it was', oneOf: [{ type: 'null' }, { type: 'object', additionalProperties: true }] },
          },
        },
        MessagePage: {
          type: 'object',
          properties: {
            items: { type: 'array', items: ref('MessageSummary') }, page: { type: 'integer' }, pageSize: { type: 'integer' },
            total: { type: 'integer', description: `How many match, counted up to ${CAP}` },
            totalCapped: { type: 'boolean', description: `true when more than ${CAP} match: total then says ${CAP}` },
          },
        },
        MessageEvent: {
          type: 'object',
          properties: {
            seq: { type: 'integer' }, type: { type: 'string' }, at: { type: 'string', format: 'date-time' },
            detail: { type: 'object', additionalProperties: true, description: 'Metadata of the step; never a payload or a BSN' },
          },
        },
        DeliveryAttempt: {
          type: 'object',
          properties: {
            attempt: { type: 'integer' }, startedAt: { type: 'string', format: 'date-time' }, durationMs: { type: 'integer' },
            outcome: { type: 'string' }, statusCode: { type: ['integer', 'null'] }, error: { type: ['string', 'null'] },
          },
        },
        Delivery: {
          type: 'object',
          properties: {
            id: { type: 'string', format: 'uuid' }, destination: { type: 'string' }, route: { type: 'string' }, status: { type: 'string' },
            attempts: { type: 'integer' }, lastError: { type: ['string', 'null'] },
            nextAttemptAt: { type: ['string', 'null'], format: 'date-time' }, deliveredAt: { type: ['string', 'null'], format: 'date-time' },
            receiverOutcome: { type: ['string', 'null'], enum: ['accepted', 'refused', null], description: 'What the receiver answered about the delivery afterwards (a StUF Bv01/Bv03: accepted; a Fo01/Fo03 or a refused overdracht: refused, and it stays so); null when it did not' },
            receiverReason: { oneOf: [{ type: 'null' }, { type: 'object', additionalProperties: true }], description: 'The reason of a refusal: the foutcode and plek of the Fo01/Fo03, or the overdracht\'s antwoord; codes, never the receiver\'s text' },
            history: { type: 'array', items: ref('DeliveryAttempt') },
          },
        },
        MessageDetail: {
          allOf: [
            ref('MessageSummary'),
            { type: 'object', properties: { events: { type: 'array', items: ref('MessageEvent') }, deliveries: { type: 'array', items: ref('Delivery') } } },
          ],
        },
        MailboxItem: {
          type: 'object',
          required: ['id', 'messageId', 'messageType', 'sender', 'availableAt', 'contentType', 'payload'],
          properties: {
            id: { type: 'string', format: 'uuid' }, messageId: { type: 'string', format: 'uuid' }, messageType: { type: 'string' },
            sender: { type: 'string' }, availableAt: { type: 'string', format: 'date-time' },
            acknowledgedAt: { type: ['string', 'null'], format: 'date-time' }, contentType: { type: 'string' },
            payload: {
              description:
                "What the route's mapping delivered: an iJw/iWmo bericht as JSON, a StUF kennisgeving as JSON, the JSON a mapping " +
                'made for you, or (contentType application/xml, or payloadEncoding base64 for a sealed envelope) a string.',
              anyOf: [
                ref('IstandaardenBericht'),
                ...stufPayloads.map((p) => ref(p.name)),
                ...types.sent.map((t) => ref(payloadName(t))),
                { type: 'object', additionalProperties: true, description: "JSON as the route's mapping produced it" },
                { type: 'string', description: 'XML text, or base64 bytes when payloadEncoding is base64' },
              ],
            },
            payloadEncoding: { type: 'string', enum: ['base64'] },
          },
        },
        MailboxPage: {
          type: 'object',
          properties: {
            items: { type: 'array', items: ref('MailboxItem') }, page: { type: 'integer' }, pageSize: { type: 'integer' },
            total: { type: 'integer', description: `How many match, counted up to ${CAP}` },
            totalCapped: { type: 'boolean', description: `true when more than ${CAP} match: total then says ${CAP}` },
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
