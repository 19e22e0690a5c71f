/** Errors of the mapping engine: one for broken mapping files, one for input a mapping cannot map. */

/** A mapping file that cannot be used; `line`/`column` are 1-based, `field` is like `fields[3].transform[0]`. */
export class MappingFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${column}${field === '' ? '' : ` ${field}`}: ${problem}`);
    this.name = 'MappingFileError';
  }
}

/**
 * Input that a (valid) mapping cannot map. The message names the mapping, the target field and
 * the reason, never an input value: values may be a BSN or other personal data and messages end
 * up in logs and problem+json answers.
 */
export class MappingRunError extends Error {
  constructor(
    readonly mapping: string,
    readonly field: string,
    /** Short code: see {@link RunErrorReason}. */
    readonly reason: RunErrorReason,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(`mapping '${mapping}'${field === '' ? '' : `, field ${field}`}: ${REASON_TEXT[reason]}${detail ? ` (${detail})` : ''}`, options);
    this.name = 'MappingRunError';
  }
}

export type RunErrorReason =
  | 'required-missing'
  | 'unknown-code'
  | 'invalid-date'
  | 'nonexistent-local-time'
  | 'invalid-amount'
  | 'invalid-number'
  | 'not-a-scalar'
  | 'ambiguous'
  | 'target-conflict'
  | 'invalid-xml'
  | 'unexpected-root'
  | 'invalid-output';

const REASON_TEXT: Record<RunErrorReason, string> = {
  'required-missing': 'required value is missing',
  'unknown-code': 'code not in code list',
  'invalid-date': 'not a valid date in the expected format',
  'nonexistent-local-time': 'a local time that does not exist in the time zone (the clocks skip it)',
  'invalid-amount': 'not a valid amount',
  'invalid-number': 'not a valid number',
  'not-a-scalar': 'expected a single value but found a structure',
  ambiguous: 'the source path matches more than one value',
  'target-conflict': 'the target path is already used for something else',
  'invalid-xml': 'the input is not acceptable XML',
  'unexpected-root': 'the input has a different root element than the mapping expects',
  'invalid-output': 'the result cannot be written in the target format',
};

/** A problem found while compiling a mapping, located by its path in the YAML document. Internal. */
export class MappingProblem extends Error {
  constructor(
    readonly at: readonly (string | number)[],
    message: string,
    /** Point at the key of the last path segment rather than its value (e.g. for an unknown property). */
    readonly atKey = false,
  ) {
    super(message);
    this.name = 'MappingProblem';
  }
}

/** A transform or value check that failed at run time; turned into a MappingRunError with the field. Internal. */
export class ValueFailure extends Error {
  constructor(
    readonly reason: RunErrorReason,
    readonly detail?: string,
  ) {
    super(detail ?? reason);
    this.name = 'ValueFailure';
  }
}
