import type { Db } from './db.js';

/**
 * Schema migrations, applied in order at start. Identical SQL for PostgreSQL and PGlite.
 * Never edit a released migration: add a new one.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'exchange log, payloads, outbox, mailbox',
    sql: `
CREATE TABLE messages (
  id                 uuid PRIMARY KEY,
  sender_message_id  text NOT NULL,
  correlation_id     text NOT NULL,
  channel            text NOT NULL,
  standard           text NOT NULL,
  message_type       text NOT NULL,
  version            text,
  sender             text NOT NULL,
  receiver           text,
  route_id           text,
  status             text NOT NULL,
  error              jsonb,
  received_at        timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);
-- Idempotency: one accepted message per sender id; a rejected one may be corrected and sent again.
CREATE UNIQUE INDEX messages_sender_message_uq ON messages (sender, sender_message_id) WHERE status <> 'rejected';
CREATE INDEX messages_receiver_idx ON messages (receiver, received_at);
CREATE INDEX messages_sender_idx ON messages (sender, received_at);
CREATE INDEX messages_correlation_idx ON messages (correlation_id);
CREATE INDEX messages_type_idx ON messages (standard, message_type, received_at);
CREATE INDEX messages_status_idx ON messages (status, received_at);

-- Citizens are only ever indexed by keyed hash (HMAC), never by plain BSN.
CREATE TABLE message_subjects (
  message_id    uuid NOT NULL REFERENCES messages(id),
  subject_hash  text NOT NULL,
  PRIMARY KEY (message_id, subject_hash)
);
CREATE INDEX message_subjects_hash_idx ON message_subjects (subject_hash);

-- Payloads encrypted at rest (AES-256-GCM). A purge nulls the ciphertext and keeps digest + tombstone.
CREATE TABLE payloads (
  id              bigserial PRIMARY KEY,
  message_id      uuid NOT NULL REFERENCES messages(id),
  kind            text NOT NULL,
  destination_id  text,
  content_type    text NOT NULL,
  size            integer NOT NULL,
  digest          text NOT NULL,
  key_id          text NOT NULL,
  iv              bytea,
  auth_tag        bytea,
  ciphertext      bytea,
  created_at      timestamptz NOT NULL,
  purged_at       timestamptz
);
CREATE INDEX payloads_message_idx ON payloads (message_id);

-- The exchange log: append-only, each event chained to the previous one by hash.
CREATE TABLE exchange_events (
  seq             bigint PRIMARY KEY,
  id              uuid NOT NULL UNIQUE,
  message_id      uuid,
  correlation_id  text,
  event_type      text NOT NULL,
  channel         text,
  standard        text,
  message_type    text,
  sender          text,
  receiver        text,
  occurred_at     timestamptz NOT NULL,
  detail          jsonb NOT NULL,
  prev_hash       text NOT NULL,
  hash            text NOT NULL
);
CREATE INDEX exchange_events_message_idx ON exchange_events (message_id, seq);
CREATE INDEX exchange_events_time_idx ON exchange_events (occurred_at);

-- One row that serialises appends to the chain (SELECT ... FOR UPDATE).
CREATE TABLE log_head (
  id    integer PRIMARY KEY CHECK (id = 1),
  seq   bigint NOT NULL,
  hash  text NOT NULL
);
INSERT INTO log_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}');

CREATE FUNCTION exchange_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'exchange_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER exchange_events_no_update BEFORE UPDATE OR DELETE ON exchange_events
  FOR EACH ROW EXECUTE FUNCTION exchange_events_append_only();
-- Row triggers do not fire on TRUNCATE, which would otherwise empty the log in one statement.
CREATE TRIGGER exchange_events_no_truncate BEFORE TRUNCATE ON exchange_events
  FOR EACH STATEMENT EXECUTE FUNCTION exchange_events_append_only();

-- The outbox: one row per (message, destination), committed together with the log event.
CREATE TABLE deliveries (
  id               uuid PRIMARY KEY,
  seq              bigserial UNIQUE,
  message_id       uuid NOT NULL REFERENCES messages(id),
  route_id         text NOT NULL,
  destination_id   text NOT NULL,
  payload_id       bigint NOT NULL REFERENCES payloads(id),
  status           text NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL,
  backoff_ms       integer NOT NULL,
  ordering_key     text,
  next_attempt_at  timestamptz NOT NULL,
  lease_until      timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  delivered_at     timestamptz,
  UNIQUE (message_id, destination_id)
);
CREATE INDEX deliveries_due_idx ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_ordering_idx ON deliveries (ordering_key, seq);

CREATE TABLE delivery_attempts (
  id           bigserial PRIMARY KEY,
  delivery_id  uuid NOT NULL REFERENCES deliveries(id),
  attempt      integer NOT NULL,
  started_at   timestamptz NOT NULL,
  duration_ms  integer NOT NULL,
  outcome      text NOT NULL,
  status_code  integer,
  error        text
);
CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, attempt);

-- Pick-up mailbox: what a party reads and acknowledges.
CREATE TABLE mailbox (
  id               uuid PRIMARY KEY,
  party_id         text NOT NULL,
  message_id       uuid NOT NULL REFERENCES messages(id),
  delivery_id      uuid NOT NULL UNIQUE REFERENCES deliveries(id),
  payload_id       bigint NOT NULL REFERENCES payloads(id),
  message_type     text NOT NULL,
  sender           text NOT NULL,
  available_at     timestamptz NOT NULL,
  acknowledged_at  timestamptz
);
CREATE INDEX mailbox_party_idx ON mailbox (party_id, acknowledged_at, available_at);
`,
  },
  {
    version: 2,
    name: 'iStandaarden register: toewijzingen, verzoeken, declaraties, prestaties',
    // What the berichtoverstijgende rules (TR019, TR333, TR314, TR338, TR355, ...) look up. Keyed by the
    // standard's own numbers, never by BSN; written in the transaction that accepts the message.
    sql: `
CREATE TABLE istandaarden_toewijzingen (
  standaard         text NOT NULL,
  gemeente          text NOT NULL,
  aanbieder         text NOT NULL,
  toewijzing_nummer text NOT NULL,
  ingangsdatum      text NOT NULL,
  einddatum         text,
  categorie         text,
  code              text,
  volume            bigint,
  eenheid           text,
  frequentie        text,
  budget            bigint,
  reden_wijziging   text,
  message_id        uuid NOT NULL,
  PRIMARY KEY (standaard, gemeente, toewijzing_nummer)
);
CREATE TABLE istandaarden_verzoeken (
  standaard            text NOT NULL,
  gemeente             text NOT NULL,
  aanbieder            text NOT NULL,
  referentie_aanbieder text NOT NULL,
  message_id           uuid NOT NULL,
  PRIMARY KEY (standaard, aanbieder, referentie_aanbieder)
);
CREATE TABLE istandaarden_declaraties (
  standaard         text NOT NULL,
  aanbieder         text NOT NULL,
  gemeente          text NOT NULL,
  declaratie_nummer text NOT NULL,
  message_id        uuid NOT NULL,
  PRIMARY KEY (standaard, aanbieder, declaratie_nummer)
);
CREATE TABLE istandaarden_prestaties (
  standaard         text NOT NULL,
  aanbieder         text NOT NULL,
  referentie_nummer text NOT NULL,
  message_id        uuid NOT NULL,
  PRIMARY KEY (standaard, aanbieder, referentie_nummer)
);
`,
  },
  {
    version: 3,
    name: 'zaken: the zaak register behind the StUF-ZKN channel, zaaknummers, koppelingen',
    // A zaak and its documents are personal data: stored encrypted like payloads (AES-256-GCM,
    // the row's key as additional data), found by their own identification only.
    sql: `
CREATE TABLE zaken (
  identificatie   text PRIMARY KEY,
  bronorganisatie text NOT NULL,
  key_id          text NOT NULL,
  iv              bytea NOT NULL,
  auth_tag        bytea NOT NULL,
  ciphertext      bytea NOT NULL,
  message_id      uuid NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE TABLE zaakdocumenten (
  identificatie      text PRIMARY KEY,
  zaak_identificatie text NOT NULL REFERENCES zaken(identificatie),
  key_id             text NOT NULL,
  iv                 bytea NOT NULL,
  auth_tag           bytea NOT NULL,
  ciphertext         bytea NOT NULL,
  message_id         uuid NOT NULL,
  created_at         timestamptz NOT NULL
);
CREATE INDEX zaakdocumenten_zaak_idx ON zaakdocumenten (zaak_identificatie);
CREATE TABLE zaaknummers (
  organisatie text NOT NULL,
  jaar        integer NOT NULL,
  laatste     bigint NOT NULL,
  PRIMARY KEY (organisatie, jaar)
);
-- Which zaak an exchange created or changed (e.g. the zaak for a JW315 verzoek om toewijzing).
CREATE TABLE zaak_koppelingen (
  message_id         uuid NOT NULL REFERENCES messages(id),
  zaak_identificatie text NOT NULL,
  rol                text NOT NULL,
  PRIMARY KEY (message_id, zaak_identificatie)
);
CREATE INDEX zaak_koppelingen_zaak_idx ON zaak_koppelingen (zaak_identificatie);
`,
  },
  {
    version: 4,
    name: 'console: sessions and sign-in failures',
    // Shared through the database so several gateway processes behind one load balancer know the
    // same sessions. Only a hash of the session id is stored: a copy of this table signs no one in.
    sql: `
CREATE TABLE console_sessions (
  id_hash       text PRIMARY KEY,
  user_id       text NOT NULL,
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL
);
CREATE INDEX console_sessions_seen_idx ON console_sessions (last_seen_at);
-- Failed sign-ins per user and client address (hashed together), for the lock after 5 failures.
CREATE TABLE console_signin_failures (
  key_hash         text PRIMARY KEY,
  failures         integer NOT NULL,
  last_failure_at  timestamptz NOT NULL,
  locked_until     timestamptz
);
`,
  },
  {
    version: 160,
    name: 'console: search index of message references, jobs with progress',
    // References are identifiers of messages (sender id, iStandaarden Identificatie, StUF
    // referentienummer), never of persons. Existing rows get theirs from sender_message_id, whose last
    // segment is the header's Identificatie (iStandaarden) or referentienummer (StUF).
    sql: `
CREATE TABLE message_references (
  message_id  uuid NOT NULL REFERENCES messages(id),
  kind        text NOT NULL,
  value       text NOT NULL,
  PRIMARY KEY (message_id, kind, value)
);
CREATE INDEX message_references_value_idx ON message_references (lower(value));
INSERT INTO message_references (message_id, kind, value) SELECT id, 'sender_message_id', sender_message_id FROM messages;
INSERT INTO message_references (message_id, kind, value)
  SELECT id, CASE channel WHEN 'istandaarden' THEN 'identificatie' ELSE 'referentienummer' END, substring(sender_message_id from '[^/]+$')
    FROM messages WHERE channel IN ('istandaarden', 'stuf') AND substring(sender_message_id from '[^/]+$') IS NOT NULL
  ON CONFLICT DO NOTHING;
-- The operations charts count messages per time bucket.
CREATE INDEX messages_received_idx ON messages (received_at);
CREATE INDEX exchange_events_type_time_idx ON exchange_events (event_type, occurred_at);

-- Long console work (bulk redeliver/hold/release, purge) runs as a job whose progress the page polls.
CREATE TABLE console_jobs (
  id            uuid PRIMARY KEY,
  kind          text NOT NULL,
  status        text NOT NULL,
  created_by    text NOT NULL,
  role          text NOT NULL,
  filter        jsonb NOT NULL,
  total         integer,
  done          integer NOT NULL DEFAULT 0,
  succeeded     integer NOT NULL DEFAULT 0,
  skipped       integer NOT NULL DEFAULT 0,
  result        jsonb,
  error         text,
  created_at    timestamptz NOT NULL,
  heartbeat_at  timestamptz NOT NULL,
  finished_at   timestamptz
);
CREATE INDEX console_jobs_created_idx ON console_jobs (created_at);
`,
  },
  {
    version: 170,
    name: 'contracten: register versions, prestaties, ceiling standings and alerts',
    // The region's contract register (src/contracten/): every load or change is a new version.
    // Prestaties are keyed by the standard's own numbers and a keyed hash of the client, never a BSN.
    sql: `
CREATE TABLE contract_register_versies (
  versie        integer PRIMARY KEY,
  geldig_vanaf  timestamptz NOT NULL,
  door          text NOT NULL,
  bron          text NOT NULL,
  digest        text NOT NULL,
  inhoud        jsonb NOT NULL
);
CREATE TABLE contract_prestaties (
  id           bigserial PRIMARY KEY,
  message_id   uuid NOT NULL,
  bron         text NOT NULL,
  wet          text NOT NULL,
  contract_id  text,
  aanbieder    text NOT NULL,
  gemeente     text NOT NULL,
  declaratie   text NOT NULL,
  referentie   text NOT NULL,
  categorie    text NOT NULL,
  code         text NOT NULL,
  maand        text NOT NULL,
  begindatum   text NOT NULL,
  volume       bigint,
  eenheid      text,
  bedrag       bigint NOT NULL,
  toegekend    bigint,
  client_hash  text NOT NULL,
  ontvangen_op timestamptz NOT NULL
);
CREATE INDEX contract_prestaties_contract_idx ON contract_prestaties (contract_id, maand);
CREATE INDEX contract_prestaties_gemeente_idx ON contract_prestaties (gemeente, maand);
CREATE INDEX contract_prestaties_declaratie_idx ON contract_prestaties (wet, aanbieder, gemeente, declaratie);
-- Spend per contract per year (periode 'JJJJ') and over its whole term (periode 'totaal').
CREATE TABLE contract_standen (
  contract_id   text NOT NULL,
  periode       text NOT NULL,
  gedeclareerd  bigint NOT NULL,
  toegekend     bigint NOT NULL,
  PRIMARY KEY (contract_id, periode)
);
-- One row per threshold crossed: the unique key makes an alert happen exactly once.
CREATE TABLE contract_alarmen (
  id                 bigserial PRIMARY KEY,
  soort              text NOT NULL,
  sleutel            text NOT NULL UNIQUE,
  contract_id        text,
  periode            text,
  drempel            integer,
  bedrag             bigint,
  maximum            bigint,
  detail             jsonb NOT NULL,
  message_id         uuid,
  ontstaan_op        timestamptz NOT NULL,
  webhook_pogingen   integer NOT NULL DEFAULT 0,
  webhook_bezorgd_op timestamptz,
  gezien_op          timestamptz
);
CREATE INDEX contract_alarmen_webhook_idx ON contract_alarmen (webhook_bezorgd_op, id);
`,
  },
  {
    version: 171,
    name: 'contracten: conversation ledger (heenberichten, retouren and follow-ups per trajectory)',
    // One row per step of a trajectory (315, 319, 301, 305, 307, 323, 325 and the retouren 302/320),
    // keyed by the standard's own references; the client only as a keyed hash.
    sql: `
CREATE TABLE contract_stappen (
  id            bigserial PRIMARY KEY,
  wet           text NOT NULL,
  gemeente      text NOT NULL,
  aanbieder     text NOT NULL,
  stap          text NOT NULL,
  ref           text,
  toewijzing    text,
  identificatie text,
  datum         text NOT NULL,
  client_hash   text,
  categorie     text,
  code          text,
  message_id    uuid NOT NULL,
  ontvangen_op  timestamptz NOT NULL
);
CREATE INDEX contract_stappen_ref_idx ON contract_stappen (wet, gemeente, aanbieder, stap, ref);
CREATE INDEX contract_stappen_toewijzing_idx ON contract_stappen (wet, gemeente, aanbieder, stap, toewijzing);
CREATE INDEX contract_stappen_identificatie_idx ON contract_stappen (wet, gemeente, aanbieder, stap, identificatie);
CREATE INDEX contract_stappen_datum_idx ON contract_stappen (stap, datum);
`,
  },
  {
    version: 110,
    name: 'iStandaarden register: stopproducten (TR413-TR415)',
    // The StopProducten of accepted 307 berichten, so the next stop on the same start can be judged
    // (one tijdelijke stop, Einddatum not earlier, nothing after a definitive stop). Keyed by the
    // standard's numbers, never by BSN: the ToewijzingNummer is unique within the gemeente.
    sql: `
CREATE TABLE istandaarden_stops (
  standaard         text NOT NULL,
  gemeente          text NOT NULL,
  aanbieder         text NOT NULL,
  toewijzing_nummer text NOT NULL,
  begindatum        text NOT NULL,
  tijdelijk         boolean NOT NULL,
  reden_beeindiging text NOT NULL,
  einddatum         text NOT NULL,
  message_id        uuid NOT NULL,
  PRIMARY KEY (standaard, gemeente, toewijzing_nummer, begindatum, tijdelijk)
);
`,
  },
  {
    version: 120,
    name: 'zaken: besluiten and document check-outs (ZDS 1.2)',
    // Besluiten are kept like zaken (encrypted, only identifications readable). A check-out is the
    // lock geefZaakdocumentbewerken takes and updateZaakdocument or cancelCheckout releases.
    sql: `
CREATE TABLE besluiten (
  identificatie      text PRIMARY KEY,
  zaak_identificatie text,
  bronorganisatie    text NOT NULL DEFAULT '',
  key_id             text NOT NULL,
  iv                 bytea NOT NULL,
  auth_tag           bytea NOT NULL,
  ciphertext         bytea NOT NULL,
  message_id         uuid NOT NULL,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);
CREATE INDEX besluiten_zaak_idx ON besluiten (zaak_identificatie);
CREATE TABLE document_checkouts (
  document_identificatie text PRIMARY KEY,
  checked_out_id         text NOT NULL,
  party                  text NOT NULL,
  checked_out_at         timestamptz NOT NULL
);
`,
  },
  {
    version: 121,
    name: 'zaken: the initiator of each zaak by keyed BSN hash (the zakLv01 search for a citizen\'s zaken)',
    // Only the keyed hash of the initiator's BSN (as in message_subjects), never the BSN; one row
    // per zaak, replaced with each new state of the zaak.
    sql: `
CREATE TABLE zaak_initiatoren (
  zaak_identificatie text PRIMARY KEY REFERENCES zaken(identificatie) ON DELETE CASCADE,
  subject_hash       text NOT NULL
);
CREATE INDEX zaak_initiatoren_hash_idx ON zaak_initiatoren (subject_hash);
`,
  },
  {
    version: 180,
    name: 'chain: trace context per message, Logboek Dataverwerkingen records with their export outbox, versioned processing activities',
    sql: `
-- The W3C trace a message belongs to: taken from the inbound traceparent or started here.
CREATE TABLE message_traces (
  message_id      uuid PRIMARY KEY,
  trace_id        text NOT NULL,
  span_id         text NOT NULL,
  parent_span_id  text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX message_traces_trace_idx ON message_traces (trace_id);
-- One LDV record per processing step and data subject, written in the transaction of the exchange event.
CREATE TABLE ldv_records (
  id              bigserial PRIMARY KEY,
  trace_id        text NOT NULL,
  span_id         text NOT NULL,
  parent_span_id  text,
  name            text NOT NULL,
  start_time      timestamptz NOT NULL,
  end_time        timestamptz NOT NULL,
  status_code     text NOT NULL,
  message_id      uuid,
  event_seq       bigint,
  activity_id     text NOT NULL,
  activity_version integer NOT NULL,
  subject_hash    text NOT NULL,
  attributes      jsonb NOT NULL,
  exported_at     timestamptz,
  export_claimed_until timestamptz,
  export_attempts integer NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ldv_records_trace_idx ON ldv_records (trace_id);
CREATE INDEX ldv_records_activity_idx ON ldv_records (activity_id, activity_version);
CREATE INDEX ldv_records_subject_idx ON ldv_records (subject_hash);
CREATE INDEX ldv_records_unexported_idx ON ldv_records (id) WHERE exported_at IS NULL;
-- Versions of each processing activity (a route or a bevraging), generated from the configuration.
CREATE TABLE ldv_processing_activities (
  activity_id     text NOT NULL,
  version         integer NOT NULL,
  digest          text NOT NULL,
  definition      jsonb NOT NULL,
  registered_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (activity_id, version)
);
`,
  },
  {
    version: 130,
    name: 'log_keys: every master key that encrypted or hashed something here, by id',
    // Checked at start (src/log/key-check.ts): a gateway that lacks one of these keys would fail
    // to decrypt those payloads and to find those citizens, so it refuses to start and names it.
    // Seeded with the key ids already on encrypted rows.
    sql: `
CREATE TABLE log_keys (
  key_id        text PRIMARY KEY,
  first_used_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO log_keys (key_id)
  SELECT key_id FROM payloads UNION SELECT key_id FROM zaken UNION SELECT key_id FROM zaakdocumenten UNION SELECT key_id FROM besluiten
  ON CONFLICT DO NOTHING;
`,
  },
  {
    version: 150,
    name: 'sharded exchange log: a chain per concurrent writer, events keyed by (chain, seq), fixed-field hash format',
    // The single log_head row serialised every appending transaction. Now log_head holds one row
    // per chain; a writer takes whichever head is free (FOR UPDATE SKIP LOCKED) and chains its
    // events there. The existing log is chain 1 (its id before), so its events, its head and every
    // checkpoint already written keep verifying unchanged. hash_format 1 is the old canonical-JSON
    // hash; new events use 2 (src/log/chain.ts). Adding columns with a constant default rewrites no
    // row, so the append-only triggers are not involved.
    sql: `
ALTER TABLE log_head DROP CONSTRAINT log_head_id_check;
ALTER TABLE log_head ADD CONSTRAINT log_head_id_check CHECK (id >= 1);
ALTER TABLE exchange_events ADD COLUMN chain integer NOT NULL DEFAULT 1;
ALTER TABLE exchange_events ADD COLUMN hash_format smallint NOT NULL DEFAULT 1;
ALTER TABLE exchange_events DROP CONSTRAINT exchange_events_pkey;
ALTER TABLE exchange_events ADD CONSTRAINT exchange_events_pkey PRIMARY KEY (chain, seq);
ALTER TABLE ldv_records ADD COLUMN event_chain integer;
UPDATE ldv_records SET event_chain = 1 WHERE event_seq IS NOT NULL;
`,
  },
  {
    version: 131,
    name: 'store_write_probe: the one row readiness overwrites to see that the store can write',
    // src/store/write-probe.ts: a full disk leaves SELECT working, so readiness commits a real write.
    sql: `
CREATE TABLE store_write_probe (
  id        integer PRIMARY KEY CHECK (id = 1),
  probed_at timestamptz NOT NULL
);
`,
  },
  {
    version: 140,
    name: 'row economy on the hot tables: no status index on messages, deliveries indexed on their open (and held or dead-lettered) rows only',
    // Every delivery outcome updates its deliveries row and its message's status. An index on a column
    // such an update changes costs an entry per update; a partial index on the open rows costs none
    // for a row that leaves it (delivered). The console's status lists go by these partial indexes
    // and by received_at (messages).
    sql: `
DROP INDEX IF EXISTS messages_status_idx;
DROP INDEX IF EXISTS deliveries_due_idx;
DROP INDEX IF EXISTS deliveries_ordering_idx;
CREATE INDEX deliveries_open_idx ON deliveries (next_attempt_at) WHERE status IN ('pending', 'in_flight');
CREATE INDEX deliveries_ordering_open_idx ON deliveries (ordering_key, seq) WHERE status IN ('pending', 'in_flight');
CREATE INDEX deliveries_parked_idx ON deliveries (seq) WHERE status IN ('dead_letter', 'held');
`,
  },
  {
    version: 122,
    name: 'deliveries: what the receiver answered about a delivery afterwards (a StUF Bv01/Bv03 or Fo01/Fo03)',
    // A zaaksysteem may accept a kennisgeving on the wire (Bv03) and refuse it later in a Fo01/Fo03
    // of its own. The delivery stays delivered (nothing is re-sent or lost); its receiver outcome says
    // what the receiver made of it, with the reason (foutcode, plek: codes, never message text).
    sql: `
ALTER TABLE deliveries ADD COLUMN receiver_outcome text;
ALTER TABLE deliveries ADD COLUMN receiver_reason jsonb;
ALTER TABLE deliveries ADD COLUMN receiver_answered_at timestamptz;
`,
  },
  {
    version: 190,
    name: 'encrypted columns stored without compression',
    sql: `
-- AES-GCM ciphertext does not compress: PostgreSQL's attempt at it (and TOAST's, for every value
-- over 2 KB) is CPU spent for nothing. EXTERNAL keeps it out of line, uncompressed: a 10 MB
-- declaratie's two payloads were written in 48 instead of 61 ms. Only new values are affected.
ALTER TABLE payloads ALTER COLUMN ciphertext SET STORAGE EXTERNAL;
ALTER TABLE zaken ALTER COLUMN ciphertext SET STORAGE EXTERNAL;
ALTER TABLE zaakdocumenten ALTER COLUMN ciphertext SET STORAGE EXTERNAL;
ALTER TABLE besluiten ALTER COLUMN ciphertext SET STORAGE EXTERNAL;
`,
  },
  {
    version: 191,
    name: 'index for the intake check on earlier referenties',
    sql: `
-- An intake's referenties against the ones this provider delivered before (src/contracten/intake.ts).
-- Partial: the prestaties of 323s (10,000 per big declaratie) add nothing to it.
CREATE INDEX contract_prestaties_intake_ref_idx ON contract_prestaties (aanbieder, referentie) WHERE bron = 'intake';
`,
  },
  {
    version: 192,
    name: 'status changes of a message as HOT updates',
    sql: `
-- A message's status changes (routed, then delivered) were never HOT updates: status was in the
-- predicate of messages_sender_message_uq, so each change wrote a new entry into all seven indexes
-- of messages. The predicate reads a generated column now, which changes only when a message is
-- rejected or reprocessed, and pages keep room for the updated versions (fillfactor 80, for pages
-- written from now on). Adding the column rewrites the table once.
ALTER TABLE messages ADD COLUMN refused boolean GENERATED ALWAYS AS (status = 'rejected') STORED;
CREATE UNIQUE INDEX messages_sender_message_accepted_uq ON messages (sender, sender_message_id) WHERE NOT refused;
DROP INDEX messages_sender_message_uq;
ALTER INDEX messages_sender_message_accepted_uq RENAME TO messages_sender_message_uq;
ALTER TABLE messages SET (fillfactor = 80);
`,
  },
  {
    version: 193,
    name: 'steps still waiting for their follow-up',
    sql: `
-- What the deadline check (src/contracten/gesprekken.ts) reads every minute: per deadline and
-- reference the unanswered steps, from their earliest date. It read every earlier step of the kind,
-- answered ones too, and looked for each one's follow-up. Filled here from the steps so far.
CREATE TABLE contract_open_stappen (
  termijn    text NOT NULL,
  wet        text NOT NULL,
  gemeente   text NOT NULL,
  aanbieder  text NOT NULL,
  sleutel    text NOT NULL,
  datum      text NOT NULL,
  PRIMARY KEY (termijn, wet, gemeente, aanbieder, sleutel)
);
CREATE INDEX contract_open_stappen_datum_idx ON contract_open_stappen (termijn, datum);
WITH t(termijn, van, naar, kolom) AS (VALUES ('315>319', '315', '319', 'ref'), ('301>302', '301', '302', 'identificatie'), ('319>320', '319', '320', 'identificatie'),
                                            ('301>305', '301', '305', 'toewijzing'), ('323>325', '323', '325', 'ref')),
     h AS (SELECT t.termijn, t.naar, t.kolom, s.wet, s.gemeente, s.aanbieder, s.datum,
                  CASE t.kolom WHEN 'ref' THEN s.ref WHEN 'toewijzing' THEN s.toewijzing ELSE s.identificatie END AS sleutel
             FROM contract_stappen s JOIN t ON s.stap = t.van)
INSERT INTO contract_open_stappen (termijn, wet, gemeente, aanbieder, sleutel, datum)
SELECT h.termijn, h.wet, h.gemeente, h.aanbieder, h.sleutel, min(h.datum) FROM h
 WHERE h.sleutel IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM contract_stappen v WHERE v.stap = h.naar AND v.wet = h.wet AND v.gemeente = h.gemeente AND v.aanbieder = h.aanbieder
                      AND (CASE h.kolom WHEN 'ref' THEN v.ref WHEN 'toewijzing' THEN v.toewijzing ELSE v.identificatie END) = h.sleutel)
 GROUP BY h.termijn, h.wet, h.gemeente, h.aanbieder, h.sleutel;
`,
  },
  {
    version: 194,
    name: 'claims of deliveries as HOT updates',
    sql: `
-- Taking a delivery for an attempt (pending to in_flight) was never a HOT update: status was in the
-- predicates of the open and parked indexes, so each claim wrote a new entry into all six indexes
-- of deliveries. The predicates read generated columns now, which a claim leaves as they are (it
-- changes status, lease_until and updated_at only); the outcome still leaves the open rows' indexes,
-- as it must. Pages keep room for the updated versions (fillfactor 80). Adding the columns rewrites
-- the table once.
ALTER TABLE deliveries ADD COLUMN is_open boolean GENERATED ALWAYS AS (status IN ('pending', 'in_flight')) STORED,
                       ADD COLUMN is_parked boolean GENERATED ALWAYS AS (status IN ('dead_letter', 'held')) STORED;
DROP INDEX deliveries_open_idx;
DROP INDEX deliveries_ordering_open_idx;
DROP INDEX deliveries_parked_idx;
CREATE INDEX deliveries_open_idx ON deliveries (next_attempt_at) WHERE is_open;
CREATE INDEX deliveries_ordering_open_idx ON deliveries (ordering_key, seq) WHERE is_open;
CREATE INDEX deliveries_parked_idx ON deliveries (seq) WHERE is_parked;
ALTER TABLE deliveries SET (fillfactor = 80);
`,
  },
  {
    version: 195,
    name: 'mailbox pages in the order they are read',
    sql: `
-- A mailbox page is read in (available_at, id) order, the open items or (includeAcknowledged) all
-- of them. The index on (party_id, acknowledged_at, available_at) gave neither order with
-- acknowledged items included: each such page sorted the party's whole history.
CREATE INDEX mailbox_party_open_idx ON mailbox (party_id, available_at, id) WHERE acknowledged_at IS NULL;
CREATE INDEX mailbox_party_time_idx ON mailbox (party_id, available_at, id);
DROP INDEX mailbox_party_idx;
`,
  },
];

export async function migrate(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    // Several gateway processes may start at once against one PostgreSQL.
    await tx.query('SELECT pg_advisory_xact_lock(727274)');
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
    );
    const done = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(done.rows.map((r) => Number(r.version)));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await execMulti(tx, m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [m.version, m.name]);
    }
  });
}

/** Parameterless multi-statement SQL; split on statement ends outside $$ blocks. */
async function execMulti(tx: { query(sql: string): Promise<unknown> }, sql: string): Promise<void> {
  const statements: string[] = [];
  let current = '';
  let inDollar = false;
  for (const line of sql.split('\n')) {
    if (line.trim().startsWith('--') && !inDollar) continue;
    const dollars = (line.match(/\$\$/g) ?? []).length;
    if (dollars % 2 === 1) inDollar = !inDollar;
    current += line + '\n';
    if (!inDollar && line.trimEnd().endsWith(';')) {
      statements.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) statements.push(current.trim());
  for (const s of statements) await tx.query(s);
}
