/**
 * The code lists of iJw 3.2 and iWmo 3.2 that the rules check values against, and the CBS
 * gemeentecodes. Each list names its source in the iStandaarden informatiemodel
 * (informatiemodel.istandaarden.nl, release 3.2, "codelijsten"). Where the two standaarden share a
 * list (COD…, WJ…) it is defined once; JZ… lists are iJw only, WMO… lists iWmo only.
 *
 * Lists whose values the XSD already enumerates (COD046 Geslacht, COD043 DebetCredit, COD467
 * StatusAanlevering, WJ760 VerzoekAntwoord, COD170, COD700) are here for completeness and for the
 * JSON side; the rules check the lists the XSD only constrains by pattern.
 */
import type { Standaard } from './catalog.js';

export interface Codelijst {
  /** The list's id in the informatiemodel: WJ756, JZ020, WMO020, COD327, ... */
  id: string;
  naam: string;
  /** Code → Dutch meaning. */
  codes: ReadonlyMap<string, string>;
}

function lijst(id: string, naam: string, entries: Array<[string, string]>): Codelijst {
  return { id, naam, codes: new Map(entries) };
}

/** COD046 Geslacht. */
export const COD046 = lijst('COD046', 'Geslacht', [
  ['0', 'Onbekend'],
  ['1', 'Mannelijk'],
  ['2', 'Vrouwelijk'],
]);

/** COD043 Indicatie debet/credit. */
export const COD043 = lijst('COD043', 'Indicatie debet/credit', [
  ['C', 'Creditbedrag en aantal'],
  ['D', 'Debetbedrag en aantal'],
]);

/**
 * COD467 Status aanlevering. The list also has 9 (niet van toepassing), which the 3.2 berichten do
 * not use; the contract's LDT_StatusAanlevering allows 1, 2, 3, and CS058 narrows 305/307 to 1 or 3.
 */
export const COD467 = lijst('COD467', 'Status aanlevering', [
  ['1', 'Eerste aanlevering'],
  ['2', 'Gewijzigde aanlevering'],
  ['3', 'Verwijderen aanlevering'],
]);

/** COD327 Code verwijzer (iJw only). Code 07 does not exist in the list. */
export const COD327 = lijst('COD327', 'Code verwijzer', [
  ['01', 'Gemeente'],
  ['02', 'Huisarts'],
  ['03', 'Jeugdarts'],
  ['04', 'Gecertificeerde instelling'],
  ['05', 'Medisch specialist'],
  ['06', 'Zelfverwijzer/geen verwijzer'],
  ['08', 'Rechter, Officier van Justitie, functionaris Justitiële jeugdinrichting'],
]);

/** WJ756 Eenheid (iJw and iWmo). */
export const WJ756 = lijst('WJ756', 'Eenheid', [
  ['01', 'Minuut'],
  ['04', 'Uur'],
  ['14', 'Etmaal'],
  ['16', 'Dagdeel (4 uur)'],
  ['82', 'Stuks (output)'],
  ['83', "Euro's"],
  ['84', 'Stuks (inspanning)'],
]);

/** WJ757 Frequentie (iJw) and WMO757 Frequentie (iWmo): the same four values. */
const FREQUENTIES: Array<[string, string]> = [
  ['1', 'Per dag'],
  ['2', 'Per week'],
  ['4', 'Per maand'],
  ['6', 'Totaal binnen geldigheidsduur toewijzing'],
];
export const WJ757 = lijst('WJ757', 'Frequentie', FREQUENTIES);
export const WMO757 = lijst('WMO757', 'Frequentie', FREQUENTIES);

/** WJ758 Reden verzoek: one position (LDT_RedenVerzoek, maxLength 1 in the 3.2 basisschema). */
export const WJ758 = lijst('WJ758', 'Reden verzoek', [
  ['1', 'Verandering cliëntsituatie'],
  ['2', 'Wijziging zorgplan'],
]);

