import type { ContentCondition, DestinationConfig, GatewayConfig, RouteConfig } from '../config/types.js';
import type { DestinationRegistry } from './destinations.js';
import { partyPatterns } from './regions.js';

export interface RoutingInput {
  standard: string;
  messageType: string;
  sender: string;
  receiver?: string;
  /** The document the content conditions look into (for REST: the envelope with its payload). */
  body: unknown;
}

export interface RoutePlan {
  route: RouteConfig;
  destinations: DestinationConfig[];
}

export type Matcher = (value: string | undefined) => boolean;

interface CompiledRoute {
  route: RouteConfig;
  standard: string;
  messageType: Matcher;
  sender: Matcher;
  receiver: Matcher;
  content: Array<(body: unknown) => boolean>;
}

/** Routes are configuration: match on standard, type, parties and content; every matching route applies. */
export class Router {
  private readonly routes: CompiledRoute[];

  /** `parties` and `regios` resolve a route's `{ regio: ... }` to the gemeenten's parties (src/routing/regions.ts). */
  constructor(
    config: Pick<GatewayConfig, 'routes'> & Partial<Pick<GatewayConfig, 'parties' | 'regios'>>,
    private readonly destinations: DestinationRegistry,
  ) {
    const regionConfig = { parties: config.parties ?? [], regios: config.regios ?? [] };
    this.routes = config.routes.map((route) => ({
      route,
      standard: route.match.standard,
      messageType: matcher(route.match.messageType),
      sender: matcher(partyPatterns(route.match.sender, regionConfig)),
      receiver: matcher(partyPatterns(route.match.receiver, regionConfig)),
      content: (route.match.content ?? []).map(compileCondition),
    }));
  }

  all(): RouteConfig[] {
    return this.routes.map((r) => r.route);
  }

  plan(input: RoutingInput): RoutePlan[] {
    const plans: RoutePlan[] = [];
    for (const r of this.routes) {
      if (r.standard !== input.standard || !r.messageType(input.messageType)) continue;
      if (!r.sender(input.sender) || !r.receiver(input.receiver)) continue;
      if (!r.content.every((c) => c(input.body))) continue;
      const destinations: DestinationConfig[] = [];
      for (const id of r.route.destinations) {
        const d = id === '$receiver' ? (input.receiver ? this.destinations.forParty(input.receiver) : undefined) : this.destinations.get(id);
        if (d && !destinations.some((x) => x.id === d.id)) destinations.push(d);
      }
      if (destinations.length > 0) plans.push({ route: r.route, destinations });
    }
    return plans;
  }
}

/** Party ids, message types: `*` matches any run of characters; a list matches when one entry does. */
export function matcher(spec: string | string[] | undefined): Matcher {
  if (spec === undefined) return () => true;
  const patterns = (Array.isArray(spec) ? spec : [spec]).map(
    (p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`),
  );
  return (value) => value !== undefined && patterns.some((re) => re.test(value));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Dotted path into plain JSON; `[n]` selects an array element. */
export function valueAt(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const step of path.split('.')) {
    const m = /^([^[\]]+)(?:\[(\d+)\])?$/.exec(step);
    if (!m || current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[m[1]!];
    if (m[2] !== undefined) current = Array.isArray(current) ? current[Number(m[2])] : undefined;
  }
  return current;
}

function compileCondition(c: ContentCondition): (body: unknown) => boolean {
  return (body) => {
    const v = valueAt(body, c.path);
    if (c.exists !== undefined && (v !== undefined && v !== null) !== c.exists) return false;
    if (c.equals !== undefined && v !== c.equals) return false;
    if (c.in !== undefined && !c.in.some((x) => x === v)) return false;
    return true;
  };
}
