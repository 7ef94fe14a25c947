// Maps the two event languages DC-09 carries — SIA DCS (ANSI/SIA DC-03, two-letter codes) and
// Ademco Contact ID (SIA DC-05, qualifier + three digits) — into Vigil's normalized vocabulary.
// The raw code always travels with the normalized type so nothing a panel said is lost.

/** Normalized event types produced by DC-09 ingestion. */
export const DC09_EVENT_TYPES = [
  'intrusion',
  'fire',
  'panic',
  'duress',
  'medical',
  'tamper',
  'door_forced',
  'door_held',
  'access_denied',
  'access_granted',
  'environmental',
  'trouble',
  'restore',
  'opening',
  'closing',
  'bypass',
  'cancel',
  'test',
  'supervision',
  'other',
] as const;
export type Dc09EventType = (typeof DC09_EVENT_TYPES)[number];

/** What the number after a code designates. */
type Concerns = 'zone' | 'user' | 'area' | 'none';

interface Meaning {
  type: Dc09EventType;
  concerns: Concerns;
  description: string;
  /** For restores: the type of alarm or condition that returned to normal. */
  restores?: Dc09EventType;
  /** Trouble and environmental detail the device-health view keys on (ac_loss, low_battery…). */
  condition?: string;
}

/** One decoded event, ready to be wrapped for the monitoring pipeline. */
export interface DecodedEvent {
  type: Dc09EventType;
  /** `BA`, `OP`… for SIA DCS; `E130`, `R401`, `P302` for Contact ID (E new, R restore, P previous). */
  rawCode: string;
  description: string;
  zone?: string;
  user?: string;
  area?: string;
  restores?: Dc09EventType;
  condition?: string;
  /** Protocol specifics worth keeping: qualifier, text, peripheral, event time… */
  details: Record<string, unknown>;
}

const m = (
  type: Dc09EventType,
  concerns: Concerns,
  description: string,
  extra: { restores?: Dc09EventType; condition?: string } = {},
): Meaning => ({ type, concerns, description, ...extra });

// ---------------------------------------------------------------------------------------------
// SIA DCS (DC-03) codes.

