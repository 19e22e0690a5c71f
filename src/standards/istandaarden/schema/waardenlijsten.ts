/**
 * The values of the code lists that the iJw 3.2 / iWmo 3.2 basisschema restricts by enumeration
 * (COD-, WJ-, JZ- and WMO-lijsten of the iStandaarden, ISO 3166 for LandCode), as data: one array per
 * basisschema type, in the order the publication lists them. Two lists differ per standaard
 * (productcategorie, reden beëindiging). The conformance test (test/conformance/istandaarden-xsd)
 * proves these equal to the published XSDs.
 */
import type { Standaard } from '../catalog.js';

type Waarden = readonly string[];

const AanduidingWoonadres: Waarden = ['AB', 'BY', 'TO', 'WW'];
const AdresSoort: Waarden = ['01', '02', '03', '04'];
const Communicatievorm: Waarden = ['1', '2', '3'];
const DatumGebruik: Waarden = ['1', '2', '3'];
const DebetCredit: Waarden = ['C', 'D'];
const Eenheid: Waarden = ['01', '04', '14', '16', '82', '83', '84'];
const Frequentie: Waarden = ['1', '2', '4', '6'];
const Geslacht: Waarden = ['0', '1', '2'];
const JaNee: Waarden = ['1', '2'];
const JuridischeStatus: Waarden = ['01', '02', '03', '04', '05', '11', '12'];
const LandCode: Waarden = ['AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ', 'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BV', 'BW', 'BY', 'BZ', 'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ', 'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ', 'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET', 'FI', 'FJ', 'FK', 'FM', 'FO', 'FR', 'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT', 'GU', 'GW', 'GY', 'HK', 'HM', 'HN', 'HR', 'HT', 'HU', 'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT', 'JE', 'JM', 'JO', 'JP', 'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ', 'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY', 'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ', 'NA', 'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ', 'OM', 'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM', 'PN', 'PR', 'PS', 'PT', 'PW', 'PY', 'QA', 'RE', 'RO', 'RS', 'RU', 'RW', 'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ', 'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ', 'UA', 'UG', 'UM', 'US', 'UY', 'UZ', 'VA', 'VC', 'VE', 'VG', 'VI', 'VN', 'VU', 'WF', 'WS', 'YE', 'YT', 'ZA', 'ZM', 'ZW'];
const NaamGebruik: Waarden = ['1', '2', '3', '4', '5', '6'];
const ProductCategorie: Readonly<Record<Standaard, Waarden>> = {
  ijw: ['31', '32', '33', '34', '35', '36', '37', '38', '40', '41', '42', '43', '44', '45', '46', '47', '48', '49', '50', '51', '52', '53', '54', '55'],
  iwmo: ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18'],
};
const RedenAfwijzingVerzoek: Waarden = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
const RedenBeeindiging: Readonly<Record<Standaard, Waarden>> = {
  ijw: ['02', '20', '31', '32', '33', '34', '35', '36', '37', '38', '39'],
  iwmo: ['02', '19', '20', '21', '22', '23', '31', '36', '37', '38', '39'],
};
const RedenVerzoek: Waarden = ['1', '2'];
const RedenWijziging: Waarden = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14'];
const RetourCode: Waarden = ['0001', '0200', '0233', '0611', '8001', '8017', '8021', '8187', '8214', '8848', '9019', '9056', '9063', '9069', '9071', '9074', '9307', '9308', '9319', '9321', '9322', '9326', '9332', '9333', '9338', '9339', '9340', '9341', '9346', '9347', '9349', '9350', '9351', '9355', '9357', '9359', '9360', '9361', '9365', '9366', '9367', '9369', '9373', '9374', '9375', '9379', '9384', '9385', '9387', '9388', '9389', '9390', '9411', '9412', '9413', '9414', '9415', 'S300', 'S329'];
const SoortRelatie: Waarden = ['03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25'];
const StatusAanlevering: Waarden = ['1', '2', '3', '9'];
const TypeVerwijzer: Waarden = ['01', '02', '03', '04', '05', '06', '08'];
const VerzoekAntwoord: Waarden = ['1', '2'];
const WettelijkeVertegenwoordiging: Waarden = ['06', '07', '08', '09', '10'];

/** The enumerated values of a basisschema type, or undefined when the type has no enumeration. */
export function waardenlijst(type: string, standaard: Standaard): Waarden | undefined {
  switch (type) {
    case 'LDT_AanduidingWoonadres':
      return AanduidingWoonadres;
    case 'LDT_AdresSoort':
      return AdresSoort;
    case 'LDT_Communicatievorm':
      return Communicatievorm;
    case 'LDT_DatumGebruik':
      return DatumGebruik;
    case 'LDT_DebetCredit':
      return DebetCredit;
    case 'LDT_Eenheid':
      return Eenheid;
    case 'LDT_Frequentie':
      return Frequentie;
    case 'LDT_Geslacht':
      return Geslacht;
    case 'LDT_JaNee':
      return JaNee;
    case 'LDT_JuridischeStatus':
      return JuridischeStatus;
    case 'LDT_LandCode':
      return LandCode;
    case 'LDT_NaamGebruik':
      return NaamGebruik;
    case 'LDT_ProductCategorie':
      return ProductCategorie[standaard];
    case 'LDT_RedenAfwijzingVerzoek':
      return RedenAfwijzingVerzoek;
    case 'LDT_RedenBeeindiging':
      return RedenBeeindiging[standaard];
    case 'LDT_RedenVerzoek':
      return RedenVerzoek;
    case 'LDT_RedenWijziging':
      return RedenWijziging;
    case 'LDT_RetourCode':
      return RetourCode;
    case 'LDT_SoortRelatie':
      return SoortRelatie;
    case 'LDT_StatusAanlevering':
      return StatusAanlevering;
    case 'LDT_TypeVerwijzer':
      return TypeVerwijzer;
    case 'LDT_VerzoekAntwoord':
      return VerzoekAntwoord;
    case 'LDT_WettelijkeVertegenwoordiging':
      return WettelijkeVertegenwoordiging;
    default:
      return undefined;
  }
}
