/**
 * Engineering units. A tag stores its unit as a UCUM code (the Unified Code for Units of
 * Measure, case-sensitive: `Cel`, `m3/h`, `kW.h`), because a code means one thing to every
 * system downstream; people see the display symbol (`°C`, `m³/h`, `kWh`). Each entry also
 * carries the UN/ECE Recommendation 20 common code that ERP and trading systems use.
 *
 * A unit that has no code here is written as a UCUM annotation, `{bottles/min}`: valid UCUM
 * (dimensionless with a label), shown as its text.
 */
export interface UnitInfo {
  /** UCUM code (case-sensitive), what the project file stores. */
  code: string;
  /** What the UI shows. */
  symbol: string;
  /** UN/ECE Recommendation 20 common code, where one exists. */
  unece?: string;
  name: string;
  quantity: string;
  /** Other spellings engineers type for it (accepted on input, never stored). */
  aliases?: readonly string[];
}

const u = (code: string, symbol: string, unece: string | undefined, name: string, quantity: string, aliases: string[] = []): UnitInfo =>
  unece === undefined ? { code, symbol, name, quantity, aliases } : { code, symbol, unece, name, quantity, aliases };

export const UNITS: readonly UnitInfo[] = [
  u('Cel', '°C', 'CEL', 'degree Celsius', 'temperature', ['°C', 'degC', 'deg C', '℃']),
  u('[degF]', '°F', 'FAH', 'degree Fahrenheit', 'temperature', ['°F', 'degF', 'deg F', '℉']),
  u('K', 'K', 'KEL', 'kelvin', 'temperature'),
  u('bar', 'bar', 'BAR', 'bar', 'pressure'),
  u('mbar', 'mbar', 'MBR', 'millibar', 'pressure'),
  u('Pa', 'Pa', 'PAL', 'pascal', 'pressure'),
  u('hPa', 'hPa', 'A97', 'hectopascal', 'pressure'),
  u('kPa', 'kPa', 'KPA', 'kilopascal', 'pressure'),
  u('MPa', 'MPa', 'MPA', 'megapascal', 'pressure'),
  u('[psi]', 'psi', 'PS', 'pound per square inch', 'pressure', ['psi', 'PSI', 'psig']),
  u('mm[Hg]', 'mmHg', 'HN', 'millimetre of mercury', 'pressure', ['mmHg']),
  u('mm[H2O]', 'mmH₂O', 'HP', 'millimetre of water', 'pressure', ['mmH2O', 'mmWC']),
  u('[in_i\'H2O]', 'inH₂O', 'F78', 'inch of water', 'pressure', ['inH2O', 'inWC', '"WC']),
  u('m3/h', 'm³/h', 'MQH', 'cubic metre per hour', 'volume flow', ['m³/h', 'm^3/h', 'cmh', 'm3/hr']),
  u('m3/min', 'm³/min', 'G53', 'cubic metre per minute', 'volume flow', ['m³/min']),
  u('m3/s', 'm³/s', 'MQS', 'cubic metre per second', 'volume flow', ['m³/s']),
  u('L/s', 'l/s', 'G51', 'litre per second', 'volume flow', ['l/s', 'lps']),
  u('L/min', 'l/min', 'L2', 'litre per minute', 'volume flow', ['l/min', 'lpm', 'LPM']),
  u('L/h', 'l/h', 'E32', 'litre per hour', 'volume flow', ['l/h', 'lph']),
  u('[gal_us]/min', 'gpm', 'G2', 'US gallon per minute', 'volume flow', ['gpm', 'GPM', 'gal/min']),
  u('[ft_i]3/min', 'cfm', '2L', 'cubic foot per minute', 'volume flow', ['cfm', 'CFM', 'ft³/min']),
  u('kg/h', 'kg/h', 'E93', 'kilogram per hour', 'mass flow'),
  u('kg/s', 'kg/s', 'KGS', 'kilogram per second', 'mass flow'),
  u('t/h', 't/h', 'E18', 'tonne per hour', 'mass flow'),
  u('m3', 'm³', 'MTQ', 'cubic metre', 'volume', ['m³', 'm^3']),
  u('L', 'l', 'LTR', 'litre', 'volume', ['l', 'ltr']),
  u('mL', 'ml', 'MLT', 'millilitre', 'volume', ['ml']),
  u('[gal_us]', 'gal', 'GLL', 'US gallon', 'volume', ['gal']),
  u('[ft_i]3', 'ft³', 'FTQ', 'cubic foot', 'volume', ['ft³', 'ft3', 'cf']),
  u('kg', 'kg', 'KGM', 'kilogram', 'mass'),
  u('g', 'g', 'GRM', 'gram', 'mass'),
  u('t', 't', 'TNE', 'tonne', 'mass'),
  u('[lb_av]', 'lb', 'LBR', 'pound', 'mass', ['lb', 'lbs']),
  u('W.h', 'Wh', 'WHR', 'watt hour', 'energy', ['Wh', 'W·h']),
  u('kW.h', 'kWh', 'KWH', 'kilowatt hour', 'energy', ['kWh', 'kwh', 'KWH', 'kW·h']),
  u('MW.h', 'MWh', 'MWH', 'megawatt hour', 'energy', ['MWh']),
  u('J', 'J', 'JOU', 'joule', 'energy'),
  u('kJ', 'kJ', 'KJO', 'kilojoule', 'energy'),
  u('MJ', 'MJ', '3B', 'megajoule', 'energy'),
  u('GJ', 'GJ', 'GV', 'gigajoule', 'energy'),
  u('[Btu_IT]', 'BTU', 'BTU', 'British thermal unit', 'energy', ['BTU', 'Btu']),
  u('W', 'W', 'WTT', 'watt', 'power'),
  u('kW', 'kW', 'KWT', 'kilowatt', 'power'),
  u('MW', 'MW', 'MAW', 'megawatt', 'power'),
  u('V.A', 'VA', 'D46', 'volt ampere', 'apparent power', ['VA']),
  u('kV.A', 'kVA', 'KVA', 'kilovolt ampere', 'apparent power', ['kVA']),
  // UCUM has no var; the annotation keeps it unambiguous for systems that read UCUM.
  u('{var}', 'var', 'D44', 'volt ampere reactive', 'reactive power', ['var', 'VAr']),
  u('{kvar}', 'kvar', 'KVR', 'kilovolt ampere reactive', 'reactive power', ['kvar', 'kVAr', 'kVAR']),
  u('{kvar.h}', 'kvarh', 'K3', 'kilovolt ampere reactive hour', 'reactive energy', ['kvarh', 'kVArh']),
  u('kV.A.h', 'kVAh', undefined, 'kilovolt ampere hour', 'apparent energy', ['kVAh']),
  u('[tnr]', 'TR', undefined, 'ton of refrigeration', 'power', ['TR', 'tons']),
  u('V', 'V', 'VLT', 'volt', 'voltage'),
  u('mV', 'mV', '2Z', 'millivolt', 'voltage'),
  u('kV', 'kV', 'KVT', 'kilovolt', 'voltage'),
  u('A', 'A', 'AMP', 'ampere', 'current'),
  u('mA', 'mA', '4K', 'milliampere', 'current'),
  u('kA', 'kA', 'B22', 'kiloampere', 'current'),
  u('Ohm', 'Ω', 'OHM', 'ohm', 'resistance', ['Ω', 'ohm']),
  u('kOhm', 'kΩ', 'B49', 'kiloohm', 'resistance', ['kΩ', 'kohm']),
  u('Hz', 'Hz', 'HTZ', 'hertz', 'frequency'),
  u('{rev}/min', 'rpm', 'RPM', 'revolution per minute', 'rotational speed', ['rpm', 'RPM', 'r/min', '1/min', 'min-1']),
  u('/min', 'min⁻¹', 'C94', 'per minute', 'rate', ['min⁻¹', '/min']),
  u('/h', 'h⁻¹', 'H10', 'per hour', 'rate', ['h⁻¹', '/h']),
  u('/s', 's⁻¹', 'C97', 'per second', 'rate', ['s⁻¹', '/s']),
  u('{rev}', 'rev', undefined, 'revolution', 'count', ['rev', 'revs']),
  u('m/s', 'm/s', 'MTS', 'metre per second', 'velocity'),
  u('mm/s', 'mm/s', 'C16', 'millimetre per second', 'velocity'),
  u('km/h', 'km/h', 'KMH', 'kilometre per hour', 'velocity', ['kph']),
  u('m/s2', 'm/s²', 'MSK', 'metre per second squared', 'acceleration', ['m/s²', 'm/s^2']),
  u('m', 'm', 'MTR', 'metre', 'length'),
  u('mm', 'mm', 'MMT', 'millimetre', 'length'),
  u('cm', 'cm', 'CMT', 'centimetre', 'length'),
  u('km', 'km', 'KTM', 'kilometre', 'length'),
  u('um', 'µm', '4H', 'micrometre', 'length', ['µm', 'micron']),
  u('[in_i]', 'in', 'INH', 'inch', 'length', ['in', 'inch']),
  u('[ft_i]', 'ft', 'FOT', 'foot', 'length', ['ft']),
  u('m2', 'm²', 'MTK', 'square metre', 'area', ['m²', 'm^2']),
  u('s', 's', 'SEC', 'second', 'time', ['sec']),
  u('ms', 'ms', 'C26', 'millisecond', 'time'),
  u('min', 'min', 'MIN', 'minute', 'time'),
  u('h', 'h', 'HUR', 'hour', 'time', ['hr', 'hrs']),
  u('d', 'd', 'DAY', 'day', 'time', ['day', 'days']),
  u('%', '%', 'P1', 'percent', 'ratio', ['pct']),
  u('%{RH}', '%RH', undefined, 'percent relative humidity', 'humidity', ['%RH', '% RH', '%rh', 'RH']),
  u('[ppm]', 'ppm', '59', 'part per million', 'ratio', ['ppm']),
  u('[ppb]', 'ppb', '61', 'part per billion', 'ratio', ['ppb']),
  u('1', '', 'C62', 'one (no unit)', 'ratio'),
  u('[pH]', 'pH', undefined, 'pH', 'acidity', ['pH']),
  u('mg/L', 'mg/l', 'M1', 'milligram per litre', 'concentration', ['mg/l']),
  u('g/L', 'g/l', 'GL', 'gram per litre', 'concentration', ['g/l']),
  u('kg/m3', 'kg/m³', 'KMQ', 'kilogram per cubic metre', 'density', ['kg/m³']),
  u('uS/cm', 'µS/cm', 'G42', 'microsiemens per centimetre', 'conductivity', ['µS/cm']),
  u('mS/cm', 'mS/cm', 'H61', 'millisiemens per centimetre', 'conductivity'),
  u('lx', 'lx', 'LUX', 'lux', 'illuminance', ['lux']),
  u('dB', 'dB', '2N', 'decibel', 'level'),
  u('deg', '°', 'DD', 'degree (angle)', 'angle', ['°']),
  u('rad', 'rad', 'C81', 'radian', 'angle'),
  u('N', 'N', 'NEW', 'newton', 'force'),
  u('kN', 'kN', 'B47', 'kilonewton', 'force'),
  u('N.m', 'N·m', 'NU', 'newton metre', 'torque', ['Nm', 'N·m', 'N m']),
  u('W/m2', 'W/m²', 'D54', 'watt per square metre', 'irradiance', ['W/m²']),
  u('{count}', 'count', undefined, 'count', 'count', ['count', 'counts']),
  u('{pcs}', 'pcs', 'H87', 'piece', 'count', ['pcs', 'pc', 'pieces']),
];