const SIA: Record<string, Meaning> = {
  // Burglary
  BA: m('intrusion', 'zone', 'Burglary alarm'),
  BB: m('bypass', 'zone', 'Burglary bypass'),
  BC: m('cancel', 'user', 'Burglary cancel'),
  BH: m('restore', 'zone', 'Burglary alarm restore', { restores: 'intrusion' }),
  BJ: m('restore', 'zone', 'Burglary trouble restore', { restores: 'trouble', condition: 'zone_trouble' }),
  BM: m('intrusion', 'zone', 'Burglary alarm, cross point'),
  BR: m('restore', 'zone', 'Burglary restoral', { restores: 'intrusion' }),
  BS: m('trouble', 'zone', 'Burglary supervisory', { condition: 'zone_supervisory' }),
  BT: m('trouble', 'zone', 'Burglary trouble', { condition: 'zone_trouble' }),
  BU: m('restore', 'zone', 'Burglary unbypass', { restores: 'bypass' }),
  BV: m('intrusion', 'zone', 'Burglary verified'),
  BX: m('test', 'zone', 'Burglary test'),
  BZ: m('trouble', 'zone', 'Missing supervision', { condition: 'missing_supervision' }),
  EA: m('intrusion', 'zone', 'Exit alarm'),
  // Fire
  FA: m('fire', 'zone', 'Fire alarm'),
  FB: m('bypass', 'zone', 'Fire bypass'),
  FC: m('cancel', 'user', 'Fire cancel'),
  FH: m('restore', 'zone', 'Fire alarm restore', { restores: 'fire' }),
  FI: m('test', 'zone', 'Fire test begin'),
  FJ: m('restore', 'zone', 'Fire trouble restore', { restores: 'trouble', condition: 'fire_trouble' }),
  FK: m('test', 'zone', 'Fire test end'),
  FR: m('restore', 'zone', 'Fire restoral', { restores: 'fire' }),
  FS: m('trouble', 'zone', 'Fire supervisory', { condition: 'fire_supervisory' }),
  FT: m('trouble', 'zone', 'Fire trouble', { condition: 'fire_trouble' }),
  FU: m('restore', 'zone', 'Fire unbypass', { restores: 'bypass' }),
  FX: m('test', 'zone', 'Fire test'),
  FY: m('trouble', 'zone', 'Missing fire trouble', { condition: 'fire_trouble' }),
  FZ: m('trouble', 'zone', 'Missing fire supervision', { condition: 'missing_supervision' }),
  KA: m('fire', 'zone', 'Heat alarm'),
  KH: m('restore', 'zone', 'Heat alarm restore', { restores: 'fire' }),
  KR: m('restore', 'zone', 'Heat restoral', { restores: 'fire' }),
  KT: m('trouble', 'zone', 'Heat trouble', { condition: 'heat_trouble' }),
  SA: m('fire', 'zone', 'Sprinkler alarm'),
  SH: m('restore', 'zone', 'Sprinkler alarm restore', { restores: 'fire' }),
  SR: m('restore', 'zone', 'Sprinkler restoral', { restores: 'fire' }),
  ST: m('trouble', 'zone', 'Sprinkler trouble', { condition: 'sprinkler_trouble' }),
  // Panic, hold-up (duress), medical, emergency
  PA: m('panic', 'zone', 'Panic alarm'),
  PB: m('bypass', 'zone', 'Panic bypass'),
  PH: m('restore', 'zone', 'Panic alarm restore', { restores: 'panic' }),
  PR: m('restore', 'zone', 'Panic restoral', { restores: 'panic' }),
  PT: m('trouble', 'zone', 'Panic trouble', { condition: 'zone_trouble' }),
  PJ: m('restore', 'zone', 'Panic trouble restore', { restores: 'trouble', condition: 'zone_trouble' }),
  HA: m('duress', 'zone', 'Hold-up / duress alarm'),
  HB: m('bypass', 'zone', 'Hold-up bypass'),
  HH: m('restore', 'zone', 'Hold-up alarm restore', { restores: 'duress' }),
  HR: m('restore', 'zone', 'Hold-up restoral', { restores: 'duress' }),
  HT: m('trouble', 'zone', 'Hold-up trouble', { condition: 'zone_trouble' }),
  HJ: m('restore', 'zone', 'Hold-up trouble restore', { restores: 'trouble', condition: 'zone_trouble' }),
  MA: m('medical', 'zone', 'Medical alarm'),
  MB: m('bypass', 'zone', 'Medical bypass'),
  MH: m('restore', 'zone', 'Medical alarm restore', { restores: 'medical' }),
  MR: m('restore', 'zone', 'Medical restoral', { restores: 'medical' }),
  MT: m('trouble', 'zone', 'Medical trouble', { condition: 'zone_trouble' }),
  MJ: m('restore', 'zone', 'Medical trouble restore', { restores: 'trouble', condition: 'zone_trouble' }),
  QA: m('panic', 'zone', 'Emergency alarm'),
  QR: m('restore', 'zone', 'Emergency restoral', { restores: 'panic' }),
  // Environmental
  GA: m('environmental', 'zone', 'Gas alarm', { condition: 'gas' }),
  GH: m('restore', 'zone', 'Gas alarm restore', { restores: 'environmental', condition: 'gas' }),
  GR: m('restore', 'zone', 'Gas restoral', { restores: 'environmental', condition: 'gas' }),
  GT: m('trouble', 'zone', 'Gas trouble', { condition: 'gas_trouble' }),
  WA: m('environmental', 'zone', 'Water alarm', { condition: 'water' }),
  WH: m('restore', 'zone', 'Water alarm restore', { restores: 'environmental', condition: 'water' }),
  WR: m('restore', 'zone', 'Water restoral', { restores: 'environmental', condition: 'water' }),
  WT: m('trouble', 'zone', 'Water trouble', { condition: 'water_trouble' }),
  ZA: m('environmental', 'zone', 'Freeze alarm', { condition: 'freeze' }),
  ZH: m('restore', 'zone', 'Freeze alarm restore', { restores: 'environmental', condition: 'freeze' }),
  ZR: m('restore', 'zone', 'Freeze restoral', { restores: 'environmental', condition: 'freeze' }),
  ZT: m('trouble', 'zone', 'Freeze trouble', { condition: 'freeze_trouble' }),
  UA: m('intrusion', 'zone', 'Untyped zone alarm'),
  UH: m('restore', 'zone', 'Untyped alarm restore', { restores: 'intrusion' }),
  UR: m('restore', 'zone', 'Untyped zone restoral', { restores: 'intrusion' }),
  UT: m('trouble', 'zone', 'Untyped zone trouble', { condition: 'zone_trouble' }),
  UJ: m('restore', 'zone', 'Untyped trouble restore', { restores: 'trouble', condition: 'zone_trouble' }),
  // Tamper
  TA: m('tamper', 'zone', 'Tamper alarm'),
  TR: m('restore', 'zone', 'Tamper restoral', { restores: 'tamper' }),
  TB: m('bypass', 'zone', 'Tamper bypass'),
  TU: m('restore', 'zone', 'Tamper unbypass', { restores: 'bypass' }),
  JA: m('tamper', 'user', 'User code tamper'),
  XS: m('tamper', 'zone', 'RF receiver tamper'),
  // Power and system troubles
  AT: m('trouble', 'none', 'AC trouble', { condition: 'ac_loss' }),
  AR: m('restore', 'none', 'AC restoral', { restores: 'trouble', condition: 'ac_loss' }),
  YT: m('trouble', 'none', 'System battery trouble', { condition: 'low_battery' }),
  YR: m('restore', 'none', 'System battery restoral', { restores: 'trouble', condition: 'low_battery' }),
  YM: m('trouble', 'none', 'System battery missing', { condition: 'battery_missing' }),
  XT: m('trouble', 'zone', 'Transmitter battery trouble', { condition: 'low_battery' }),
  XR: m('restore', 'zone', 'Transmitter battery restoral', { restores: 'trouble', condition: 'low_battery' }),
  YP: m('trouble', 'none', 'Power supply trouble', { condition: 'power_supply' }),
  YQ: m('restore', 'none', 'Power supply restored', { restores: 'trouble', condition: 'power_supply' }),
  YX: m('trouble', 'none', 'Service required', { condition: 'service_required' }),
  XQ: m('trouble', 'zone', 'RF interference', { condition: 'rf_interference' }),
  XH: m('restore', 'zone', 'RF interference restoral', { restores: 'trouble', condition: 'rf_interference' }),
  // Communications
  YC: m('trouble', 'none', 'Communications fail', { condition: 'communication' }),
  YK: m('restore', 'none', 'Communications restoral', { restores: 'trouble', condition: 'communication' }),
  YS: m('trouble', 'none', 'Communications trouble', { condition: 'communication' }),
  LT: m('trouble', 'none', 'Phone line trouble', { condition: 'communication' }),
  LR: m('restore', 'none', 'Phone line restoral', { restores: 'trouble', condition: 'communication' }),
  NT: m('trouble', 'none', 'Network failure', { condition: 'communication' }),
  NR: m('restore', 'none', 'Network restoral', { restores: 'trouble', condition: 'communication' }),
  // Opening and closing
  OP: m('opening', 'user', 'Opening report'),
  CL: m('closing', 'user', 'Closing report'),
  OA: m('opening', 'area', 'Automatic opening'),
  CA: m('closing', 'area', 'Automatic closing'),
  OG: m('opening', 'area', 'Open area'),
  CG: m('closing', 'area', 'Close area'),
  OR: m('opening', 'user', 'Disarm from alarm'),
  OS: m('opening', 'user', 'Opening by keyswitch'),
  CS: m('closing', 'user', 'Closing by keyswitch'),
  OK: m('opening', 'user', 'Early opening'),
  CK: m('closing', 'user', 'Early closing'),
  CF: m('closing', 'user', 'Forced closing'),
  CW: m('closing', 'area', 'Was force armed'),
  NL: m('closing', 'area', 'Perimeter armed'),
  NF: m('closing', 'area', 'Forced perimeter arm'),
  OC: m('cancel', 'user', 'Cancel report'),
  CI: m('other', 'area', 'Fail to close'),
  OI: m('other', 'area', 'Fail to open'),
  CJ: m('other', 'user', 'Late close'),
  OJ: m('other', 'user', 'Late open'),
  CR: m('other', 'area', 'Recent closing'),
  // Access control
  DD: m('access_denied', 'user', 'Access denied'),
  DK: m('access_denied', 'zone', 'Access lockout'),
  DG: m('access_granted', 'user', 'Access granted'),
  DF: m('door_forced', 'zone', 'Door forced'),
  DN: m('door_held', 'zone', 'Door left open'),
  DR: m('restore', 'zone', 'Door restoral', { restores: 'door_held' }),
  // Tests and status
  RP: m('test', 'none', 'Automatic test'),
  RX: m('test', 'user', 'Manual test'),
  RY: m('test', 'none', 'Test off normal'),
  TX: m('test', 'zone', 'Test report'),
  TS: m('test', 'user', 'Test start'),
  TE: m('test', 'user', 'Test end'),
  RR: m('other', 'none', 'Power up'),
  RS: m('other', 'none', 'Remote program success'),
  RB: m('other', 'none', 'Remote program begin'),
  LB: m('other', 'none', 'Local program begin'),
  LX: m('other', 'none', 'Local program end'),
  JT: m('other', 'user', 'Time changed'),
  YY: m('other', 'none', 'Status report'),
};

