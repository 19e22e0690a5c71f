/**
 * The ISD chain's transport foutcodes, with the meanings the GGk gives them (shared/standards notes;
 * "Foutcodes asynchroon berichtenverkeer ISD-keten"). knooppunt uses the same code for the same fault.
 */
export type GgkFoutcode = 'IB001' | 'IB002' | 'IB007' | 'IB009' | 'IB102' | 'IB103' | 'StUF058';

export const GGK_FOUTCODES: Record<GgkFoutcode, { omschrijving: string; plek: 'client' | 'server' }> = {
  IB001: { omschrijving: 'De envelop of het bericht voldoet niet aan de XSD, is niet te decoderen, of de stuurgegevens spreken het bericht tegen.', plek: 'client' },
  IB002: { omschrijving: 'De verzendende organisatie is niet geautoriseerd voor dit bericht.', plek: 'client' },
  IB007: { omschrijving: 'Het bericht is groter dan 25 MB.', plek: 'client' },
  IB009: { omschrijving: 'Referentienummer of crossRefnummer is geen UUID versie 4.', plek: 'client' },
  IB102: { omschrijving: 'Er is geen routering voor dit bericht.', plek: 'client' },
  IB103: { omschrijving: 'Het berichttype is tijdelijk geblokkeerd.', plek: 'client' },
  // StUF 03.01's own server fault (the envelope is StUF): the store unavailable or a bug. Nothing was
  // acknowledged, so the GGk may offer the bericht again.
  StUF058: { omschrijving: 'Proces voor afhandelen bericht geeft fout: tijdelijk niet verwerkt, niets is bevestigd.', plek: 'server' },
};
