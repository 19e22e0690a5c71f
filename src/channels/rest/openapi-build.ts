import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonMessageTypes } from '../../standards/json/message-types.js';
import { istandaardenJsonTypes } from '../../standards/istandaarden/json-types.js';
import { STANDAARDEN } from '../../standards/istandaarden/catalog.js';
import { jsonBerichtType } from '../../standards/istandaarden/standard.js';
import { JSON_KENNISGEVING } from '../../standards/stuf/standard.js';
import { openApiDocument, type OpenApiContact } from './openapi.js';

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Who answers questions about this API (NL API Design Rules /core/doc-openapi-contact); set by the operator. */
export const DEFAULT_CONTACT: OpenApiContact = { name: 'Beheer knooppunt', email: 'beheer@knooppunt.example', url: 'https://knooppunt.example' };

/** The contact from KNOOPPUNT_API_CONTACT_NAME, _EMAIL and _URL, each falling back to the default. */
export function contactFromEnv(env: NodeJS.ProcessEnv = process.env): OpenApiContact {
  return {
    name: env.KNOOPPUNT_API_CONTACT_NAME || DEFAULT_CONTACT.name,
    email: env.KNOOPPUNT_API_CONTACT_EMAIL || DEFAULT_CONTACT.email,
    url: env.KNOOPPUNT_API_CONTACT_URL || DEFAULT_CONTACT.url,
  };
}

/** The JSON message types the document describes: the back-office JSON, the iJw/iWmo JSON and the StUF JSON. */
export interface OpenApiMessageTypes {
  jsonTypes: JsonMessageTypes;
  istandaardenJson: JsonMessageTypes;
  stufJson: JsonMessageTypes;
}

/**
 * The OpenAPI document from the schemas folder alone: what the gateway serves at
 * /api/v1/openapi.json, and what `knooppunt openapi` prints without opening a store (CI lints it).
 */
export function buildOpenApi(schemasDir: string, contact: OpenApiContact = DEFAULT_CONTACT, built?: OpenApiMessageTypes): Record<string, unknown> {
  // A running gateway hands in the types it compiled already: compiling every schema twice doubled the start-up.
  const jsonTypes = built?.jsonTypes ?? new JsonMessageTypes(join(schemasDir, 'json'));
  // Generated with the code lists in use, as the gateway validates with (equal to schemas/istandaarden/json for the default lists).
  const istandaardenJson = built?.istandaardenJson ?? istandaardenJsonTypes();
  const stufJson = built?.stufJson ?? new JsonMessageTypes(join(schemasDir, 'stuf', 'json'));
  // The back-office JSON message types of iJw/iWmo, under the names a back office uses (ijw-toewijzing, ...).
  const istandaardenSent = STANDAARDEN.flatMap((standaard) =>
    istandaardenJson.all().filter((t) => jsonBerichtType(`${standaard}-${t.name}`)).map((t) => ({ ...t, name: `${standaard}-${t.name}` })),
  );
  return openApiDocument(
    readJson(join(schemasDir, 'api', 'message-envelope.schema.json')),
    {
      sent: [...jsonTypes.all(), ...istandaardenSent, ...stufJson.all().filter((t) => t.name === JSON_KENNISGEVING)],
      istandaardenReceived: istandaardenJson.all(),
      stufReceived: stufJson.all().filter((t) => t.name !== JSON_KENNISGEVING),
    },
    readJson(join(schemasDir, 'api', 'bevraging.schema.json')),
    contact,
  );
}