// DC-03 codes follow a pattern: the first letter names the zone family, the second the event
// (A alarm, H/R restore, T trouble, J trouble restore, B bypass, U unbypass, X test, S supervisory).
const FAMILY: Record<string, Dc09EventType> = {
  B: 'intrusion',
  F: 'fire',
  G: 'environmental',
  H: 'duress',
  K: 'fire',
  M: 'medical',
  P: 'panic',
  Q: 'panic',
  S: 'fire',
  T: 'tamper',
  U: 'intrusion',
  W: 'environmental',
  Z: 'environmental',
};

function inferSia(code: string): Meaning {
  const family = FAMILY[code[0] ?? ''];
  if (!family) return m('other', 'zone', `SIA code ${code}`);
  switch (code[1]) {
    case 'A':
      return m(family, 'zone', `SIA code ${code} (alarm)`);
    case 'H':
    case 'R':
      return m('restore', 'zone', `SIA code ${code} (restore)`, { restores: family });
    case 'T':
    case 'S':
      return m('trouble', 'zone', `SIA code ${code} (trouble)`, { condition: 'zone_trouble' });
    case 'J':
      return m('restore', 'zone', `SIA code ${code} (trouble restore)`, {
        restores: 'trouble',
        condition: 'zone_trouble',
      });
    case 'B':
      return m('bypass', 'zone', `SIA code ${code} (bypass)`);
    case 'U':
      return m('restore', 'zone', `SIA code ${code} (unbypass)`, { restores: 'bypass' });
    case 'X':
      return m('test', 'zone', `SIA code ${code} (test)`);
    default:
      return m('other', 'zone', `SIA code ${code}`);
  }
}