const byCode = new Map(UNITS.map((unit) => [unit.code, unit]));
const bySpelling = new Map<string, UnitInfo>();
for (const unit of UNITS) for (const alias of [unit.symbol, ...(unit.aliases ?? [])]) if (alias !== '' && !bySpelling.has(alias)) bySpelling.set(alias, unit);
const byUnece = new Map(UNITS.flatMap((unit) => (unit.unece === undefined ? [] : [[unit.unece, unit] as const])));

const annotation = /^\{[^{}]{1,30}\}$/;

/** The catalogue entry for a UCUM code, if it has one. */
export function unitByCode(code: string): UnitInfo | undefined {
  return byCode.get(code);
}

/** What the UI shows for a stored unit code: the symbol, the text of an annotation, else the code itself. */
export function unitSymbol(code: string): string {
  if (code === '') return '';
  const known = byCode.get(code);
  if (known !== undefined) return known.symbol;
  return annotation.test(code) ? code.slice(1, -1) : code;
}

export type UnitResult = { ok: true; code: string } | { ok: false; message: string };

/**
 * Reads what a person or a file wrote as a unit: a UCUM code of the catalogue, a symbol or
 * common spelling (`°C`, `kWh`), a UN/ECE code (`CEL`), or a `{label}` annotation. Returns
 * the UCUM code to store.
 */
