/**
 * The values of the code lists that the iJw 3.2 / iWmo 3.2 basisschema restricts by enumeration
 * (COD-, WJ-, JZ- and WMO-lijsten of the iStandaarden, ISO 3166 for LandCode). They are data, in
 * codelijsten/istandaarden.json (see src/codelijsten/); two lists differ per standaard
 * (productcategorie, reden beëindiging). The conformance test (test/conformance/istandaarden-xsd)
 * proves the default data equal to the published XSDs.
 */
import { codelijsten } from '../../../codelijsten/index.js';
import type { Standaard } from '../catalog.js';

/** The enumerated values of a basisschema type, or undefined when the type has no enumeration. */
export function waardenlijst(type: string, standaard: Standaard): readonly string[] | undefined {
  return codelijsten().istandaarden.waardenlijsten.get(type)?.[standaard];
}