/** The meaning of a SIA DCS two-letter code (known table first, then the DC-03 letter pattern). */
export function siaCodeMeaning(code: string): Meaning & { known?: boolean } {
  return SIA[code] ?? { ...inferSia(code), known: false };
}

/** One event in a SIA DCS data element, with the modifiers in force where it appeared. */
export interface SiaDcsBlock {
  code: string;
  address?: string;
  area?: string;
  user?: string;
  time?: string;
  peripheral?: string;
  text?: string;
  suffix?: string;
}

const ACCOUNT_PREFIX = /^#?([0-9A-Fa-f]{3,16})?\|/;
const MODIFIER = /^([a-z]{2})([0-9:.-]*)/;
// [\s\S] rather than ".": a line break in hostile data must not make the match backtrack.
const CODE = /^([A-Z]{2})(\d*)([\s\S]*)$/;

function parseBlocks(body: string): SiaDcsBlock[] {
  const context: Omit<SiaDcsBlock, 'code'> = {};
  const events: SiaDcsBlock[] = [];
  for (const raw of body.split('/')) {
    if (raw.length === 0) continue;
    // ^text^ carries a zone or user name; keep it, then read the rest.
    const texts: string[] = [];
    let block = raw.replace(/\^([^^]*)\^?/g, (_, text: string) => {
      texts.push(text.trim());
      return '';
    });
    for (let mod = MODIFIER.exec(block); mod; mod = MODIFIER.exec(block)) {
      const [whole, name = '', value = ''] = mod;
      if (name === 'ri') context.area = value;
      else if (name === 'id') context.user = value;
      else if (name === 'ti') context.time = value;
      else if (name === 'pi') context.peripheral = value;
      block = block.slice(whole.length);
    }
    const code = CODE.exec(block);
    if (!code) continue;
    const [, name = '', address = '', suffix = ''] = code;
    const event: SiaDcsBlock = { code: name, ...context };
    if (address) event.address = address;
    if (suffix.trim()) event.suffix = suffix.trim();
    const text = texts.filter(Boolean).join(' ');
    if (text) event.text = text;
    events.push(event);
  }
  return events;
}