export function normalizeUnit(text: string): UnitResult {
  const value = text.trim();
  if (value === '') return { ok: true, code: '' };
  const known = byCode.get(value) ?? bySpelling.get(value) ?? byUnece.get(value);
  if (known !== undefined) return { ok: true, code: known.code };
  if (annotation.test(value)) return { ok: true, code: value };
  const near = nearUnit(value);
  const hint = near === undefined ? '' : ` (did you mean ${near.code}, ${near.symbol}?)`;
  return {
    ok: false,
    message: `unknown unit "${value}"${hint}; use a UCUM code such as Cel (°C), bar, m3/h or kW.h, or write {${value.replace(/[{}]/g, '').slice(0, 30)}} for a unit that has no code`,
  };
}

/** The one catalogue unit spelled like `text` but for letter case ("KW" -> kW), if exactly one is. */
function nearUnit(text: string): UnitInfo | undefined {
  const lower = text.toLowerCase();
  const matches = new Set([...bySpelling.entries(), ...byCode.entries()].filter(([spelling]) => spelling.toLowerCase() === lower).map(([, unit]) => unit));
  return matches.size === 1 ? [...matches][0] : undefined;
}

/**
 * Schema-1 projects stored free text: keep what maps to a code (also when only the letter
 * case is off and only one unit fits, "KW" -> kW), and keep the rest as an annotation.
 */
export function migrateUnit(text: string): string {
  const result = normalizeUnit(text);
  if (result.ok) return result.code;
  const near = nearUnit(text.trim());
  if (near !== undefined) return near.code;
  return `{${text.trim().replace(/[{}]/g, '').slice(0, 30)}}`;
}
