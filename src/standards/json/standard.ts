import type { InboundMessage, Inspection, Standard } from '../../core/message.js';
import type { JsonMessageTypes } from './message-types.js';

/** The back offices' JSON: an envelope whose payload follows the JSON Schema of its message type. */
export class JsonStandard implements Standard {
  readonly name = 'json';

  constructor(private readonly types: JsonMessageTypes) {}

  inspect(msg: InboundMessage): Inspection {
    const type = this.types.get(msg.messageType);
    if (!type) return { known: false, problems: [], subjects: [] };
    const payload = (msg.body as { payload?: unknown }).payload;
    const problems = this.types.check(type, payload).map((p) => ({
      location: `/payload${p.pointer === '/' ? '' : p.pointer}`,
      message: p.message,
      ...(p.code ? { code: p.code } : {}),
    }));
    return { known: true, problems, subjects: problems.length === 0 ? this.types.subjects(type, payload) : [] };
  }
}
