import { _, Ajv, Name, type ErrorObject, type KeywordCxt, type Options, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under NodeNext ESM the default import is the module object.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  (formatsModule as unknown as { default?: FormatsPlugin }).default ?? (formatsModule as unknown as FormatsPlugin);

/**
 * With `allErrors`, ajv collects every error of a document before it returns: a few megabytes of
 * bad items became 2,000,000 errors and gigabytes of memory. Validators compiled with
 * `compileBounded` carry this keyword on every subschema; it stops validation once the errors
 * collected pass the budget, so memory and work stay bounded by the budget, not by the input.
 */
export const ERROR_BUDGET_KEYWORD = 'x-error-budget';
/** Errors collected before counting stops; answers and log events show fewer still (src/core/problem-cap.ts). */
export const DEFAULT_ERROR_BUDGET = 1000;

class ErrorBudgetExceeded extends Error {
  constructor(readonly collected: ErrorObject[]) {
    super('error budget exceeded');
  }
}

// The generated code's own locals (ajv's names `errors` and `vErrors`, present in every compiled function).
const ERRORS = new Name('errors');
const V_ERRORS = new Name('vErrors');

function addErrorBudget(ajv: Ajv): void {
  ajv.addKeyword({
    keyword: ERROR_BUDGET_KEYWORD,
    schemaType: 'number',
    code(cxt: KeywordCxt) {
      const stop = cxt.gen.scopeValue('keyword', { ref: ErrorBudgetExceeded });
      cxt.gen.if(_`${ERRORS} > ${cxt.schema as number}`, () => cxt.gen.throw(_`new ${stop}(${V_ERRORS})`));
    },
  });
}

/** One configured ajv for the whole gateway: all errors, formats on, no type coercion (input is taken as sent). */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  addErrorBudget(ajv);
  return ajv;
}

export interface BoundedResult {
  valid: boolean;
  /** At most the budget's worth of errors, in document order. */
  errors: ErrorObject[];
  /** True when validation stopped at the budget: there were more. */
  truncated: boolean;
}

export type BoundedValidate = ((data: unknown) => BoundedResult) & { validate: ValidateFunction };

/** Compiles `schema` (left unchanged) with the budget on every subschema. */
export function compileBounded(ajv: Ajv, schema: Record<string, unknown>, budget = DEFAULT_ERROR_BUDGET): BoundedValidate {
  const validate = ajv.compile(withBudget(schema, budget) as Record<string, unknown>);
  const run = (data: unknown): BoundedResult => {
    try {
      if (validate(data)) return { valid: true, errors: [], truncated: false };
      return { valid: false, errors: validate.errors ?? [], truncated: false };
    } catch (err) {
      if (err instanceof ErrorBudgetExceeded) return { valid: false, errors: err.collected.slice(0, budget), truncated: true };
      throw err;
    }
  };
  return Object.assign(run, { validate });
}

// Keywords whose value is a subschema, a list of them, or a map of them (draft-07 and 2019+).
const ONE = ['items', 'additionalItems', 'additionalProperties', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const MAP = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];

function withBudget(node: unknown, budget: number): unknown {
  if (Array.isArray(node)) return node.map((n) => withBudget(n, budget));
  if (node === null || typeof node !== 'object') return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = { ...src, [ERROR_BUDGET_KEYWORD]: budget };
  for (const k of ONE) if (k in src) out[k] = withBudget(src[k], budget);
  for (const k of LIST) if (Array.isArray(src[k])) out[k] = (src[k] as unknown[]).map((n) => withBudget(n, budget));
  for (const k of MAP) {
    const m = src[k];
    if (m && typeof m === 'object' && !Array.isArray(m)) out[k] = Object.fromEntries(Object.entries(m).map(([name, s]) => [name, withBudget(s, budget)]));
  }
  return out;
}