/** WJ759 Reden afwijzing verzoek: codes 1–9, one position, as the 3.2 basisschema enumerates them. */
export const WJ759 = lijst('WJ759', 'Reden afwijzing verzoek', [
  ['1', 'Geen wijziging, maar nieuwe aanvraag'],
  ['2', 'Past niet binnen budget'],
  ['3', 'Geen contract'],
  ['4', 'Past niet binnen contract'],
  ['5', 'Andere gemeente'],
  ['6', 'Stapeling'],
  ['7', 'Zorginhoudelijke afkeur'],
  ['8', 'Woonplaatsbeginsel'],
  ['9', 'Leeftijdsgrens is bereikt'],
]);

/** WJ760 Verzoek antwoord. */
export const WJ760 = lijst('WJ760', 'Verzoek antwoord', [
  ['1', 'Verzoek afgewezen'],
  ['2', 'Aanvraag in onderzoek'],
]);

/** JZ002 Reden wijziging toewijzing (iJw) and WMO002 (iWmo): the same fourteen values. 01 is vervallen (CS336). */
const REDENEN_WIJZIGING: Array<[string, string]> = [
  ['01', 'Administratieve correctie (vervallen)'],
  ['02', 'Cliënt overleden'],
  ['03', 'Contractwijziging'],
  ['04', 'Herbeoordeling: verlenging toewijzing'],
  ['05', 'Herbeoordeling: verkorting toewijzing'],
  ['06', 'Uitstroom naar ander domein'],
  ['07', 'Verhuizing naar een andere gemeente'],
  ['08', 'Wijziging leveringsvorm'],
  ['09', 'Overstap naar andere aanbieder'],
  ['10', 'Overgang naar nieuwe bekostigingssystematiek'],
  ['11', 'Gemeentelijke herindeling'],
  ['12', 'Geïnitieerd door de aanbieder'],
  ['13', 'Verwijderd'],
  ['14', 'Administratieve correctie'],
];
export const JZ002 = lijst('JZ002', 'Reden wijziging toewijzing', REDENEN_WIJZIGING);
export const WMO002 = lijst('WMO002', 'Reden wijziging toewijzing', REDENEN_WIJZIGING);

/** JZ588 Reden beëindiging (iJw). */
export const JZ588 = lijst('JZ588', 'Reden beëindiging', [
  ['02', 'Overlijden'],
  ['20', 'Levering is tijdelijk beëindigd'],
  ['31', 'Levering is volgens plan beëindigd'],
  ['32', 'Voortijdig afgesloten: eenzijdig door de cliënt'],
  ['33', 'Voortijdig afgesloten: eenzijdig door de aanbieder'],
  ['34', 'Voortijdig afgesloten: in overeenstemming'],
  ['35', 'Voortijdig afgesloten: wegens externe omstandigheden'],
  ['36', 'Geïnitieerd door de gemeente'],
  ['37', 'In verband met wijzigingsverzoek'],
  ['38', 'Overstap naar andere aanbieder'],
  ['39', 'Uitstroom naar ander domein'],
]);

/** WMO588 Reden beëindiging (iWmo). */
export const WMO588 = lijst('WMO588', 'Reden beëindiging', [
  ['02', 'Overlijden'],
  ['19', 'Levering volgens plan beëindigd'],
  ['20', 'Levering is tijdelijk beëindigd'],
  ['21', 'Levering is eenzijdig door cliënt beëindigd'],
  ['22', 'Levering is eenzijdig door aanbieder beëindigd'],
  ['23', 'Levering is in overeenstemming voortijdig beëindigd'],
  ['31', 'Verhuizing naar een andere gemeente'],
  ['36', 'Geïnitieerd door de gemeente'],
  ['37', 'In verband met wijzigingsverzoek'],
  ['38', 'Overstap naar andere aanbieder'],
  ['39', 'Uitstroom naar ander domein'],
]);

