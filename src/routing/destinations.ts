import type { DestinationConfig, GatewayConfig } from '../config/types.js';
import type { PartyRegistry } from '../parties/registry.js';

/** Named destinations from the configuration, plus one implicit pick-up mailbox per party. */
export class DestinationRegistry {
  private readonly byId = new Map<string, DestinationConfig>();

  constructor(
    config: Pick<GatewayConfig, 'destinations'>,
    private readonly parties: PartyRegistry,
  ) {
    for (const d of config.destinations ?? []) this.byId.set(d.id, d);
    for (const p of parties.all()) {
      const id = mailboxIdFor(p.id);
      if (!this.byId.has(id)) this.byId.set(id, { id, type: 'mailbox', party: p.id });
    }
  }

  get(id: string): DestinationConfig | undefined {
    return this.byId.get(id);
  }

  /** The endpoint of a party: its configured webhook, or its mailbox. */
  forParty(partyId: string): DestinationConfig | undefined {
    const party = this.parties.get(partyId);
    if (!party) return undefined;
    return this.byId.get(party.deliverTo === 'mailbox' ? mailboxIdFor(party.id) : party.deliverTo);
  }
}

export function mailboxIdFor(partyId: string): string {
  return `mailbox-${partyId}`;
}