/** Reads a SIA DCS data element (`#acct|Nri1/BA01^Front door^`); empty when it holds no event. */
export function parseSiaDcsData(data: string): { account?: string; events: SiaDcsBlock[] } {
  const prefix = ACCOUNT_PREFIX.exec(data);
  const body = prefix ? data.slice(prefix[0].length) : data;
  const result: { account?: string; events: SiaDcsBlock[] } = { events: [] };
  if (prefix?.[1]) result.account = prefix[1];
  // "N" (new) or "O" (old) event marker; some panels omit it, and "NL" is itself a code.
  const marked = /^[NO]/.test(body) ? parseBlocks(body.slice(1)) : [];
  result.events = marked.length > 0 ? marked : parseBlocks(body);
  return result;
}

/** Decodes a SIA-DCS data element into normalized events; empty when nothing is decodable. */
export function decodeSiaDcs(data: string): DecodedEvent[] {
  return parseSiaDcsData(data).events.map((block) => {
    const meaning = siaCodeMeaning(block.code);
    const event: DecodedEvent = {
      type: meaning.type,
      rawCode: block.code,
      description: meaning.description,
      details: {},
    };
    if (block.area) event.area = block.area;
    if (block.user) event.user = block.user;
    if (block.address) {
      if (meaning.concerns === 'zone') event.zone = block.address;
      else if (meaning.concerns === 'user') event.user = block.address;
      else if (meaning.concerns === 'area') event.area = block.address;
      else event.details.address = block.address;
    }
    if (meaning.restores) event.restores = meaning.restores;
    if (meaning.condition) event.condition = meaning.condition;
    if (meaning.known === false) event.details.inferred = true;
    if (block.text) event.details.text = block.text;
    if (block.time) event.details.panelTime = block.time;
    if (block.peripheral) event.details.peripheral = block.peripheral;
    if (block.suffix) event.details.suffix = block.suffix;
    return event;
  });
}

// ---------------------------------------------------------------------------------------------
// Contact ID (DC-05): `#acct|QEEE GG CCC` — qualifier 1 new event / opening, 3 restore / closing,
// 6 previously reported condition still present; EEE event; GG partition; CCC zone or user.