/**
 * JZ020 Productcategorie (iJw). The 2015 categories 31–38 are historic and not accepted. Unsure:
 * whether 51 (generalistische basis-ggz), 52 (specialistische ggz) and 53 (kindergeneeskunde) are
 * still in the 3.2 list; they are accepted here.
 */
export const JZ020 = lijst('JZ020', 'Productcategorie', [
  ['40', 'Persoonlijke verzorging'],
  ['41', 'Dagbehandeling'],
  ['42', 'Vervoerdiensten'],
  ['43', 'Jeugdhulp verblijf (incl. behandeling)'],
  ['44', 'Jeugdhulp verblijf (excl. behandeling)'],
  ['45', 'Jeugdhulp ambulant'],
  ['46', 'Jeugdhulp crisis'],
  ['47', 'Jeugdreclassering'],
  ['48', 'Jeugdbescherming'],
  ['49', 'Activiteiten in het preventief justitieel kader'],
  ['50', 'Maatwerkarrangementen jeugd'],
  ['51', 'Generalistische basis-ggz'],
  ['52', 'Specialistische ggz'],
  ['53', 'Kindergeneeskunde'],
  ['54', 'Jeugd-ggz'],
  ['55', 'Landelijk ingekochte zorg'],
]);

/** WMO020 Productcategorie (iWmo). */
export const WMO020 = lijst('WMO020', 'Productcategorie', [
  ['01', 'Hulp bij het huishouden'],
  ['02', 'Begeleiding'],
  ['03', 'Persoonlijke verzorging'],
  ['04', 'Kortdurend verblijf'],
  ['05', 'Woondiensten'],
  ['06', 'Overige ondersteuning gericht op het individu of huishouden/gezin'],
  ['07', 'Dagbesteding'],
  ['08', 'Vervoerdiensten'],
  ['09', 'Overige groepsgerichte ondersteuning'],
  ['10', 'Overige maatwerk arrangementen'],
  ['11', 'Rolstoelen'],
  ['12', 'Vervoervoorzieningen'],
  ['13', 'Woonvoorzieningen'],
  ['14', 'Overige hulpmiddelen'],
  ['15', 'Beschermd wonen'],
  ['16', 'Opvang'],
  ['17', 'Spoedopvang'],
  ['18', 'Overige beschermd wonen en opvang'],
]);

/** The elements whose values come from a code list the XSD does not enumerate. */
export type CodelijstElement = 'Categorie' | 'Eenheid' | 'Frequentie' | 'RedenWijziging' | 'RedenBeeindiging' | 'RedenVerzoek' | 'RedenAfwijzingVerzoek' | 'Type';

const PER_STANDAARD: Readonly<Record<Standaard, Readonly<Record<CodelijstElement, Codelijst>>>> = {
  ijw: {
    Categorie: JZ020,
    Eenheid: WJ756,
    Frequentie: WJ757,
    RedenWijziging: JZ002,
    RedenBeeindiging: JZ588,
    RedenVerzoek: WJ758,
    RedenAfwijzingVerzoek: WJ759,
    Type: COD327,
  },
  iwmo: {
    Categorie: WMO020,
    Eenheid: WJ756,
    Frequentie: WMO757,
    RedenWijziging: WMO002,
    RedenBeeindiging: WMO588,
    RedenVerzoek: WJ758,
    RedenAfwijzingVerzoek: WJ759,
    // iWmo has no Verwijzer; the entry keeps the table total and is never reached.
    Type: COD327,
  },
};

/** The code list an element's value must come from in this standaard. */
export function codelijstVoor(standaard: Standaard, element: CodelijstElement): Codelijst {
  return PER_STANDAARD[standaard][element];
}

