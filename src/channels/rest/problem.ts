import type { Response } from 'express';

export interface InvalidParam {
  name: string;
  reason: string;
  code?: string;
}

/** RFC 9457 problem details, with `invalidParams` as the NL API Design Rules describe. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  invalidParams?: InvalidParam[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable message',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** The same titles in Dutch, for resources that answer in Dutch (bevragingen): one language per answer. */
const TITLES_NL: Record<number, string> = {
  400: 'Ongeldig verzoek',
  401: 'Niet geauthenticeerd',
  403: 'Niet toegestaan',
  404: 'Niet gevonden',
  405: 'Methode niet toegestaan',
  409: 'Conflict',
  413: 'Verzoek te groot',
  415: 'Mediatype niet ondersteund',
  422: 'Niet te verwerken',
  429: 'Te veel verzoeken',
  500: 'Interne fout',
  502: 'Bron niet beschikbaar',
  503: 'Dienst niet beschikbaar',
  504: 'Bron reageert niet op tijd',
};

export type ProblemLanguage = 'en' | 'nl';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail?: string,
    readonly invalidParams?: InvalidParam[],
    readonly extra: Record<string, unknown> = {},
    /** The language of title, detail and reasons together; never mixed in one object. */
    readonly lang: ProblemLanguage = 'en',
  ) {
    super(detail ?? code);
    this.name = 'HttpProblem';
  }
}

export function problemBody(p: HttpProblem, instance?: string): ProblemDetails {
  return {
    type: `urn:knooppunt:problem:${p.code}`,
    title: (p.lang === 'nl' ? TITLES_NL[p.status] : TITLES[p.status]) ?? (p.lang === 'nl' ? 'Fout' : 'Error'),
    status: p.status,
    ...(p.detail ? { detail: p.detail } : {}),
    ...(instance ? { instance } : {}),
    code: p.code,
    ...(p.invalidParams && p.invalidParams.length > 0 ? { invalidParams: p.invalidParams } : {}),
    ...p.extra,
  };
}

export function sendProblem(res: Response, p: HttpProblem, instance?: string): void {
  if (p.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="knooppunt"');
  res.setHeader('Content-Language', p.lang);
  res.status(p.status).type('application/problem+json').send(JSON.stringify(problemBody(p, instance)));
}
