/**
 * The shape of a mapping file after it passed schemas/mapping.schema.json.
 * docs/mapping.md explains every key for the people who write these files.
 */

export type Scalar = string | number | boolean;

export interface JsonSourceSpec {
  format: 'json';
}

export interface XmlSourceSpec {
  format: 'xml';
  /** Expected root element, `prefix:Local`; checked at run time when given. */
  root?: string;
  /** Prefix → namespace URI used in source paths; `''` for unprefixed steps. */
  namespaces?: Record<string, string>;
}

export interface JsonTargetSpec {
  format: 'json';
  pretty?: boolean;
}

export interface XmlTargetSpec {
  format: 'xml';
  root: string;
  namespaces?: Record<string, string>;
  declaration?: boolean;
  pretty?: boolean;
}

export type TransformSpec = string | Record<string, unknown>;

export type ConditionSpec =
  | { path: string; exists: boolean }
  | { path: string; equals: Scalar }
  | { path: string; in: Scalar[] }
  | { not: ConditionSpec }
  | { all: ConditionSpec[] }
  | { any: ConditionSpec[] };

export interface FieldSpec {
  target: string;
  description?: string;
  source?: string;
  value?: unknown;
  template?: string;
  concat?: string[];
  separator?: string;
  each?: string;
  /** Repeating groups only: keep the items for which this condition holds (paths relative to the item). */
  where?: ConditionSpec;
  fields?: FieldSpec[];
  transform?: TransformSpec[];
  required?: boolean;
  default?: unknown;
  when?: ConditionSpec;
}

export interface MappingDocument {
  mapping: string;
  version: number;
  description?: string;
  source: JsonSourceSpec | XmlSourceSpec;
  target: JsonTargetSpec | XmlTargetSpec;
  codeLists?: Record<string, Record<string, Scalar>>;
  fields: FieldSpec[];
}