/**
 * CBS gemeentecodes in force in 2026 (CBS, "Gemeentelijke indeling op 1 januari 2026"): 342
 * gemeenten. No herindeling took effect on 1 January 2026 as far as knooppunt knows, so the list
 * equals the indeling of 1 January 2025; check it against the CBS publication when a herindeling
 * is announced (TR378 allows the list in force on the Ingangsdatum, so keep old codes around then).
 */
export const CBS_GEMEENTEN_2026: ReadonlyMap<string, string> = new Map<string, string>([
  ['0014', 'Groningen'],
  ['0034', 'Almere'],
  ['0037', 'Stadskanaal'],
  ['0047', 'Veendam'],
  ['0050', 'Zeewolde'],
  ['0059', 'Achtkarspelen'],
  ['0060', 'Ameland'],
  ['0072', 'Harlingen'],
  ['0074', 'Heerenveen'],
  ['0080', 'Leeuwarden'],
  ['0085', 'Ooststellingwerf'],
  ['0086', 'Opsterland'],
  ['0088', 'Schiermonnikoog'],
  ['0090', 'Smallingerland'],
  ['0093', 'Terschelling'],
  ['0096', 'Vlieland'],
  ['0098', 'Weststellingwerf'],
  ['0106', 'Assen'],
  ['0109', 'Coevorden'],
  ['0114', 'Emmen'],
  ['0118', 'Hoogeveen'],
  ['0119', 'Meppel'],
  ['0141', 'Almelo'],
  ['0147', 'Borne'],
  ['0148', 'Dalfsen'],
  ['0150', 'Deventer'],
  ['0153', 'Enschede'],
  ['0158', 'Haaksbergen'],
  ['0160', 'Hardenberg'],
  ['0163', 'Hellendoorn'],
  ['0164', 'Hengelo (O.)'],
  ['0166', 'Kampen'],
  ['0168', 'Losser'],
  ['0171', 'Noordoostpolder'],
  ['0173', 'Oldenzaal'],
  ['0175', 'Ommen'],
  ['0177', 'Raalte'],
  ['0180', 'Staphorst'],
  ['0183', 'Tubbergen'],
  ['0184', 'Urk'],
  ['0189', 'Wierden'],
  ['0193', 'Zwolle'],
  ['0197', 'Aalten'],
  ['0200', 'Apeldoorn'],
  ['0202', 'Arnhem'],
  ['0203', 'Barneveld'],
  ['0209', 'Beuningen'],
  ['0213', 'Brummen'],
  ['0214', 'Buren'],
  ['0216', 'Culemborg'],
  ['0221', 'Doesburg'],
  ['0222', 'Doetinchem'],
  ['0225', 'Druten'],
  ['0226', 'Duiven'],
  ['0228', 'Ede'],
  ['0230', 'Elburg'],
  ['0232', 'Epe'],
  ['0233', 'Ermelo'],
  ['0243', 'Harderwijk'],
  ['0244', 'Hattem'],
  ['0246', 'Heerde'],
  ['0252', 'Heumen'],
  ['0262', 'Lochem'],
  ['0263', 'Maasdriel'],
  ['0267', 'Nijkerk'],
  ['0268', 'Nijmegen'],
  ['0269', 'Oldebroek'],
  ['0273', 'Putten'],
  ['0274', 'Renkum'],
  ['0275', 'Rheden'],
  ['0277', 'Rozendaal'],
  ['0279', 'Scherpenzeel'],
  ['0281', 'Tiel'],
  ['0285', 'Voorst'],
  ['0289', 'Wageningen'],
  ['0293', 'Westervoort'],
  ['0294', 'Winterswijk'],
  ['0296', 'Wijchen'],
  ['0297', 'Zaltbommel'],
  ['0299', 'Zevenaar'],
  ['0301', 'Zutphen'],
  ['0302', 'Nunspeet'],
  ['0303', 'Dronten'],
  ['0307', 'Amersfoort'],
  ['0308', 'Baarn'],
  ['0310', 'De Bilt'],
  ['0312', 'Bunnik'],
  ['0313', 'Bunschoten'],
  ['0317', 'Eemnes'],
  ['0321', 'Houten'],
  ['0327', 'Leusden'],
  ['0331', 'Lopik'],
  ['0335', 'Montfoort'],
  ['0339', 'Renswoude'],
  ['0340', 'Rhenen'],
  ['0342', 'Soest'],
  ['0344', 'Utrecht'],
  ['0345', 'Veenendaal'],
  ['0351', 'Woudenberg'],
  ['0352', 'Wijk bij Duurstede'],
  ['0353', 'IJsselstein'],
  ['0355', 'Zeist'],
  ['0356', 'Nieuwegein'],
  ['0358', 'Aalsmeer'],
  ['0361', 'Alkmaar'],
  ['0362', 'Amstelveen'],
  ['0363', 'Amsterdam'],
  ['0373', 'Bergen (NH.)'],
  ['0375', 'Beverwijk'],
  ['0376', 'Blaricum'],
  ['0377', 'Bloemendaal'],
  ['0383', 'Castricum'],
  ['0384', 'Diemen'],
  ['0385', 'Edam-Volendam'],
  ['0388', 'Enkhuizen'],
  ['0392', 'Haarlem'],
  ['0394', 'Haarlemmermeer'],
  ['0396', 'Heemskerk'],
  ['0397', 'Heemstede'],
  ['0399', 'Heiloo'],
  ['0400', 'Den Helder'],
  ['0402', 'Hilversum'],
  ['0405', 'Hoorn'],
  ['0406', 'Huizen'],
  ['0415', 'Landsmeer'],
  ['0417', 'Laren (NH.)'],
  ['0420', 'Medemblik'],
  ['0431', 'Oostzaan'],
  ['0432', 'Opmeer'],
  ['0437', 'Ouder-Amstel'],
  ['0439', 'Purmerend'],
  ['0441', 'Schagen'],
  ['0448', 'Texel'],
  ['0450', 'Uitgeest'],
  ['0451', 'Uithoorn'],
  ['0453', 'Velsen'],
  ['0473', 'Zandvoort'],
  ['0479', 'Zaanstad'],
  ['0482', 'Alblasserdam'],
  ['0484', 'Alphen aan den Rijn'],
  ['0489', 'Barendrecht'],
  ['0498', 'Drechterland'],
  ['0502', 'Capelle aan den IJssel'],
  ['0503', 'Delft'],
  ['0505', 'Dordrecht'],
  ['0512', 'Gorinchem'],
  ['0513', 'Gouda'],
  ['0518', "'s-Gravenhage"],
  ['0523', 'Hardinxveld-Giessendam'],
  ['0531', 'Hendrik-Ido-Ambacht'],
  ['0532', 'Stede Broec'],
  ['0534', 'Hillegom'],
  ['0537', 'Katwijk'],
  ['0542', 'Krimpen aan den IJssel'],
  ['0546', 'Leiden'],
  ['0547', 'Leiderdorp'],
  ['0553', 'Lisse'],
  ['0556', 'Maassluis'],
  ['0569', 'Nieuwkoop'],
  ['0575', 'Noordwijk'],
  ['0579', 'Oegstgeest'],
  ['0589', 'Oudewater'],
  ['0590', 'Papendrecht'],
  ['0597', 'Ridderkerk'],
  ['0599', 'Rotterdam'],
  ['0603', 'Rijswijk (ZH.)'],
  ['0606', 'Schiedam'],
  ['0610', 'Sliedrecht'],
  ['0613', 'Albrandswaard'],
  ['0622', 'Vlaardingen'],
  ['0626', 'Voorschoten'],
  ['0627', 'Waddinxveen'],
  ['0629', 'Wassenaar'],
  ['0632', 'Woerden'],
  ['0637', 'Zoetermeer'],
  ['0638', 'Zoeterwoude'],
  ['0642', 'Zwijndrecht'],
  ['0654', 'Borsele'],
  ['0664', 'Goes'],
  ['0668', 'West Maas en Waal'],
  ['0677', 'Hulst'],
  ['0678', 'Kapelle'],
  ['0687', 'Middelburg (Z.)'],
  ['0703', 'Reimerswaal'],
  ['0715', 'Terneuzen'],
  ['0716', 'Tholen'],
  ['0717', 'Veere'],
  ['0718', 'Vlissingen'],
  ['0736', 'De Ronde Venen'],
  ['0737', 'Tytsjerksteradiel'],
  ['0743', 'Asten'],
  ['0744', 'Baarle-Nassau'],
  ['0748', 'Bergen op Zoom'],
  ['0753', 'Best'],
  ['0755', 'Boekel'],
  ['0757', 'Boxtel'],
  ['0758', 'Breda'],
  ['0762', 'Deurne'],
  ['0765', 'Pekela'],
  ['0766', 'Dongen'],
  ['0770', 'Eersel'],
  ['0772', 'Eindhoven'],
  ['0777', 'Etten-Leur'],
  ['0779', 'Geertruidenberg'],
  ['0784', 'Gilze en Rijen'],
  ['0785', 'Goirle'],
  ['0794', 'Helmond'],
  ['0796', "'s-Hertogenbosch"],
  ['0797', 'Heusden'],
  ['0798', 'Hilvarenbeek'],
  ['0809', 'Loon op Zand'],
  ['0820', 'Nuenen, Gerwen en Nederwetten'],
  ['0823', 'Oirschot'],
  ['0824', 'Oisterwijk'],
  ['0826', 'Oosterhout'],
  ['0828', 'Oss'],
  ['0840', 'Rucphen'],
  ['0845', 'Sint-Michielsgestel'],
  ['0847', 'Someren'],
  ['0848', 'Son en Breugel'],
  ['0851', 'Steenbergen'],
  ['0852', 'Waterland'],
  ['0855', 'Tilburg'],
  ['0858', 'Valkenswaard'],
  ['0861', 'Veldhoven'],
  ['0865', 'Vught'],
  ['0866', 'Waalre'],
  ['0867', 'Waalwijk'],
  ['0873', 'Woensdrecht'],
  ['0879', 'Zundert'],
  ['0880', 'Wormerland'],
  ['0882', 'Landgraaf'],
  ['0888', 'Beek (L.)'],
  ['0889', 'Beesel'],
  ['0893', 'Bergen (L.)'],
  ['0899', 'Brunssum'],
  ['0907', 'Gennep'],
  ['0917', 'Heerlen'],
  ['0928', 'Kerkrade'],
  ['0935', 'Maastricht'],
  ['0938', 'Meerssen'],
  ['0944', 'Mook en Middelaar'],
  ['0946', 'Nederweert'],
  ['0957', 'Roermond'],
  ['0965', 'Simpelveld'],
  ['0971', 'Stein (L.)'],
  ['0981', 'Vaals'],
  ['0983', 'Venlo'],
  ['0984', 'Venray'],
  ['0986', 'Voerendaal'],
  ['0988', 'Weert'],
  ['0994', 'Valkenburg aan de Geul'],
  ['0995', 'Lelystad'],
  ['1507', 'Horst aan de Maas'],
  ['1509', 'Oude IJsselstreek'],
  ['1525', 'Teylingen'],
  ['1581', 'Utrechtse Heuvelrug'],
  ['1586', 'Oost Gelre'],
  ['1598', 'Koggenland'],
  ['1621', 'Lansingerland'],
  ['1640', 'Leudal'],
  ['1641', 'Maasgouw'],
  ['1652', 'Gemert-Bakel'],
  ['1655', 'Halderberge'],
  ['1658', 'Heeze-Leende'],
  ['1659', 'Laarbeek'],
  ['1667', 'Reusel-De Mierden'],
  ['1669', 'Roerdalen'],
  ['1674', 'Roosendaal'],
  ['1676', 'Schouwen-Duiveland'],
  ['1680', 'Aa en Hunze'],
  ['1681', 'Borger-Odoorn'],
  ['1690', 'De Wolden'],
  ['1695', 'Noord-Beveland'],
  ['1696', 'Wijdemeren'],
  ['1699', 'Noordenveld'],
  ['1700', 'Twenterand'],
  ['1701', 'Westerveld'],
  ['1705', 'Lingewaard'],
  ['1706', 'Cranendonck'],
  ['1708', 'Steenwijkerland'],
  ['1709', 'Moerdijk'],
  ['1711', 'Echt-Susteren'],
  ['1714', 'Sluis'],
  ['1719', 'Drimmelen'],
  ['1721', 'Bernheze'],
  ['1723', 'Alphen-Chaam'],
  ['1724', 'Bergeijk'],
  ['1728', 'Bladel'],
  ['1729', 'Gulpen-Wittem'],
  ['1730', 'Tynaarlo'],
  ['1731', 'Midden-Drenthe'],
  ['1734', 'Overbetuwe'],
  ['1735', 'Hof van Twente'],
  ['1740', 'Neder-Betuwe'],
  ['1742', 'Rijssen-Holten'],
  ['1771', 'Geldrop-Mierlo'],
  ['1773', 'Olst-Wijhe'],
  ['1774', 'Dinkelland'],
  ['1783', 'Westland'],
  ['1842', 'Midden-Delfland'],
  ['1859', 'Berkelland'],
  ['1876', 'Bronckhorst'],
  ['1883', 'Sittard-Geleen'],
  ['1884', 'Kaag en Braassem'],
  ['1891', 'Dantumadiel'],
  ['1892', 'Zuidplas'],
  ['1894', 'Peel en Maas'],
  ['1895', 'Oldambt'],
  ['1896', 'Zwartewaterland'],
  ['1900', 'Súdwest-Fryslân'],
  ['1901', 'Bodegraven-Reeuwijk'],
  ['1903', 'Eijsden-Margraten'],
  ['1904', 'Stichtse Vecht'],
  ['1911', 'Hollands Kroon'],
  ['1916', 'Leidschendam-Voorburg'],
  ['1924', 'Goeree-Overflakkee'],
  ['1926', 'Pijnacker-Nootdorp'],
  ['1930', 'Nissewaard'],
  ['1931', 'Krimpenerwaard'],
  ['1940', 'De Fryske Marren'],
  ['1942', 'Gooise Meren'],
  ['1945', 'Berg en Dal'],
  ['1948', 'Meierijstad'],
  ['1949', 'Waadhoeke'],
  ['1950', 'Westerwolde'],
  ['1952', 'Midden-Groningen'],
  ['1954', 'Beekdaelen'],
  ['1955', 'Montferland'],
  ['1959', 'Altena'],
  ['1960', 'West Betuwe'],
  ['1961', 'Vijfheerenlanden'],
  ['1963', 'Hoeksche Waard'],
  ['1966', 'Het Hogeland'],
  ['1969', 'Westerkwartier'],
  ['1970', 'Noardeast-Fryslân'],
  ['1978', 'Molenlanden'],
  ['1979', 'Eemsdelta'],
  ['1980', 'Dijk en Waard'],
  ['1982', 'Land van Cuijk'],
  ['1991', 'Maashorst'],
  ['1992', 'Voorne aan Zee'],
]);

/** The 14 gemeenten of regio Twente (a subset of the CBS list). */
export const TWENTE: readonly string[] = ['0141', '0147', '1774', '0153', '0158', '0163', '0164', '1735', '0168', '0173', '1742', '0183', '1700', '0189'];

export function isCbsGemeente(code: string): boolean {
  return CBS_GEMEENTEN_2026.has(code);
}