const CID: Record<string, Meaning> = {
  '100': m('medical', 'zone', 'Medical'),
  '101': m('medical', 'zone', 'Personal emergency'),
  '102': m('medical', 'zone', 'Fail to report in'),
  '110': m('fire', 'zone', 'Fire'),
  '111': m('fire', 'zone', 'Smoke'),
  '112': m('fire', 'zone', 'Combustion'),
  '113': m('fire', 'zone', 'Water flow'),
  '114': m('fire', 'zone', 'Heat'),
  '115': m('fire', 'zone', 'Pull station'),
  '116': m('fire', 'zone', 'Duct'),
  '117': m('fire', 'zone', 'Flame'),
  '118': m('fire', 'zone', 'Near alarm'),
  '120': m('panic', 'zone', 'Panic'),
  '121': m('duress', 'user', 'Duress'),
  '122': m('panic', 'zone', 'Silent panic'),
  '123': m('panic', 'zone', 'Audible panic'),
  '124': m('duress', 'user', 'Duress, access granted'),
  '125': m('duress', 'user', 'Duress, egress granted'),
  '130': m('intrusion', 'zone', 'Burglary'),
  '131': m('intrusion', 'zone', 'Perimeter'),
  '132': m('intrusion', 'zone', 'Interior'),
  '133': m('intrusion', 'zone', '24-hour (safe)'),
  '134': m('intrusion', 'zone', 'Entry/exit'),
  '135': m('intrusion', 'zone', 'Day/night'),
  '136': m('intrusion', 'zone', 'Outdoor'),
  '137': m('tamper', 'zone', 'Tamper'),
  '138': m('intrusion', 'zone', 'Near alarm'),
  '139': m('intrusion', 'zone', 'Intrusion verifier'),
  '140': m('intrusion', 'zone', 'General alarm'),
  '141': m('trouble', 'zone', 'Polling loop open', { condition: 'zone_trouble' }),
  '142': m('trouble', 'zone', 'Polling loop short', { condition: 'zone_trouble' }),
  '143': m('trouble', 'zone', 'Expansion module failure', { condition: 'expansion_module' }),
  '144': m('tamper', 'zone', 'Sensor tamper'),
  '145': m('tamper', 'zone', 'Expansion module tamper'),
  '146': m('intrusion', 'zone', 'Silent burglary'),
  '147': m('trouble', 'zone', 'Sensor supervision failure', { condition: 'missing_supervision' }),
  '150': m('environmental', 'zone', '24-hour non-burglary', { condition: 'auxiliary' }),
  '151': m('environmental', 'zone', 'Gas detected', { condition: 'gas' }),
  '152': m('environmental', 'zone', 'Refrigeration', { condition: 'refrigeration' }),
  '153': m('environmental', 'zone', 'Loss of heat', { condition: 'loss_of_heat' }),
  '154': m('environmental', 'zone', 'Water leakage', { condition: 'water' }),
  '155': m('intrusion', 'zone', 'Foil break'),
  '156': m('trouble', 'zone', 'Day trouble', { condition: 'zone_trouble' }),
  '157': m('environmental', 'zone', 'Low bottled gas level', { condition: 'gas' }),
  '158': m('environmental', 'zone', 'High temperature', { condition: 'high_temperature' }),
  '159': m('environmental', 'zone', 'Low temperature', { condition: 'low_temperature' }),
  '161': m('environmental', 'zone', 'Loss of air flow', { condition: 'air_flow' }),
  '162': m('environmental', 'zone', 'Carbon monoxide', { condition: 'carbon_monoxide' }),
  '163': m('environmental', 'zone', 'Tank level', { condition: 'tank_level' }),
  '200': m('trouble', 'zone', 'Fire supervisory', { condition: 'fire_supervisory' }),
  '201': m('trouble', 'zone', 'Low water pressure', { condition: 'fire_supervisory' }),
  '202': m('trouble', 'zone', 'Low CO2', { condition: 'fire_supervisory' }),
  '203': m('trouble', 'zone', 'Gate valve sensor', { condition: 'fire_supervisory' }),
  '204': m('trouble', 'zone', 'Low water level', { condition: 'fire_supervisory' }),
  '205': m('trouble', 'zone', 'Pump activated', { condition: 'fire_supervisory' }),
  '206': m('trouble', 'zone', 'Pump failure', { condition: 'fire_supervisory' }),
  '300': m('trouble', 'zone', 'System trouble', { condition: 'system' }),
  '301': m('trouble', 'zone', 'AC loss', { condition: 'ac_loss' }),
  '302': m('trouble', 'zone', 'Low system battery', { condition: 'low_battery' }),
  '303': m('trouble', 'zone', 'RAM checksum bad', { condition: 'system' }),
  '304': m('trouble', 'zone', 'ROM checksum bad', { condition: 'system' }),
  '305': m('other', 'zone', 'System reset'),
  '306': m('other', 'zone', 'Panel programming changed'),
  '307': m('trouble', 'zone', 'Self-test failure', { condition: 'system' }),
  '308': m('trouble', 'zone', 'System shutdown', { condition: 'system' }),
  '309': m('trouble', 'zone', 'Battery test failure', { condition: 'low_battery' }),
  '310': m('trouble', 'zone', 'Ground fault', { condition: 'system' }),
  '311': m('trouble', 'zone', 'Battery missing/dead', { condition: 'battery_missing' }),
  '312': m('trouble', 'zone', 'Power supply overcurrent', { condition: 'power_supply' }),
  '313': m('other', 'user', 'Engineer reset'),
  '320': m('trouble', 'zone', 'Sounder/relay', { condition: 'sounder' }),
  '321': m('trouble', 'zone', 'Bell 1', { condition: 'sounder' }),
  '322': m('trouble', 'zone', 'Bell 2', { condition: 'sounder' }),
  '330': m('trouble', 'zone', 'System peripheral trouble', { condition: 'peripheral' }),
  '333': m('trouble', 'zone', 'Expansion module failure', { condition: 'expansion_module' }),
  '337': m('trouble', 'zone', 'Expansion module AC loss', { condition: 'ac_loss' }),
  '338': m('trouble', 'zone', 'Expansion module low battery', { condition: 'low_battery' }),
  '341': m('tamper', 'zone', 'Expansion module tamper'),
  '342': m('trouble', 'zone', 'Expansion module AC loss', { condition: 'ac_loss' }),
  '344': m('trouble', 'zone', 'RF receiver jam', { condition: 'rf_interference' }),
  '350': m('trouble', 'zone', 'Communication trouble', { condition: 'communication' }),
  '351': m('trouble', 'zone', 'Telco 1 fault', { condition: 'communication' }),
  '352': m('trouble', 'zone', 'Telco 2 fault', { condition: 'communication' }),
  '353': m('trouble', 'zone', 'Long-range radio trouble', { condition: 'communication' }),
  '354': m('trouble', 'zone', 'Failure to communicate', { condition: 'communication' }),
  '355': m('trouble', 'zone', 'Loss of radio supervision', { condition: 'communication' }),
  '356': m('trouble', 'zone', 'Loss of central polling', { condition: 'communication' }),
  '370': m('trouble', 'zone', 'Protection loop', { condition: 'zone_trouble' }),
  '371': m('trouble', 'zone', 'Protection loop open', { condition: 'zone_trouble' }),
  '372': m('trouble', 'zone', 'Protection loop short', { condition: 'zone_trouble' }),
  '373': m('trouble', 'zone', 'Fire trouble', { condition: 'fire_trouble' }),
  '374': m('intrusion', 'zone', 'Exit error alarm'),
  '380': m('trouble', 'zone', 'Sensor trouble', { condition: 'zone_trouble' }),
  '381': m('trouble', 'zone', 'Loss of supervision (RF)', { condition: 'missing_supervision' }),
  '382': m('trouble', 'zone', 'Loss of supervision (RPM)', { condition: 'missing_supervision' }),
  '383': m('tamper', 'zone', 'Sensor tamper'),
  '384': m('trouble', 'zone', 'RF low battery', { condition: 'low_battery' }),
  '389': m('trouble', 'zone', 'Sensor self-test failure', { condition: 'zone_trouble' }),
  '393': m('trouble', 'zone', 'Maintenance alert', { condition: 'service_required' }),
  '400': m('opening', 'user', 'Open/close'),
  '401': m('opening', 'user', 'Open/close by user'),
  '402': m('opening', 'area', 'Group open/close'),
  '403': m('opening', 'area', 'Automatic open/close'),
  '407': m('opening', 'user', 'Remote arm/disarm'),
  '408': m('opening', 'area', 'Quick arm'),
  '409': m('opening', 'user', 'Keyswitch open/close'),
  '441': m('opening', 'user', 'Armed stay'),
  '442': m('opening', 'user', 'Keyswitch armed stay'),
  '406': m('cancel', 'user', 'Cancel'),
  '411': m('other', 'zone', 'Callback request'),
  '412': m('other', 'zone', 'Successful download/access'),
  '413': m('other', 'zone', 'Unsuccessful access'),
  '421': m('access_denied', 'user', 'Access denied'),
  '422': m('access_granted', 'user', 'Access report by user'),
  '423': m('door_forced', 'zone', 'Forced access'),
  '424': m('access_denied', 'user', 'Egress denied'),
  '425': m('access_granted', 'user', 'Egress granted'),
  '426': m('door_held', 'zone', 'Access door propped open'),
  '427': m('trouble', 'zone', 'Access point door-status monitor trouble', { condition: 'access_point' }),
  '428': m('trouble', 'zone', 'Access point request-to-exit trouble', { condition: 'access_point' }),
  '451': m('other', 'user', 'Early open/close'),
  '452': m('other', 'user', 'Late open/close'),
  '453': m('other', 'user', 'Failed to open'),
  '454': m('other', 'user', 'Failed to close'),
  '455': m('other', 'area', 'Auto-arm failed'),
  '456': m('closing', 'user', 'Partial arm'),
  '457': m('intrusion', 'user', 'Exit error'),
  '458': m('other', 'user', 'User on premises'),
  '459': m('other', 'user', 'Recent close'),
  '461': m('access_denied', 'zone', 'Wrong code entry'),
  '570': m('bypass', 'zone', 'Zone bypass'),
  '571': m('bypass', 'zone', 'Fire bypass'),
  '572': m('bypass', 'zone', '24-hour zone bypass'),
  '573': m('bypass', 'zone', 'Burglary bypass'),
  '574': m('bypass', 'user', 'Group bypass'),
  '601': m('test', 'zone', 'Manual trigger test'),
  '602': m('test', 'zone', 'Periodic test'),
  '603': m('supervision', 'zone', 'Periodic RF transmission'),
  '604': m('test', 'user', 'Fire test'),
  '605': m('other', 'zone', 'Status report to follow'),
  '607': m('test', 'user', 'Walk test mode'),
  '608': m('test', 'zone', 'Periodic test, system trouble present'),
  '611': m('test', 'zone', 'Point tested OK'),
  '613': m('test', 'zone', 'Intrusion zone walk tested'),
  '614': m('test', 'zone', 'Fire zone walk tested'),
  '615': m('test', 'zone', 'Panic zone walk tested'),
  '616': m('trouble', 'zone', 'Service request', { condition: 'service_required' }),
  '625': m('other', 'user', 'Time/date reset'),
  '627': m('other', 'user', 'Program mode entry'),
  '628': m('other', 'user', 'Program mode exit'),
};

