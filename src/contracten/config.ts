/** The `contracten` section of knooppunt.yaml: the region's contract register and its checks. */
import type { Afhandeling, ContractregelId } from './regels.js';

export interface Groepering {
  id: string;
  naam: string;
  gemeenten: string[];
}

export interface ContractenConfig {
  /** A register file (CSV or JSON, relative to the configuration file) loaded at start when the database holds no version yet. */
  register?: string;
  /** Per rule: afkeuren (reject) or waarschuwen (warn only). Defaults: TR418 afkeuren, the KP-C rules waarschuwen. */
  regels?: Partial<Record<ContractregelId, Afhandeling>>;
  /** Percentages of a contract maximum that raise an alert; default 75, 90, 100. */
  drempels?: number[];
  /** Where alerts are POSTed (JSON); retried until delivered. */
  alarmWebhook?: { url: string; timeoutMs?: number; headers?: Record<string, string> };
  /** Groupings above gemeenten that can scope the insight views (the region, a coalition of 13, ...). */
  groeperingen?: Groepering[];
  /** Days allowed per step of the conversation ledger (e.g. { "316": 5, "301": 42 }); see docs/contracten.md. */
  termijnen?: Record<string, number>;
  /** The norm from toewijzing to start of care, in days (default 42: six weeks). */
  normStartDagen?: number;
}