// Opening/closing events turn on the qualifier: 1 = opening (disarm), 3 = closing (arm).
const OPEN_CLOSE = new Set(['400', '401', '402', '403', '407', '408', '409', '441', '442']);

const CID_PATTERN =
  /^(?:#?([0-9A-Fa-f]{3,16})?\|)?\s*([136ERP])\s*(\d{3})\s*([0-9A-Fa-f]{2})\s*([0-9A-Fa-f]{3})([\s\S]*)$/;
const QUALIFIER: Record<string, '1' | '3' | '6'> = { '1': '1', E: '1', '3': '3', R: '3', '6': '6', P: '6' };
const QUALIFIER_LETTER = { '1': 'E', '3': 'R', '6': 'P' } as const;

/** A Contact ID event as transmitted. */
export interface ContactIdReport {
  account?: string;
  qualifier: '1' | '3' | '6';
  code: string;
  partition: string;
  zoneOrUser: string;
  text?: string;
}

/** Reads a Contact ID data element (`#1234|1130 01 015`); undefined when it is not one. */
export function parseContactIdData(data: string): ContactIdReport | undefined {
  const match = CID_PATTERN.exec(data);
  if (!match) return undefined;
  const [, account, qualifier = '', code = '', partition = '', zoneOrUser = '', rest = ''] = match;
  const report: ContactIdReport = {
    qualifier: QUALIFIER[qualifier] ?? '1',
    code,
    partition,
    zoneOrUser,
  };
  if (account) report.account = account;
  const text = /\^([^^]*)\^?/.exec(rest)?.[1]?.trim();
  if (text) report.text = text;
  return report;
}

function cidMeaning(code: string): Meaning & { known?: boolean } {
  const known = CID[code];
  if (known) return known;
  // Unlisted codes still land in their DC-05 group rather than in "other".
  const group = code[0];
  const inferred =
    group === '1'
      ? m('intrusion', 'zone', `Contact ID alarm ${code}`)
      : group === '2'
        ? m('trouble', 'zone', `Contact ID supervisory ${code}`, { condition: 'fire_supervisory' })
        : group === '3'
          ? m('trouble', 'zone', `Contact ID trouble ${code}`, { condition: 'system' })
          : group === '4'
            ? m('other', 'user', `Contact ID open/close/access ${code}`)
            : group === '5'
              ? m('bypass', 'zone', `Contact ID bypass ${code}`)
              : group === '6'
                ? m('test', 'zone', `Contact ID test/misc ${code}`)
                : m('other', 'zone', `Contact ID event ${code}`);
  return { ...inferred, known: false };
}

/** Decodes an ADM-CID data element into normalized events; empty when it is not Contact ID. */
export function decodeContactId(data: string): DecodedEvent[] {
  const report = parseContactIdData(data);
  if (!report) return [];
  const meaning = cidMeaning(report.code);
  let type = meaning.type;
  let restores: Dc09EventType | undefined = meaning.restores;
  if (OPEN_CLOSE.has(report.code)) {
    type = report.qualifier === '3' ? 'closing' : 'opening';
  } else if (report.qualifier === '3' && !['test', 'other', 'cancel', 'opening', 'closing'].includes(type)) {
    restores = type;
    type = 'restore';
  }
  const event: DecodedEvent = {
    type,
    rawCode: `${QUALIFIER_LETTER[report.qualifier]}${report.code}`,
    description: meaning.description,
    details: { qualifier: report.qualifier, partition: report.partition },
  };
  if (report.partition !== '00') event.area = report.partition;
  if (meaning.concerns === 'user') event.user = report.zoneOrUser;
  else event.zone = report.zoneOrUser;
  if (restores) event.restores = restores;
  if (meaning.condition) event.condition = meaning.condition;
  if (report.qualifier === '6') event.details.previouslyReported = true;
  if (meaning.known === false) event.details.inferred = true;
  if (report.text) event.details.text = report.text;
  return [event];
}

/** Builds a SIA DCS data element (panel side): `#acct|Nri<area>/<code><address>`. */
export function siaDcsData(account: string, code: string, address = '', area?: string): string {
  return `#${account}|N${area === undefined ? '' : `ri${area}/`}${code}${address}`;
}

/** Builds a Contact ID data element (panel side): `#acct|QEEE GG CCC`. */
export function contactIdData(
  account: string,
  qualifier: '1' | '3' | '6',
  code: string,
  partition = '01',
  zoneOrUser = '000',
): string {
  return `#${account}|${qualifier}${code} ${partition} ${zoneOrUser}`;
}
